"""What would change the answer: single-input changes, and the unknowns filled in.

Candidate values for each input come from its choices, or, for numbers, from
one value on each side of every threshold the rules and score tables use, so a
change is tried wherever it could matter and nowhere else.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Iterator
from enum import Enum
from typing import Any, get_args

from pydantic import BaseModel, ConfigDict, ValidationError

from rules.catalog import Approach
from rules.engine import Verdict, evaluate
from rules.facts import (
    END_STAGE_BELOW_MONTHS,
    LONG_SURVIVAL_FROM_MONTHS,
    LOW_ALBUMIN_BELOW_G_DL,
    SHORT_SURVIVAL_BELOW_MONTHS,
)
from rules.patient import KPS_RANGE_BY_ECOG, Patient

ENUMERATION_LIMIT = 1024
NOT_VARIED = frozenset({"case_label"})
PAIRED_FIELDS = {"kps": "ecog", "ecog": "kps"}

KPS_STEP = 10
KPS_CANDIDATES = tuple(range(0, 101, KPS_STEP))
ECOG_CANDIDATES = tuple(KPS_RANGE_BY_ECOG)
ALBUMIN_CANDIDATES = (LOW_ALBUMIN_BELOW_G_DL - 0.5, LOW_ALBUMIN_BELOW_G_DL + 0.5)
_SURVIVAL_EDGES = (SHORT_SURVIVAL_BELOW_MONTHS, END_STAGE_BELOW_MONTHS, LONG_SURVIVAL_FROM_MONTHS)
# One value inside each survival interval the rules distinguish.
SURVIVAL_CANDIDATES = (
    SHORT_SURVIVAL_BELOW_MONTHS / 2,
    *((low + high) / 2 for low, high in itertools.pairwise(_SURVIVAL_EDGES)),
    LONG_SURVIVAL_FROM_MONTHS * 2,
)
# Counts on each side of the Tokuhashi and Tomita table edges.
VERTEBRAL_CANDIDATES = (1, 2, 3)
EXTRASPINAL_CANDIDATES = (0, 1, 3)
NUMERIC_CANDIDATES: dict[str, tuple[Any, ...]] = {
    "kps": KPS_CANDIDATES,
    "ecog": ECOG_CANDIDATES,
    "albumin_g_dl": ALBUMIN_CANDIDATES,
    "expected_survival_months": SURVIVAL_CANDIDATES,
    "vertebral_metastases": VERTEBRAL_CANDIDATES,
    "extraspinal_bone_metastases": EXTRASPINAL_CANDIDATES,
}


class VerdictChange(BaseModel):
    """One option whose verdict changes."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    approach: Approach
    before: Verdict
    after: Verdict


class Flip(BaseModel):
    """Changing one input to any of ``after`` changes the answer the same way."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    field: str
    before: Any
    after: tuple[Any, ...]
    also_cleared: str | None
    top_before: Approach
    top_after: Approach
    changes: tuple[VerdictChange, ...]

    @property
    def changes_top(self) -> bool:
        """Whether the best-ranked option changes."""
        return self.top_before is not self.top_after


class UnknownFill(BaseModel):
    """How the answer spreads when unknown inputs are filled every possible way.

    ``filled_fields`` is every unknown input when that is few enough to
    enumerate, else only the unknowns that change the answer on their own
    (``only_decisive``), else nothing (``enumerated`` is False).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    unknown_fields: tuple[str, ...]
    filled_fields: tuple[str, ...]
    only_decisive: bool
    combinations: int
    enumerated: bool
    top_counts: dict[Approach, int]
    verdict_counts: dict[Approach, dict[Verdict, int]]


