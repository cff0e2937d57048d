"""Cohort batch review: one output row per input row, each good row as ``assess`` gives it."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rules import Approach, Assessment, Patient, assess, parse_patient, rules_version
from rules.batch import (
    ACTUAL_APPROACH_COLUMN,
    ALLOWED_COLUMNS,
    AUDIT_OUTPUT_COLUMNS,
    BATCH_OUTPUT_COLUMNS,
    ERROR_SEPARATOR,
    MAX_COLUMNS,
    MAX_RECORD_CHARS,
    ROW_LEVEL,
    VERDICT_COLUMNS,
    BatchFileError,
    BatchSummary,
    csv_row,
    result_writer,
    run_batch,
    template_csv,
)
from rules.case_library import case_by_slug, teaching_cases
from rules.patient import INPUT_FIELDS
from tests.strategies import patient_fields

REPO_ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((REPO_ROOT / "rules" / "cases").glob("seed_*.json"))
EXIT_BAD_INPUT = 2
BOM = "\ufeff"


def run_text(text: str) -> tuple[list[dict[str, str]], BatchSummary]:
    rows: list[dict[str, str]] = []
    summary = run_batch(io.StringIO(text, newline=""), rows.append)
    return rows, summary


def error_fields(row: dict[str, str]) -> list[str]:
    """The field named by each problem in a row's errors."""
    if not row["errors"]:
        return []
    return [part.partition(": ")[0] for part in row["errors"].split(ERROR_SEPARATOR)]


def expected_results(assessment: Assessment) -> dict[str, str]:
    scores = assessment.scores
    totals = {
        "sins_total": scores.sins.total,
        "tokuhashi_total": scores.tokuhashi.total,
        "tomita_total": scores.tomita.total,
    }
    return {
        "top_approach": assessment.options[0].approach.value,
        "provisional": "true" if assessment.provisional else "false",
        "decisive_missing_inputs": ";".join(assessment.decisive_missing_inputs),
        **{VERDICT_COLUMNS[o.approach]: o.verdict.value for o in assessment.options},
        **{name: "" if total is None else str(total) for name, total in totals.items()},
    }


RESULT_COLUMNS = (
    "top_approach",
    "provisional",
    "decisive_missing_inputs",
    *VERDICT_COLUMNS.values(),
    "sins_total",
    "tokuhashi_total",
    "tomita_total",
)


def results_of(row: dict[str, str]) -> dict[str, str]:
    return {column: row[column] for column in RESULT_COLUMNS}


def assessed(data: dict[str, Any]) -> Assessment:
    patient = parse_patient(data)
    assert isinstance(patient, Patient), patient
    return assess(patient)


def run_cli(*arguments: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "rules", *arguments],
        cwd=REPO_ROOT,
        input=stdin,
        capture_output=True,
        timeout=120,
        check=False,
    )


# --- a file mixing every kind of row -------------------------------------------------------

MIXED_HEADER = "level,histology,kps,cachexia,escc_grade,actual_approach"
# (CSV line, expected status, fields the errors must name, JSON input it must equal if ok)
MIXED_ROWS: tuple[tuple[str, str, tuple[str, ...], dict[str, Any] | None], ...] = (
    (
        "T8,lung,40,,2,endoscopic_transpedicular",
        "ok",
        (),
        {"level": "T8", "histology": "lung", "kps": 40, "escc_grade": "2"},
    ),
    (
        "L3,sarcoma,,yes,,posterior_only",
        "ok",
        (),
        {"level": "L3", "histology": "sarcoma", "cachexia": True},
    ),
    ("T8,lng,55,,,", "error", ("histology", "kps"), None),
    (",lung,50,,,", "error", ("level",), None),
    ("T8,lung,abc,maybe,,", "error", ("kps", "cachexia"), None),
    ("", "error", (ROW_LEVEL,), None),
    (
        "T9,breast,60,NO,1a,",
        "ok",
        (),
        {"level": "T9", "histology": "breast", "kps": 60, "cachexia": False, "escc_grade": "1a"},
    ),
    ("T10,prostate,70,,,open_surgery", "error", (ACTUAL_APPROACH_COLUMN,), None),
    ("T11,renal,80,0", "error", (ROW_LEVEL,), None),
    (
        " t12 , Breast , 90 , TRUE ,3, Non_Operative ",
        "ok",
        (),
        {"level": "T12", "histology": "breast", "kps": 90, "cachexia": True, "escc_grade": "3"},
    ),
    (",,,,,", "error", (ROW_LEVEL,), None),
    ("S1,lung,70,1,,", "ok", (), {"level": "S1", "histology": "lung", "kps": 70, "cachexia": True}),
)
MIXED_TEXT = BOM + MIXED_HEADER + "\r\n" + "\r\n".join(line for line, *_ in MIXED_ROWS) + "\r\n"


