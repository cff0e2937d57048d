"""Evidence library: every curated reference, searchable and filterable, one click from source."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.render import (
    citation_markdown,
    verification_badge,
)
from app_pages.tables import (
    ReferenceRow,
    filter_rows,
    library_records,
    reference_rows,
    year_span,
)
from evidence import VERIFICATION_LABELS, Verification, registry
from rules import APPROACH_LABELS
from rules.markdown import escape_markdown


@st.cache_data
def _rows() -> list[ReferenceRow]:
    """The static library (no patient data), built once per process."""
    return reference_rows()


def main() -> None:
    """Filters on top, the table, then one reference in full."""
    st.title("Evidence library")
    rows = _rows()
    st.markdown(
        f"{len(rows)} curated references, each linked to PubMed when it has a PMID, else to "
        "its DOI, else to the page the curators used (marked *other source*). "
        "The verification status says how far the curators could check the record against "
        "a stored source:"
    )
    st.markdown(
        "\n".join(
            f"- {verification_badge(status)}: "
            f"{escape_markdown(VERIFICATION_LABELS[status].split(': ', 1)[-1])}"
            for status in Verification
        )
    )
    first_year, last_year = year_span(rows)
    search_column, year_column = st.columns([3, 2])
    text = search_column.text_input(
        "Search",
        key="evidence_search",
        placeholder="author, title, journal, finding or id",
    )
    years = year_column.slider(
        "Year published",
        min_value=first_year,
        max_value=last_year,
        value=(first_year, last_year),
        key="evidence_years",
        help="Narrowing the range hides references without a year.",
    )
    option_column, design_column, verification_column = st.columns(3)
    options = option_column.multiselect(
        "Cited for option", list(APPROACH_LABELS.values()), key="evidence_options"
    )
    designs = design_column.multiselect(
        "Study design", sorted({row.design for row in rows}), key="evidence_designs"
    )
    verifications = verification_column.multiselect(
        "Verification",
        list(Verification),
        format_func=lambda status: status.value.replace("_", " "),
        key="evidence_verification",
    )
    shown = filter_rows(
        rows,
        text=text or "",
        options=options,
        designs=designs,
        verifications=verifications,
        years=None if years == (first_year, last_year) else years,
    )
    st.caption(f"Showing {len(shown)} of {len(rows)}.")
    # st.table, not st.dataframe: a data grid draws links on a canvas, these are real links.
    st.table(pd.DataFrame(library_records(shown)), hide_index=True)
    st.header("One reference in full")
    by_id = {row.id: row for row in shown}
    chosen = st.selectbox(
        "Reference",
        list(by_id),
        index=None,
        format_func=lambda reference_id: (
            f"{by_id[reference_id].label}: {by_id[reference_id].title}"
        ),
        key="evidence_detail",
        placeholder="Choose a reference to see its full record",
    )
    if chosen is not None:
        reference = registry()[chosen]
        row = by_id[chosen]
        with st.container(border=True):
            st.markdown(citation_markdown(reference))
            st.markdown(escape_markdown(reference.vancouver()))
            st.markdown(f"**Key finding.** {escape_markdown(reference.key_finding)}")
            st.markdown(f"**Verification.** {escape_markdown(reference.verification_label)}")
            if reference.notes:
                st.caption(escape_markdown(reference.notes))
            st.markdown(
                "**Cited by rules:** "
                + (", ".join(f"`{rule}`" for rule in row.rules) or "none (scores or alerts only)")
            )


main()
