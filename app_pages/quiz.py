"""Quiz: a teaching case with the answer hidden; the learner chooses, then reveals the tool's.

Everything about the quiz lives in ``st.session_state`` for this browser session only. The
tool's answer is ``rules.assess`` of the case, shown with ``render_assessment``.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from app_pages.patient_form import FIELDS, choice_label, field_label
from app_pages.render import (
    ORDINALS,
    card_summary,
    citations_markdown,
    friendly_errors,
    render_assessment,
    render_option_card,
    verdict_badge,
)
from app_pages.scenarios import take_quiz_request
from evidence import registry
from rules import APPROACH_LABELS, Approach, Assessment, assess
from rules.case_library import TeachingCase, case_by_slug, teaching_cases
from rules.markdown import escape_markdown
from rules.patient import glance_parts

CASE_KEY = "quiz_case"
CURRENT_KEY = "quiz_current_case"
SCORE_KEY = "quiz_score"
ANSWER_KEY = "quiz_answer"
BEST_KEY = "quiz_best"
RANK_KEYS = tuple(f"quiz_rank_{position}" for position in range(2, len(Approach) + 1))
REVEAL_KEY = "quiz_reveal"
NO_PICK_KEY = "quiz_no_pick"


@dataclass(frozen=True)
class QuizAnswer:
    """What the learner chose for one case, kept once they reveal the tool's answer."""

    slug: str
    best: Approach
    ranking: tuple[Approach | None, ...]  # the learner's 2nd to last, None where left blank

    @property
    def order(self) -> tuple[Approach | None, ...]:
        """The learner's ranking from first to last."""
        return (self.best, *self.ranking)


# --- pure -------------------------------------------------------------------------------------


def input_records(case: TeachingCase) -> list[dict[str, str]]:
    """The case's known inputs as table rows, in the form's order, with their meaning."""
    patient = case.patient
    records: list[dict[str, str]] = []
    for name, spec in FIELDS.items():
        value = getattr(patient, name)
        if name == "case_label" or value is None:
            continue
        shown = f"{value:g}" if isinstance(value, float) else choice_label(spec)(value)
        records.append({"Input": spec.label, "Value": shown})
    return records


def unknown_inputs(case: TeachingCase) -> list[str]:
    """Labels of the inputs the case leaves unknown."""
    return [
        field_label(name)
        for name in FIELDS
        if name != "case_label" and getattr(case.patient, name) is None
    ]


def tool_rank(assessment: Assessment, approach: Approach) -> int:
    """Where the tool ranks an option, 1 = first."""
    return [option.approach for option in assessment.options].index(approach) + 1


def agreement_markdown(answer: QuizAnswer, assessment: Assessment) -> tuple[bool, str]:
    """Whether the learner's first choice is the tool's, and that in a sentence with badges."""
    top = assessment.options[0]
    chosen = next(option for option in assessment.options if option.approach is answer.best)
    if chosen is top:
        return True, (
            f"**Same first choice as the tool:** {escape_markdown(top.label)} "
            f"{verdict_badge(top.verdict)}"
        )
    return False, (
        f"**The tool puts first:** {escape_markdown(top.label)} {verdict_badge(top.verdict)}  \n"
        f"**Your choice,** {escape_markdown(chosen.label)}, comes "
        f"{ORDINALS[tool_rank(assessment, answer.best) - 1]} of {len(assessment.options)}: "
        f"{verdict_badge(chosen.verdict)}"
    )


def ranking_records(answer: QuizAnswer, assessment: Assessment) -> list[dict[str, str]]:
    """The learner's ranking beside the tool's, position by position."""
    records: list[dict[str, str]] = []
    for position, (mine, tools) in enumerate(zip(answer.order, assessment.options, strict=True)):
        records.append(
            {
                "Position": ORDINALS[position],
                "Yours": APPROACH_LABELS[mine] if mine else "-",
                "The tool's": f"{tools.label} ({verdict_badge(tools.verdict)})",
                "Same": "✓" if mine is tools.approach else "",
            }
        )
    return records


