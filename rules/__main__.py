"""Command line: ``python -m rules assess FILE|-``, ``schema``, ``batch``.

Bad input exits with status 2 and one line per problem on standard error,
naming the field and what is allowed; never a traceback. So does missing or
corrupt curated evidence, naming the file. Input is read up to a bound. SIGINT,
SIGTERM and SIGHUP stop the command with one line and status 128 + the signal:
``batch -o`` then leaves no file behind (it writes a temporary file beside the
target and moves it into place only when the run completes); on standard
output the rows so far end with a row whose status is ``partial``. A reader
that closes the pipe early (``| head``) ends the command quietly.
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import csv
import gc
import io
import json
import os
import signal
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import FrameType
from typing import NamedTuple, NoReturn, TextIO

from evidence import EvidenceDataError

EXIT_BAD_INPUT = 2

try:
    from rules.batch import BatchFileError, partial_row, result_writer, run_batch, summary_text
    from rules.engine import Assessment, assess
    from rules.json_input import patient_from_json
    from rules.patient import Patient
    from rules.problems import INPUT_LEVEL, OUTPUT_LEVEL, InputProblem
    from rules.report import to_markdown
    from rules.whatif import what_if
except EvidenceDataError as missing_data:  # every command needs the curated evidence
    sys.stderr.write(f"error: {missing_data}\n")
    raise SystemExit(EXIT_BAD_INPUT) from None

MAX_INPUT_BYTES = 1 << 20  # a patient record is well under a kilobyte
STOPPING_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class _Interrupted(BaseException):
    """A signal asked the command to stop (a BaseException, like KeyboardInterrupt, so no
    ``except Exception`` on the way mistakes it for a fault)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signal = signal.Signals(signum)

    @property
    def exit_status(self) -> int:
        return 128 + self.signal


class _SignalGate:
    """Where a stopping signal goes: raised at once, or held until a block that must not be
    cut in two (writing and counting a row) is done.

    Held in Python rather than masked in the kernel: a process-directed signal may be taken
    by any thread (numpy's BLAS threads included), and its Python handler then runs in the
    main thread wherever that thread is, mask or no mask."""

    def __init__(self) -> None:
        self.holding = False
        self.pending: int | None = None

    def interrupt(self, signum: int, _: FrameType | None) -> None:
        if self.holding:
            self.pending = signum
            return
        raise _Interrupted(signum)

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        """Hold the stopping signals back until the block is done; they arrive right after."""
        self.holding = True
        try:
            yield
        finally:
            self.holding = False
            if self.pending is not None:
                signum, self.pending = self.pending, None
                raise _Interrupted(signum)


_GATE = _SignalGate()


