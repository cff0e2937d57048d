"""The notice that a new session replaced the one this browser tab had, so the form was reset.

Streamlit keeps inputs in the server's session only. When the server restarts (or the page
is reloaded) the browser reconnects to a new, empty session and the form comes back empty
without a word. A query parameter that carries no input marks the tab's address once a
session has run; a new session that finds the mark says what happened. Limit: a tab opened
from a bookmark or a copied address that carries the mark also shows the notice once.
"""

from __future__ import annotations

import streamlit as st

SESSION_MARKER = "session"
SESSION_MARKER_VALUE = "1"
SESSION_STARTED_KEY = "session_started"
FORM_RESET_NOTICE = (
    "This page started a new session (the server restarted or the page was reloaded), so "
    "any form you had filled in was reset: inputs are held in the session only, never "
    "saved. Fill the form in again, or load a teaching case."
)


def announce_a_lost_session() -> None:
    """On a new session's first run, say so if the tab had a session before; keep the mark
    on the address (Streamlit clears query parameters when the page changes)."""
    if SESSION_STARTED_KEY not in st.session_state:
        st.session_state[SESSION_STARTED_KEY] = True
        if st.query_params.get(SESSION_MARKER) == SESSION_MARKER_VALUE:
            st.warning(FORM_RESET_NOTICE, icon=":material/restart_alt:")
    if st.query_params.get(SESSION_MARKER) != SESSION_MARKER_VALUE:
        st.query_params[SESSION_MARKER] = SESSION_MARKER_VALUE