def score_markdown(score: dict[str, bool]) -> str:
    """The running score: cases revealed, and how many first choices matched the tool's."""
    if not score:
        return "Score this session: no case revealed yet."
    matched = sum(score.values())
    return (
        f"Score this session: your first choice matched the tool's in **{matched} of "
        f"{len(score)}** case{'s' if len(score) != 1 else ''} (the first try at each counts)."
    )


def repeated(order: Sequence[Approach | None]) -> list[Approach]:
    """Options the learner placed more than once."""
    chosen = [approach for approach in order if approach is not None]
    return [approach for approach in dict.fromkeys(chosen) if chosen.count(approach) > 1]


# --- state --------------------------------------------------------------------------------------


def _clear_answer() -> None:
    st.session_state.pop(ANSWER_KEY, None)
    st.session_state.pop(NO_PICK_KEY, None)
    st.session_state[BEST_KEY] = None
    for key in RANK_KEYS:
        st.session_state[key] = None


def _show_case(slug: str) -> None:
    st.session_state[CASE_KEY] = slug
    st.session_state[CURRENT_KEY] = slug
    _clear_answer()


def _on_case_change() -> None:
    st.session_state[CURRENT_KEY] = st.session_state[CASE_KEY]
    _clear_answer()


def _on_random_case() -> None:
    current = st.session_state.get(CURRENT_KEY)
    others = [case.slug for case in teaching_cases() if case.slug != current]
    _show_case(secrets.choice(others))


def _on_reveal() -> None:
    best = st.session_state.get(BEST_KEY)
    if best is None:
        st.session_state[NO_PICK_KEY] = True
        return
    st.session_state.pop(NO_PICK_KEY, None)
    slug = st.session_state[CURRENT_KEY]
    st.session_state[ANSWER_KEY] = QuizAnswer(
        slug=slug,
        best=best,
        ranking=tuple(st.session_state.get(key) for key in RANK_KEYS),
    )
    score: dict[str, bool] = st.session_state.setdefault(SCORE_KEY, {})
    if slug not in score:
        score[slug] = assess(case_by_slug(slug).patient).options[0].approach is best


def _seed_state() -> None:
    """Open a requested case, else keep the current one (widgets forget it between pages)."""
    requested = take_quiz_request()
    if requested is not None:
        _show_case(requested)
        return
    current = st.session_state.get(CURRENT_KEY) or teaching_cases()[0].slug
    st.session_state[CURRENT_KEY] = current
    if CASE_KEY not in st.session_state:
        st.session_state[CASE_KEY] = current
    answer: QuizAnswer | None = st.session_state.get(ANSWER_KEY)
    if answer is not None and BEST_KEY not in st.session_state:
        st.session_state[BEST_KEY] = answer.best
        for key, approach in zip(RANK_KEYS, answer.ranking, strict=True):
            st.session_state[key] = approach


# --- layout -------------------------------------------------------------------------------------


def quiz_label(case: TeachingCase) -> str:
    """A neutral name for the case: its number and key inputs, never its title.

    The titles state the teaching point ("outside the knowledge base"), which would
    give the answer away; the title is shown once the answer is revealed.
    """
    number = [c.slug for c in teaching_cases()].index(case.slug) + 1
    return f"Case {number}: " + ", ".join(glance_parts(case.patient))


