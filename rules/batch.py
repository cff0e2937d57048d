"""Cohort batch review: a CSV of patients in, one result row per input row out.

The input is read row by row and each result is handed to ``write_row`` as soon
as it is known, so memory stays flat however long the file is.

How the input is read:

- The first line is the header. Its columns are the input field names
  (``INPUT_FIELDS``) in any order, plus an optional ``actual_approach`` column
  for audits. An empty cell means unknown.
- Every line after the header is a row and gets exactly one output row, in
  order, numbered from 1 (the spreadsheet row minus the header). No row is
  dropped: a blank row (no cells, or every cell empty) is an error row.
- A problem with the header (an unknown or repeated column name) is reported
  on every row, and every row is then an error: a misspelt column would
  otherwise be dropped silently and its field read as unknown. The other
  problems of each row are still listed, so one corrected rerun is enough.
- A row with more or fewer cells than the header is an error naming both
  counts. A column whose header cell is empty is allowed as long as its cells
  are empty too (spreadsheets export such trailing columns).
- Cells are stripped. Yes/no fields (``field_kind`` BOOLEAN) accept
  true/false, yes/no and 1/0 in any case; numbers and choices are read by the
  patient model itself (``parse_patient``), which also writes every field message.

What an ok row carries besides the verdicts: ``provisional`` (true/false, as
``assess`` decides it: an unknown input that could change the first option, a
first place decided by invasiveness alone, or no tissue diagnosis) and
``decisive_missing_inputs`` (those unknown inputs, joined by ``;``).
- A bad row never stops the run. Only an unreadable source (no header, or text
  that is not UTF-8) raises ``BatchFileError``.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

from rules.case_library import case_by_slug
from rules.catalog import Approach, Verdict
from rules.engine import Evaluation, evaluate, provisional_reasons, rules_version
from rules.patient import INPUT_FIELDS, FieldKind, Patient, field_kind
from rules.problems import SHOWN_VALUE_MAX, InputProblem, parse_patient, shown

ACTUAL_APPROACH_COLUMN = "actual_approach"
AGREES_COLUMN = "agrees"
ERRORS_COLUMN = "errors"
ROW_LEVEL = "(row)"
ERROR_SEPARATOR = " | "
BOOLEAN_CELLS: dict[str, bool] = {
    "true": True,
    "yes": True,
    "1": True,
    "false": False,
    "no": False,
    "0": False,
}
BOOLEAN_FIELDS: frozenset[str] = frozenset(
    name for name in INPUT_FIELDS if field_kind(name) is FieldKind.BOOLEAN
)
PROVISIONAL_COLUMN = "provisional"
DECISIVE_COLUMN = "decisive_missing_inputs"
DECISIVE_SEPARATOR = ";"
VERDICT_COLUMNS: dict[Approach, str] = {
    approach: f"verdict_{approach.value}" for approach in Approach
}
# An assessed row echoes its inputs as validated (an audit reads both on one row): the case
# label right after the row number, the other inputs after the results as ``input_<field>``
# (a result column such as ``sins_total`` may share a field's name). An error row echoes
# nothing, so a rejected value (a case label that looks like a record number) never returns.
CASE_LABEL_COLUMN = "case_label"
INPUT_PREFIX = "input_"
ECHO_COLUMNS: dict[str, str] = {
    name: name if name == CASE_LABEL_COLUMN else f"{INPUT_PREFIX}{name}" for name in INPUT_FIELDS
}
ECHOED_INPUTS: tuple[str, ...] = tuple(
    column for column in ECHO_COLUMNS.values() if column != CASE_LABEL_COLUMN
)
BATCH_OUTPUT_COLUMNS: tuple[str, ...] = (
    "row",
    CASE_LABEL_COLUMN,
    "status",
    ERRORS_COLUMN,
    "top_approach",
    PROVISIONAL_COLUMN,
    DECISIVE_COLUMN,
    *VERDICT_COLUMNS.values(),
    "sins_total",
    "tokuhashi_total",
    "tomita_total",
    "rules_version",
    *ECHOED_INPUTS,
)
AUDIT_OUTPUT_COLUMNS: tuple[str, ...] = (ACTUAL_APPROACH_COLUMN, AGREES_COLUMN)
ALLOWED_COLUMNS: tuple[str, ...] = (*INPUT_FIELDS, ACTUAL_APPROACH_COLUMN)
_INPUT_FIELD_SET = frozenset(INPUT_FIELDS)
TEMPLATE_CASES = (
    "seed_thoracic_lung_unfit",
    "seed_lumbar_sarcoma_frail",
    "asa4_anticoagulated_high_grade",
)


class RowStatus(StrEnum):
    """Whether a row was assessed."""

    OK = "ok"
    ERROR = "error"


class BatchFileError(ValueError):
    """The source as a whole cannot be read: no header, or not UTF-8 text."""


class BatchSummary(BaseModel):
    """What a batch run did, counted over every row."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    columns: tuple[str, ...]
    rows: int
    ok: int
    errors: int
    blank_rows: int
    header_problems: tuple[InputProblem, ...]
    verdict_counts: dict[Approach, dict[Verdict, int]]
    top_approach_counts: dict[Approach, int]
    has_actual_approach: bool
    audited: int
    agreements: int


