"""Batch review: a CSV of cases in, one result row per input row out, with charts and a download.

The page only reads the upload, calls ``rules.batch.run_batch`` and shows what comes back.
Results live in this browser session's memory only; nothing is written to disk.
"""

from __future__ import annotations

import io
from collections import Counter
from typing import BinaryIO

import altair as alt
import pandas as pd
import streamlit as st

from app_pages.render import (
    VERDICT_STYLE,
)
from rules import APPROACH_SHORT_LABELS, INPUT_FIELDS, VERDICT_LABELS, Approach, Verdict
from rules.batch import (
    ACTUAL_APPROACH_COLUMN,
    BOOLEAN_CELLS,
    CASE_LABEL_COLUMN,
    DECISIVE_COLUMN,
    PROVISIONAL_COLUMN,
    VERDICT_COLUMNS,
    BatchFileError,
    BatchSummary,
    result_writer,
    run_batch,
    template_csv,
)
from rules.markdown import escape_markdown
from rules.patient import allowed_text

MAX_UPLOAD_MB = 10
MAX_ROWS = 10_000  # blank lines count: a megabyte of them once made a million error rows
PROGRESS_EVERY_ROWS = 100
RESULT_KEY = "batch_result"
TABLE_HEIGHT_PX = 420
AXIS_LABEL_LIMIT_PX = 320
CHART_COLOURS = {"green": "#2e7d32", "blue": "#1565c0", "orange": "#ef6c00", "red": "#c62828"}
NEUTRAL_COLOUR = "#757575"
# Counts of rows: ticks at whole numbers only.
WHOLE_NUMBERS = alt.Axis(format="d", tickMinStep=1)


def verdict_colour(verdict: Verdict) -> str:
    """The chart colour of a verdict, matching its badge."""
    return CHART_COLOURS.get(VERDICT_STYLE[verdict], NEUTRAL_COLOUR)


def verdict_frame(summary: BatchSummary) -> pd.DataFrame:
    """Long table of (option, verdict, rows) for the verdict chart."""
    return pd.DataFrame(
        [
            {
                "option": APPROACH_SHORT_LABELS[approach],
                "verdict": VERDICT_LABELS[verdict],
                "rows": count,
            }
            for approach, counts in summary.verdict_counts.items()
            for verdict, count in counts.items()
        ]
    )


def readable_records(rows: list[dict[str, str]]) -> list[dict[str, object]]:
    """The results as the page shows them: options and verdicts in words, inputs left out
    (they are in the CSV); the CSV keeps the codes."""
    verdict_words = {verdict.value: label for verdict, label in VERDICT_LABELS.items()}
    option_words = {approach.value: label for approach, label in APPROACH_SHORT_LABELS.items()}
    records: list[dict[str, object]] = []
    for row in rows:
        record: dict[str, object] = {
            "Row": int(row["row"]),
            "Case label": row.get(CASE_LABEL_COLUMN, ""),
            "Status": "assessed" if row["status"] == "ok" else "error",
            "First option": option_words.get(row["top_approach"], ""),
            "Provisional": {"true": "yes", "false": "no"}.get(row.get(PROVISIONAL_COLUMN, ""), ""),
        }
        for approach, column in VERDICT_COLUMNS.items():
            record[APPROACH_SHORT_LABELS[approach]] = verdict_words.get(row[column], "")
        if ACTUAL_APPROACH_COLUMN in row:
            record["What was done"] = option_words.get(row[ACTUAL_APPROACH_COLUMN], "")
        records.append(record)
    return records


def cross_table(rows: list[dict[str, str]]) -> pd.DataFrame:
    """Audited rows counted by what was done (rows) against the tool's first option
    (columns), every option in both, with totals; the diagonal is agreement."""
    names = [APPROACH_SHORT_LABELS[approach] for approach in Approach]
    audited = [
        (
            APPROACH_SHORT_LABELS[Approach(row[ACTUAL_APPROACH_COLUMN])],
            APPROACH_SHORT_LABELS[Approach(row["top_approach"])],
        )
        for row in rows
        if row.get("status") == "ok" and row.get(ACTUAL_APPROACH_COLUMN)
    ]
    counts = Counter(audited)
    table = pd.DataFrame(
        [[counts[(done, top)] for top in names] for done in names], index=names, columns=names
    )
    table["Total"] = table.sum(axis=1)
    table.loc["Total"] = table.sum(axis=0)
    table.index.name = "What was done ↓ / tool's first →"
    return table


