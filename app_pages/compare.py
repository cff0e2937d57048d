"""Compare: two scenarios of a patient side by side, e.g. before and after radiotherapy.

Two copies of the patient form (widget keys prefixed ``compare_a_`` and ``compare_b_``, so
they never touch the Assess form) in one ``st.form``; both are assessed by ``rules.assess``
and shown side by side with what differs highlighted. State lives in this session only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from app_pages.patient_form import (
    FIELDS,
    field_label,
    form_state,
    form_values,
    patient_fields,
    patient_state,
    problem_sentence,
    seed_widget_state,
    set_form_state,
)
from app_pages.render import (
    DIRECTION_HEADINGS,
    NEED_NAMES,
    ORDINALS,
    friendly_errors,
    need_words,
    reveal,
    score_band,
    score_value,
    verdict_badge,
)
from app_pages.scenarios import take_comparison_request
from app_pages.what_if import ARROW, value_words
from rules import Assessment, InputProblem, Reason, assess, parse_patient
from rules.case_library import case_by_slug, teaching_cases
from rules.markdown import escape_markdown
from rules.whatif import VerdictChange

SIDES = ("a", "b")
SIDE_NAMES = {"a": "Scenario A", "b": "Scenario B"}
FORM_KEY = "compare_form"
CASE_KEY = "compare_case"
RESULTS_KEY = "compare_results"
SUBMITTED_KEY = "compare_submitted"
PENDING_KEY = "compare_pending"
HIGHLIGHT = "orange-background"
# Said in words as well as by the highlight, so colour is never the only sign.
CHANGED = "changed"
COMPARISON_KEY = "compare_comparison"
NONCE_KEY = "compare_reveal"


def prefix(side: str) -> str:
    """The widget-key prefix of one side's form."""
    return f"compare_{side}_"


@dataclass(frozen=True)
class SideResult:
    """One side after Compare: its assessment, or the problems that stopped it."""

    assessment: Assessment | None
    problems: tuple[InputProblem, ...]


# --- pure -------------------------------------------------------------------------------------


def highlighted(text: str, differs: bool) -> str:
    """Markdown text, on an orange background and marked in words when it differs."""
    return f":{HIGHLIGHT}[{text} ({CHANGED})]" if differs else text


def input_difference_records(a: Assessment, b: Assessment) -> list[dict[str, str]]:
    """The inputs that differ, in the form's order, as table rows."""
    left, right = a.patient.model_dump(mode="json"), b.patient.model_dump(mode="json")
    return [
        {
            "Input": escape_markdown(field_label(name)),
            "Scenario A": value_words(name, left[name]),
            "Scenario B": value_words(name, right[name]),
        }
        for name in FIELDS
        if name != "case_label" and left[name] != right[name]
    ]


def need_records(a: Assessment, b: Assessment) -> list[dict[str, str]]:
    """The four NOMS assessments and the tumour class side by side; changes highlighted."""
    records: list[dict[str, str]] = []
    rows = [
        (name, getattr(a.needs, attribute), getattr(b.needs, attribute))
        for attribute, name in NEED_NAMES
    ]
    for name, left, right in rows:
        texts = [
            f"**{escape_markdown(need_words(need.value))}**"
            + (
                f" :small[(presumed: {escape_markdown('; '.join(need.presumed))})]"
                if need.presumed
                else ""
            )
            for need in (left, right)
        ]
        differs = left.value != right.value
        records.append(
            {
                "Assessment": escape_markdown(name),
                "Scenario A": highlighted(texts[0], differs),
                "Scenario B": highlighted(texts[1], differs),
            }
        )
    classes = [escape_markdown(need_words(side.needs.tumour_class)) for side in (a, b)]
    differs = classes[0] != classes[1]
    records.append(
        {
            "Assessment": "Tumour class",
            "Scenario A": highlighted(classes[0], differs),
            "Scenario B": highlighted(classes[1], differs),
        }
    )
    return records


def score_records(a: Assessment, b: Assessment) -> list[dict[str, str]]:
    """Scores and the Bilsky reading side by side; rows that differ highlighted."""
    records: list[dict[str, str]] = []
    pairs = zip(
        (a.scores.sins, a.scores.tokuhashi, a.scores.tomita),
        (b.scores.sins, b.scores.tokuhashi, b.scores.tomita),
        strict=True,
    )
    for left, right in pairs:
        texts = [
            f"**{escape_markdown(score_value(score))}** · {escape_markdown(score_band(score))}"
            for score in (left, right)
        ]
        differs = texts[0] != texts[1]
        records.append(
            {
                "Score": escape_markdown(left.name),
                "Scenario A": highlighted(texts[0], differs),
                "Scenario B": highlighted(texts[1], differs),
            }
        )
    bilsky = [
        escape_markdown(
            f"{side.grade} ({side.group})" if side.grade else "unknown",
        )
        for side in (a.bilsky, b.bilsky)
    ]
    differs = bilsky[0] != bilsky[1]
    records.append(
        {
            "Score": "Bilsky ESCC",
            "Scenario A": highlighted(bilsky[0], differs),
            "Scenario B": highlighted(bilsky[1], differs),
        }
    )
    return records


