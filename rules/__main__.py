"""Command line: ``python -m rules assess FILE|-``, ``schema``, ``batch``.

Bad input exits with status 2 and one line per problem on standard error,
naming the field and what is allowed; never a traceback.
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import csv
import io
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn, TextIO

from rules.batch import BatchFileError, run_batch, summary_text
from rules.engine import Assessment, assess
from rules.json_input import patient_from_json
from rules.patient import Patient
from rules.problems import INPUT_LEVEL, InputProblem
from rules.report import to_markdown
from rules.whatif import what_if

EXIT_BAD_INPUT = 2


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
    try:
        if source == "-":
            return stdin.read().removeprefix("\ufeff")
        return Path(source).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        name = "standard input" if source == "-" else repr(source)
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
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except OSError as error:
        return _fail([InputProblem(field="(output)", message=f"cannot write: {error.strerror}")])
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


def _write_batch(source: TextIO, target: TextIO) -> None:
    writer: csv.DictWriter[str] | None = None

    def start(columns: tuple[str, ...]) -> None:
        nonlocal writer
        writer = csv.DictWriter(target, fieldnames=columns, lineterminator="\n")
        writer.writeheader()

    def write_row(row: dict[str, str]) -> None:
        assert writer is not None  # noqa: S101 - run_batch calls start() before any row
        writer.writerow(row)

    sys.stderr.write(summary_text(run_batch(source, write_row, on_columns=start)))


def _new_file_mode(target: Path) -> int:
    """The mode the output should have: the existing file's, else the usual one for new files."""
    if target.is_file():
        return target.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _write_batch_file(source: TextIO, target: Path) -> None:
    """Write beside the target and move it into place only when the run completes.

    A symbolic link is written through to its target; a device or pipe is written directly.
    """
    target = Path(os.path.realpath(target))
    if target.exists() and not target.is_file():
        with target.open("w", encoding="utf-8", newline="") as stream:
            _write_batch(source, stream)
        return
    mode = _new_file_mode(target)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            _write_batch(source, stream)
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
    with source:
        try:
            if arguments.output is None:
                _write_batch(source, sys.stdout)
            else:
                _write_batch_file(source, Path(arguments.output))
        except BatchFileError as error:
            name = "standard input" if arguments.file == "-" else repr(arguments.file)
            return _fail([InputProblem(field=INPUT_LEVEL, message=f"{name}: {error}")])
        except OSError as error:
            if arguments.output is None:
                problem = InputProblem(field="(output)", message=f"cannot write: {error.strerror}")
            else:
                problem = InputProblem(
                    field="-o", message=f"cannot write {arguments.output!r}: {error.strerror}"
                )
            return _fail([problem])
    return 0


def _command_schema(_: argparse.Namespace) -> int:
    sys.stdout.write(json.dumps(Patient.model_json_schema(), indent=2) + "\n")
    return 0


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
    batch_parser.set_defaults(run=_command_batch)
    schema_parser = commands.add_parser("schema", help="print the JSON Schema of the input")
    schema_parser.set_defaults(run=_command_schema)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    arguments = build_parser().parse_args(argv)
    status: int = arguments.run(arguments)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
