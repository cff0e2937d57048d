"""The Batch review page, driven headless with AppTest."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from app_pages.batch import (
    agreement_frame,
    cross_table,
    provisional_count,
    readable_records,
    results_csv,
    verdict_frame,
)
from app_pages.render import BANNER, FRIENDLY_ERROR
from rules import APPROACH_SHORT_LABELS, VERDICT_LABELS, Approach, Patient, assess
from rules.batch import run_batch
from tests.conftest import ROOT

APP = str(ROOT / "app.py")
PAGE = "app_pages/batch.py"
SMALL_FILE = (
    "level,histology,kps,cachexia,actual_approach\n"
    "T8,lung,40,,endoscopic_transpedicular\n"
    "L3,sarcoma,55,yes,posterior_only\n"
    ",breast,80,no,\n"
    "L4,prostate,80,no,percutaneous_posterior_fixation\n"
)


def _batch_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page(PAGE).run()
    return at


def _upload_and_run(at: AppTest, content: str) -> AppTest:
    at.file_uploader(key="batch_upload").set_value(
        ("cases.csv", content.encode("utf-8"), "text/csv")
    ).run()
    at.button(key="batch_run").click().run()
    return at


def test_batch_page_renders_with_template_and_disclaimer() -> None:
    at = _batch_page()
    assert not at.exception
    assert BANNER in [str(warning.value) for warning in at.warning]
    template = at.get("download_button")
    assert template, "the template download is missing"


def test_small_file_gives_every_row_with_errors_numbered() -> None:
    at = _upload_and_run(_batch_page(), SMALL_FILE)
    assert not at.exception
    assert FRIENDLY_ERROR not in [str(error.value) for error in at.error]
    metrics = {str(metric.label): str(metric.value) for metric in at.metric}
    provisional = sum(
        assess(Patient.model_validate(data)).provisional
        for data in (
            {"level": "T8", "histology": "lung", "kps": 40},
            {"level": "L4", "histology": "prostate", "kps": 80, "cachexia": False},
        )
    )
    assert metrics == {
        "Rows": "4",
        "Assessed": "2",
        "Provisional": str(provisional),
        "With errors": "2",
    }
    frames = [frame.value for frame in at.dataframe]
    (errors,) = [f for f in frames if list(f.columns) == ["row", "errors"]]
    (results,) = [f for f in frames if "Status" in f.columns]
    assert list(errors["row"]) == [2, 3]
    assert "kps" in errors["errors"][0]
    assert "level" in errors["errors"][1]
    assert list(results["Status"]) == ["assessed", "error", "error", "assessed"]
    alone = assess(Patient.model_validate({"level": "T8", "histology": "lung", "kps": 40}))
    top = alone.options[0]
    assert results["First option"].iloc[0] == APPROACH_SHORT_LABELS[top.approach]
    assert results[APPROACH_SHORT_LABELS[top.approach]].iloc[0] == VERDICT_LABELS[top.verdict]
    assert results["Provisional"].iloc[0] == ("yes" if alone.provisional else "no")
    assert (
        results["What was done"].iloc[0]
        == APPROACH_SHORT_LABELS[Approach.ENDOSCOPIC_TRANSPEDICULAR]
    )
    assert any("Agreement with what was done" in str(m.value) for m in at.markdown)


def test_unreadable_file_says_so_instead_of_failing() -> None:
    at = _upload_and_run(_batch_page(), "")
    assert not at.exception
    assert any("cannot be read" in str(error.value) for error in at.error)


def test_chart_and_download_frames_count_every_assessed_row() -> None:
    rows: list[dict[str, str]] = []
    columns: list[tuple[str, ...]] = []
    summary = run_batch(
        SMALL_FILE.splitlines(keepends=True), rows.append, on_columns=columns.append
    )
    frame = verdict_frame(summary)
    assert frame.groupby("option")["rows"].sum().eq(summary.ok).all()
    agreement = agreement_frame(rows)
    assert agreement["rows"].sum() == summary.audited
    text = results_csv(rows, columns[0])
    assert text.count("\n") == 1 + len(rows)


def test_provisional_rows_are_counted_only_when_the_output_has_the_column() -> None:
    assert provisional_count([{"status": "ok", "top_approach": "non_operative"}]) is None
    rows = [
        {"status": "ok", "provisional": "true"},
        {"status": "ok", "provisional": "false"},
        {"status": "error", "provisional": ""},
    ]
    assert provisional_count(rows) == 1


def test_the_cross_table_counts_what_was_done_against_the_tools_first_option() -> None:
    rows: list[dict[str, str]] = []
    run_batch(SMALL_FILE.splitlines(keepends=True), rows.append)
    # Rows 1 and 4 are assessed and audited; rows 2 and 3 are errors and left out.
    first = {
        done: assess(Patient.model_validate(data)).options[0].approach
        for done, data in (
            (Approach.ENDOSCOPIC_TRANSPEDICULAR, {"level": "T8", "histology": "lung", "kps": 40}),
            (
                Approach.PERCUTANEOUS_POSTERIOR_FIXATION,
                {"level": "L4", "histology": "prostate", "kps": 80, "cachexia": False},
            ),
        )
    }
    table = cross_table(rows)
    assert list(table.index)[:-1] == [APPROACH_SHORT_LABELS[a] for a in Approach]
    for done, top in first.items():
        assert table.loc[APPROACH_SHORT_LABELS[done], APPROACH_SHORT_LABELS[top]] == 1
    assert table.loc["Total", "Total"] == 2
    assert table.values.sum() == 2 * 4  # each count once in its cell, row, column and corner


def test_the_page_table_reads_verdicts_in_words_and_the_csv_keeps_codes() -> None:
    rows: list[dict[str, str]] = []
    columns: list[tuple[str, ...]] = []
    run_batch(SMALL_FILE.splitlines(keepends=True), rows.append, on_columns=columns.append)
    shown = readable_records(rows)[0]
    codes = {verdict.value for verdict in VERDICT_LABELS}
    assert not codes & {str(value) for value in shown.values()}
    text = results_csv(rows, columns[0])
    assert rows[0]["top_approach"] in text
    assert "input_kps" in text.splitlines()[0]
