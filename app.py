"""Spinal metastasis approach options: the Streamlit entry point.

Checks the curated evidence can be read (else one message naming the file), sets the page,
shows the disclaimer and any notice that a new session reset the form on every page, and
routes to the pages in app_pages/, each at its own path (``/compare``, ``/case_library``...).
The clinical logic lives in ``rules``; the pages only call it and show what comes back.
"""

from __future__ import annotations

import streamlit as st

from evidence import EvidenceDataError, registry

try:
    registry()
except EvidenceDataError as missing_data:  # the pages read it as they load: say so instead
    st.error(f"The app cannot start: {missing_data}.", icon=":material/error:")
    st.stop()

from app_pages.render import BANNER, apply_style, friendly_errors, show_disclaimer
from app_pages.session_notice import announce_a_lost_session

st.set_page_config(
    page_title="Spinal metastasis approach options",
    page_icon=":material/neurology:",
    layout="wide",
    menu_items={"About": BANNER},
)

PAGES = [
    st.Page("app_pages/assess.py", title="Assess", icon=":material/stethoscope:", default=True),
    st.Page("app_pages/compare.py", title="Compare", icon=":material/compare_arrows:"),
    st.Page("app_pages/case_library.py", title="Case library", icon=":material/cases:"),
    st.Page("app_pages/quiz.py", title="Quiz", icon=":material/quiz:"),
    st.Page("app_pages/batch.py", title="Batch review", icon=":material/table_view:"),
    st.Page("app_pages/evidence_library.py", title="Evidence library", icon=":material/menu_book:"),
    st.Page("app_pages/rule_book.py", title="Rule book", icon=":material/rule:"),
    st.Page("app_pages/about.py", title="About", icon=":material/info:"),
]

# Navigation in the top bar, not a sidebar: on a tablet a sidebar covers half the page.
page = st.navigation(PAGES, position="top")
apply_style()
show_disclaimer()
announce_a_lost_session()
with friendly_errors(f"page {page.title}"):
    page.run()