def agreement_frame(rows: list[dict[str, str]]) -> pd.DataFrame:
    """Audited ok rows per (what was done, whether the tool's top option matched it)."""
    counts: Counter[tuple[str, str]] = Counter(
        (
            APPROACH_SHORT_LABELS[Approach(row[ACTUAL_APPROACH_COLUMN])],
            "matches" if row["top_approach"] == row[ACTUAL_APPROACH_COLUMN] else "differs",
        )
        for row in rows
        if row.get("status") == "ok" and row.get(ACTUAL_APPROACH_COLUMN)
    )
    return pd.DataFrame(
        [{"done": done, "top_option": match, "rows": n} for (done, match), n in counts.items()],
        columns=["done", "top_option", "rows"],
    )


def results_csv(rows: list[dict[str, str]], columns: tuple[str, ...]) -> str:
    """The output rows as CSV text."""
    buffer = io.StringIO(newline="")
    result_writer(buffer, columns).writerows(rows)
    return buffer.getvalue()


def field_is_yes_no(field: str) -> bool:
    """Whether a column holds true/false cells."""
    return allowed_text(field).startswith("true or false")


def provisional_count(rows: list[dict[str, str]]) -> int | None:
    """How many assessed rows are provisional; None when the output has no such column."""
    if not any(PROVISIONAL_COLUMN in row for row in rows):
        return None
    return sum(
        row.get(PROVISIONAL_COLUMN, "").strip().lower() == "true"
        for row in rows
        if row.get("status") == "ok"
    )


def column_reference() -> pd.DataFrame:
    """What each input column accepts, for the help panel."""
    return pd.DataFrame(
        [
            {
                "column": field,
                "allowed": allowed_text(field)
                + (
                    " (" + ", ".join(BOOLEAN_CELLS) + ", any case)"
                    if field_is_yes_no(field)
                    else ""
                ),
            }
            for field in INPUT_FIELDS
        ]
        + [
            {
                "column": ACTUAL_APPROACH_COLUMN,
                "allowed": "optional, for audits: " + ", ".join(a.value for a in Approach),
            }
        ]
    )


def _run(upload: BinaryIO) -> None:
    """Review the upload as it streams (never decoded whole), with a progress bar and a row
    limit that counts blank lines; keep the result in this session only."""
    size = max(upload.seek(0, io.SEEK_END), 1)
    upload.seek(0)
    bar = st.progress(0.0, text="Reviewing rows...")
    rows: list[dict[str, str]] = []
    columns: list[tuple[str, ...]] = []

    def progress(done: int) -> None:
        if done % PROGRESS_EVERY_ROWS == 0:
            share = min(upload.tell() / size, 1.0)
            bar.progress(share, text=f"Reviewed {done} rows ({share:.0%} of the file)")

    text = io.TextIOWrapper(upload, encoding="utf-8-sig", newline="")
    try:
        summary = run_batch(
            text, rows.append, progress, on_columns=columns.append, max_rows=MAX_ROWS
        )
    except BatchFileError as error:
        bar.empty()
        st.session_state.pop(RESULT_KEY, None)
        st.error(escape_markdown(f"The file cannot be read: {error}"), icon=":material/error:")
        return
    finally:
        text.detach()  # the upload stays open for the next rerun
    bar.progress(1.0, text=f"Reviewed {summary.rows} rows")
    st.session_state[RESULT_KEY] = (summary, rows, columns[0])


