"""Turning bad input into plain problems that name the field and what is allowed."""

from __future__ import annotations

from enum import Enum
from typing import Any, get_args

from pydantic import BaseModel, ConfigDict, ValidationError

from rules.patient import INPUT_FIELDS, Patient

INPUT_LEVEL = "(input)"
BOOLEAN_ALLOWED = "true or false (leave empty for unknown)"
NUMERIC_ALLOWED: dict[str, str] = {
    "kps": "a whole number from 0 to 100 in steps of 10",
    "ecog": "a whole number from 0 to 4",
    "vertebral_metastases": "a whole number, 1 or more (the index level counts)",
    "extraspinal_bone_metastases": "a whole number, 0 or more",
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
        return InputProblem(field=field, message=f"got {received!r}; allowed: {choices}")
    if not location:
        # Model-level ("after") validators name their fields in the message.
        text = str(error["msg"]).removeprefix("Value error, ")
        return InputProblem(field="kps/ecog" if "ecog" in text else INPUT_LEVEL, message=text)
    text = _lower_first(str(error["msg"]).removeprefix("Value error, "))
    allowed = NUMERIC_ALLOWED.get(field) or (
        BOOLEAN_ALLOWED if Patient.model_fields[field].annotation == bool | None else None
    )
    suffix = f"; allowed: {allowed}" if allowed else ""
    return InputProblem(field=field, message=f"{text} (got {received!r}){suffix}")


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
                message=f"expected a JSON object of fields, got {type(data).__name__}",
            )
        ]
    try:
        return Patient.model_validate(data)
    except ValidationError as error:
        return problems_from(error)