@pytest.fixture(scope="module")
def mixed() -> tuple[list[dict[str, str]], BatchSummary]:
    return run_text(MIXED_TEXT)


def test_mixed_file_gives_exactly_the_expected_statuses_in_order(
    mixed: tuple[list[dict[str, str]], BatchSummary],
) -> None:
    rows, _ = mixed
    assert [row["row"] for row in rows] == [str(n) for n in range(1, len(MIXED_ROWS) + 1)]
    assert [row["status"] for row in rows] == [status for _, status, *_ in MIXED_ROWS]


@pytest.mark.parametrize(
    ("index", "fields"),
    [(index, fields) for index, (_, _, fields, _) in enumerate(MIXED_ROWS)],
)
def test_each_error_names_its_field(
    mixed: tuple[list[dict[str, str]], BatchSummary], index: int, fields: tuple[str, ...]
) -> None:
    rows, _ = mixed
    assert error_fields(rows[index]) == list(fields)


@pytest.mark.parametrize(
    ("index", "data"),
    [(index, data) for index, (*_, data) in enumerate(MIXED_ROWS) if data is not None],
)
def test_good_row_equals_assess_of_that_patient_alone(
    mixed: tuple[list[dict[str, str]], BatchSummary], index: int, data: dict[str, Any]
) -> None:
    rows, _ = mixed
    assert results_of(rows[index]) == expected_results(assessed(data))
    assert rows[index]["rules_version"] == rules_version()


def test_error_rows_carry_no_results(mixed: tuple[list[dict[str, str]], BatchSummary]) -> None:
    rows, _ = mixed
    for row in rows:
        if row["status"] == "error":
            assert set(results_of(row).values()) == {""}
            assert row["agrees"] == ""


def test_output_has_the_audit_columns_when_the_input_has_actual_approach(
    mixed: tuple[list[dict[str, str]], BatchSummary],
) -> None:
    rows, summary = mixed
    assert summary.columns == BATCH_OUTPUT_COLUMNS + AUDIT_OUTPUT_COLUMNS
    assert all(tuple(row) == summary.columns for row in rows)


def test_agrees_compares_the_top_approach_with_the_actual_one(
    mixed: tuple[list[dict[str, str]], BatchSummary],
) -> None:
    rows, summary = mixed
    audited = [row for row in rows if row["status"] == "ok" and row[ACTUAL_APPROACH_COLUMN]]
    assert len(audited) == 3
    for row in audited:
        expected = row["top_approach"] == row[ACTUAL_APPROACH_COLUMN]
        assert row["agrees"] == ("true" if expected else "false")
    assert summary.audited == 3
    assert summary.agreements == sum(row["agrees"] == "true" for row in audited)


def test_actual_approach_is_read_case_insensitively(
    mixed: tuple[list[dict[str, str]], BatchSummary],
) -> None:
    rows, _ = mixed
    assert rows[9][ACTUAL_APPROACH_COLUMN] == Approach.NON_OPERATIVE.value


def test_summary_counts_every_row_and_every_verdict(
    mixed: tuple[list[dict[str, str]], BatchSummary],
) -> None:
    rows, summary = mixed
    ok = [row for row in rows if row["status"] == "ok"]
    assert (summary.rows, summary.ok, summary.errors) == (len(rows), len(ok), len(rows) - len(ok))
    assert summary.blank_rows == 2
    for approach, counts in summary.verdict_counts.items():
        assert sum(counts.values()) == len(ok)
        for verdict, count in counts.items():
            assert count == sum(row[VERDICT_COLUMNS[approach]] == verdict.value for row in ok)
    assert sum(summary.top_approach_counts.values()) == len(ok)


