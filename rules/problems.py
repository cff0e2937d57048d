"""Turning bad input into plain problems that name the field and what is allowed."""

from __future__ import annotations

from enum import Enum
from typing import Any, get_args

from pydantic import BaseModel, ConfigDict, ValidationError

from rules.patient import (
    INPUT_FIELDS,
    MAX_EXTRASPINAL_BONE_METASTASES,
    MAX_VERTEBRAL_BODIES,
    Patient,
)

INPUT_LEVEL = "(input)"
SHOWN_VALUE_MAX = 40  # longer rejected values are cut, so messages stay readable
JSON_TYPE_NAMES = {
    "NoneType": "null",
    "list": "an array",
    "str": "a string",
    "int": "a number",
    "float": "a number",
    "bool": "true/false",
}
BOOLEAN_ALLOWED = "true or false (leave empty for unknown)"
NUMERIC_ALLOWED: dict[str, str] = {
    "kps": "a whole number from 0 to 100 in steps of 10",
    "ecog": "a whole number from 0 to 4",
    "vertebral_metastases": (
        f"a whole number from 1 to {MAX_VERTEBRAL_BODIES} (the index level counts)"
    ),
    "extraspinal_bone_metastases": f"a whole number from 0 to {MAX_EXTRASPINAL_BONE_METASTASES}",
    "albumin_g_dl": "a number from 1.0 to 6.0 (g/dL)",
    "expected_survival_months": "a number of months above 0",
    "case_label": "free text up to 80 characters, never a patient identifier",
}


class InputProblem(BaseModel):
    """One thing wrong with the input."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


def allowed_values(field: str) -> str | None:
    """The allowed choices of an enum field, as a readable list, else None."""
    info = Patient.model_fields.get(field)
    if info is None:
        return None
    for candidate in (info.annotation, *get_args(info.annotation)):
        if isinstance(candidate, type) and issubclass(candidate, Enum):
            return ", ".join(str(member.value) for member in candidate)
    return None


def _describe(error: Any) -> InputProblem:
    location = [str(part) for part in error["loc"]]
    field = location[0] if location else INPUT_LEVEL
    kind = error["type"]
    received = error.get("input")
    if kind == "extra_forbidden":
        return InputProblem(
            field=field,
            message=f"unknown field; allowed fields are {', '.join(INPUT_FIELDS)}",
        )
    if kind == "missing":
        return InputProblem(field=field, message="is required")
    choices = allowed_values(field)
    if kind == "enum" and choices:
        return InputProblem(field=field, message=f"got {shown(received)}; allowed: {choices}")
    if not location:
        # Model-level ("after") validators name their fields in the message.
        text = str(error["msg"]).removeprefix("Value error, ")
        return InputProblem(field="kps/ecog" if "ecog" in text else INPUT_LEVEL, message=text)
    text = _lower_first(str(error["msg"]).removeprefix("Value error, "))
    allowed = NUMERIC_ALLOWED.get(field) or (
        BOOLEAN_ALLOWED if Patient.model_fields[field].annotation == bool | None else None
    )
    suffix = f"; allowed: {allowed}" if allowed else ""
    if field == "case_label":
        # Never echo a rejected label: it may be the identifier the check is there to stop.
        return InputProblem(field=field, message=f"{text}{suffix}")
    return InputProblem(field=field, message=f"{text} (got {shown(received)}){suffix}")


def shown(value: object) -> str:
    """A rejected value as a message shows it: quoted, and cut when long."""
    text = repr(value)
    if len(text) <= SHOWN_VALUE_MAX:
        return text
    return f"{text[: SHOWN_VALUE_MAX - 1]}… ({len(str(value))} characters)"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def problems_from(error: ValidationError) -> list[InputProblem]:
    """Every problem in a validation error, one per field."""
    return [_describe(item) for item in error.errors(include_url=False)]


def parse_patient(data: object) -> Patient | list[InputProblem]:
    """Validate raw input at the boundary; return the patient or every problem found."""
    if not isinstance(data, dict):
        return [
            InputProblem(
                field=INPUT_LEVEL,
                message="expected a JSON object of fields, got "
                + JSON_TYPE_NAMES.get(type(data).__name__, type(data).__name__),
            )
        ]
    try:
        return Patient.model_validate(data)
    except ValidationError as error:
        return problems_from(error)
