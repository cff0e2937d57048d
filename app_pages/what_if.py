"""What would change this answer: the core's what-if analysis in words, badges and a table.

``rules.whatif`` decides which inputs matter and how; this module only words it. Pure
functions first (Markdown strings and table rows), layout last.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

import pandas as pd
import streamlit as st

from app_pages.patient_form import FIELDS, UNKNOWN, Kind, choice_label, choices, field_label
from app_pages.render import (
    verdict_badge,
)
from rules import APPROACH_SHORT_LABELS, VERDICT_LABELS, Approach
from rules.markdown import escape_markdown
from rules.whatif import Flip, UnknownFill, VerdictChange, WhatIf

ARROW = "→"
RANGE_DASH = "\u2013"  # en dash
# A run of this many neighbouring choices is shown as its ends, e.g. "C1 to C7".
RUN_SHOWN_AS_RANGE = 3
# A label ending in an abbreviation in capitals, e.g. "Karnofsky performance status (KPS)".
ABBREVIATION = re.compile(r"\(([A-Z]{2,})\)$")
NUMBERS_NOTE = (
    "Numbers are tried at one value inside each range the rules tell apart; read each "
    "value shown as standing for its whole range."
)

# The Assess page's result tabs; the what-if tab is lazy (runs only when open).
TABS_KEY = "assess_tabs"
ANSWER_TAB = "Options and evidence"
WHAT_IF_TAB = "What would change this answer?"


# --- pure: words ----------------------------------------------------------------------------


def value_words(name: str, value: object) -> str:
    """One input value as a clinician reads it: 'T8', 'KPS 40' as '40', 'yes', 'unknown'."""
    if value is None or value == UNKNOWN:
        return UNKNOWN
    spec = FIELDS.get(name)
    if spec is None:
        return escape_markdown(str(value))
    if isinstance(value, float):
        # A field entered to one decimal (albumin) keeps it; others drop a trailing ".0".
        return f"{value:.1f}" if spec.step is not None and spec.step < 1 else f"{value:g}"
    described = spec.choice_labels.get(value)
    if described is not None and described.startswith(f"{value} - "):
        return str(value)  # a graded scale: the grade alone, its meaning is in the form
    return escape_markdown(choice_label(spec)(value))


def _runs(name: str, values: Sequence[object]) -> list[list[object]]:
    """Values split into runs of neighbouring choices (in the form's order of choices)."""
    spec = FIELDS.get(name)
    order: list[object] = []
    if spec is not None and spec.is_select:
        order = [choice for choice in choices(spec) if choice != UNKNOWN]
    runs: list[list[object]] = []
    step = 0
    for value in values:
        if runs and value in order and runs[-1][-1] in order:
            gap = order.index(value) - order.index(runs[-1][-1])
            if abs(gap) == 1 and (len(runs[-1]) == 1 or gap == step):
                runs[-1].append(value)
                step = gap
                continue
        runs.append([value])
        step = 0
    return runs


def values_words(name: str, values: Sequence[object]) -> str:
    """Several values of one input: neighbours as a range, the rest listed with 'or'."""
    parts: list[str] = []
    for run in _runs(name, values):
        if len(run) >= RUN_SHOWN_AS_RANGE:
            parts.append(f"{value_words(name, run[0])}{RANGE_DASH}{value_words(name, run[-1])}")
        else:
            parts.extend(value_words(name, value) for value in run)
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " or " + parts[-1]


def option_name(approach: Approach) -> str:
    """An option's short label, escaped for Markdown; the full label is on its card."""
    return escape_markdown(APPROACH_SHORT_LABELS[approach])


def short_field_label(name: str) -> str:
    """A field's abbreviation when its label ends in one, e.g. 'KPS'; else its label."""
    label = field_label(name)
    found = ABBREVIATION.search(label)
    return escape_markdown(found.group(1) if found else label)


def change_markdown(change: VerdictChange) -> str:
    """'Option: [before] → [after]' with verdict badges."""
    return (
        f"{option_name(change.approach)}: {verdict_badge(change.before)} {ARROW} "
        f"{verdict_badge(change.after)}"
    )


def flip_markdown(flip: Flip) -> str:
    """One single-input change as a bullet: the change, the new top option, the verdict changes."""
    change = (
        f"- **{short_field_label(flip.field)}** "
        f"{value_words(flip.field, flip.before)} {ARROW} {values_words(flip.field, flip.after)}"
    )
    if flip.also_cleared:
        change += (
            f" :small[({short_field_label(flip.also_cleared)} set to unknown, "
            "as the two must agree)]"
        )
    if flip.changes_top:
        change += f": **{option_name(flip.top_after)}** comes first"
    return "\n".join([change, *(f"    - {change_markdown(item)}" for item in flip.changes)])


def sorted_flips(flips: Iterable[Flip]) -> list[Flip]:
    """Changes of the top option first; otherwise the core's order (the form's field order)."""
    return sorted(flips, key=lambda flip: not flip.changes_top)


def _share(count: int, total: int) -> str:
    return f"{round(100 * count / total)}%" if count else ""


def fill_records(fill: UnknownFill, order: Sequence[Approach]) -> list[dict[str, str]]:
    """How often each option comes out on top and its spread of verdicts, as table rows.

    Options in ``order`` (the assessment's ranking); percentages of all combinations.
    """
    total = fill.combinations
    records: list[dict[str, str]] = []
    for approach in order:
        top = fill.top_counts.get(approach, 0)
        verdicts = fill.verdict_counts.get(approach, {})
        records.append(
            {
                "Option": option_name(approach),
                "First in": _share(top, total) or "0%",
                **{
                    label: _share(verdicts.get(verdict, 0), total)
                    for verdict, label in VERDICT_LABELS.items()
                },
            }
        )
    return records


def labels_list(names: Iterable[str]) -> str:
    """Field labels, comma-separated and escaped."""
    return ", ".join(escape_markdown(field_label(name)) for name in names)


def fill_summary(fill: UnknownFill) -> str:
    """What was filled in and how many combinations that made, in one or two sentences."""
    if not fill.unknown_fields:
        return "Nothing the rules could use is unknown, so there is nothing to fill in."
    if not fill.enumerated:
        restricted = (
            " even when only the unknowns that change the answer on their own are filled in"
            if fill.only_decisive
            else ""
        )
        return (
            f"Too many combinations to try ({fill.combinations:,}){restricted}. "
            f"The {len(fill.unknown_fields)} unknown inputs: "
            f"{labels_list(fill.unknown_fields)}."
        )
    sentence = (
        f"Every way of filling in {len(fill.filled_fields)} unknown "
        f"input{'s' if len(fill.filled_fields) != 1 else ''} was tried: "
        f"**{fill.combinations:,} combinations**."
    )
    if fill.only_decisive:
        sentence += (
            f" All {len(fill.unknown_fields)} unknowns together make too many, so this is "
            "restricted to the ones that change the answer on their own "
            f"({labels_list(fill.filled_fields)}); the others stay unknown."
        )
    else:
        sentence += f" Filled in: {labels_list(fill.filled_fields)}."
    return sentence


# --- layout -----------------------------------------------------------------------------------


FlipAction = Callable[[Flip], None]


def _flip_list(
    title: str, flips: Sequence[Flip], offset: int, on_try: FlipAction, on_compare: FlipAction
) -> None:
    """Flips under a bold title, each with 'Try this' and 'Compare with this'."""
    st.markdown(f"**{title}**")
    for number, flip in enumerate(flips, offset):
        st.markdown(flip_markdown(flip))
        value = value_words(flip.field, flip.after[0])
        with st.container(horizontal=True):
            st.button(
                "Try this",
                key=f"what_if_try_{number}",
                on_click=on_try,
                args=(flip,),
                icon=":material/play_arrow:",
                help=f"Assess the case with {short_field_label(flip.field)} {value}.",
            )
            st.button(
                "Compare with this",
                key=f"what_if_compare_{number}",
                on_click=on_compare,
                args=(flip,),
                icon=":material/compare_arrows:",
                help=f"Open Compare: as entered, and with {short_field_label(flip.field)} {value}.",
            )


def render_flips(flips: Sequence[Flip], on_try: FlipAction, on_compare: FlipAction) -> None:
    """Single-input changes: those that move the top option, then those that alter a verdict."""
    if not flips:
        st.markdown("No single change of one input alters the top option or any verdict.")
        return
    ordered = sorted_flips(flips)
    moving = [flip for flip in ordered if flip.changes_top]
    others = [flip for flip in ordered if not flip.changes_top]
    if moving:
        _flip_list("Changes that move the top option", moving, 0, on_try, on_compare)
    else:
        st.markdown("**No single change moves the top option.**")
    if others:
        _flip_list(
            "Changes that alter a verdict but keep the top option",
            others,
            len(moving),
            on_try,
            on_compare,
        )
    if any(FIELDS[flip.field].kind in (Kind.NUMBER, Kind.WHOLE_NUMBER) for flip in flips):
        st.caption(NUMBERS_NOTE)


def render_unknown_fill(fill: UnknownFill, order: Sequence[Approach]) -> None:
    """The unknowns filled in every way: how often each option tops, and its spread of verdicts."""
    if not fill.enumerated:
        st.info(fill_summary(fill), icon=":material/all_inclusive:")
        return
    st.markdown(fill_summary(fill))
    if fill.unknown_fields:
        st.table(pd.DataFrame(fill_records(fill, order)), hide_index=True)
        st.caption(
            f"Share of the {fill.combinations:,} combinations in which each option comes "
            "first, and in which it gets each verdict."
        )


def render_what_if(
    analysis: WhatIf, order: Sequence[Approach], on_try: FlipAction, on_compare: FlipAction
) -> None:
    """The whole what-if section, for an assessment whose options are ranked in ``order``.

    ``on_try`` and ``on_compare`` are the callbacks of each change's two buttons.
    """
    st.header("What would change this answer?", anchor=False)
    st.caption(
        "Each input changed on its own, everything else as entered. A prompt for discussion, "
        "not a recommendation to change anything."
    )
    render_flips(analysis.flips, on_try, on_compare)
    st.header("With the unknowns filled in", anchor=False)
    render_unknown_fill(analysis.unknown_fill, order)