# --- the header ------------------------------------------------------------------------


def test_unknown_column_makes_every_row_an_error_naming_it() -> None:
    rows, summary = run_text("level,histology,kps_score\nT8,lung,50\nT8,lng,\n")
    assert [row["status"] for row in rows] == ["error", "error"]
    assert [error_fields(row) for row in rows] == [["kps_score"], ["kps_score", "histology"]]
    assert "allowed columns: case_label, level, histology" in rows[0]["errors"]
    assert [problem.field for problem in summary.header_problems] == ["kps_score"]


def test_repeated_column_makes_every_row_an_error_naming_it() -> None:
    rows, _ = run_text("level,histology,kps,kps\nT8,lung,50,60\n")
    assert error_fields(rows[0]) == ["kps"]
    assert "appears 2 times" in rows[0]["errors"]


def test_unnamed_column_is_allowed_while_its_cells_are_empty() -> None:
    rows, _ = run_text("level,histology,\nT8,lung,\nT8,lung,50\n")
    assert [row["status"] for row in rows] == ["ok", "error"]
    assert error_fields(rows[1]) == ["(column 3)"]


def test_without_actual_approach_the_output_has_no_audit_columns() -> None:
    rows, summary = run_text("level,histology\nT8,lung\n")
    assert tuple(rows[0]) == BATCH_OUTPUT_COLUMNS
    assert not summary.has_actual_approach


def test_header_with_only_the_required_columns_is_enough() -> None:
    rows, _ = run_text("histology,level\nlung,T8\n")
    assert results_of(rows[0]) == expected_results(assessed({"level": "T8", "histology": "lung"}))


def test_blank_lines_above_the_header_are_skipped() -> None:
    rows, _ = run_text("\n,\nlevel,histology\nT8,lung\n")
    assert [(row["row"], row["status"]) for row in rows] == [("1", "ok")]


@pytest.mark.parametrize(
    "text",
    [pytest.param("", id="empty"), pytest.param("\n\n , \n", id="blank_lines_only")],
)
def test_input_without_a_header_is_a_file_error(text: str) -> None:
    with pytest.raises(BatchFileError, match="no header"):
        run_text(text)


def test_text_that_is_not_utf8_is_a_file_error() -> None:
    stream = io.TextIOWrapper(io.BytesIO(b"level,histology\nT8,lung\nT8,\xe9\n"), encoding="utf-8")
    with pytest.raises(BatchFileError, match="not UTF-8"):
        run_batch(stream, lambda row: None)


# --- rows ------------------------------------------------------------------------------


def test_quoted_cell_may_hold_a_line_break_and_stays_one_row() -> None:
    rows, _ = run_text('level,histology\n"T8\n",lung\nT9,lung\n')
    assert [row["row"] for row in rows] == ["1", "2"]
    assert [row["status"] for row in rows] == ["ok", "ok"]


def test_unparseable_row_is_an_error_and_the_run_goes_on() -> None:
    rows, _ = run_text('level,histology,case_label\nT8,lung,"x"y\nT9,lung,\n')
    assert [row["status"] for row in rows] == ["error", "ok"]
    assert error_fields(rows[0]) == [ROW_LEVEL]


def test_an_unclosed_quote_is_an_error_row_naming_the_lines_it_swallowed() -> None:
    rows, summary = run_text('level,histology,case_label\nT8,lung,"oops\nL4,renal,x\nL5,renal,y\n')
    assert [row["status"] for row in rows] == ["error"]
    assert error_fields(rows[0]) == [ROW_LEVEL]
    assert "opened on line 2 is never closed" in rows[0]["errors"]
    assert "lines 2-4" in rows[0]["errors"]
    assert (summary.rows, summary.ok, summary.errors) == (1, 0, 1)


