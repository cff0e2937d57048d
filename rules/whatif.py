"""What would change the answer: single-input changes, and the unknowns filled in.

Candidate values for each input come from its field spec (``what_if_values``):
every choice of a choice or yes/no field, and for numbers one value on each side
of every threshold the pathway tests, declared once beside the field. A field
whose spec declares no values (the case label, level, histology) is not varied.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from rules.catalog import Approach, Verdict
from rules.engine import evaluate
from rules.patient import INPUT_FIELDS, Patient, field_choices, field_spec, what_if_values

ENUMERATION_LIMIT = 1024


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
    """Every value worth trying for a field, from its spec; choices as enum members."""
    values = what_if_values(field)
    choices = field_choices(field)
    if choices is None:
        return values
    by_value = {member.value: member for member in choices}
    return tuple(by_value[str(value)] for value in values)


VARIED_FIELDS: tuple[str, ...] = tuple(name for name in INPUT_FIELDS if candidates(name))
NOT_VARIED: frozenset[str] = frozenset(INPUT_FIELDS) - frozenset(VARIED_FIELDS)


def _verdicts(patient: Patient) -> tuple[Approach, dict[Approach, Verdict]]:
    options = evaluate(patient).options
    return options[0].approach, {option.approach: option.verdict for option in options}


def _variant(base: dict[str, Any], field: str, value: Any) -> tuple[Patient, str | None] | None:
    """The patient with one input changed, or None when the model rejects the change.

    Changing KPS or ECOG so that it contradicts the other clears the other.
    """
    data = {**base, field: value}
    partner = field_spec(field).pairs_with
    if partner and data.get(partner) is not None:
        try:
            return Patient.model_validate(data), None
        except ValidationError:
            data[partner] = None
            try:
                return Patient.model_validate(data), partner
            except ValidationError:
                return None
    try:
        return Patient.model_validate(data), None
    except ValidationError:
        return None


def single_changes(patient: Patient) -> tuple[Flip, ...]:
    """Every one-input change that alters the top option or any option's verdict.

    Values of one input that change the answer in the same way are grouped.
    """
    base = dict(patient)
    top_before, before = _verdicts(patient)
    grouped: dict[tuple[Any, ...], list[Any]] = {}
    for field in VARIED_FIELDS:
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
    unknown: list[str] = []
    for field in VARIED_FIELDS:
        pair = field_spec(field).pairs_with
        if getattr(patient, field) is not None:
            continue
        if pair is not None and (getattr(patient, pair) is not None or pair in unknown):
            continue  # one scale of a pair is enough to fill
        unknown.append(field)
    return unknown


def _fills(patient: Patient, fields: tuple[str, ...]) -> Iterator[Patient]:
    """Every valid way to fill ``fields``; combinations the model rejects are skipped."""
    base = dict(patient)
    for values in itertools.product(*(candidates(field) for field in fields)):
        try:
            yield Patient.model_validate({**base, **dict(zip(fields, values, strict=True))})
        except ValidationError:
            continue  # e.g. a SINS total outside what the given items allow


def _combinations(fields: tuple[str, ...]) -> int:
    return math.prod(len(candidates(field)) for field in fields)


def unknown_fill(
    patient: Patient, flips: tuple[Flip, ...] | None = None, limit: int = ENUMERATION_LIMIT
) -> UnknownFill:
    """Fill the unknown inputs every possible way, when there are few enough combinations.

    ``combinations`` counts the candidate tuples; ones the input model rejects
    (a SINS total the items rule out) are left out of the counts.
    """
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