@contextlib.contextmanager
def _stopping_on_signals() -> Iterator[None]:
    """Turn SIGINT, SIGTERM and SIGHUP into ``_Interrupted``, so clean-up code runs."""
    previous = {signum: signal.signal(signum, _GATE.interrupt) for signum in STOPPING_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _positive_whole_number(text: str) -> int:
    """An argument that is a whole number from 1 up."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number from 1 up, got {text!r}")
    return int(text)


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors in the same one-line style."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        sys.stderr.write(f"error: {message}\n")
        raise SystemExit(EXIT_BAD_INPUT)


def _fail(problems: Sequence[InputProblem]) -> int:
    for problem in problems:
        sys.stderr.write(f"error: {problem}\n")
    return EXIT_BAD_INPUT


def _read_text(source: str, stdin: TextIO) -> str | InputProblem:
    """The whole input as text, read up to ``MAX_INPUT_BYTES`` (``/dev/zero`` ends too)."""
    name = "standard input" if source == "-" else repr(source)
    try:
        if source == "-":
            raw = stdin.buffer.read(MAX_INPUT_BYTES + 1)
        else:
            with Path(source).open("rb") as stream:
                raw = stream.read(MAX_INPUT_BYTES + 1)
        if len(raw) > MAX_INPUT_BYTES:
            return InputProblem(
                field=INPUT_LEVEL,
                message=f"{name} holds more than {MAX_INPUT_BYTES:,} bytes; "
                "a patient record is a small JSON object",
            )
        return raw.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        return InputProblem(field=INPUT_LEVEL, message=f"cannot read {name}: {reason}")


def _load_patient(source: str, stdin: TextIO) -> Patient | list[InputProblem]:
    text = _read_text(source, stdin)
    if isinstance(text, InputProblem):
        return [text]
    return patient_from_json(text)


def _command_assess(arguments: argparse.Namespace) -> int:
    patient = _load_patient(arguments.file, sys.stdin)
    if isinstance(patient, list):
        return _fail(patient)
    assessment = assess(patient)
    if arguments.pdf is not None:
        pdf_problem = _write_pdf(assessment, arguments.pdf)
        if pdf_problem is not None:
            return _fail([pdf_problem])
    output = assessment.model_dump(mode="json")
    if arguments.what_if:
        output["what_if"] = what_if(patient).model_dump(mode="json")
    text = (
        to_markdown(assessment)
        if arguments.format == "markdown"
        else json.dumps(output, indent=2, allow_nan=False) + "\n"
    )
    return _write_output(text)


def _write_output(text: str) -> int:
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        raise  # the reader has gone: main() ends quietly
    except OSError as error:
        return _fail([InputProblem(field=OUTPUT_LEVEL, message=f"cannot write: {error.strerror}")])
    return 0


def _write_pdf(assessment: Assessment, target: str) -> InputProblem | None:
    # Imported here: fpdf2 and its dependencies cost a third of a second that every other
    # command (batch above all) would pay for nothing.
    from rules.pdf_report import pdf_report

    try:
        Path(target).write_bytes(pdf_report(assessment))
    except OSError as error:
        return InputProblem(field="--pdf", message=f"cannot write {target!r}: {error.strerror}")
    return None


def _utf8_problem(path: Path) -> str | None:
    """Decode the whole file in chunks, so a bad byte is found before any output is written."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 16):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                return f"{error.reason} at byte {offset + error.start}"
            offset += len(chunk)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as error:
        return f"{error.reason} at the end of the file"
    return None


def _open_batch_input(source: str) -> TextIO | InputProblem:
    if source == "-":
        return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", newline="")
    try:
        # A pipe (/dev/stdin, <(...)) can be read once only: it is checked as it streams.
        problem = _utf8_problem(Path(source)) if Path(source).is_file() else None
        if problem is not None:
            return InputProblem(
                field=INPUT_LEVEL,
                message=f"{source!r} is not UTF-8 text ({problem}); save it as CSV UTF-8",
            )
        return Path(source).open(encoding="utf-8-sig", newline="")
    except OSError as error:
        return InputProblem(field=INPUT_LEVEL, message=f"cannot read {source!r}: {error.strerror}")


class _StoppedEarlyError(Exception):
    """The batch stopped after some rows were written to standard output."""

    def __init__(self, cause: BatchFileError | _Interrupted, after_row: int) -> None:
        super().__init__(cause)
        self.cause = cause
        self.after_row = after_row


class _Pace(NamedTuple):
    """How a batch runs: rows per decisive search, and worker processes."""

    chunk_rows: int | None = None
    workers: int = 1


LIVE = _Pace(chunk_rows=1, workers=1)  # standard input may be a live stream: row by row


def _write_batch(
    source: TextIO, target: TextIO, *, mark_partial: bool = False, pace: _Pace = LIVE
) -> None:
    """Every output row to ``target``; with ``mark_partial``, a run that stops part-way ends
    with a row saying so (on standard output, where rows already written stay)."""
    writer: csv.DictWriter[str] | None = None
    written = 0

    def start(columns: tuple[str, ...]) -> None:
        nonlocal writer
        writer = result_writer(target, columns)

    def write_row(row: dict[str, str]) -> None:
        nonlocal written
        assert writer is not None  # noqa: S101 - run_batch calls start() before any row
        with _GATE.held():  # a row is written whole and counted, or not at all
            writer.writerow(row)
            written += 1

    try:
        summary = run_batch(
            source, write_row, on_columns=start, chunk_rows=pace.chunk_rows, workers=pace.workers
        )
    except (BatchFileError, _Interrupted) as error:
        if not mark_partial or writer is None:
            raise
        why = (
            f"interrupted by {error.signal.name}"
            if isinstance(error, _Interrupted)
            else "the input cannot be read further"
        )
        writer.writerow(partial_row(writer.fieldnames, written, why))
        raise _StoppedEarlyError(error, written) from None
    sys.stderr.write(summary_text(summary))


def _new_file_mode(target: Path) -> int:
    """The mode the output should have: the existing file's, else the usual one for new files."""
    if target.is_file():
        return target.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _write_batch_file(source: TextIO, target: Path, pace: _Pace) -> None:
    """Write beside the target and move it into place only when the run completes.

    The temporary file is removed however the run ends short of that, a signal included;
    only SIGKILL or a power cut can leave it, and its name (``OUT.csv.partial-*``) says what
    it is. A symbolic link is written through to its target; a device or pipe is written
    directly.
    """
    target = Path(os.path.realpath(target))
    if target.exists() and not target.is_file():
        with target.open("w", encoding="utf-8", newline="") as stream:
            _write_batch(source, stream, pace=pace)
        return
    mode = _new_file_mode(target)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f"{target.name}.partial-")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            _write_batch(source, stream, pace=pace)
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def _is_the_input(file: str, output: str | None) -> bool:
    """Whether the output path names the input file (directly, by a link, or another path)."""
    if output is None or file == "-":
        return False
    try:
        return os.path.samefile(file, output)
    except OSError:
        return False