def test_a_count_beyond_the_spine_is_a_row_error_and_the_run_goes_on() -> None:
    rows, _ = run_text(
        "level,histology,vertebral_metastases,extraspinal_bone_metastases\n"
        "T8,lung,2,\nT8,lung,1000000,\nT8,lung,,99999999999999999999\nL4,renal,,\n"
    )
    assert [row["status"] for row in rows] == ["ok", "error", "error", "ok"]
    assert error_fields(rows[1]) == ["vertebral_metastases"]
    assert "from 1 to 33" in rows[1]["errors"]
    assert error_fields(rows[2]) == ["extraspinal_bone_metastases"]


def test_a_number_with_underscores_is_refused_not_read_as_another_number() -> None:
    rows, _ = run_text("level,histology,kps\nT8,lung,4_0\n")
    assert rows[0]["status"] == "error"
    assert error_fields(rows[0]) == ["kps"]
    assert "no underscores" in rows[0]["errors"]


def test_a_rejected_case_label_is_not_repeated_in_the_output() -> None:
    rows, _ = run_text("level,histology,case_label\nT8,lung,MRN 123456789\n")
    assert error_fields(rows[0]) == ["case_label"]
    assert "123456789" not in "".join(rows[0].values())


def test_an_assessed_row_keeps_its_case_label_and_inputs_beside_the_result() -> None:
    rows, _ = run_text("level,histology,case_label,kps,cachexia\nT8,lung,Teaching 7,40,YES\n")
    row = rows[0]
    assert row["status"] == "ok"
    assert list(row)[:3] == ["row", "case_label", "status"]
    assert row["case_label"] == "Teaching 7"
    assert (row["input_level"], row["input_histology"], row["input_kps"]) == ("T8", "lung", "40")
    assert row["input_cachexia"] == "true"  # as validated, not as typed
    assert row["input_albumin_g_dl"] == ""  # unknown stays empty
    assert row["top_approach"]


def test_a_long_rejected_value_is_cut_in_the_message() -> None:
    rows, _ = run_text(f"level,histology\nT8,{'x' * 5000}\n")
    assert error_fields(rows[0]) == ["histology"]
    assert len(rows[0]["errors"]) < 600
    assert "(5000 characters)" in rows[0]["errors"]


def test_cells_a_spreadsheet_would_run_as_formulas_are_quoted() -> None:
    rows, _ = run_text("level,histology,actual_approach,=1+2\nT8,lung,@SUM(A1),\n")
    assert rows[0]["errors"].startswith("'=1+2: unknown column")
    assert rows[0]["actual_approach"] == "'@SUM(A1)"


def test_a_semicolon_separated_file_gets_a_hint() -> None:
    rows, _ = run_text("level;histology\nT8;lung\n")
    assert "save the file with commas" in rows[0]["errors"]


def test_kps_and_ecog_that_disagree_name_both() -> None:
    rows, _ = run_text("level,histology,kps,ecog\nT8,lung,90,3\n")
    assert error_fields(rows[0]) == ["kps/ecog"]


def test_progress_and_columns_are_reported_as_the_run_goes() -> None:
    events: list[object] = []
    run_batch(
        io.StringIO("level,histology\nT8,lung\n\nT9,lung\n"),
        lambda row: events.append(row["row"]),
        progress=events.append,
        on_columns=events.append,
    )
    assert events == [BATCH_OUTPUT_COLUMNS, "1", 1, "2", 2, "3", 3]


def test_template_has_every_column_and_rows_that_pass() -> None:
    text = template_csv()
    assert next(csv.reader(io.StringIO(text))) == list(ALLOWED_COLUMNS)
    rows, summary = run_text(text)
    assert summary.rows == 3
    assert [row["status"] for row in rows] == ["ok", "ok", "ok"]


def test_csv_row_reads_back_as_the_same_patient() -> None:
    patient = case_by_slug(EXAMPLES[0].stem).patient
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=ALLOWED_COLUMNS)
    writer.writeheader()
    writer.writerow(csv_row(patient))
    rows, _ = run_text(buffer.getvalue())
    assert results_of(rows[0]) == expected_results(assess(patient))


# --- a property over random files ------------------------------------------------------

