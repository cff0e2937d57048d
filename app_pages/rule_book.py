"""Rule book: the pathway as a picture, how verdicts are derived, and every row of the table."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.tables import pathway_dot, rule_records, rule_sections
from rules import RULES, Approach, how_verdicts_are_derived, rules_version
from rules.markdown import escape_markdown


@st.cache_data
def _sections() -> list[tuple[str, str, list[dict[str, str]]]]:
    """The static rule rows by kind (no patient data)."""
    return [
        (section.title, section.caption, rule_records(section.rules)) for section in rule_sections()
    ]


@st.cache_data
def _dot() -> str:
    return pathway_dot()


def main() -> None:
    """Version, picture and procedure first, then the table by kind."""
    st.title("Rule book")
    st.markdown(
        f"{len(RULES)} rules over {len(Approach)} options. Rules version `{rules_version()}`: "
        "it changes whenever a rule, a score table or a reference changes, and every "
        "assessment carries it."
    )
    st.header("The pathway")
    st.caption(
        "Drawn from the rule table itself: the facts the need rows read, the four needs with "
        "the values they can take, the ceilings (by code) that those needs drive, and the "
        "options each ceiling caps. Reasons for and against then weigh each option."
    )
    st.graphviz_chart(
        _dot(),
        width="stretch",
        alt="Flow diagram: inputs to the four needs, to the ceilings, to the seven options.",
    )
    st.header("How verdicts are derived")
    st.markdown(
        "\n\n".join(escape_markdown(line) for line in how_verdicts_are_derived().splitlines())
    )
    for title, caption, records in _sections():
        st.header(f"{title} ({len(records)})", anchor=False)
        st.caption(caption)
        st.table(pd.DataFrame(records), hide_index=True)


main()