class WhatIf(BaseModel):
    """The what-if analysis of one patient."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    flips: tuple[Flip, ...]
    unknown_fill: UnknownFill


def candidates(field: str) -> tuple[Any, ...]:
    """Every value worth trying for a field."""
    if field in NUMERIC_CANDIDATES:
        return NUMERIC_CANDIDATES[field]
    annotation = Patient.model_fields[field].annotation
    for kind in (annotation, *get_args(annotation)):
        if kind is bool:
            return (True, False)
        if isinstance(kind, type) and issubclass(kind, Enum):
            return tuple(member.value for member in kind)
    raise ValueError(f"no candidate values for field {field!r}")


def _verdicts(patient: Patient) -> tuple[Approach, dict[Approach, Verdict]]:
    options = evaluate(patient).options
    return options[0].approach, {option.approach: option.verdict for option in options}


def _variant(base: dict[str, Any], field: str, value: Any) -> tuple[Patient, str | None] | None:
    data = {**base, field: value}
    cleared = None
    partner = PAIRED_FIELDS.get(field)
    if partner and data.get(partner) is not None:
        try:
            return Patient.model_validate(data), None
        except ValidationError:
            data[partner] = None
            cleared = partner
    try:
        return Patient.model_validate(data), cleared
    except ValidationError:
        return None


def single_changes(patient: Patient) -> tuple[Flip, ...]:
    """Every one-input change that alters the top option or any option's verdict.

    Values of one input that change the answer in the same way are grouped.
    """
    base = patient.model_dump(mode="json")
    top_before, before = _verdicts(patient)
    grouped: dict[tuple[Any, ...], list[Any]] = {}
    for field in Patient.model_fields:
        if field in NOT_VARIED:
            continue
        for value in candidates(field):
            if value == base[field]:
                continue
            variant = _variant(base, field, value)
            if variant is None:
                continue
            changed, cleared = variant
            top_after, after = _verdicts(changed)
            changes = tuple(
                VerdictChange(approach=approach, before=before[approach], after=after[approach])
                for approach in Approach
                if before[approach] is not after[approach]
            )
            if changes or top_after is not top_before:
                grouped.setdefault((field, cleared, top_after, changes), []).append(value)
    return tuple(
        Flip(
            field=field,
            before=base[field],
            after=tuple(values),
            also_cleared=cleared,
            top_before=top_before,
            top_after=top_after,
            changes=changes,
        )
        for (field, cleared, top_after, changes), values in grouped.items()
    )


def _unknowns(patient: Patient) -> list[str]:
    unknown = [
        field
        for field in Patient.model_fields
        if field not in NOT_VARIED and getattr(patient, field) is None
    ]
    if patient.kps is not None or patient.ecog is not None:
        unknown = [field for field in unknown if field not in PAIRED_FIELDS]
    elif "ecog" in unknown:
        unknown.remove("ecog")  # one performance-status scale is enough to fill
    return unknown


def _fills(patient: Patient, fields: tuple[str, ...]) -> Iterator[Patient]:
    base = patient.model_dump(mode="json")
    for values in itertools.product(*(candidates(field) for field in fields)):
        yield Patient.model_validate({**base, **dict(zip(fields, values, strict=True))})


def _combinations(fields: tuple[str, ...]) -> int:
    return math.prod(len(candidates(field)) for field in fields)


def unknown_fill(
    patient: Patient, flips: tuple[Flip, ...] | None = None, limit: int = ENUMERATION_LIMIT
) -> UnknownFill:
    """Fill the unknown inputs every possible way, when there are few enough combinations."""
    unknown = tuple(_unknowns(patient))
    filled, only_decisive = unknown, False
    if _combinations(filled) > limit:
        decisive = {
            flip.field for flip in (flips if flips is not None else single_changes(patient))
        }
        filled, only_decisive = tuple(f for f in unknown if f in decisive), True
    combinations = _combinations(filled)
    if combinations > limit:
        return UnknownFill(
            unknown_fields=unknown,
            filled_fields=(),
            only_decisive=only_decisive,
            combinations=combinations,
            enumerated=False,
            top_counts={},
            verdict_counts={},
        )
    tops: Counter[Approach] = Counter()
    verdicts: dict[Approach, Counter[Verdict]] = {approach: Counter() for approach in Approach}
    for filled_patient in _fills(patient, filled):
        top, by_option = _verdicts(filled_patient)
        tops[top] += 1
        for approach, verdict in by_option.items():
            verdicts[approach][verdict] += 1
    return UnknownFill(
        unknown_fields=unknown,
        filled_fields=filled,
        only_decisive=only_decisive,
        combinations=combinations,
        enumerated=True,
        top_counts=dict(tops),
        verdict_counts={approach: dict(counts) for approach, counts in verdicts.items()},
    )


def what_if(patient: Patient) -> WhatIf:
    """Both analyses for one patient."""
    flips = single_changes(patient)
    return WhatIf(flips=flips, unknown_fill=unknown_fill(patient, flips))