def output_columns(has_actual_approach: bool) -> tuple[str, ...]:
    """The output header: the audit columns only when the input has ``actual_approach``."""
    return BATCH_OUTPUT_COLUMNS + (AUDIT_OUTPUT_COLUMNS if has_actual_approach else ())


def csv_row(patient: Patient, actual_approach: Approach | None = None) -> dict[str, str]:
    """One patient as input cells (empty for unknown), the inverse of reading a row."""
    cells: dict[str, str] = {}
    for name, value in patient.model_dump(mode="json").items():
        if value is None:
            cells[name] = ""
        elif isinstance(value, bool):
            cells[name] = "true" if value else "false"
        else:
            cells[name] = str(value)
    cells[ACTUAL_APPROACH_COLUMN] = "" if actual_approach is None else actual_approach.value
    return cells


def template_csv() -> str:
    """A header with every allowed column and three teaching cases, for download."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=ALLOWED_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for slug in TEMPLATE_CASES:
        writer.writerow(csv_row(case_by_slug(slug).patient))
    return buffer.getvalue()


class _Header(BaseModel):
    """The header, read once: what every row shares."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    columns: tuple[str, ...]
    problems: tuple[InputProblem, ...]
    has_actual_approach: bool
    output_columns: tuple[str, ...]
    empty_output: dict[str, str]


def _read_header(cells: list[str]) -> _Header:
    columns = [cell.strip() for cell in cells]
    if columns:
        columns[0] = columns[0].removeprefix("\ufeff").strip()
    if not any(columns):
        raise BatchFileError("no header: the first line must name the columns")
    problems: list[InputProblem] = []
    allowed = ", ".join(ALLOWED_COLUMNS)
    for name, count in Counter(column for column in columns if column).items():
        if name not in _INPUT_FIELD_SET and name != ACTUAL_APPROACH_COLUMN:
            hint = (
                " (the header holds ';': save the file with commas between cells, as CSV UTF-8)"
                if ";" in name
                else ""
            )
            problems.append(
                InputProblem(
                    field=name
                    if name.isprintable() and len(name) <= SHOWN_VALUE_MAX
                    else shown(name),
                    message=f"unknown column, so every row is an error{hint}; "
                    f"allowed columns: {allowed}",
                )
            )
        elif count > 1:
            problems.append(
                InputProblem(
                    field=name,
                    message=f"column appears {count} times, so every row is an error; "
                    "give each column once",
                )
            )
    has_actual_approach = ACTUAL_APPROACH_COLUMN in columns
    output = output_columns(has_actual_approach)
    return _Header(
        columns=tuple(columns),
        problems=tuple(problems),
        has_actual_approach=has_actual_approach,
        output_columns=output,
        empty_output={**dict.fromkeys(output, ""), "rules_version": rules_version()},
    )


def _cell_value(field: str, cell: str) -> str | bool:
    if field in BOOLEAN_FIELDS:
        return BOOLEAN_CELLS.get(cell.lower(), cell)
    return cell


def _actual_approach(cell: str) -> Approach | InputProblem:
    try:
        return Approach(cell.lower())
    except ValueError:
        allowed = ", ".join(approach.value for approach in Approach)
        return InputProblem(
            field=ACTUAL_APPROACH_COLUMN,
            message=f"got {shown(cell)}; allowed: {allowed} (leave empty if not audited)",
        )


def _number(value: int | None) -> str:
    return "" if value is None else str(value)


