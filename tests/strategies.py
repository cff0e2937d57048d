"""Hypothesis strategies over the whole input space, drawn from each field's own spec."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from rules import Patient
from rules.patient import (
    COMPRESSION_FIELDS,
    KPS_RANGE_BY_ECOG,
    FieldKind,
    field_choices,
    field_constraint,
    field_kind,
    identifier_kind,
    sins_item_range_for,
)


def field_values(name: str) -> st.SearchStrategy[Any]:
    """Any value a field accepts, from its kind and constraints alone (never unknown)."""
    kind = field_kind(name)
    if kind is FieldKind.CHOICE:
        return st.sampled_from([member.value for member in field_choices(name) or ()])
    if kind is FieldKind.BOOLEAN:
        return st.booleans()
    low, high = field_constraint(name, "ge"), field_constraint(name, "le")
    if kind is FieldKind.WHOLE_NUMBER:
        step = int(field_constraint(name, "multiple_of") or 1)
        return st.integers(int(low) // step, int(high) // step).map(lambda n: n * step)
    if kind is FieldKind.NUMBER:
        above = field_constraint(name, "gt")
        return st.floats(
            min_value=float(above if low is None else low),
            max_value=float(high),
            exclude_min=above is not None,
            allow_nan=False,
        )
    return st.text(max_size=int(field_constraint(name, "max_length") or 80)).filter(
        lambda text: text.isprintable() and identifier_kind(text) is None
    )


@st.composite
def patient_fields(draw: st.DrawFn) -> dict[str, Any]:
    """A raw input dictionary: every required field, each optional one known or not."""
    fields: dict[str, Any] = {}
    for name, info in Patient.model_fields.items():
        if info.is_required() or draw(st.booleans()):
            fields[name] = draw(field_values(name))
    if "kps" in fields and "ecog" in fields:  # keep them in agreement
        fields["kps"] = draw(st.sampled_from(KPS_RANGE_BY_ECOG[fields["ecog"]]))
    if fields.get("frankel") == "E" and fields.get("rapidly_progressive_deficit"):
        fields["frankel"] = draw(st.sampled_from("ABCD"))  # a worsening deficit is below E
    if fields.get("escc_grade") == "0":  # bone only: nothing compresses the cord
        for name in COMPRESSION_FIELDS:
            fields.pop(name, None)
    if "sins_total" in fields:  # within the range the given items allow
        low, high = sins_item_range_for(fields)
        fields["sins_total"] = draw(st.integers(low, high))
    return fields


def patients() -> st.SearchStrategy[Patient]:
    """Valid patients over the whole input space, through the model's own validation."""
    return patient_fields().map(Patient.model_validate)