def _learner_column(case: TeachingCase, answer: QuizAnswer | None) -> None:
    st.header(case.title if answer is not None else quiz_label(case), anchor=False)
    st.table(pd.DataFrame(input_records(case)), hide_index=True)
    unknown = unknown_inputs(case)
    if unknown:
        st.caption("Unknown: " + escape_markdown(", ".join(unknown)) + ".")
    revealed = answer is not None
    if answer is not None:
        # Said in words once revealed: a disabled radio greys out to unreadable contrast.
        st.markdown(f"**Your first choice:** {escape_markdown(APPROACH_LABELS[answer.best])}")
    else:
        st.radio(
            "Which option would you put first?",
            list(Approach),
            index=None,
            format_func=APPROACH_LABELS.__getitem__,
            key=BEST_KEY,
        )
        with st.expander(f"Rank the other {len(Approach) - 1} (optional)"):
            for position, key in enumerate(RANK_KEYS, start=2):
                st.selectbox(
                    ORDINALS[position - 1],
                    list(Approach),
                    index=None,
                    format_func=APPROACH_LABELS.__getitem__,
                    key=key,
                    placeholder="not ranked",
                )
    if st.session_state.get(NO_PICK_KEY):
        st.warning(
            "Choose the option you would put first, then reveal.", icon=":material/touch_app:"
        )
    with st.container(horizontal=True):
        st.button(
            "Reveal the tool's answer",
            type="primary",
            on_click=_on_reveal,
            key=REVEAL_KEY,
            disabled=revealed,
            icon=":material/visibility:",
        )
        st.button("Try again", on_click=_clear_answer, key="quiz_retry", disabled=not revealed)
        st.button(
            "Another case", on_click=_on_random_case, key="quiz_next", icon=":material/shuffle:"
        )


def _answer_column(case: TeachingCase, answer: QuizAnswer) -> None:
    assessment = assess(case.patient)
    agrees, sentence = agreement_markdown(answer, assessment)
    if agrees:
        st.success(sentence, icon=":material/check_circle:")
    else:
        st.warning(sentence, icon=":material/compare_arrows:")
        rank = tool_rank(assessment, answer.best)
        chosen = assessment.options[rank - 1]
        top = assessment.options[0]
        st.header(f"Why your choice comes {ORDINALS[rank - 1]}", anchor=False)
        st.markdown(
            f"The tool's first, {escape_markdown(top.label)}: {escape_markdown(card_summary(top))}"
        )
        render_option_card(rank, chosen, assessment.citations, key_suffix="_yours")
    if any(approach is not None for approach in answer.ranking):
        st.table(pd.DataFrame(ranking_records(answer, assessment)), hide_index=True)
        twice = repeated(answer.order)
        if twice:
            st.caption(
                "You placed "
                + escape_markdown(", ".join(APPROACH_LABELS[approach] for approach in twice))
                + " more than once."
            )
    st.info(
        f"**Teaching point.** {escape_markdown(case.teaching_point)}  \n"
        f":small[Evidence:] {citations_markdown(case.evidence, registry())}",
        icon=":material/school:",
    )
    st.divider()
    render_assessment(assessment, labels={name: field_label(name) for name in FIELDS})


def main() -> None:
    """Case chooser on top; the case and the learner's answer beside the tool's."""
    st.title("Quiz")
    st.markdown(
        "Read the case, choose the option you would put first (rank them all if you like), "
        "then reveal the tool's ranking, its reasons and the evidence."
    )
    st.markdown(score_markdown(st.session_state.get(SCORE_KEY, {})))
    _seed_state()
    st.selectbox(
        "Case",
        [case.slug for case in teaching_cases()],
        format_func=lambda slug: quiz_label(case_by_slug(slug)),
        key=CASE_KEY,
        on_change=_on_case_change,
        width=700,
    )
    case = case_by_slug(st.session_state[CURRENT_KEY])
    answer: QuizAnswer | None = st.session_state.get(ANSWER_KEY)
    if answer is not None and answer.slug != case.slug:
        answer = None
    learner, tool = st.columns([5, 7], gap="large")
    with learner:
        _learner_column(case, answer)
    with tool, friendly_errors("revealing the answer"):
        if answer is None:
            st.info(
                "The tool's ranking, its reasons and the evidence appear here once you reveal.",
                icon=":material/visibility_off:",
            )
        else:
            _answer_column(case, answer)


if __name__ == "__main__":
    main()
