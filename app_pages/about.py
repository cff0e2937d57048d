"""About: intended use, what the tool does not do, the limits of the scores, how to grade."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.patient_form import GROUPS, FieldGroup
from app_pages.render import (
    citation_markdown,
)
from evidence import registry
from rules import APPROACH_SHORT_LABELS, DISCLAIMER, rules_version
from rules.markdown import escape_markdown


def _cite(reference_id: str) -> str:
    return citation_markdown(registry()[reference_id])


def _grading_rows(group: FieldGroup) -> list[dict[str, str]]:
    return [
        {
            "Field": f"{escape_markdown(spec.label)} (`{spec.name}`)",
            "How to grade it": escape_markdown(spec.help),
        }
        for spec in group.fields
    ]


def main() -> None:
    """The page, in reading order."""
    st.title("About this prototype")
    st.error(DISCLAIMER, icon=":material/gpp_maybe:")

    st.header("What it is for")
    st.markdown(
        "A teaching and research aid for spine surgeons, oncologists, radiotherapists and "
        "residents who prepare a tumour board or discuss a case of spinal metastasis. Given "
        f"what is known about one patient, it first settles the four NOMS assessments "
        f"(decompression, stabilisation, cement candidacy, fitness), then weighs "
        f"{len(APPROACH_SHORT_LABELS)} ways of managing the lesion ("
        + "; ".join(label.lower() for label in APPROACH_SHORT_LABELS.values())
        + "), ranks them and shows every reason for and against each, with the published "
        "evidence behind it."
    )

    st.header("What it does not do")
    st.markdown(
        "- It does not make or replace a clinical decision. The multidisciplinary team, "
        "the patient's wishes and the full clinical picture decide.\n"
        "- It is not for emergencies: a rapidly progressing deficit needs the spine team "
        "now, not a calculator.\n"
        "- It does not read images. Every grade (SINS items, Bilsky, Frankel) is your "
        "reading of the scans and the examination.\n"
        "- It covers thoracic and lumbar levels; at cervical and sacral levels the "
        "operations are marked out of scope.\n"
        "- It does not plan an operation (levels to fuse, implants, cement, embolisation "
        "technique) or a radiotherapy dose.\n"
        "- It stores nothing: inputs are held in memory for your browser session only and "
        "are gone when you close it. Do not type names, record numbers or dates of birth."
    )

    st.header("The scores have limits")
    st.markdown(
        "The prognostic scores often disagree with each other for the same patient, and "
        "none of them is accurate for an individual. The tool shows all of them with their "
        "working, and a range rather than a guess when inputs are missing; it warns when "
        "they point in different directions.\n\n"
        "- Across ten studies and 1,686 patients, the revised (modified) Tokuhashi score "
        "placed patients in the right survival group about 63% of the time overall. "
        f"{_cite('zoccali2016_tokuhashi_pitfalls')}\n"
        "- In a prospective study of 202 patients, discrimination for one-year survival "
        "(c-statistic) was 0.79 for the New England Spinal Metastasis Score, against 0.69 "
        "for Tomita, 0.67 for Tokuhashi and 0.54 for SINS. "
        f"{_cite('schoenfeld2022_nesms_prospective')}\n"
        "- The Tomita point values here come from secondary sources and have not been "
        "checked against the original paper. "
        f"{_cite('tomita2001_surgical_strategy')}\n"
        "- SINS measures mechanical stability, not survival; a low value in the survival "
        "comparison above is expected. "
        f"{_cite('fisher2010_sins')}"
    )
    st.markdown(
        "The evidence for some options is thin (case reports and small series). Each "
        "citation shows its study design and level of evidence, and whether the record was "
        "verified: anything marked *not verified* or *unresolved* should be checked before "
        "it is relied on."
    )

    st.header("How to grade the inputs")
    st.markdown(
        "Anything you do not know can stay *unknown*: a rule never fires on a guess, and "
        "each score then shows the range it could take."
    )
    for group in GROUPS:
        st.subheader(group.title)
        st.caption(escape_markdown(group.caption))
        st.table(pd.DataFrame(_grading_rows(group)), hide_index=True)

    st.header("Version")
    st.markdown(
        f"Rules version `{rules_version()}`. It changes whenever a rule, a score table or "
        "a reference changes; downloads of an assessment carry it."
    )
    st.caption(DISCLAIMER)


main()