BAD_VALUES: dict[str, tuple[str, ...]] = {
    "level": ("Z9", "T13", "", "lumbar"),
    "histology": ("lng", "cancer"),
    "kps": ("55", "abc", "110", "-10", "true"),
    "ecog": ("5", "2.5", "x"),
    "cachexia": ("maybe", "2"),
    "escc_grade": ("4", "1d"),
    "albumin_g_dl": ("0.5", "lots"),
    "expected_survival_months": ("0", "-3", "soon"),
    "case_label": ("MRN 12345678", "born 01/02/1950"),
}
RowCase = tuple[list[str], str | None, str | None, Patient | None]


def _cells(fields: dict[str, Any]) -> list[str]:
    row = csv_row(Patient.model_validate(fields))
    return [row[column] for column in ALLOWED_COLUMNS]


@st.composite
def row_cases(draw: st.DrawFn) -> RowCase:
    """(cells, expected status or None if any, field an error must name, patient if ok)."""
    kind = draw(st.sampled_from(("valid", "bad_value", "blank", "ragged", "noise")))
    if kind == "blank":
        return (
            ([] if draw(st.booleans()) else [""] * len(ALLOWED_COLUMNS)),
            "error",
            ROW_LEVEL,
            None,
        )
    fields = draw(patient_fields())
    cells = _cells(fields)
    if kind == "valid":
        return cells, "ok", None, Patient.model_validate(fields)
    if kind == "bad_value":
        field = draw(st.sampled_from(sorted(BAD_VALUES)))
        cells[ALLOWED_COLUMNS.index(field)] = draw(st.sampled_from(BAD_VALUES[field]))
        return cells, "error", field, None
    if kind == "ragged":
        cut = draw(st.integers(2, len(cells) - 1))
        return (cells[:cut] if draw(st.booleans()) else [*cells, "extra"]), "error", ROW_LEVEL, None
    column = draw(st.sampled_from(INPUT_FIELDS))
    cells[ALLOWED_COLUMNS.index(column)] = draw(st.text(max_size=12))
    return cells, None, None, None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases=st.lists(row_cases(), max_size=25), bom=st.booleans())
def test_any_file_gives_one_output_row_per_input_row_in_order(
    cases: list[RowCase], bom: bool
) -> None:
    buffer = io.StringIO()
    buffer.write(BOM if bom else "")
    writer = csv.writer(buffer)
    writer.writerow(ALLOWED_COLUMNS)
    for cells, *_ in cases:
        if cells:
            writer.writerow(cells)
        else:
            buffer.write("\r\n")
    rows, summary = run_text(buffer.getvalue())
    assert [row["row"] for row in rows] == [str(n) for n in range(1, len(cases) + 1)]
    assert summary.rows == len(cases)
    for row, (_, status, field, patient) in zip(rows, cases, strict=True):
        if status is not None:
            assert row["status"] == status, row["errors"]
        if field is not None:
            assert field in error_fields(row)
        if patient is not None:
            assert results_of(row) == expected_results(assess(patient))


# --- the command line --------------------------------------------------------------------


def test_cli_batch_gives_what_cli_assess_gives_for_each_patient(tmp_path: Path) -> None:
    source = tmp_path / "cohort.csv"
    with source.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=ALLOWED_COLUMNS)
        writer.writeheader()
        for example in EXAMPLES:
            writer.writerow(csv_row(case_by_slug(example.stem).patient))
    result = run_cli("batch", str(source), "-o", str(tmp_path / "out.csv"))
    assert result.returncode == 0, result.stderr
    with (tmp_path / "out.csv").open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) == len(EXAMPLES)
    for row, example in zip(rows, EXAMPLES, strict=True):
        single = run_cli("assess", str(example))
        output = json.loads(single.stdout)
        totals = [output["scores"][name]["total"] for name in ("sins", "tokuhashi", "tomita")]
        assert row["top_approach"] == output["options"][0]["approach"]
        assert {
            VERDICT_COLUMNS[Approach(o["approach"])]: o["verdict"] for o in output["options"]
        } == {column: row[column] for column in VERDICT_COLUMNS.values()}
        assert [row["sins_total"], row["tokuhashi_total"], row["tomita_total"]] == [
            "" if total is None else str(total) for total in totals
        ]
        assert row["rules_version"] == output["rules_version"]


