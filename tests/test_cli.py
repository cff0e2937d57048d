"""The command line, run as a real subprocess from the repository root."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from rules import DISCLAIMER

REPO_ROOT = Path(__file__).resolve().parent.parent
SEED = REPO_ROOT / "rules" / "cases" / "seed_thoracic_lung_unfit.json"
EXIT_BAD_INPUT = 2
REFERENCE_FIELDS = {"title", "authors", "journal", "year", "pmid", "doi", "url", "verification"}
SCORE_FIELDS = {"total", "min", "max", "band", "components"}
REASON_FIELDS = {"rule", "direction", "text", "citations"}


def run_cli(*arguments: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rules", *arguments],
        cwd=REPO_ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def assess_stdin(data: Any) -> subprocess.CompletedProcess[str]:
    return run_cli("assess", "-", stdin=json.dumps(data))


def error_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def seed_output() -> dict[str, Any]:
    result = run_cli("assess", str(SEED))
    assert result.returncode == 0, result.stderr
    output: dict[str, Any] = json.loads(result.stdout)
    return output


# --- good input ---------------------------------------------------------------------------------


def test_assess_file_exits_0_with_a_rules_version(seed_output: dict[str, Any]) -> None:
    assert isinstance(seed_output["rules_version"], str)
    assert seed_output["rules_version"]


def test_assess_stdin_gives_the_same_answer_as_the_file(seed_output: dict[str, Any]) -> None:
    result = run_cli("assess", "-", stdin=SEED.read_text(encoding="utf-8"))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == seed_output


@pytest.mark.parametrize("score", ["sins", "tokuhashi", "tomita"])
def test_assess_output_shows_each_score_with_its_working(
    seed_output: dict[str, Any], score: str
) -> None:
    result = seed_output["scores"][score]
    assert set(result) >= SCORE_FIELDS
    assert result["components"]
    assert result["min"] <= result["max"]


APPROACHES = {
    "non_operative",
    "vertebral_augmentation",
    "percutaneous_stabilisation",
    "endoscopic_transpedicular",
    "posterior_only",
    "percutaneous_posterior_fixation",
    "anterior_anterolateral",
}
VERDICTS = {"suggested", "consider", "caution", "not_suggested", "out_of_scope"}


def test_assess_output_lists_seven_options_with_verdicts_and_cited_reasons(
    seed_output: dict[str, Any],
) -> None:
    options = seed_output["options"]
    assert len(options) == len(APPROACHES)
    assert {o["approach"] for o in options} == APPROACHES
    for option in options:
        assert option["verdict"] in VERDICTS
        assert option["reasons"]
        for reason in option["reasons"]:
            assert set(reason) >= REASON_FIELDS
            assert reason["citations"]


def test_assess_output_carries_needs_and_whether_it_is_provisional(
    seed_output: dict[str, Any],
) -> None:
    # Seed: KPS 40 (30-40: unfit), Frankel C (a deficit) with Bilsky 2 (high grade): urgent.
    needs = seed_output["needs"]
    assert set(needs) >= {"decompression", "stabilisation", "cement_candidate", "fitness"}
    assert needs["decompression"]["value"] == "urgent"
    assert needs["fitness"]["value"] == "unfit"
    assert isinstance(seed_output["provisional"], bool)
    assert isinstance(seed_output["decisive_missing_inputs"], list)
    assert seed_output["provisional"] is bool(
        seed_output["decisive_missing_inputs"] or seed_output["provisional_reasons"]
    )
    # C3: unfit for open surgery caps every open operation at "not suggested".
    verdicts = {o["approach"]: o["verdict"] for o in seed_output["options"]}
    for approach in ("posterior_only", "anterior_anterolateral", "percutaneous_posterior_fixation"):
        assert verdicts[approach] == "not_suggested"


def test_assess_output_maps_every_citation_to_a_full_record(seed_output: dict[str, Any]) -> None:
    citations = seed_output["citations"]
    cited = {
        reference_id
        for option in seed_output["options"]
        for reason in option["reasons"]
        for reference_id in reason["citations"]
    }
    assert cited <= set(citations)
    for record in citations.values():
        assert set(record) >= REFERENCE_FIELDS
    patchell = citations["patchell2005_rct"]
    assert patchell["pmid"] == "16112300"
    assert patchell["url"] == "https://pubmed.ncbi.nlm.nih.gov/16112300/"
    assert patchell["verification"] == "verified"


def test_assess_output_has_alerts_and_missing_inputs(seed_output: dict[str, Any]) -> None:
    assert isinstance(seed_output["alerts"], list)
    missing = {item["field"] for item in seed_output["missing_inputs"]}
    assert "pain" in missing  # the seed gives no SINS items


def test_markdown_lists_the_same_first_option_as_json(seed_output: dict[str, Any]) -> None:
    result = run_cli("assess", str(SEED), "--format", "markdown")
    assert result.returncode == 0, result.stderr
    first = seed_output["options"][0]
    heading = next(line for line in result.stdout.splitlines() if line.startswith("### 1. "))
    assert heading.startswith(f"### 1. {first['label']}: ")


def test_assess_output_is_strict_json(seed_output: dict[str, Any]) -> None:
    def reject(constant: str) -> None:
        raise AssertionError(f"{constant} is not valid JSON")

    json.loads(json.dumps(seed_output), parse_constant=reject)


def test_schema_is_a_json_schema_requiring_level_and_histology() -> None:
    result = run_cli("schema")
    assert result.returncode == 0, result.stderr
    schema = json.loads(result.stdout)
    assert schema["type"] == "object"
    assert set(schema["required"]) == {"level", "histology"}
    assert {"kps", "ecog", "escc_grade", "case_label"} <= set(schema["properties"])
    assert schema.get("additionalProperties") is False


# --- bad input ----------------------------------------------------------------------------------

GOOD: dict[str, Any] = {"level": "T8", "histology": "lung"}


@pytest.mark.parametrize(
    ("stdin", "field"),
    [
        pytest.param("{not json", "(input)", id="malformed_json"),
        pytest.param('[{"level": "T8", "histology": "lung"}]', "(input)", id="json_array"),
        pytest.param(json.dumps({**GOOD, "mrn": "x"}), "mrn", id="unknown_field"),
        pytest.param(json.dumps({**GOOD, "kps": 110}), "kps", id="kps_110"),
        pytest.param(json.dumps({**GOOD, "albumin_g_dl": 9}), "albumin_g_dl", id="albumin_9"),
        pytest.param(json.dumps({**GOOD, "histology": "lng"}), "histology", id="histology_typo"),
        pytest.param(json.dumps({**GOOD, "kps": 75}), "kps", id="kps_not_multiple_of_10"),
        pytest.param(json.dumps({"histology": "lung"}), "level", id="missing_level"),
        pytest.param(json.dumps({**GOOD, "level": "T13"}), "level", id="unknown_level"),
        pytest.param(json.dumps({**GOOD, "kps": True}), "kps", id="boolean_kps"),
        pytest.param(
            '{"level": "T8", "histology": "lung", "expected_survival_months": Infinity}',
            "expected_survival_months",
            id="survival_infinity",
        ),
        pytest.param('{"level": "T8", "histology": "lung", "level": "T9"}', "level", id="dup_key"),
        pytest.param('{"level": "T8", "kps": ' + "1" * 5000 + "}", "(input)", id="huge_integer"),
        pytest.param("[" * 100_000, "(input)", id="deep_nesting"),
        pytest.param("null", "(input)", id="null"),
        pytest.param(json.dumps({**GOOD, "kps": "4_0"}), "kps", id="kps_with_underscore"),
        pytest.param(
            json.dumps({**GOOD, "vertebral_metastases": 10**6}), "vertebral_metastases", id="count"
        ),
    ],
)
def test_bad_input_exits_2_naming_the_field_without_traceback(stdin: str, field: str) -> None:
    result = run_cli("assess", "-", stdin=stdin)
    assert result.returncode == EXIT_BAD_INPUT
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = error_lines(result)
    assert lines
    assert all(line.startswith("error: ") for line in lines), lines
    assert any(line.startswith(f"error: {field}: ") for line in lines), lines


def test_bad_input_reports_one_line_per_problem() -> None:
    result = assess_stdin({"level": "T99", "histology": "lng", "kps": 110})
    assert result.returncode == EXIT_BAD_INPUT
    fields = sorted(line.split(":")[1].strip() for line in error_lines(result))
    assert fields == ["histology", "kps", "level"]


def test_unknown_choice_lists_the_allowed_values() -> None:
    result = assess_stdin({**GOOD, "histology": "lng"})
    assert "'lng'" in result.stderr
    assert "lung" in result.stderr
    assert "sarcoma" in result.stderr


def test_contradictory_kps_and_ecog_exit_2_naming_both() -> None:
    result = assess_stdin({**GOOD, "kps": 90, "ecog": 3})
    assert result.returncode == EXIT_BAD_INPUT
    assert "Traceback" not in result.stderr
    lines = error_lines(result)
    assert len(lines) == 1
    assert lines[0].startswith("error: ")
    assert "kps" in lines[0]
    assert "ecog" in lines[0]


def test_missing_file_exits_2_naming_the_file_without_traceback(tmp_path: Path) -> None:
    missing = tmp_path / "no_such_patient.json"
    result = run_cli("assess", str(missing))
    assert result.returncode == EXIT_BAD_INPUT
    assert "Traceback" not in result.stderr
    lines = error_lines(result)
    assert len(lines) == 1
    assert lines[0].startswith("error: (input): ")
    assert "no_such_patient.json" in lines[0]


def test_unknown_command_exits_2_without_traceback() -> None:
    result = run_cli("frobnicate")
    assert result.returncode == EXIT_BAD_INPUT
    assert "Traceback" not in result.stderr
    assert "error:" in result.stderr


def test_json_on_standard_input_may_start_with_a_byte_order_mark() -> None:
    result = run_cli("assess", "-", stdin="\ufeff" + json.dumps(GOOD))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["patient"]["level"] == GOOD["level"]


def test_assess_takes_a_teaching_case_file_as_it_is() -> None:
    case = REPO_ROOT / "rules" / "cases" / "seed_thoracic_lung_unfit.json"
    result = run_cli("assess", str(case))
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    assert output["patient"]["level"] == "T8"
    assert "title" not in output["patient"]  # the case metadata is not patient input
    assert len(output["options"]) == len(APPROACHES)


# --- --what-if, --pdf and --format markdown ------------------------------------------------------
# These check structure and agreement with the plain JSON answer of the same file, not a
# particular ranking: the answer itself is covered above and by the vignettes.

WHAT_IF_FIELDS = {"flips", "unknown_fill"}
FLIP_FIELDS = {"field", "before", "after", "also_cleared", "top_before", "top_after", "changes"}
UNKNOWN_FILL_FIELDS = {
    "unknown_fields",
    "filled_fields",
    "only_decisive",
    "combinations",
    "enumerated",
    "top_counts",
    "verdict_counts",
}
MARKDOWN_HEADING = "# Spinal metastasis: surgical approach options"


@pytest.fixture(scope="module")
def what_if_output() -> dict[str, Any]:
    result = run_cli("assess", str(SEED), "--what-if")
    assert result.returncode == 0, result.stderr
    output: dict[str, Any] = json.loads(result.stdout)
    return output


def _pdf_text(path: Path) -> str:
    reader = PdfReader(path)
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_what_if_adds_its_section_and_leaves_the_assessment_as_it_was(
    what_if_output: dict[str, Any], seed_output: dict[str, Any]
) -> None:
    assessment = {key: value for key, value in what_if_output.items() if key != "what_if"}
    assert assessment == seed_output
    assert set(what_if_output["what_if"]) == WHAT_IF_FIELDS
    assert set(what_if_output["what_if"]["unknown_fill"]) == UNKNOWN_FILL_FIELDS


def test_what_if_flips_change_one_named_input_from_its_current_value(
    what_if_output: dict[str, Any],
) -> None:
    patient = what_if_output["patient"]
    flips = what_if_output["what_if"]["flips"]
    assert flips, "a seed with this many inputs has at least one input that changes the answer"
    for flip in flips:
        assert set(flip) == FLIP_FIELDS
        assert flip["field"] in patient
        assert flip["before"] == patient[flip["field"]]
        assert flip["after"], flip
        assert flip["before"] not in flip["after"]


def test_what_if_flips_start_from_the_answer_in_the_same_output(
    what_if_output: dict[str, Any],
) -> None:
    verdicts = {option["approach"]: option["verdict"] for option in what_if_output["options"]}
    first = what_if_output["options"][0]["approach"]
    for flip in what_if_output["what_if"]["flips"]:
        assert flip["top_before"] == first
        # a flip is listed because a verdict or the best-ranked option changes
        assert flip["changes"] or flip["top_after"] != flip["top_before"], flip
        for change in flip["changes"]:
            assert change["before"] == verdicts[change["approach"]]
            assert change["after"] != change["before"]


def test_what_if_fills_in_only_inputs_left_unknown(what_if_output: dict[str, Any]) -> None:
    patient = what_if_output["patient"]
    fill = what_if_output["what_if"]["unknown_fill"]
    unknown = set(fill["unknown_fields"])
    assert unknown
    assert all(patient[field] is None for field in unknown)
    assert set(fill["filled_fields"]) <= unknown
    assert set(fill["top_counts"]) <= {option["approach"] for option in what_if_output["options"]}


def test_pdf_is_written_with_the_disclaimer_and_rules_version(
    tmp_path: Path, seed_output: dict[str, Any]
) -> None:
    target = tmp_path / "report.pdf"
    result = run_cli("assess", str(SEED), "--pdf", str(target))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == seed_output  # the PDF comes as well as the JSON
    assert target.read_bytes().startswith(b"%PDF")
    text = _pdf_text(target)
    assert " ".join(DISCLAIMER.split()) in text
    assert seed_output["rules_version"] in text
    assert seed_output["options"][0]["label"] in text


def test_pdf_to_an_unwritable_path_exits_2_naming_the_option(tmp_path: Path) -> None:
    target = tmp_path / "no_such_directory" / "report.pdf"
    result = run_cli("assess", str(SEED), "--pdf", str(target))
    assert result.returncode == EXIT_BAD_INPUT
    assert "Traceback" not in result.stderr
    lines = error_lines(result)
    assert len(lines) == 1
    assert lines[0].startswith("error: --pdf: ")
    assert "report.pdf" in lines[0]
    assert not target.exists()
    assert result.stdout == ""


def test_markdown_has_the_heading_and_the_options_in_the_json_order(
    seed_output: dict[str, Any],
) -> None:
    result = run_cli("assess", str(SEED), "--format", "markdown")
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert text.splitlines()[0] == MARKDOWN_HEADING
    assert DISCLAIMER in text
    assert seed_output["rules_version"] in text
    ranked = [line for line in text.splitlines() if re.match(r"### \d+\. ", line)]
    labels = [option["label"] for option in seed_output["options"]]
    assert len(ranked) == len(labels)
    for rank, (line, label) in enumerate(zip(ranked, labels, strict=True), 1):
        assert line.startswith(f"### {rank}. {label}: ")


def test_batch_refuses_to_write_over_its_own_input(tmp_path: Path) -> None:
    source = tmp_path / "cases.csv"
    source.write_text("level,histology\nT8,lung\n", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(source)
    for output in (source, link, tmp_path / "." / "cases.csv"):
        result = run_cli("batch", str(source), "-o", str(output))
        assert result.returncode == 2
        assert result.stderr.strip().endswith("is the input file; choose another output")
        assert source.read_text(encoding="utf-8") == "level,histology\nT8,lung\n"


# --- hostile input and faults (issue 10) ------------------------------------------------------

INTERRUPTING = [
    pytest.param(signal.SIGTERM, id="sigterm"),
    pytest.param(signal.SIGHUP, id="sighup"),
    pytest.param(signal.SIGINT, id="sigint"),
]
WAIT_SECONDS = 30


def test_assess_of_an_endless_file_stops_at_the_bound_with_one_line() -> None:
    result = run_cli("assess", "/dev/zero")
    assert result.returncode == EXIT_BAD_INPUT
    assert error_lines(result) == [
        "error: (input): '/dev/zero' holds more than 1,048,576 bytes; "
        "a patient record is a small JSON object"
    ]


def test_assess_of_oversized_standard_input_stops_at_the_bound_with_one_line() -> None:
    result = run_cli("assess", "-", stdin=" " * (2 << 20))
    assert result.returncode == EXIT_BAD_INPUT
    (line,) = error_lines(result)
    assert line.startswith("error: (input): standard input holds more than 1,048,576 bytes")


def test_a_closed_standard_output_gives_one_line_not_a_traceback() -> None:
    result = subprocess.run(
        ["sh", "-c", f'exec "{sys.executable}" -m rules schema >&-'],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == EXIT_BAD_INPUT
    assert error_lines(result) == ["error: (output): standard output is closed"]


def test_a_reader_that_stops_early_gets_no_traceback() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "rules", "assess", str(SEED), "--what-if"],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    assert process.stderr is not None
    process.stdout.close()  # like `| head -c 0`: the reader is gone before the first write
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=WAIT_SECONDS) == 128 + signal.SIGPIPE
    assert stderr == ""


def test_terminal_escapes_and_huge_keys_are_escaped_and_cut_in_error_lines() -> None:
    hostile = {**GOOD, "\x1b[31mred\x1b[0m": 1, "k" * 1_000_000: 1, "a\nb": 1}
    result = assess_stdin(hostile)
    assert result.returncode == EXIT_BAD_INPUT
    lines = error_lines(result)
    assert len(lines) == 3
    assert "\x1b" not in result.stderr
    assert all(len(line) < 1000 for line in lines), [len(line) for line in lines]
    assert lines[0].startswith("error: '\\x1b[31mred\\x1b[0m': unknown field")
    assert lines[1].startswith("error: 'kkkkkkkkk")
    assert "(1000000 characters)" in lines[1]
    assert lines[2].startswith("error: 'a\\nb': unknown field")


def test_a_repeated_hostile_key_is_escaped_in_its_error_line() -> None:
    result = run_cli("assess", "-", stdin='{"level": "T8", "\\u001b[2J": 1, "\\u001b[2J": 2}')
    assert error_lines(result) == ["error: '\\x1b[2J': given more than once; give each field once"]


@pytest.mark.parametrize("signum", INTERRUPTING)
def test_an_interrupted_batch_leaves_no_file_and_says_so(
    tmp_path: Path, signum: signal.Signals
) -> None:
    target = tmp_path / "out.csv"
    process = subprocess.Popen(
        [sys.executable, "-m", "rules", "batch", "-", "-o", str(target)],
        cwd=REPO_ROOT,
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None
    assert process.stderr is not None
    process.stdin.write("level,histology\nT8,lung\n")
    process.stdin.flush()  # and keep it open: the run waits for more rows
    deadline = time.monotonic() + WAIT_SECONDS
    while not list(tmp_path.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signum)
    stderr = process.stderr.read()
    assert process.wait(timeout=WAIT_SECONDS) == 128 + signum
    process.stdin.close()
    assert list(tmp_path.iterdir()) == []
    assert "Traceback" not in stderr
    assert [line for line in stderr.splitlines() if line] == [
        f"error: (output): interrupted by {signum.name}; nothing was written to {str(target)!r}"
    ]


@pytest.mark.parametrize("signum", INTERRUPTING)
def test_an_interrupted_batch_on_standard_output_ends_with_a_row_marking_it_partial(
    signum: signal.Signals,
) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "rules", "batch", "-"],
        cwd=REPO_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdin is not None
    assert process.stdout is not None
    assert process.stderr is not None
    process.stdin.write("level,histology\nT8,lung\nT9,lung\n")
    process.stdin.flush()
    lines = [process.stdout.readline() for _ in range(3)]  # header and two rows
    process.send_signal(signum)
    rest = process.stdout.read()
    assert process.wait(timeout=WAIT_SECONDS) == 128 + signum
    process.stdin.close()
    records = list(csv.DictReader(io.StringIO("".join(lines) + rest, newline="")))
    assert [(record["row"], record["status"]) for record in records] == [
        ("1", "ok"),
        ("2", "ok"),
        ("", "partial"),
    ]
    assert records[-1]["errors"] == f"interrupted by {signum.name}: the output stops after row 2"
    stderr = process.stderr.read()
    assert "Traceback" not in stderr
    assert f"interrupted by {signum.name}" in stderr


def _project_copy(tmp_path: Path) -> Path:
    for package in ("rules", "evidence"):
        shutil.copytree(
            REPO_ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    return tmp_path


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        pytest.param(None, "missing", id="missing"),
        pytest.param('[{"id": ', "not valid JSON", id="truncated"),
        pytest.param('[{"id": "x"}]', "record 1 (id 'x')", id="bad_record"),
        pytest.param('{"id": "x"}', "expected a list of records", id="not_a_list"),
    ],
)
@pytest.mark.parametrize("command", [["schema"], ["assess", "-"], ["batch", "-"]])
def test_missing_or_corrupt_evidence_gives_one_line_naming_the_file(
    tmp_path: Path, damage: str | None, reason: str, command: list[str]
) -> None:
    project = _project_copy(tmp_path)
    data = project / "evidence" / "data" / "evidence.json"
    if damage is None:
        data.unlink()
    else:
        data.write_text(damage, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "rules", *command],
        cwd=project,
        input=json.dumps(GOOD),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == EXIT_BAD_INPUT
    (line,) = error_lines(result)
    assert line.startswith(f"error: curated evidence data {str(data)!r} ")
    assert reason in line
