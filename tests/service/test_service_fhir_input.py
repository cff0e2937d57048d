"""Reading patient inputs from a FHIR prefetch: codes, value[x], units, age, problems."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from cds_service.fhir_input import (
    INPUT_SYSTEM,
    VALUE_ELEMENTS,
    age_in_years,
    read_prefetch,
)
from rules import INPUT_FIELDS
from rules.patient import field_kind
from tests.service.conftest import EXAMPLE_INPUTS, example_request

TODAY = date(2026, 11, 29)


def _observation(code: str, system: str = INPUT_SYSTEM, **value: Any) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": f"obs-{code.replace('_', '-')}",
        "status": value.pop("status", "final"),
        "code": {"coding": [{"system": system, "code": code}]},
        **value,
    }


def _prefetch(*observations: dict[str, Any], **slots: Any) -> dict[str, Any]:
    bundle = {
        "resourceType": "Bundle",
        "type": "searchset",
        "entry": [{"resource": observation} for observation in observations],
    }
    return {"observations": bundle, **slots}


def test_example_bundle_gives_the_documented_inputs() -> None:
    reading = read_prefetch(example_request()["prefetch"], TODAY)
    assert reading.problems == []
    # Worked out from the example: born 1970-01-15, so 56 on 2026-11-29; KPS by LOINC;
    # the haemoglobin Observation is not an input and is left alone.
    assert reading.inputs == EXAMPLE_INPUTS
    assert reading.sources["kps"] == "Observation/kps"
    assert reading.sources["age_years"] == "Patient/example-spine-1 birthDate"
    assert reading.missing_required == ()


@pytest.mark.parametrize(
    ("birth", "age"),
    [
        pytest.param(date(1970, 11, 29), 56, id="birthday_today"),
        pytest.param(date(1970, 11, 30), 55, id="birthday_tomorrow"),
        pytest.param(date(1960, 2, 29), 66, id="leap_day_birth"),
    ],
)
def test_age_counts_whole_years_to_the_day(birth: date, age: int) -> None:
    assert age_in_years(birth, TODAY) == age


def test_partial_birth_date_leaves_the_age_unknown() -> None:
    patient = {"resourceType": "Patient", "id": "p", "birthDate": "1970"}
    assert read_prefetch({"patient": patient}, TODAY).inputs == {}


def test_ecog_is_read_from_its_loinc_code() -> None:
    reading = read_prefetch(
        _prefetch(_observation("89247-1", "http://loinc.org", valueInteger=2)), TODAY
    )
    assert reading.inputs == {"ecog": 2}


def test_quantity_in_the_units_ucum_code_is_accepted_and_whole_values_become_integers() -> None:
    reading = read_prefetch(
        _prefetch(
            _observation("albumin_g_dl", valueQuantity={"value": 3.2, "code": "g/dL"}),
            _observation("deficit_duration_hours", valueQuantity={"value": 36, "code": "h"}),
        ),
        TODAY,
    )
    assert reading.inputs == {"albumin_g_dl": 3.2, "deficit_duration_hours": 36}


def test_quantity_in_another_unit_is_a_problem_naming_the_observation() -> None:
    reading = read_prefetch(
        _prefetch(_observation("albumin_g_dl", valueQuantity={"value": 32, "unit": "g/L"})), TODAY
    )
    (problem,) = reading.problems
    assert problem.resource == "Observation/obs-albumin-g-dl"
    assert problem.message == "albumin_g_dl is in g/dL; got g/L"


def test_boolean_input_needs_value_boolean() -> None:
    reading = read_prefetch(_prefetch(_observation("cachexia", valueString="yes")), TODAY)
    (problem,) = reading.problems
    assert problem.field == "value[x] (cachexia)"
    assert problem.message == "cachexia is a boolean input: give valueBoolean; got valueString"


def test_unknown_code_in_the_input_system_is_a_problem() -> None:
    reading = read_prefetch(_prefetch(_observation("levle", valueString="T8")), TODAY)
    (problem,) = reading.problems
    assert problem.resource == "Observation/obs-levle"
    assert problem.message.startswith("unknown input code 'levle' in urn:spine-metastasis:input")


def test_age_is_taken_from_the_patient_never_from_an_observation() -> None:
    reading = read_prefetch(_prefetch(_observation("age_years", valueInteger=50)), TODAY)
    assert "unknown input code 'age_years'" in reading.problems[0].message


def test_an_input_given_twice_is_a_problem_naming_both_resources() -> None:
    first = _observation("level", valueString="T8")
    second = {**_observation("level", valueString="L2"), "id": "again"}
    reading = read_prefetch(_prefetch(first, second), TODAY)
    (problem,) = reading.problems
    assert problem.resource == "Observation/again"
    assert "first by Observation/obs-level" in problem.message


def test_entered_in_error_observations_are_ignored() -> None:
    wrong = _observation("level", valueString="T8", status="entered-in-error")
    assert read_prefetch(_prefetch(wrong), TODAY).inputs == {}


def test_resource_that_does_not_validate_names_resource_and_field() -> None:
    broken = _observation("kps", "http://loinc.org", valueInteger="forty")
    (problem,) = read_prefetch(_prefetch(broken), TODAY).problems
    assert problem.resource == "prefetch.observations.entry[0].resource (Observation/obs-kps)"
    assert problem.field == "valueInteger"


def test_wrong_resource_type_in_a_slot_is_a_problem() -> None:
    (problem,) = read_prefetch({"patient": {"resourceType": "Observation"}}, TODAY).problems
    assert (problem.resource, problem.field) == ("prefetch.patient", "resourceType")
    assert problem.message == "expected Patient, got 'Observation'"


def test_unknown_nested_resource_type_is_a_problem_not_a_crash() -> None:
    contained = _observation("level", valueString="T8", contained=[{"resourceType": "Nope"}])
    (problem,) = read_prefetch(_prefetch(contained), TODAY).problems
    assert problem.field == "(resource)"
    assert "does not validate as FHIR R4B Observation" in problem.message


def test_a_bundle_without_a_list_of_entries_is_a_problem() -> None:
    (problem,) = read_prefetch({"conditions": {"entry": {}}}, TODAY).problems
    assert (problem.resource, problem.field) == ("prefetch.conditions", "entry")


def test_missing_required_inputs_are_listed() -> None:
    reading = read_prefetch(_prefetch(_observation("level", valueString="T8")), TODAY)
    assert reading.missing_required == ("histology",)


@pytest.mark.parametrize("name", [name for name in INPUT_FIELDS if name != "age_years"])
def test_every_input_field_has_a_value_element_for_its_kind(name: str) -> None:
    assert VALUE_ELEMENTS[field_kind(name)]
