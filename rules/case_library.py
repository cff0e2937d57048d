"""The shipped teaching cases: one JSON file per case in ``rules/cases/``.

A case file holds the same fields as the command-line input, plus a title, a
teaching point, the evidence ids it illustrates and ``checks``: the teaching
point stated in terms the engine's output can be tested against.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from evidence import registry
from rules.catalog import Approach
from rules.engine import Verdict
from rules.patient import Patient

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


class TeachingCase(BaseModel):
    """One teaching case."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    slug: str
    title: str
    teaching_point: str
    evidence: tuple[str, ...] = Field(min_length=1)
    patient: Patient
    checks: CaseChecks


def load_case(path: Path) -> TeachingCase:
    """Read one case file; its patient fields are validated like any input."""
    data = json.loads(path.read_text(encoding="utf-8"))
    metadata = {key: data.pop(key) for key in CASE_METADATA if key in data}
    case = TeachingCase.model_validate(
        {"slug": path.stem, **metadata, "patient": Patient.model_validate(data)}
    )
    references = registry()
    for reference_id in case.evidence:
        references[reference_id]  # fails loudly, naming an unknown id
    return case


@cache
def teaching_cases() -> tuple[TeachingCase, ...]:
    """Every shipped case, in file-name order."""
    return tuple(load_case(path) for path in sorted(CASES_DIR.glob("*.json")))


def case_by_slug(slug: str) -> TeachingCase:
    """One case by its file name without extension."""
    for case in teaching_cases():
        if case.slug == slug:
            return case
    raise KeyError(f"no teaching case {slug!r}")
