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
- A bad row never stops the run. Only an unreadable source raises
  ``BatchFileError``: no header, a header of more than ``MAX_COLUMNS`` cells,
  text that is not UTF-8, a record (one row, however many lines its quoted cells
  span) longer than ``MAX_RECORD_CHARS``, or more rows than the caller's
  ``max_rows`` (blank lines count: each is a row).

Bounds: a record is read at most ``MAX_RECORD_CHARS`` characters at a time, so
memory stays bounded even for input without line breaks; every cell up to that
length is read as a cell (Python's csv module would otherwise stop at 131,072
characters and read the rest of a quoted multi-line cell as new rows). Output
is written as RFC 4180 CSV (CRLF line ends), so a carriage return or line feed
inside an echoed cell is always quoted.
"""

from __future__ import annotations

import csv
import io
import signal
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from enum import StrEnum
from multiprocessing import get_context
from typing import Any, NamedTuple, TextIO

from pydantic import BaseModel, ConfigDict

from rules.case_library import teaching_cases
from rules.catalog import Approach, Verdict
from rules.engine import Ranking, provisional_reasons_of_many, rank, rules_version
from rules.patient import INPUT_FIELDS, FieldKind, Patient, field_kind
from rules.problems import InputProblem, parse_patient, shown

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
# Ok rows wait for their decisive search in chunks of this many rows: one vectorised pass
# answers every candidate of the chunk (engine.provisional_reasons_of_many).
SEARCH_CHUNK_ROWS = 256
MAX_RECORD_CHARS = 10 * 1024 * 1024  # far beyond any real row; the app's upload cap
MAX_COLUMNS = 100  # the input has a few dozen fields
TEMPLATE_CASES = (
    "seed_thoracic_lung_unfit",
    "seed_lumbar_sarcoma_frail",
    "asa4_anticoagulated_high_grade",
)


class RowStatus(StrEnum):
    """Whether a row was assessed; ``partial`` marks the last row of output that stopped early."""

    OK = "ok"
    ERROR = "error"
    PARTIAL = "partial"


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


def result_writer(stream: TextIO, columns: Sequence[str]) -> csv.DictWriter[str]:
    """A CSV writer whose header is already written: RFC 4180, so a CR or LF in a cell is quoted.

    (Python's writer quotes only the characters of its line terminator.)
    """
    writer = csv.DictWriter(stream, fieldnames=list(columns), lineterminator="\r\n")
    writer.writeheader()
    return writer


def template_csv() -> str:
    """A header with every allowed column and three teaching cases, for download."""
    buffer = io.StringIO(newline="")
    writer = result_writer(buffer, ALLOWED_COLUMNS)
    for case in teaching_cases():  # a case file that failed to load is left out
        if case.slug in TEMPLATE_CASES:
            writer.writerow(csv_row(case.patient))
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
    if len(columns) > MAX_COLUMNS:
        raise BatchFileError(
            f"the header has {len(columns)} columns, more than the {MAX_COLUMNS} allowed; "
            f"the input has {len(ALLOWED_COLUMNS)} columns: {', '.join(ALLOWED_COLUMNS)}"
        )
    problems: list[InputProblem] = []
    # Listed once: every row repeats the header's problems.
    allowed = f"; allowed columns: {', '.join(ALLOWED_COLUMNS)}"
    for name, count in Counter(column for column in columns if column).items():
        if name not in _INPUT_FIELD_SET and name != ACTUAL_APPROACH_COLUMN:
            hint = (
                " (the header holds ';': save the file with commas between cells, as CSV UTF-8)"
                if ";" in name
                else ""
            )
            problems.append(
                InputProblem(
                    field=name,
                    message=f"unknown column, so every row is an error{hint}{allowed}",
                )
            )
            allowed = ""
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


def partial_row(columns: Iterable[str], after_row: int, why: str) -> dict[str, str]:
    """The row that ends output cut short, so a reader of the rows cannot take it as whole."""
    row = dict.fromkeys(columns, "")
    row.update(
        row="",
        status=RowStatus.PARTIAL.value,
        errors=f"{why}: the output stops after row {after_row}",
    )
    return row


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

    def add(self, other: _Tally) -> None:
        """Count another tally's rows in this one."""
        self.rows += other.rows
        self.ok += other.ok
        self.blank_rows += other.blank_rows
        for approach, counts in other.verdicts.items():
            self.verdicts[approach].update(counts)
        self.top.update(other.top)
        self.audited += other.audited
        self.agreements += other.agreements

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


class _Assessed(NamedTuple):
    """An ok row waiting for the decisive search, which runs for a chunk of rows at once."""

    row: dict[str, str]
    patient: Patient
    ranking: Ranking


def _review_row(
    number: int, cells: list[str], header: _Header, tally: _Tally
) -> dict[str, str] | _Assessed:
    """One output row for one input row (an ok row still waits for its decisive search);
    updates the tally."""
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
                ranking = rank(patient)
                _record_assessment(row, patient, ranking, actual, tally)
                row["status"] = RowStatus.OK.value
                return _Assessed(_spreadsheet_safe(row), patient, ranking)
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


def _record_assessment(
    row: dict[str, str],
    patient: Patient,
    ranking: Ranking,
    actual: Approach | None,
    tally: _Tally,
) -> None:
    """Fill in an ok row's results, but for the decisive search, and count them."""
    scores = ranking.scores
    top = ranking.order[0]
    for name, cell in csv_row(patient).items():
        if name in ECHO_COLUMNS:
            row[ECHO_COLUMNS[name]] = cell
    row["top_approach"] = top.value
    row["sins_total"] = _number(scores.sins.total)
    row["tokuhashi_total"] = _number(scores.tokuhashi.total)
    row["tomita_total"] = _number(scores.tomita.total)
    for option in ranking.order:
        verdict = ranking.verdicts[option]
        row[VERDICT_COLUMNS[option]] = verdict.value
        tally.verdicts[option][verdict] += 1
    tally.ok += 1
    tally.top[top] += 1
    if actual is not None:
        row[ACTUAL_APPROACH_COLUMN] = actual.value
        agrees = top is actual
        row[AGREES_COLUMN] = "true" if agrees else "false"
        tally.audited += 1
        tally.agreements += agrees


_Waiting = dict[str, str] | _Assessed


def _searched(waiting: list[_Waiting]) -> list[dict[str, str]]:
    """The waiting rows, in order, with the decisive search done for all ok rows at once."""
    assessed = [item for item in waiting if isinstance(item, _Assessed)]
    answers = provisional_reasons_of_many([(item.patient, item.ranking) for item in assessed])
    for item, (decisive, reasons) in zip(assessed, answers, strict=True):
        item.row[PROVISIONAL_COLUMN] = "true" if reasons else "false"
        item.row[DECISIVE_COLUMN] = DECISIVE_SEPARATOR.join(decisive)
    return [item.row if isinstance(item, _Assessed) else item for item in waiting]


class _BoundedLines:
    """The source's lines for the csv reader, refusing a record longer than ``MAX_RECORD_CHARS``.

    A stream is read with ``readline(limit)``, so even input without line breaks is never
    held whole; ``start_record`` is called at each record boundary.
    """

    def __init__(self, lines: Iterable[str]) -> None:
        readline = getattr(lines, "readline", None)
        if callable(readline):
            self._next_line: Callable[[], str] = lambda: str(readline(MAX_RECORD_CHARS + 1))
        else:
            iterator = iter(lines)
            self._next_line = lambda: next(iterator, "")
        self.record = 0
        self._record_chars = 0

    def start_record(self, number: int) -> None:
        self.record = number
        self._record_chars = 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = self._next_line()
        if not line:
            raise StopIteration
        self._record_chars += len(line)
        if self._record_chars > MAX_RECORD_CHARS:
            where = f"row {self.record}" if self.record else "the header"
            stopped = f"; the output stops after row {self.record - 1}" if self.record > 1 else ""
            raise BatchFileError(
                f"{where} is longer than {MAX_RECORD_CHARS:,} characters (a quote never "
                f"closed, or not a CSV file){stopped}"
            )
        return line


def _records(reader: Any, lines: _BoundedLines) -> Iterator[list[str] | InputProblem]:
    """Each CSV record, or the problem that stood in its place."""
    while True:
        first_line = reader.line_num + 1
        lines.start_record(lines.record + 1)
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


Record = list[str] | InputProblem
Chunk = list[tuple[int, Record]]


def _review_record(number: int, record: Record, header: _Header, tally: _Tally) -> _Waiting:
    """One record's output row (an ok row still waits for its decisive search)."""
    if not isinstance(record, InputProblem):
        return _review_row(number, record, header, tally)
    tally.rows += 1
    row = dict(header.empty_output)
    problems = [*header.problems, record]
    row.update(
        row=str(number),
        status=RowStatus.ERROR.value,
        errors=ERROR_SEPARATOR.join(str(problem) for problem in problems),
    )
    return _spreadsheet_safe(row)


def _review_chunk(header: _Header, chunk: Chunk) -> tuple[list[dict[str, str]], _Tally]:
    """A chunk of records reviewed, with one decisive search for all its ok rows, and the
    chunk's own counts (in a worker process, or in this one)."""
    tally = _Tally()
    waiting = [_review_record(number, record, header, tally) for number, record in chunk]
    return _searched(waiting), tally


def _quiet_worker() -> None:
    """A worker leaves stopping signals to the main process, which stops the pool."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class _Reviewers:
    """Chunks reviewed in order: here, or by worker processes with a bounded queue."""

    def __init__(self, header: _Header, workers: int) -> None:
        self.header = header
        self.pool = (
            ProcessPoolExecutor(workers, mp_context=get_context("fork"), initializer=_quiet_worker)
            if workers > 1
            else None
        )
        self.limit = 2 * workers
        self.queue: deque[Future[tuple[list[dict[str, str]], _Tally]]] = deque()

    def submit(self, chunk: Chunk) -> Iterator[tuple[list[dict[str, str]], _Tally]]:
        """Hand a chunk over; yield every chunk that is done and next in order."""
        if self.pool is None:
            yield _review_chunk(self.header, chunk)
            return
        self.queue.append(self.pool.submit(_review_chunk, self.header, chunk))
        while len(self.queue) >= self.limit:
            yield self.queue.popleft().result()

    def drain(self) -> Iterator[tuple[list[dict[str, str]], _Tally]]:
        """Every chunk still in the queue, in order."""
        while self.queue:
            yield self.queue.popleft().result()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)


def _not_utf8(error: UnicodeDecodeError, written: int) -> BatchFileError:
    stopped = f"; the output stops after row {written}" if written else ""
    return BatchFileError(f"not UTF-8 text ({error.reason}); save the file as CSV UTF-8{stopped}")


def run_batch(
    lines: Iterable[str],
    write_row: Callable[[dict[str, str]], None],
    progress: Callable[[int], None] | None = None,
    on_columns: Callable[[tuple[str, ...]], None] | None = None,
    max_rows: int | None = None,
    chunk_rows: int | None = None,
    workers: int = 1,
) -> BatchSummary:
    """Review every row of a CSV, handing each output row to ``write_row`` in order.

    ``lines`` is any iterable of text lines, e.g. a file opened with
    ``encoding="utf-8-sig", newline=""`` (so quoted cells may hold line breaks), or a
    Streamlit upload wrapped as ``io.TextIOWrapper(upload, encoding="utf-8-sig", newline="")``.
    ``on_columns`` receives the output header once, before any row;
    ``progress`` the number of rows done after each row. Rows are reviewed in chunks of
    ``chunk_rows`` (default ``SEARCH_CHUNK_ROWS``; 1 for a live stream), each chunk's
    decisive search done at once, by ``workers`` processes (forked; 1: this process).
    Raises ``BatchFileError`` when the source cannot be read (see the module docstring),
    including a row beyond ``max_rows``, after the rows before it were written.
    """
    tally = _Tally()
    # Process-wide, but only ever raised to this one value: every record within the bound
    # is read whole, so no cell is split into rows.
    csv.field_size_limit(MAX_RECORD_CHARS)
    bounded = _BoundedLines(lines)
    size = chunk_rows or SEARCH_CHUNK_ROWS
    chunk: Chunk = []
    read = 0

    def write(done: Iterator[tuple[list[dict[str, str]], _Tally]]) -> None:
        for rows, counts in done:
            tally.add(counts)
            for row in rows:
                write_row(row)
                if progress is not None:
                    progress(int(row["row"]))

    try:
        # strict: an unclosed quote at the end is an error, not one giant cell.
        reader = csv.reader(bounded, strict=True)
        first = next(reader, None)
        while first is not None and not any(cell.strip() for cell in first):
            bounded.start_record(0)  # each blank line above the header is bounded alone
            first = next(reader, None)
        if first is None:
            raise BatchFileError("no header: the input is empty")
        header = _read_header(first)
    except UnicodeDecodeError as error:
        raise BatchFileError(
            f"not UTF-8 text ({error.reason}); save the file as CSV UTF-8"
        ) from error
    except csv.Error as error:  # only the header line can get here
        raise BatchFileError(f"the header line cannot be read as CSV: {error}") from error
    if on_columns is not None:
        on_columns(header.output_columns)
    reviewers = _Reviewers(header, workers)
    try:
        for record in _records(reader, bounded):
            read += 1
            if max_rows is not None and read > max_rows:
                raise BatchFileError(
                    f"more than {max_rows:,} rows (blank lines count as rows); split the file "
                    "or use the command line (python -m rules batch), which has no limit"
                )
            chunk.append((read, record))
            if len(chunk) >= size:
                write(reviewers.submit(chunk))
                chunk = []
        write(reviewers.submit(chunk))
        write(reviewers.drain())
    except UnicodeDecodeError as error:
        write(reviewers.submit(chunk))  # the rows before the one that stopped the run
        write(reviewers.drain())
        raise _not_utf8(error, tally.rows) from error
    except BatchFileError:
        write(reviewers.submit(chunk))  # the rows before the one that stopped the run
        write(reviewers.drain())
        raise
    finally:
        reviewers.close()
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
