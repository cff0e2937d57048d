"""The shipped teaching cases: one JSON file per case in ``rules/cases/``.

A case file holds the same fields as the command-line input, plus a title, a
teaching point, the evidence ids it illustrates and ``checks``: the teaching
point stated in terms the engine's output can be tested against: the top
option, verdicts, reasons and alerts by rule id, the four NOMS needs, and
whether the answer is provisional and which unknown inputs decide it.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from evidence import registry
from rules.catalog import Approach, Verdict
from rules.engine import Assessment
from rules.patient import Patient
from rules.problems import parse_patient

CASES_DIR = Path(__file__).with_name("cases")
CASE_METADATA = ("title", "teaching_point", "evidence", "checks")


class CaseChecks(BaseModel):
    """What must hold of the assessment for the teaching point to be true."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    top: Approach | None = None
    verdicts: dict[Approach, Verdict] = Field(default_factory=dict)
    verdicts_not: tuple[Verdict, ...] = ()
    reasons: dict[Approach, tuple[str, ...]] = Field(default_factory=dict)
    absent_reasons: dict[Approach, tuple[str, ...]] = Field(default_factory=dict)
    alerts: tuple[str, ...] = ()
    first_alert_level: str | None = None
    sins_total: int | None = None
    sins_band: str | None = None
    tokuhashi_total: int | None = None
    incomplete_scores: tuple[str, ...] = ()
    needs: dict[Literal["decompression", "stabilisation", "cement_candidate", "fitness"], str] = (
        Field(default_factory=dict)
    )
    provisional: bool | None = None
    decisive_missing_inputs: tuple[str, ...] | None = None


class TeachingCase(BaseModel):
    """One teaching case."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    slug: str
    title: str
    teaching_point: str
    evidence: tuple[str, ...] = Field(min_length=1)
    patient: Patient
    checks: CaseChecks


class CaseFileError(ValueError):
    """A teaching case file cannot be read or is not a valid case; the message names it."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"teaching case file {path.name!r} skipped: {reason}")


class CaseLibrary(BaseModel):
    """The cases that loaded, and one line for each file that did not."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    cases: tuple[TeachingCase, ...]
    problems: tuple[str, ...]


def _first_problem(error: ValidationError) -> str:
    first = error.errors(include_url=False)[0]
    where = ".".join(str(part) for part in first["loc"])
    return f"{where}: {first['msg']}" if where else str(first["msg"])


def load_case(path: Path) -> TeachingCase:
    """Read one case file; its patient fields are validated like any input.

    Raises ``CaseFileError`` naming the file and the first thing wrong with it.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise CaseFileError(path, "not UTF-8 text") from None
    except json.JSONDecodeError as error:
        reason = f"not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        raise CaseFileError(path, reason) from None
    except OSError as error:
        raise CaseFileError(path, f"cannot be read: {error.strerror}") from None
    if not isinstance(data, dict):
        raise CaseFileError(path, "expected a JSON object of a case's fields")
    metadata = {key: data.pop(key) for key in CASE_METADATA if key in data}
    patient = parse_patient(data)
    if isinstance(patient, list):
        raise CaseFileError(path, str(patient[0]))
    try:
        case = TeachingCase.model_validate({"slug": path.stem, **metadata, "patient": patient})
    except ValidationError as error:
        raise CaseFileError(path, _first_problem(error)) from None
    unknown = [reference for reference in case.evidence if reference not in registry()]
    if unknown:
        raise CaseFileError(path, f"unknown evidence id {', '.join(unknown)}")
    return case


def load_library(directory: Path) -> CaseLibrary:
    """Every case file in a directory, in file-name order; a bad file is skipped and named."""
    cases: list[TeachingCase] = []
    problems: list[str] = []
    for path in sorted(directory.glob("*.json")):
        try:
            cases.append(load_case(path))
        except CaseFileError as error:
            problems.append(str(error))
    return CaseLibrary(cases=tuple(cases), problems=tuple(problems))


@cache
def shipped_library() -> CaseLibrary:
    """The shipped cases (``rules/cases/``), loaded once."""
    return load_library(CASES_DIR)


def teaching_cases() -> tuple[TeachingCase, ...]:
    """Every shipped case that loads, in file-name order."""
    return shipped_library().cases


def case_by_slug(slug: str) -> TeachingCase:
    """One case by its file name without extension."""
    for case in teaching_cases():
        if case.slug == slug:
            return case
    raise KeyError(f"no teaching case {slug!r}")


def failed_checks(case: TeachingCase, assessment: Assessment) -> list[str]:
    """Each of the case's checks that the assessment does not meet, in words; empty if all hold."""
    checks = case.checks
    failed: list[str] = []
    verdicts = {option.approach: option.verdict for option in assessment.options}
    reasons = {
        option.approach: {reason.rule for reason in option.reasons} for option in assessment.options
    }
    top = assessment.options[0].approach
    if checks.top is not None and top is not checks.top:
        failed.append(f"top is {top.value}, expected {checks.top.value}")
    for approach, verdict in checks.verdicts.items():
        if verdicts[approach] is not verdict:
            failed.append(
                f"{approach.value} is {verdicts[approach].value}, expected {verdict.value}"
            )
    for verdict in checks.verdicts_not:
        if verdict in verdicts.values():
            failed.append(f"some option is {verdict.value}")
    for approach, rule_ids in checks.reasons.items():
        if missing := set(rule_ids) - reasons[approach]:
            failed.append(f"{approach.value} lacks reasons {sorted(missing)}")
    for approach, rule_ids in checks.absent_reasons.items():
        if present := set(rule_ids) & reasons[approach]:
            failed.append(f"{approach.value} has reasons {sorted(present)}")
    codes = [alert.code for alert in assessment.alerts]
    if missing_alerts := set(checks.alerts) - set(codes):
        failed.append(f"alerts {sorted(missing_alerts)} not raised")
    if checks.first_alert_level is not None and (
        not assessment.alerts or assessment.alerts[0].level.value != checks.first_alert_level
    ):
        failed.append(f"first alert is not {checks.first_alert_level}")
    scores = assessment.scores
    if checks.sins_total is not None and scores.sins.total != checks.sins_total:
        failed.append(f"SINS is {scores.sins.total}, expected {checks.sins_total}")
    if checks.sins_band is not None and scores.sins.band != checks.sins_band:
        failed.append(f"SINS band is {scores.sins.band}, expected {checks.sins_band}")
    if checks.tokuhashi_total is not None and scores.tokuhashi.total != checks.tokuhashi_total:
        failed.append(f"Tokuhashi is {scores.tokuhashi.total}, expected {checks.tokuhashi_total}")
    for name in checks.incomplete_scores:
        if getattr(scores, name).total is not None:
            failed.append(f"{name} has a total")
    for need, value in checks.needs.items():
        actual = getattr(assessment.needs, need).value
        if actual != value:
            failed.append(f"{need} need is {actual}, expected {value}")
    if checks.provisional is not None and assessment.provisional is not checks.provisional:
        failed.append(f"provisional is {assessment.provisional}")
    if (
        checks.decisive_missing_inputs is not None
        and assessment.decisive_missing_inputs != checks.decisive_missing_inputs
    ):
        failed.append(f"decisive missing inputs are {assessment.decisive_missing_inputs}")
    return failed
