"""Turning bad input into plain problems that name the field and what is allowed."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from rules.patient import (
    CROSS_FIELD_CHECKS,
    INPUT_FIELDS,
    FieldKind,
    Patient,
    allowed_text,
    field_choices,
    field_kind,
)

INPUT_LEVEL = "(input)"
OUTPUT_LEVEL = "(output)"
SHOWN_VALUE_MAX = 40  # longer rejected values are cut, so messages stay readable
JSON_TYPE_NAMES = {
    "NoneType": "null",
    "list": "an array",
    "str": "a string",
    "int": "a number",
    "float": "a number",
    "bool": "true/false",
}


class InputProblem(BaseModel):
    """One thing wrong with the input."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    field: str
    message: str

    @field_validator("field")
    @classmethod
    def _field_is_shown_safely(cls, name: str) -> str:
        """A field name from the input (a JSON key, a CSV header) may hold a terminal escape,
        a line break or a megabyte: such a name is quoted, escaped and cut like a value."""
        return name if name.isprintable() and len(name) <= SHOWN_VALUE_MAX else shown(name)

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


def allowed_values(field: str) -> str | None:
    """The allowed choices of a choice field, as a readable list, else None."""
    if field not in Patient.model_fields or field_choices(field) is None:
        return None
    return allowed_text(field)


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
    if location and field not in Patient.model_fields:
        return InputProblem(
            field=field,
            message=f"not a field name; allowed fields are {', '.join(INPUT_FIELDS)}",
        )
    choices = allowed_values(field)
    if kind == "enum" and choices:
        return InputProblem(field=field, message=f"got {shown(received)}; allowed: {choices}")
    if not location:
        # Model-level ("after") validators name their fields in the message.
        text = str(error["msg"]).removeprefix("Value error, ")
        named = [name for name in CROSS_FIELD_CHECKS if name.split("/")[-1] in text]
        return InputProblem(field=named[0] if named else INPUT_LEVEL, message=text)
    text = _lower_first(str(error["msg"]).removeprefix("Value error, "))
    allowed = allowed_text(field) if field_kind(field) is not FieldKind.CHOICE else None
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
        problems = problems_from(error)
    return problems + _cross_field_problems(data, problems)


# Any valid value of each required field, to run a check across other fields on its own.
NEUTRAL_REQUIRED: dict[str, str] = {
    name: (field_choices(name) or ())[0].value
    for name, info in Patient.model_fields.items()
    if info.is_required()
}


def _cross_field_problems(data: dict[Any, Any], found: list[InputProblem]) -> list[InputProblem]:
    """The checks across fields that the first validation could not reach."""
    # Fields already refused on their own; a check across fields that shares a field
    # with another such check still runs (Bilsky 0 with both compression fields).
    named = {problem.field for problem in found if problem.field in Patient.model_fields}
    extra: list[InputProblem] = []
    for check, fields in CROSS_FIELD_CHECKS.items():
        if check in {problem.field for problem in found} or named & set(fields):
            continue
        subset = {**NEUTRAL_REQUIRED, **{k: data[k] for k in fields if k in data}}
        try:
            Patient.model_validate(subset)
        except ValidationError as error:
            extra.extend(p for p in problems_from(error) if p.field == check)
    return extra