def test_cli_batch_exits_0_with_bad_rows_and_summarises_on_stderr() -> None:
    result = run_cli("batch", "-", stdin=MIXED_TEXT.encode("utf-8"))
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout.decode("utf-8"))))
    assert [row["status"] for row in rows] == [status for _, status, *_ in MIXED_ROWS]
    stderr = result.stderr.decode("utf-8")
    assert "rows: 12, ok: 5, errors: 7 (2 blank)" in stderr
    assert "agreement:" in stderr
    assert "Traceback" not in stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(None, "cannot read", id="missing_file"),
        pytest.param(b"level,histology\nT8,lung\nT8,\xe9\n", "not UTF-8", id="latin1_file"),
        pytest.param(b"", "no header", id="empty_file"),
    ],
)
def test_cli_batch_exits_2_with_one_line_when_the_file_cannot_be_read(
    tmp_path: Path, content: bytes | None, message: str
) -> None:
    source = tmp_path / "cohort.csv"
    if content is not None:
        source.write_bytes(content)
    target = tmp_path / "out.csv"
    result = run_cli("batch", str(source), "-o", str(target))
    lines = result.stderr.decode("utf-8").splitlines()
    assert result.returncode == EXIT_BAD_INPUT
    assert len(lines) == 1
    assert message in lines[0]
    assert not target.exists()


def test_cli_batch_to_stdout_keeps_the_bom_out_of_the_header() -> None:
    result = run_cli("batch", "-", stdin=(BOM + "level,histology\nT8,lung\n").encode("utf-8"))
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout.decode("utf-8"))))
    assert [row["status"] for row in rows] == ["ok"]


def test_cli_batch_writes_through_a_symbolic_link_with_the_usual_mode(tmp_path: Path) -> None:
    source = tmp_path / "cases.csv"
    source.write_text("level,histology\nT8,lung\n", encoding="utf-8")
    real = tmp_path / "results.csv"
    real.write_text("old\n", encoding="utf-8")
    real.chmod(0o644)
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    result = run_cli("batch", str(source), "-o", str(link))
    assert result.returncode == 0, result.stderr
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8").startswith("row,case_label,status,errors")
    assert real.stat().st_mode & 0o777 == 0o644


def test_cli_batch_reads_a_pipe_given_as_a_path() -> None:
    result = subprocess.run(
        [
            "/bin/sh",
            "-c",
            f"printf 'level,histology\\nT8,lung\\n' | {sys.executable} -m rules batch /dev/stdin",
        ],
        capture_output=True,
        check=False,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout.decode("utf-8"))))
    assert [row["status"] for row in rows] == ["ok"]


def test_moribund_row_has_every_operation_not_suggested() -> None:
    # KPS 20 is moribund (C2): every operation is not suggested, whatever the compression.
    rows, _ = run_text("level,histology,kps,frankel,escc_grade\nT8,lung,20,C,3\n")
    assert rows[0]["status"] == "ok", rows[0]["errors"]
    assert rows[0]["verdict_posterior_only"] == "not_suggested"
    assert rows[0]["verdict_anterior_anterolateral"] == "not_suggested"
    assert rows[0]["top_approach"] == "non_operative"


def test_row_without_a_bilsky_grade_is_provisional_naming_escc_grade() -> None:
    # Frankel C in a fit patient: with Bilsky 2-3 the need is urgent (an operation leads),
    # with 0-1b it is none (radiotherapy leads), so the missing grade decides the top.
    rows, _ = run_text("level,histology,kps,asa_class,frankel\nT8,breast,80,2,C\n")
    assert rows[0]["provisional"] == "true"
    assert "escc_grade" in rows[0]["decisive_missing_inputs"].split(";")


def test_boolean_columns_are_exactly_the_yes_no_fields() -> None:
    from rules.batch import BOOLEAN_FIELDS

    assert "bleeding_risk" in BOOLEAN_FIELDS
    assert "tissue_diagnosis" in BOOLEAN_FIELDS
    assert "kps" not in BOOLEAN_FIELDS
    rows, _ = run_text("level,histology,bleeding_risk,tissue_diagnosis\nT8,lung,YES,0\n")
    assert rows[0]["status"] == "ok", rows[0]["errors"]