class _Tally:
    """The running counts behind ``BatchSummary``."""

    def __init__(self) -> None:
        self.rows = 0
        self.ok = 0
        self.blank_rows = 0
        self.verdicts: dict[Approach, Counter[Verdict]] = {a: Counter() for a in Approach}
        self.top: Counter[Approach] = Counter()
        self.audited = 0
        self.agreements = 0

    def summary(self, header: _Header) -> BatchSummary:
        return BatchSummary(
            columns=header.output_columns,
            rows=self.rows,
            ok=self.ok,
            errors=self.rows - self.ok,
            blank_rows=self.blank_rows,
            header_problems=header.problems,
            verdict_counts={
                approach: {verdict: counts[verdict] for verdict in Verdict}
                for approach, counts in self.verdicts.items()
            },
            top_approach_counts={approach: self.top[approach] for approach in Approach},
            has_actual_approach=header.has_actual_approach,
            audited=self.audited,
            agreements=self.agreements,
        )


def _review_row(number: int, cells: list[str], header: _Header, tally: _Tally) -> dict[str, str]:
    """One output row for one input row; updates the tally."""
    tally.rows += 1
    row = dict(header.empty_output)
    row["row"] = str(number)
    problems = list(header.problems)
    actual: Approach | None = None
    data: dict[str, str | bool] = {}
    for position, (column, raw) in enumerate(zip(header.columns, cells, strict=False)):
        cell = raw.strip()
        if not cell:
            continue
        if column in _INPUT_FIELD_SET:
            data[column] = _cell_value(column, cell)
        elif column == ACTUAL_APPROACH_COLUMN:
            row[ACTUAL_APPROACH_COLUMN] = cell
            found = _actual_approach(cell)
            if isinstance(found, InputProblem):
                problems.append(found)
            else:
                actual = found
        elif not column:
            problems.append(
                InputProblem(
                    field=f"(column {position + 1})",
                    message=f"holds {shown(cell)} but the column has no header name",
                )
            )
    if not any(cell.strip() for cell in cells):
        tally.blank_rows += 1
        problems.append(
            InputProblem(
                field=ROW_LEVEL,
                message="blank row: every cell is empty; delete it or fill in at least "
                "level and histology",
            )
        )
    else:
        if len(cells) != len(header.columns):
            problems.append(
                InputProblem(
                    field=ROW_LEVEL,
                    message=f"has {len(cells)} cells but the header has "
                    f"{len(header.columns)}; give one cell per column (empty for unknown)",
                )
            )
        patient = parse_patient(data)
        if isinstance(patient, list):
            problems.extend(patient)
        elif not problems:
            try:
                _record_assessment(row, patient, evaluate(patient), actual, tally)
            except Exception as error:  # one row's fault must not stop the run
                problems.append(
                    InputProblem(
                        field=ROW_LEVEL,
                        message="could not be assessed (internal error "
                        f"{type(error).__name__}); the other rows are unaffected; please report it",
                    )
                )
    if problems:
        row["status"] = RowStatus.ERROR.value
        row["errors"] = ERROR_SEPARATOR.join(str(problem) for problem in problems)
    else:
        row["status"] = RowStatus.OK.value
    return _spreadsheet_safe(row)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _spreadsheet_safe(row: dict[str, str]) -> dict[str, str]:
    """Quote text a spreadsheet would run as a formula (OWASP CSV injection advice)."""
    for column in (ERRORS_COLUMN, ACTUAL_APPROACH_COLUMN, *ECHO_COLUMNS.values()):
        if row.get(column, "").startswith(FORMULA_STARTS):
            row[column] = "'" + row[column]
    return row


def provisional(patient: Patient, evaluation: Evaluation) -> tuple[bool, tuple[str, ...]]:
    """Whether the answer is provisional, and the unknown inputs that could change the top."""
    decisive, reasons = provisional_reasons(patient, evaluation)
    return bool(reasons), decisive


def _record_assessment(
    row: dict[str, str],
    patient: Patient,
    assessment: Evaluation,
    actual: Approach | None,
    tally: _Tally,
) -> None:
    """Fill in an ok row's results and count them."""
    scores = assessment.scores
    top = assessment.options[0].approach
    is_provisional, decisive = provisional(patient, assessment)
    for name, cell in csv_row(patient).items():
        if name in ECHO_COLUMNS:
            row[ECHO_COLUMNS[name]] = cell
    row["top_approach"] = top.value
    row[PROVISIONAL_COLUMN] = "true" if is_provisional else "false"
    row[DECISIVE_COLUMN] = DECISIVE_SEPARATOR.join(decisive)
    row["sins_total"] = _number(scores.sins.total)
    row["tokuhashi_total"] = _number(scores.tokuhashi.total)
    row["tomita_total"] = _number(scores.tomita.total)
    for option in assessment.options:
        row[VERDICT_COLUMNS[option.approach]] = option.verdict.value
        tally.verdicts[option.approach][option.verdict] += 1
    tally.ok += 1
    tally.top[top] += 1
    if actual is not None:
        row[ACTUAL_APPROACH_COLUMN] = actual.value
        agrees = top is actual
        row[AGREES_COLUMN] = "true" if agrees else "false"
        tally.audited += 1
        tally.agreements += agrees


