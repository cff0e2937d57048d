"""Case library: the shipped teaching cases, each loadable into Assess or the quiz in one click.

The cases, their teaching points and their evidence come from ``rules.case_library``;
this page lists them and opens a chosen case on Assess at ``/?case=<id>`` (a link that
can be shared) or hands it to the quiz through session state.
"""

from __future__ import annotations

import streamlit as st

from app_pages.patient_form import FIELDS
from app_pages.render import (
    citations_markdown,
)
from app_pages.scenarios import ASSESS_PAGE, CASE_PARAM, request_quiz
from evidence import registry
from rules.case_library import TeachingCase, shipped_library
from rules.markdown import escape_markdown
from rules.patient import glance_parts

QUIZ_PAGE = "app_pages/quiz.py"
CARD_COLUMNS = 2


def glance_markdown(case: TeachingCase) -> str:
    """The case's key inputs on one line: '**T8 · lung · KPS 40** · 7 of 23 inputs known'."""
    patient = case.patient
    known = sum(getattr(patient, name) is not None for name in FIELDS if name != "case_label")
    parts = [f"**{part}**" for part in glance_parts(patient)]
    return " · ".join(parts) + f" · :small[{known} of {len(FIELDS) - 1} inputs known]"


def _case_card(case: TeachingCase) -> None:
    with st.container(border=True, key=f"case_{case.slug}"):
        st.markdown(f"### {escape_markdown(case.title)}", anchors=False)
        st.markdown(glance_markdown(case))
        st.markdown(f"**Teaching point.** {escape_markdown(case.teaching_point)}")
        st.markdown(":small[Evidence:] " + citations_markdown(case.evidence, registry()))
        with st.container(horizontal=True):
            if st.button(
                "Load into Assess",
                key=f"load_case_{case.slug}",
                type="primary",
                icon=":material/stethoscope:",
            ):
                # The address names the case (a link to share), never its inputs.
                st.switch_page(ASSESS_PAGE, query_params={CASE_PARAM: case.slug})
            if st.button("Quiz me on it", key=f"quiz_case_{case.slug}", icon=":material/quiz:"):
                request_quiz(case.slug)
                st.switch_page(QUIZ_PAGE)


def main() -> None:
    """A short introduction, then the cases as cards, two to a row."""
    st.title("Case library")
    library = shipped_library()
    for problem in library.problems:
        st.warning(escape_markdown(problem), icon=":material/warning:")
    cases = library.cases
    st.markdown(
        f"{len(cases)} teaching cases, each with the point it makes and the evidence it "
        "illustrates. **Load into Assess** fills in the form and shows the options, their "
        "reasons and what would change the answer; **Quiz me on it** hides the answer first."
    )
    st.header("The cases", anchor=False)
    columns = st.columns(CARD_COLUMNS, gap="medium")
    for index, case in enumerate(cases):
        with columns[index % CARD_COLUMNS]:
            _case_card(case)


if __name__ == "__main__":
    main()