def test_template_header_covers_every_input_field() -> None:
    header = next(csv.reader(io.StringIO(template_csv())))
    assert set(INPUT_FIELDS) <= set(header)


# --- hostile files (issue 10) ------------------------------------------------------------


def read_back(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_a_carriage_return_in_an_echoed_cell_is_quoted_so_rows_read_back_as_written() -> None:
    rows, summary = run_text('level,histology,actual_approach\nT8,lung,"a\rb"\nT9,lung,x\n')
    buffer = io.StringIO(newline="")
    writer = result_writer(buffer, summary.columns)
    writer.writerows(rows)
    records = read_back(buffer.getvalue())
    assert len(records) == 3  # the header and the two rows
    assert records[1][summary.columns.index(ACTUAL_APPROACH_COLUMN)] == "a\rb"


def test_a_cell_longer_than_the_csv_default_limit_is_that_rows_error_and_no_row_is_lost() -> None:
    long_cell = "x" * 200_000
    rows, summary = run_text(
        f'level,histology,case_label\nT8,lung,"first\n{long_cell}\nlast"\nT9,lung,\nL4,renal,\n'
    )
    assert [(row["row"], row["status"]) for row in rows] == [
        ("1", "error"),
        ("2", "ok"),
        ("3", "ok"),
    ]
    assert error_fields(rows[0]) == ["case_label"]
    assert len(rows[0]["errors"]) < 600
    assert summary.rows == 3


def test_a_record_longer_than_the_bound_stops_the_run_with_one_line_and_is_never_held() -> None:
    endless = io.StringIO("level,histology\nT8,lung\n" + "x" * (MAX_RECORD_CHARS + 10))
    written: list[dict[str, str]] = []
    with pytest.raises(BatchFileError, match=r"row 2 is longer than 10,485,760 characters"):
        run_batch(endless, written.append)
    assert [row["row"] for row in written] == ["1"]


def test_many_blank_lines_above_the_header_are_not_one_long_record() -> None:
    rows, _ = run_text("\n" * (MAX_RECORD_CHARS + 1) + "level,histology\nT8,lung\n")
    assert [(row["row"], row["status"]) for row in rows] == [("1", "ok")]


def test_blank_lines_count_towards_the_row_limit() -> None:
    written: list[dict[str, str]] = []
    with pytest.raises(BatchFileError, match=r"more than 5 rows \(blank lines count as rows\)"):
        run_batch(io.StringIO("level,histology\n" + "\n" * 1_000_000), written.append, max_rows=5)
    assert len(written) == 5


def test_a_file_of_exactly_the_row_limit_is_reviewed_whole() -> None:
    rows: list[dict[str, str]] = []
    summary = run_batch(io.StringIO("level,histology\n" + "T8,lung\n" * 5), rows.append, max_rows=5)
    assert summary.rows == 5


def test_a_header_with_more_columns_than_allowed_is_a_file_error() -> None:
    header = ",".join(f"c{n}" for n in range(MAX_COLUMNS + 1))
    with pytest.raises(BatchFileError, match=f"the header has {MAX_COLUMNS + 1} columns"):
        run_text(header + "\nT8\n")


def test_the_allowed_columns_are_listed_once_however_many_columns_are_unknown() -> None:
    rows, _ = run_text("level,histology,a,b,c\nT8,lung,,,\n")
    assert error_fields(rows[0]) == ["a", "b", "c"]
    assert rows[0]["errors"].count("allowed columns: case_label") == 1


def test_cli_batch_refuses_a_hard_link_to_its_input(tmp_path: Path) -> None:
    source = tmp_path / "cases.csv"
    source.write_text("level,histology\nT8,lung\n", encoding="utf-8")
    twin = tmp_path / "twin.csv"
    twin.hardlink_to(source)
    result = run_cli("batch", str(twin), "-o", str(source))
    assert result.returncode == EXIT_BAD_INPUT
    assert result.stderr.decode().strip().endswith("is the input file; choose another output")
    assert source.read_text(encoding="utf-8") == "level,histology\nT8,lung\n"


CELL_ALPHABET = st.characters(codec="utf-8") | st.sampled_from(',"\r\n\t \x00;')
OVERSIZED_CELL = st.builds(
    lambda character, length: character * length,
    st.sampled_from('x\n",'),
    st.integers(131_000, 132_000),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    records=st.lists(
        st.lists(st.text(CELL_ALPHABET, max_size=12) | OVERSIZED_CELL, max_size=6), max_size=8
    ),
    quote_all=st.booleans(),
    line_end=st.sampled_from(("\r\n", "\n")),
)
def test_any_csv_gives_exactly_one_output_row_per_input_record(
    records: list[list[str]], quote_all: bool, line_end: str
) -> None:
    # Python's writer quotes only its own line end: with "\n" a lone CR is quoted by hand.
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator=line_end).writerow(ALLOWED_COLUMNS)
    for record in records:
        lone_cr = line_end == "\n" and any("\r" in cell for cell in record)
        if quote_all or lone_cr:
            csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator=line_end).writerow(record)
        else:
            csv.writer(buffer, lineterminator=line_end).writerow(record)
    csv.field_size_limit(MAX_RECORD_CHARS)  # the reference reader must read big cells too
    assert len(list(csv.reader(io.StringIO(buffer.getvalue(), newline="")))) == len(records) + 1
    rows, summary = run_text(buffer.getvalue())
    assert [row["row"] for row in rows] == [str(n) for n in range(1, len(records) + 1)]
    assert summary.rows == len(records)
    for row, record in zip(rows, records, strict=True):
        if any(len(cell) > 131_072 for cell in record):
            assert row["status"] == "error"
            assert len(row["errors"]) < 5000