def verdict_records(a: Assessment, b: Assessment) -> list[dict[str, str]]:
    """Each option's rank and verdict on both sides (in A's order); changes highlighted."""
    rank_b = {option.approach: rank for rank, option in enumerate(b.options)}
    by_b = {option.approach: option for option in b.options}
    records: list[dict[str, str]] = []
    for rank_a, left in enumerate(a.options):
        right = by_b[left.approach]
        changed = left.verdict is not right.verdict
        records.append(
            {
                "Option": highlighted(f"**{escape_markdown(left.label)}**", changed),
                "Scenario A": f"{ORDINALS[rank_a]} {verdict_badge(left.verdict)}",
                "Scenario B": f"{ORDINALS[rank_b[left.approach]]} {verdict_badge(right.verdict)}",
                "Change": (
                    f"{verdict_badge(left.verdict)} {ARROW} {verdict_badge(right.verdict)}"
                    if changed
                    else ""
                ),
            }
        )
    return records


def verdict_changes(a: Assessment, b: Assessment) -> list[VerdictChange]:
    """The options whose verdict differs, in A's order."""
    by_b = {option.approach: option.verdict for option in b.options}
    return [
        VerdictChange(approach=option.approach, before=option.verdict, after=by_b[option.approach])
        for option in a.options
        if option.verdict is not by_b[option.approach]
    ]


def one_sided_reasons(a: Assessment, b: Assessment) -> list[tuple[str, list[Reason], list[Reason]]]:
    """Per option (A's order): the reasons only A gives, and those only B gives (by rule)."""
    by_b = {option.approach: option for option in b.options}
    found: list[tuple[str, list[Reason], list[Reason]]] = []
    for left in a.options:
        right = by_b[left.approach]
        rules_a = {reason.rule for reason in left.reasons}
        rules_b = {reason.rule for reason in right.reasons}
        only_a = [reason for reason in left.reasons if reason.rule not in rules_b]
        only_b = [reason for reason in right.reasons if reason.rule not in rules_a]
        if only_a or only_b:
            found.append((left.label, only_a, only_b))
    return found


def reason_line(reason: Reason) -> str:
    """A reason as a short bullet: its direction and its text."""
    return f"    - {DIRECTION_HEADINGS[reason.direction]} {escape_markdown(reason.text)}"


def one_sided_markdown(label: str, only_a: Sequence[Reason], only_b: Sequence[Reason]) -> str:
    """One option's one-sided reasons as nested bullets under A and B."""
    lines = [f"**{escape_markdown(label)}**"]
    for side, reasons in (("Only in A", only_a), ("Only in B", only_b)):
        if reasons:
            lines.append(f"- {side}:")
            lines.extend(reason_line(reason) for reason in reasons)
    return "\n".join(lines)


def top_markdown(a: Assessment, b: Assessment) -> str:
    """One sentence on the top option: kept, or which it becomes."""
    top_a, top_b = a.options[0], b.options[0]
    if top_a.approach is top_b.approach:
        return f"**Same top option:** {escape_markdown(top_a.label)}."
    return (
        f"**Top option changes:** {escape_markdown(top_a.label)} {ARROW} "
        f":{HIGHLIGHT}[**{escape_markdown(top_b.label)}**]"
    )


# --- state --------------------------------------------------------------------------------------


def _clear_results() -> None:
    st.session_state.pop(RESULTS_KEY, None)


def _on_load_case() -> None:
    slug = st.session_state.get(CASE_KEY)
    if slug is None:
        return
    state = patient_state(case_by_slug(slug).patient)
    for side in SIDES:
        set_form_state(state, prefix(side))
    st.session_state[SUBMITTED_KEY] = dict.fromkeys(SIDES, state)
    _clear_results()


def _on_copy() -> None:
    set_form_state(form_state(prefix("a")), prefix("b"))
    _remember_submission()
    _clear_results()


def _take_request() -> None:
    """Scenarios sent from Assess: shown in the forms, compared at once when they differ."""
    request = take_comparison_request()
    if request is None:
        return
    for side, state in zip(SIDES, request, strict=True):
        set_form_state(state, prefix(side))
    st.session_state[SUBMITTED_KEY] = dict(zip(SIDES, request, strict=True))
    _clear_results()
    if request[0] != request[1]:
        st.session_state[PENDING_KEY] = True


def _remember_submission() -> None:
    st.session_state[SUBMITTED_KEY] = {side: form_state(prefix(side)) for side in SIDES}


def _on_compare() -> None:
    _remember_submission()
    st.session_state[PENDING_KEY] = True