def _render_result(
    summary: BatchSummary, rows: list[dict[str, str]], columns: tuple[str, ...]
) -> None:
    st.header("Result")
    provisional_rows = provisional_count(rows)
    rows_column, ok_column, provisional_column, error_column = st.columns(4)
    rows_column.metric("Rows", summary.rows)
    ok_column.metric("Assessed", summary.ok)
    provisional_column.metric(
        "Provisional",
        "n/a" if provisional_rows is None else provisional_rows,
        help="Assessed rows whose first option could change once an unknown input is given "
        f"(column `{PROVISIONAL_COLUMN}`; which inputs: `{DECISIVE_COLUMN}`).",
    )
    error_column.metric("With errors", summary.errors)
    for problem in summary.header_problems:
        st.error(escape_markdown(f"Header: {problem}"), icon=":material/error:")
    errors = [row for row in rows if row["status"] == "error"]
    if errors:
        st.markdown("**Rows with errors** (every problem names its field; fix and rerun):")
        st.dataframe(
            pd.DataFrame([{"row": int(r["row"]), "errors": r["errors"]} for r in errors]),
            hide_index=True,
            width="stretch",
            height=min(TABLE_HEIGHT_PX, 38 + 35 * len(errors)),
        )
    st.download_button(
        "Download results (CSV)",
        data=results_csv(rows, columns),
        file_name="batch-results.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
        key="batch_download",
    )
    st.caption(
        "The table reads options and verdicts in words; the CSV keeps their codes and adds "
        "each row's inputs beside its result."
    )
    st.dataframe(
        pd.DataFrame(readable_records(rows)),
        hide_index=True,
        height=min(TABLE_HEIGHT_PX, 38 + 35 * len(rows)),
        key="batch_results_table",
    )
    if summary.ok:
        st.markdown("**Verdicts per option** (assessed rows)")
        frame = verdict_frame(summary)
        order = [VERDICT_LABELS[v] for v in Verdict]
        chart = (
            alt.Chart(frame)
            .mark_bar()
            .encode(
                x=alt.X("sum(rows):Q", title="rows", axis=WHOLE_NUMBERS),
                y=alt.Y(
                    "option:N",
                    title=None,
                    sort=[APPROACH_SHORT_LABELS[a] for a in Approach],
                    axis=alt.Axis(labelLimit=AXIS_LABEL_LIMIT_PX),
                ),
                color=alt.Color(
                    "verdict:N",
                    sort=order,
                    scale=alt.Scale(domain=order, range=[verdict_colour(v) for v in Verdict]),
                ),
                order=alt.Order("verdict_rank:Q"),
                tooltip=["option", "verdict", "rows"],
            )
            .transform_calculate(verdict_rank=f"indexof({order!r}, datum.verdict)")
        )
        st.altair_chart(chart, width="stretch")
        with st.expander("The same counts as a table"):
            counts = frame.pivot_table(
                index="option", columns="verdict", values="rows", aggfunc="sum", fill_value=0
            )
            st.table(counts.reindex(columns=[c for c in order if c in counts.columns]))
    if summary.has_actual_approach:
        share = f"{summary.agreements / summary.audited:.0%}" if summary.audited else "n/a"
        st.markdown(
            f"**Agreement with what was done:** the tool's top option matched "
            f"`{ACTUAL_APPROACH_COLUMN}` in {summary.agreements} of {summary.audited} audited "
            f"rows ({share})."
        )
        st.markdown(
            "**What was done against the tool's first option** (audited rows; the diagonal "
            "is agreement)"
        )
        st.table(cross_table(rows))
        frame = agreement_frame(rows)
        if not frame.empty:
            bars = (
                alt.Chart(frame)
                .mark_bar()
                .encode(
                    x=alt.X("sum(rows):Q", title="audited rows", axis=WHOLE_NUMBERS),
                    y=alt.Y(
                        "done:N",
                        title="what was done",
                        axis=alt.Axis(labelLimit=AXIS_LABEL_LIMIT_PX),
                    ),
                    color=alt.Color(
                        "top_option:N",
                        title="tool's top option",
                        scale=alt.Scale(
                            domain=["matches", "differs"],
                            range=[CHART_COLOURS["green"], NEUTRAL_COLOUR],
                        ),
                    ),
                    tooltip=["done", "top_option", "rows"],
                )
            )
            st.altair_chart(bars, width="stretch")


def main() -> None:
    """Template, upload, run, then the result."""
    st.title("Batch review")
    st.markdown(
        "Run a case list through the rules: one CSV row per case, columns named as the input "
        "fields, an empty cell for unknown. Every row comes back, in order, with its status; "
        "a bad row is reported with the field named and never stops the run. Add an "
        f"`{ACTUAL_APPROACH_COLUMN}` column to see how often the tool's top option matches "
        "what was done. Results stay in this browser session only."
    )
    st.download_button(
        "Download a CSV template",
        data=template_csv(),
        file_name="batch-template.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/table_view:",
        key="batch_template",
    )
    with st.expander("Columns and allowed values"):
        st.dataframe(column_reference(), hide_index=True, width="stretch")
    upload = st.file_uploader(
        f"Case list (CSV, UTF-8, up to {MAX_UPLOAD_MB} MB and {MAX_ROWS:,} rows)",
        type=["csv"],
        max_upload_size=MAX_UPLOAD_MB,
        key="batch_upload",
        help="Export from a spreadsheet as 'CSV UTF-8'. No patient identifiers, please.",
    )
    if upload is not None and st.button("Review the cases", type="primary", key="batch_run"):
        _run(upload)
    if upload is None:
        st.session_state.pop(RESULT_KEY, None)
    result = st.session_state.get(RESULT_KEY)
    if result is not None:
        summary, rows, columns = result
        _render_result(summary, rows, columns)
    else:
        st.caption(escape_markdown("Upload a file and press 'Review the cases'."))


main()
