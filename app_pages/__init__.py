"""The Streamlit UI: one module per page, shared rendering in ``render``, the form in ``form``.

Page scripts (assess, evidence_library, rule_book, about) are run by ``st.navigation``;
the other modules are plain imports and hold no clinical logic: they call ``rules`` and
show what comes back.
"""
