"""Handing a case between pages: what-if changes, Compare requests and teaching-case links.

Pages never import each other; they meet here. Requests live in ``st.session_state``
(this browser session only). The address carries a teaching case's id and nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum

import streamlit as st

from app_pages.patient_form import default_state
from rules.case_library import TeachingCase, teaching_cases
from rules.whatif import Flip

CASE_PARAM = "case"
ASSESS_PAGE = "app_pages/assess.py"
COMPARE_PAGE = "app_pages/compare.py"
COMPARE_REQUEST_KEY = "compare_requested"
SWITCH_KEY = "switch_to_page"
QUIZ_REQUEST_KEY = "quiz_requested_case"


def linked_case(slug: str) -> TeachingCase | None:
    """The teaching case a link names, or None for an id that is not shipped."""
    return next((case for case in teaching_cases() if case.slug == slug), None)


def widget_value(value: object) -> object:
    """A model value as a form widget holds it (an enum member as its value)."""
    return value.value if isinstance(value, Enum) else value


def changed_state(state: Mapping[str, object], flip: Flip) -> dict[str, object]:
    """The form state with one what-if change applied: the first value that makes it.

    An input the change must clear (KPS when ECOG changes) goes back to unknown.
    """
    changed = dict(state)
    changed[flip.field] = widget_value(flip.after[0])
    if flip.also_cleared:
        changed[flip.also_cleared] = default_state()[flip.also_cleared]
    return changed


def request_comparison(a: Mapping[str, object], b: Mapping[str, object]) -> None:
    """Ask Compare to open with these two scenarios, compared if they differ."""
    st.session_state[COMPARE_REQUEST_KEY] = (dict(a), dict(b))
    request_switch(COMPARE_PAGE)


def take_comparison_request() -> tuple[dict[str, object], dict[str, object]] | None:
    """The scenarios another page sent to Compare, once."""
    request: tuple[dict[str, object], dict[str, object]] | None = st.session_state.pop(
        COMPARE_REQUEST_KEY, None
    )
    return request


def request_switch(page: str) -> None:
    """Ask for a page switch from a widget callback (where st.switch_page cannot run)."""
    st.session_state[SWITCH_KEY] = page


def follow_switch() -> None:
    """Switch page if a callback asked for it (call at the top of a page's run)."""
    page: str | None = st.session_state.pop(SWITCH_KEY, None)
    if page is not None:
        st.switch_page(page)


def request_quiz(slug: str) -> None:
    """Ask the quiz page to open on this teaching case."""
    st.session_state[QUIZ_REQUEST_KEY] = slug


def take_quiz_request() -> str | None:
    """The teaching case another page sent to the quiz, once."""
    slug: str | None = st.session_state.pop(QUIZ_REQUEST_KEY, None)
    return slug