def _evaluate() -> None:
    results: dict[str, SideResult] = {}
    for side in SIDES:
        parsed = parse_patient(form_values(form_state(prefix(side))))
        if isinstance(parsed, list):
            results[side] = SideResult(assessment=None, problems=tuple(parsed))
        else:
            results[side] = SideResult(assessment=assess(parsed), problems=())
    st.session_state[RESULTS_KEY] = results


# --- layout -------------------------------------------------------------------------------------


def _forms(results: dict[str, SideResult] | None) -> None:
    submitted: dict[str, dict[str, object]] = st.session_state.get(SUBMITTED_KEY, {})
    for side in SIDES:
        seed_widget_state(submitted.get(side), prefix(side))
    with st.form(FORM_KEY, enter_to_submit=False, border=False):
        columns = st.columns(2, gap="large", border=True)
        for side, column in zip(SIDES, columns, strict=True):
            with column:
                with st.container(horizontal=True, vertical_alignment="center"):
                    st.header(SIDE_NAMES[side], anchor=False)
                    if side == "b":
                        st.form_submit_button(
                            "Copy A into B",
                            on_click=_on_copy,
                            key="compare_copy",
                            icon=":material/content_copy:",
                        )
                problems = results[side].problems if results else ()
                patient_fields(problems, prefix(side), nested=True)
        st.form_submit_button(
            "Compare",
            type="primary",
            on_click=_on_compare,
            key="compare_submit",
            icon=":material/compare_arrows:",
        )


def _comparison(a: Assessment, b: Assessment) -> None:
    st.markdown(top_markdown(a, b))
    st.markdown("**Inputs that differ**")
    differences = input_difference_records(a, b)
    if differences:
        st.table(pd.DataFrame(differences), hide_index=True)
    else:
        st.markdown("None: both scenarios have the same inputs.")
    st.markdown("**NOMS assessment** (changes highlighted)")
    st.table(pd.DataFrame(need_records(a, b)), hide_index=True)
    st.markdown("**Verdicts per option** (changes highlighted)")
    st.table(pd.DataFrame(verdict_records(a, b)), hide_index=True)
    if not verdict_changes(a, b):
        st.caption("Every option keeps its verdict.")
    st.markdown("**Scores**")
    st.table(pd.DataFrame(score_records(a, b)), hide_index=True)
    st.markdown("**Reasons given on one side only**")
    one_sided = one_sided_reasons(a, b)
    if not one_sided:
        st.markdown("None: every option has the same reasons on both sides.")
    for label, only_a, only_b in one_sided:
        st.markdown(one_sided_markdown(label, only_a, only_b))


def _results(results: dict[str, SideResult]) -> None:
    st.header("Comparison", anchor=False)
    blocked = False
    for side in SIDES:
        if results[side].problems:
            blocked = True
            st.error(
                f"{SIDE_NAMES[side]} has problems; nothing was compared:\n\n"
                + "\n".join(f"- {problem_sentence(problem)}" for problem in results[side].problems),
                icon=":material/error:",
            )
    a, b = results["a"].assessment, results["b"].assessment
    if blocked or a is None or b is None:
        return
    _comparison(a, b)


def main() -> None:
    """Case chooser, the two forms, then the comparison."""
    st.title("Compare two scenarios")
    st.markdown(
        "The same patient two ways, side by side: before and after radiotherapy, with and "
        "without cachexia, a better performance status. Start from a teaching case (it goes "
        "into both sides) or fill in A and copy it into B, change what differs in B, then "
        "press **Compare** at the bottom. **Compare with a changed copy** on Assess, and "
        "**Compare with this** beside a what-if change, start here from the case just assessed."
    )
    evaluated = False
    with friendly_errors("comparing the scenarios"):
        _take_request()
        if st.session_state.pop(PENDING_KEY, False):
            _evaluate()
            evaluated = True
    with st.container(horizontal=True, vertical_alignment="bottom"):
        st.selectbox(
            "Start from a teaching case",
            [case.slug for case in teaching_cases()],
            index=None,
            format_func=lambda slug: case_by_slug(slug).title,
            key=CASE_KEY,
            placeholder="Choose a case",
            width=600,
        )
        st.button(
            "Load into both sides",
            on_click=_on_load_case,
            key="compare_load",
            icon=":material/download:",
        )
    results: dict[str, SideResult] | None = st.session_state.get(RESULTS_KEY)
    _forms(results)
    if results is not None:
        with friendly_errors("showing the comparison"), st.container(key=COMPARISON_KEY):
            _results(results)
        if evaluated:
            st.session_state[NONCE_KEY] = st.session_state.get(NONCE_KEY, 0) + 1
            reveal(COMPARISON_KEY, "Comparison ready.", st.session_state[NONCE_KEY])


if __name__ == "__main__":
    main()