def _records(reader: Any) -> Iterator[list[str] | InputProblem]:
    """Each CSV record, or the problem that stood in its place."""
    while True:
        first_line = reader.line_num + 1
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            if "unexpected end of data" in str(error):
                yield InputProblem(
                    field=ROW_LEVEL,
                    message=f"a quoted cell opened on line {first_line} is never closed, so "
                    f"lines {first_line}-{reader.line_num} were read as this one row; close the "
                    'quote (") and run the file again',
                )
            else:
                yield InputProblem(field=ROW_LEVEL, message=f"cannot be read as CSV: {error}")


def run_batch(
    lines: Iterable[str],
    write_row: Callable[[dict[str, str]], None],
    progress: Callable[[int], None] | None = None,
    on_columns: Callable[[tuple[str, ...]], None] | None = None,
) -> BatchSummary:
    """Review every row of a CSV, handing each output row to ``write_row`` as it is made.

    ``lines`` is any iterable of text lines, e.g. a file opened with
    ``encoding="utf-8-sig", newline=""`` (so quoted cells may hold line breaks), or a
    Streamlit upload wrapped as ``io.TextIOWrapper(upload, encoding="utf-8-sig", newline="")``.
    ``on_columns`` receives the output header once, before any row;
    ``progress`` the number of rows done after each row.
    Raises ``BatchFileError`` when there is no header or the text is not UTF-8.
    """
    tally = _Tally()
    try:
        # strict: an unclosed quote at the end is an error, not one giant cell.
        reader = csv.reader(lines, strict=True)
        first = next(reader, None)
        while first is not None and not any(cell.strip() for cell in first):
            first = next(reader, None)  # blank lines above the header
        if first is None:
            raise BatchFileError("no header: the input is empty")
        header = _read_header(first)
        if on_columns is not None:
            on_columns(header.output_columns)
        for record in _records(reader):
            number = tally.rows + 1
            if isinstance(record, InputProblem):
                tally.rows += 1
                row = dict(header.empty_output)
                problems = [*header.problems, record]
                row.update(
                    row=str(number),
                    status=RowStatus.ERROR.value,
                    errors=ERROR_SEPARATOR.join(str(problem) for problem in problems),
                )
                row = _spreadsheet_safe(row)
            else:
                row = _review_row(number, record, header, tally)
            write_row(row)
            if progress is not None:
                progress(tally.rows)
    except UnicodeDecodeError as error:
        stopped = f"; the output stops after row {tally.rows}" if tally.rows else ""
        raise BatchFileError(
            f"not UTF-8 text ({error.reason}); save the file as CSV UTF-8{stopped}"
        ) from error
    except csv.Error as error:  # only the header line can get here
        raise BatchFileError(f"the header line cannot be read as CSV: {error}") from error
    return tally.summary(header)


def summary_text(summary: BatchSummary) -> str:
    """The summary as a few plain lines, for the command line."""
    blank = f" ({summary.blank_rows} blank)" if summary.blank_rows else ""
    lines = [f"rows: {summary.rows}, ok: {summary.ok}, errors: {summary.errors}{blank}"]
    lines.extend(f"header: {problem}" for problem in summary.header_problems)
    width = max(len(approach.value) for approach in Approach)
    lines.append(
        f"{'verdicts (ok rows)':<{width}}  "
        + "  ".join(f"{verdict.value:>13}" for verdict in Verdict)
        + f"  {'top':>5}"
    )
    for approach, counts in summary.verdict_counts.items():
        lines.append(
            f"{approach.value:<{width}}  "
            + "  ".join(f"{counts[verdict]:>13}" for verdict in Verdict)
            + f"  {summary.top_approach_counts[approach]:>5}"
        )
    if summary.has_actual_approach:
        share = f" ({summary.agreements / summary.audited:.0%})" if summary.audited else ""
        lines.append(
            f"agreement: top approach = actual_approach in {summary.agreements} of "
            f"{summary.audited} audited ok rows{share}"
        )
    return "\n".join(lines) + "\n"
