"""Assess: the patient form beside the result. Validate with rules, assess, show.

The last result lives in ``st.session_state`` (this session only) so it survives reruns
and visits to other pages. Nothing about the patient is written to files, logs or the
address bar: the only query parameter is ``?case=<teaching case id>``, which opens a
shipped teaching case assessed. A case sent from another page (the case library) arrives
through ``request_form_state`` and is assessed as if it had been typed in and submitted.
After each submission the page brings the answer into view and announces it.
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from app_pages.patient_form import (
    FIELDS,
    apply_requested_state,
    default_state,
    field_label,
    form_values,
    patient_form,
    patient_state,
    problem_sentence,
    request_form_state,
    seed_widget_state,
)
from app_pages.render import (
    ANSWER_KEY,
    announcement,
    download_name,
    friendly_errors,
    render_assessment,
    reveal,
)
from app_pages.scenarios import (
    CASE_PARAM,
    changed_state,
    follow_switch,
    linked_case,
    request_comparison,
)
from app_pages.what_if import ANSWER_TAB, TABS_KEY, WHAT_IF_TAB, render_what_if
from rules import Assessment, InputProblem, assess, parse_patient
from rules.pdf_report import pdf_report
from rules.whatif import Flip, what_if

RESULT_KEY = "assess_result"
WHAT_IF_KEY = "assess_what_if"

PROBLEMS_KEY = "assess_problems"
SUBMITTED_KEY = "assess_submitted_inputs"
PENDING_KEY = "assess_pending"
# Counts submissions in this session, so the reveal script runs once per submission.
REVEAL_KEY = "assess_reveal"
# The teaching case the address names and the form still shows, if any.
LINKED_KEY = "assess_linked_case"
PROBLEMS_BOX_KEY = "assess_problems_box"


def _form_state() -> dict[str, object]:
    return {name: st.session_state.get(name) for name in FIELDS}


def _on_submit() -> None:
    """Remember that the form was sent; the page evaluates it inside its error guard.

    A case typed in or changed is no longer the teaching case the address names.
    """
    st.session_state[PENDING_KEY] = True
    st.session_state[SUBMITTED_KEY] = _form_state()
    linked = st.session_state.get(LINKED_KEY)
    if linked is None or st.session_state[SUBMITTED_KEY] != linked[1]:
        st.session_state.pop(LINKED_KEY, None)
        st.query_params.pop(CASE_PARAM, None)


def _on_try(flip: Flip) -> None:
    """Put one what-if change into the form and assess it."""
    request_form_state(changed_state(_form_state(), flip))


def _on_compare_flip(flip: Flip) -> None:
    """The current case as scenario A, the same with one what-if change as B, compared."""
    current = _form_state()
    request_comparison(current, changed_state(current, flip))


def _on_compare_current() -> None:
    """Start Compare from the case just assessed: it goes into both scenarios."""
    current = _form_state()
    request_comparison(current, current)


def _on_new_case() -> None:
    for name, value in default_state().items():
        st.session_state[name] = value
    for key in (RESULT_KEY, PROBLEMS_KEY, SUBMITTED_KEY, PENDING_KEY, WHAT_IF_KEY):
        st.session_state.pop(key, None)


def _take_requested_case() -> None:
    """A case sent from another page: show it in the form and assess it like a submission."""
    requested = apply_requested_state()
    if requested is not None:
        for key in (RESULT_KEY, PROBLEMS_KEY):
            st.session_state.pop(key, None)
        st.session_state[SUBMITTED_KEY] = requested
        st.session_state[PENDING_KEY] = True


def _take_linked_case() -> None:
    """``?case=<id>`` opens that teaching case assessed, once per link (not on every rerun).

    An unknown id is ignored and dropped from the address.
    """
    slug = st.query_params.get(CASE_PARAM)
    if slug is None:
        return
    case = linked_case(slug)
    if case is None:
        st.query_params.pop(CASE_PARAM, None)
        return
    linked = st.session_state.get(LINKED_KEY)
    if linked is not None and linked[0] == slug:
        return
    state = patient_state(case.patient)
    request_form_state(state)
    st.session_state[LINKED_KEY] = (slug, {name: state.get(name) for name in FIELDS})


def _render_pdf_download(result: Assessment) -> None:
    # A callable is run only when the button is pressed, so reruns do not build the PDF.
    st.download_button(
        "Download PDF report",
        data=partial(pdf_report, result),
        file_name=download_name(result, "pdf"),
        mime="application/pdf",
        on_click="ignore",
        icon=":material/picture_as_pdf:",
        key="download_pdf",
    )


def _render_result(result: Assessment) -> None:
    """The answer with its downloads, and what would change it, on two tabs."""
    labels = {name: field_label(name) for name in FIELDS}
    # Lazy tabs: the what-if analysis (about a hundred evaluations) runs only when its tab
    # is open, so submitting the form costs one assessment.
    answer_tab, what_if_tab = st.tabs([ANSWER_TAB, WHAT_IF_TAB], key=TABS_KEY, on_change="rerun")
    with answer_tab:
        render_assessment(result, labels=labels)
        _render_pdf_download(result)
        st.button(
            "Compare with a changed copy",
            on_click=_on_compare_current,
            icon=":material/compare_arrows:",
            key="assess_to_compare",
            help="Opens Compare with this case in both scenarios; change scenario B.",
        )
    if not what_if_tab.open:
        return
    with what_if_tab, friendly_errors("the what-if analysis"):
        # Computed once per submission and kept with the result in this session only.
        analysis = st.session_state.get(WHAT_IF_KEY)
        if analysis is None or analysis[0] != result.patient:
            analysis = (result.patient, what_if(result.patient))
            st.session_state[WHAT_IF_KEY] = analysis
        render_what_if(
            analysis[1],
            order=[option.approach for option in result.options],
            on_try=_on_try,
            on_compare=_on_compare_flip,
        )


def _evaluate_submission() -> None:
    parsed = parse_patient(form_values({name: st.session_state.get(name) for name in FIELDS}))
    if isinstance(parsed, list):
        st.session_state[PROBLEMS_KEY] = parsed
        st.session_state.pop(RESULT_KEY, None)
    else:
        st.session_state[PROBLEMS_KEY] = []
        st.session_state[RESULT_KEY] = assess(parsed)
    st.session_state[REVEAL_KEY] = st.session_state.get(REVEAL_KEY, 0) + 1


def main() -> None:
    """Lay out the page: form on the left, result on the right (stacked on narrow screens)."""
    follow_switch()
    st.title("Assess a spinal metastasis")
    revealing = False
    with friendly_errors("evaluating the form"):
        _take_linked_case()
        _take_requested_case()
        if st.session_state.pop(PENDING_KEY, False):
            _evaluate_submission()
            revealing = True
    problems: list[InputProblem] = st.session_state.get(PROBLEMS_KEY, [])
    result: Assessment | None = st.session_state.get(RESULT_KEY)

    form_column, result_column = st.columns([5, 7], gap="large")
    with form_column, st.container(key="assess_form"):
        st.caption(
            "Leave anything you do not know as unknown: scores then show their possible "
            "range and no rule fires on a guess."
        )
        seed_widget_state(st.session_state.get(SUBMITTED_KEY))
        patient_form(problems, on_submit=_on_submit)
        st.button(
            "New case", on_click=_on_new_case, icon=":material/restart_alt:", key="assess_new_case"
        )
    with result_column, st.container(key="assess_result"):
        if problems:
            with st.container(key=PROBLEMS_BOX_KEY):
                st.error(
                    "The form has problems; nothing was assessed:\n\n"
                    + "\n".join(f"- {problem_sentence(problem)}" for problem in problems),
                    icon=":material/error:",
                )
        elif result is None:
            st.info(
                "Fill in the level and the primary tumour (everything else may stay "
                "unknown), then press **Assess**. The options, their reasons and the "
                "evidence appear here.",
                icon=":material/info:",
            )
        else:
            with friendly_errors("showing the assessment"):
                _render_result(result)
    if revealing:
        nonce = st.session_state[REVEAL_KEY]
        if problems:
            count = len(problems)
            reveal(
                PROBLEMS_BOX_KEY,
                f"Not assessed: {count} problem{'s' if count != 1 else ''}.",
                nonce,
            )
        elif result is not None:
            reveal(ANSWER_KEY, announcement(result), nonce)


main()