def test_rows_handed_over_in_chunks_keep_their_order_and_their_decisive_inputs() -> None:
    # Eight teaching cases and one broken row (no histology) in fourth place, in chunks of
    # three: each chunk gets one decisive search, and every row must still carry its own.
    patients = [case.patient for case in teaching_cases()[:8]]
    stream = io.StringIO()
    writer = csv.DictWriter(stream, fieldnames=ALLOWED_COLUMNS)
    writer.writeheader()
    for index, patient in enumerate(patients):
        if index == 3:
            writer.writerow({"level": "T4"})
        writer.writerow(csv_row(patient))
    lines = stream.getvalue().splitlines(keepends=True)
    chunked: list[dict[str, str]] = []
    done: list[int] = []
    run_batch(lines, chunked.append, progress=done.append, chunk_rows=3)
    assert [row["status"] for row in chunked] == ["ok"] * 3 + ["error"] + ["ok"] * 5
    assert done == list(range(1, 10))
    expected = [assess(patient) for patient in patients]
    ok_rows = [row for row in chunked if row["status"] == "ok"]
    assert [row["decisive_missing_inputs"] for row in ok_rows] == [
        ";".join(result.decisive_missing_inputs) for result in expected
    ]
    assert [row["provisional"] for row in ok_rows] == [
        "true" if result.provisional else "false" for result in expected
    ]
    assert len({row["decisive_missing_inputs"] for row in ok_rows}) > 2  # rows differ


def test_two_worker_processes_give_the_rows_and_summary_of_one() -> None:
    patients = [case.patient for case in teaching_cases()]
    stream = io.StringIO()
    writer = csv.DictWriter(stream, fieldnames=ALLOWED_COLUMNS)
    writer.writeheader()
    for index, patient in enumerate(patients):
        if index == 5:
            writer.writerow({"level": "T4", "histology": "lung", "kps": "55"})  # an error row
        writer.writerow(csv_row(patient))
    lines = stream.getvalue().splitlines(keepends=True)
    alone: list[dict[str, str]] = []
    together: list[dict[str, str]] = []
    summary_alone = run_batch(lines, alone.append, chunk_rows=4)
    summary_together = run_batch(lines, together.append, chunk_rows=4, workers=2)
    assert together == alone
    assert summary_together == summary_alone
    assert summary_alone.rows == len(patients) + 1
    assert summary_alone.errors == 1
