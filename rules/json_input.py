"""Patient JSON as the command line and the web service read it: one object of fields.

A teaching case file (rules/cases/*.json) is accepted too: its metadata is set aside.
"""

from __future__ import annotations

import json
from typing import Any

from rules.case_library import CASE_METADATA
from rules.patient import Patient
from rules.problems import INPUT_LEVEL, InputProblem, parse_patient


class _DuplicateKeyError(ValueError):
    """A JSON object names the same field twice."""


def _object_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise _DuplicateKeyError(key)
        seen[key] = value
    return seen


def decode_json(text: str) -> object | InputProblem:
    """The JSON value in the text, or the one problem that stops it being read."""
    try:
        decoded: object = json.loads(text, object_pairs_hook=_object_without_duplicates)
    except json.JSONDecodeError as error:
        return InputProblem(
            field=INPUT_LEVEL,
            message=f"malformed JSON at line {error.lineno}, column {error.colno}: {error.msg}",
        )
    except _DuplicateKeyError as error:
        return InputProblem(field=str(error), message="given more than once; give each field once")
    except (ValueError, RecursionError):
        # Python refuses integers of over 4300 digits, and nesting deeper than its stack.
        return InputProblem(
            field=INPUT_LEVEL,
            message="not a patient record: a number is too long or the nesting too deep; "
            "give one flat JSON object of fields",
        )
    return decoded


def patient_from_data(data: object) -> Patient | list[InputProblem]:
    """Validate decoded JSON as a patient, setting a teaching case's metadata aside."""
    if isinstance(data, dict) and {"title", "teaching_point"} <= data.keys():
        data = {key: value for key, value in data.items() if key not in CASE_METADATA}
    return parse_patient(data)


def patient_from_json(text: str) -> Patient | list[InputProblem]:
    """The patient in a JSON text, or every problem found."""
    data = decode_json(text)
    if isinstance(data, InputProblem):
        return [data]
    return patient_from_data(data)
