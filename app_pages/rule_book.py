"""Rule book: every rule of the table in words, and how reasons become verdicts."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.render import escape_markdown
from app_pages.tables import rule_records
from rules import APPROACH_LABELS, RULES, Approach, how_verdicts_are_derived, rules_version


@st.cache_data
def _records(option: Approach) -> list[dict[str, str]]:
    """The static rule rows of one option (no patient data)."""
    return rule_records(option)


def main() -> None:
    """Version and procedure first, then one table per option."""
    st.title("Rule book")
    st.markdown(
        f"{len(RULES)} rules over five options. Rules version `{rules_version()}`: it changes "
        "whenever a rule, a score table or a reference changes, and every assessment carries it."
    )
    st.subheader("How verdicts are derived")
    st.markdown(
        "\n\n".join(escape_markdown(line) for line in how_verdicts_are_derived().splitlines())
    )
    for option in Approach:
        st.subheader(APPROACH_LABELS[option])
        st.table(pd.DataFrame(_records(option)), hide_index=True)


main()