# A batch makes many short-lived objects and few cycles: the collector's default of a young
# pass every 700 allocations costs a tenth of the run. Larger generations and the startup
# objects set aside (gc.freeze) keep the collector, at a bounded cost in memory.
BATCH_YOUNG_GENERATION = 10_000


def _quiet_collector() -> None:
    """Collector settings for this one-shot command (workers inherit them when forked)."""
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(BATCH_YOUNG_GENERATION, older, oldest)


def _command_batch(arguments: argparse.Namespace) -> int:
    if _is_the_input(arguments.file, arguments.output):
        return _fail(
            [
                InputProblem(
                    field="-o",
                    message=f"{arguments.output!r} is the input file; choose another output",
                )
            ]
        )
    source = _open_batch_input(arguments.file)
    if isinstance(source, InputProblem):
        return _fail([source])
    name = "standard input" if arguments.file == "-" else repr(arguments.file)
    _quiet_collector()
    with source:
        try:
            pace = LIVE if arguments.file == "-" else _Pace(workers=arguments.workers)
            if arguments.output is None:
                _write_batch(source, sys.stdout, mark_partial=True, pace=pace)
            else:
                _write_batch_file(source, Path(arguments.output), pace)
        except _StoppedEarlyError as stopped:
            marked = f"the output stops after row {stopped.after_row} (its last row says so)"
            if isinstance(stopped.cause, _Interrupted):
                sys.stderr.write(
                    f"error: {OUTPUT_LEVEL}: interrupted by {stopped.cause.signal.name}; {marked}\n"
                )
                return stopped.cause.exit_status
            return _fail([InputProblem(field=INPUT_LEVEL, message=f"{name}: {stopped.cause}")])
        except _Interrupted as interrupted:
            if arguments.output is None:
                raise
            sys.stderr.write(
                f"error: {OUTPUT_LEVEL}: interrupted by {interrupted.signal.name}; "
                f"nothing was written to {arguments.output!r}\n"
            )
            return interrupted.exit_status
        except BatchFileError as error:
            return _fail([InputProblem(field=INPUT_LEVEL, message=f"{name}: {error}")])
        except BrokenPipeError:
            raise  # the reader has gone: main() ends quietly
        except OSError as error:
            if arguments.output is None:
                problem = InputProblem(
                    field=OUTPUT_LEVEL, message=f"cannot write: {error.strerror}"
                )
            else:
                problem = InputProblem(
                    field="-o", message=f"cannot write {arguments.output!r}: {error.strerror}"
                )
            return _fail([problem])
    return 0


def _command_schema(_: argparse.Namespace) -> int:
    return _write_output(json.dumps(Patient.model_json_schema(), indent=2) + "\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, exposed for tests and help text."""
    parser = _Parser(
        prog="python -m rules",
        description=(
            "Spinal metastasis approach options, scored and cited. Research and teaching "
            "prototype, not for clinical decisions."
        ),
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    assess_parser = commands.add_parser("assess", help="assess one patient given as a JSON object")
    assess_parser.add_argument("file", help="JSON file, or - for standard input")
    assess_parser.add_argument(
        "--what-if",
        action="store_true",
        help="add which single input changes would change the answer, and the unknowns filled in",
    )
    assess_parser.add_argument(
        "--format", choices=("json", "markdown"), default="json", help="output format"
    )
    assess_parser.add_argument("--pdf", metavar="OUT.pdf", help="also write a printable PDF report")
    assess_parser.set_defaults(run=_command_assess)
    batch_parser = commands.add_parser(
        "batch",
        help="assess every row of a CSV (columns = input fields); one result row per input row",
    )
    batch_parser.add_argument("file", help="CSV file (UTF-8), or - for standard input")
    batch_parser.add_argument(
        "-o", "--output", metavar="OUT.csv", help="write results here (default: standard output)"
    )
    batch_parser.add_argument(
        "--workers",
        type=_positive_whole_number,
        default=len(os.sched_getaffinity(0)),
        metavar="N",
        help="processes reviewing rows (default: the usable cores; standard input: 1)",
    )
    batch_parser.set_defaults(run=_command_batch)
    schema_parser = commands.add_parser("schema", help="print the JSON Schema of the input")
    schema_parser.set_defaults(run=_command_schema)
    return parser


def _quiet_stdout() -> None:
    """Point standard output at /dev/null, so the interpreter's last flush cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    arguments = build_parser().parse_args(argv)
    if sys.stdout is None:  # started with standard output closed (>&-)
        return _fail([InputProblem(field=OUTPUT_LEVEL, message="standard output is closed")])
    try:
        with _stopping_on_signals():
            status: int = arguments.run(arguments)
    except BrokenPipeError:
        _quiet_stdout()
        return 128 + signal.SIGPIPE
    except _Interrupted as interrupted:
        sys.stderr.write(f"error: interrupted by {interrupted.signal.name}\n")
        return interrupted.exit_status
    return status


if __name__ == "__main__":
    raise SystemExit(main())
