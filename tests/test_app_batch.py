"""The Batch review page, driven headless with AppTest."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import evidence
from app_pages.batch import (
    agreement_frame,
    cross_table,
    provisional_count,
    readable_records,
    results_csv,
    verdict_frame,
)
from app_pages.render import BANNER, FRIENDLY_ERROR
from app_pages.session_notice import FORM_RESET_NOTICE, SESSION_MARKER, SESSION_MARKER_VALUE
from evidence import EvidenceDataError
from rules import APPROACH_SHORT_LABELS, VERDICT_LABELS, Approach, Patient, assess, case_library
from rules.batch import run_batch
from rules.case_library import CASES_DIR, shipped_library
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


# --- hostile uploads (issue 10) -------------------------------------------------------------

HOSTILE_NAMES = (
    "![x](https://evil.example/x.png)",
    "[click](https://evil.example)",
    "**bold**",
    ":red[colour]",
    "$\\LaTeX$",
    ":material/warning:",
    ":smile:",
    "<img src=x onerror=alert(1)>",
    "https://evil.example/auto",
    "www.evil.example",
    "`code`",
    "# heading",
)
HOSTILE_CELLS = ("[x](https://evil.example)", "**b**\r\n- item", ":material/bolt:")
# Markup Streamlit would render, looked for in the Markdown source of every message:
# an unescaped special character, a colon glued to a word (icon, emoji, colour, URL), www.
MARKUP = re.compile(r"(?<!\\)[\[\]*`$<>#!]|:(?=[^\s\u200b])|(?i:www\.)")


def _message_bodies(at: AppTest) -> list[str]:
    elements = [*at.error, *at.warning, *at.info, *at.success, *at.markdown, *at.caption]
    return [str(element.value) for element in elements]


def test_hostile_header_names_and_cells_render_as_plain_text() -> None:
    header = ",".join(["level", "histology", "actual_approach", *(f'"{n}"' for n in HOSTILE_NAMES)])
    cells = ",".join(f'"{cell}"' for cell in HOSTILE_CELLS) + "," * len(HOSTILE_NAMES)
    at = _upload_and_run(
        _batch_page(), f"{header}\r\n{cells}\r\nT8,lung,{',' * len(HOSTILE_NAMES)}\r\n"
    )
    assert not at.exception
    headers = [body for body in _message_bodies(at) if body.startswith("Header")]
    assert len(headers) == len(HOSTILE_NAMES)
    for body in headers:
        assert MARKUP.search(body) is None, body
    metrics = {str(metric.label): str(metric.value) for metric in at.metric}
    assert metrics["Rows"] == "2"
    assert metrics["With errors"] == "2"


def test_a_megabyte_of_blank_lines_is_refused_at_the_row_limit_with_one_message() -> None:
    at = _upload_and_run(_batch_page(), "level,histology\n" + "\n" * (1 << 20))
    assert not at.exception
    (message,) = [str(error.value) for error in at.error]
    assert message.startswith("The file cannot be read: more than 10,000 rows")
    assert "blank lines count as rows" in message
    assert not at.metric


def test_text_that_is_not_utf8_is_refused_with_one_message() -> None:
    at = _batch_page()
    at.file_uploader(key="batch_upload").set_value(
        ("cases.csv", b"level,histology\nT8,lung\nT8,\xe9\n", "text/csv")
    ).run()
    at.button(key="batch_run").click().run()
    assert not at.exception
    (message,) = [str(error.value) for error in at.error]
    assert "not UTF-8 text" in message
    assert "CSV UTF-8" in message


@pytest.fixture
def broken_case_library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The shipped cases plus one file that is not JSON."""
    for case in CASES_DIR.glob("*.json"):
        shutil.copy(case, tmp_path / case.name)
    (tmp_path / "zz_broken.json").write_text('{"title": ', encoding="utf-8")
    monkeypatch.setattr(case_library, "CASES_DIR", tmp_path)
    shipped_library.cache_clear()
    yield
    shipped_library.cache_clear()


@pytest.mark.usefixtures("broken_case_library")
def test_a_bad_case_file_leaves_batch_review_working() -> None:
    at = _upload_and_run(_batch_page(), SMALL_FILE)
    assert not at.exception
    assert FRIENDLY_ERROR not in [str(error.value) for error in at.error]
    assert {str(metric.label): str(metric.value) for metric in at.metric}["Rows"] == "4"


@pytest.mark.usefixtures("broken_case_library")
def test_a_bad_case_file_is_named_on_the_case_library_and_the_rest_are_listed() -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("app_pages/case_library.py").run()
    assert not at.exception
    warnings = [str(warning.value) for warning in at.warning]
    assert any(
        "zz\\_broken.json" in warning and "not valid JSON" in warning for warning in warnings
    )
    assert len(shipped_library().cases) == len(list(CASES_DIR.glob("*.json")))
    assert len(
        [button for button in at.button if (button.key or "").startswith("load_case_")]
    ) == len(shipped_library().cases)


def test_unreadable_evidence_is_one_message_naming_the_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def unreadable() -> None:
        raise EvidenceDataError(Path("/srv/evidence.json"), "is missing; restore it")

    monkeypatch.setattr(evidence, "registry", unreadable)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    assert [str(error.value) for error in at.error] == [
        "The app cannot start: curated evidence data '/srv/evidence.json' is missing; restore it."
    ]


def test_a_new_session_in_a_tab_that_had_one_says_the_form_was_reset() -> None:
    fresh = AppTest.from_file(APP, default_timeout=60)
    fresh.run()
    assert FORM_RESET_NOTICE not in [str(w.value) for w in fresh.warning]
    assert fresh.query_params[SESSION_MARKER] == SESSION_MARKER_VALUE
    fresh.run()  # a rerun in the same session says nothing either
    assert FORM_RESET_NOTICE not in [str(w.value) for w in fresh.warning]
    reconnected = AppTest.from_file(APP, default_timeout=60)
    reconnected.query_params[SESSION_MARKER] = SESSION_MARKER_VALUE
    reconnected.run()
    assert FORM_RESET_NOTICE in [str(w.value) for w in reconnected.warning]
    reconnected.run()
    assert FORM_RESET_NOTICE not in [str(w.value) for w in reconnected.warning]


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
