"""Every kind of bad request gets 400 or 422 naming resource and field; never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.service.conftest import HOOK_PATH, example_request


def _observations(request: dict[str, Any]) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = request["prefetch"]["observations"]["entry"]
    return [entry["resource"] for entry in entries]


def _by_id(request: dict[str, Any], resource_id: str) -> dict[str, Any]:
    return next(item for item in _observations(request) if item["id"] == resource_id)


@pytest.mark.parametrize(
    "path", ["/assess", HOOK_PATH, f"{HOOK_PATH}/feedback"], ids=["assess", "hook", "feedback"]
)
def test_malformed_json_is_400(client: TestClient, path: str) -> None:
    response = client.post(
        path, content=b'{"level": "T8",', headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "malformed JSON"


def test_assess_names_the_position_of_malformed_json(client: TestClient) -> None:
    response = client.post("/assess", content=b'{"level": "T8",')
    (problem,) = response.json()["problems"]
    assert problem["message"].startswith("malformed JSON at line 1, column 16")


def test_assess_refuses_a_field_given_twice(client: TestClient) -> None:
    response = client.post(
        "/assess", content=b'{"level": "T8", "level": "T9", "histology": "lung"}'
    )
    assert response.status_code == 400
    assert response.json()["problems"][0]["field"] == "level"


def test_assess_refuses_bytes_that_are_not_utf8(client: TestClient) -> None:
    response = client.post("/assess", content=b'{"level": "\xff"}')
    assert response.status_code == 400


def test_assess_out_of_range_value_uses_the_cores_message(client: TestClient) -> None:
    response = client.post("/assess", json={"level": "T8", "histology": "lung", "kps": 55})
    assert response.status_code == 422
    assert response.json()["problems"] == [
        {
            "resource": None,
            "field": "kps",
            "message": "input should be a multiple of 10 (got 55); "
            "allowed: a whole number from 10 to 100 in steps of 10",
        }
    ]


def test_assess_refuses_a_list(client: TestClient) -> None:
    response = client.post("/assess", json=[1, 2])
    assert response.status_code == 422
    assert response.json()["problems"][0]["message"] == (
        "expected a JSON object of fields, got an array"
    )


def test_hook_fhir_resource_that_does_not_validate_is_named(client: TestClient) -> None:
    request = example_request()
    _by_id(request, "kps")["status"] = None
    _by_id(request, "kps")["valueInteger"] = "forty"
    response = client.post(HOOK_PATH, json=request)
    assert response.status_code == 422
    problems = response.json()["problems"]
    assert {(p["resource"], p["field"]) for p in problems} >= {
        ("prefetch.observations.entry[2].resource (Observation/kps)", "valueInteger")
    }


def test_hook_unknown_input_code_is_named(client: TestClient) -> None:
    request = example_request()
    _by_id(request, "frankel")["code"]["coding"][0]["code"] = "frankle"
    response = client.post(HOOK_PATH, json=request)
    assert response.status_code == 422
    (problem,) = response.json()["problems"]
    assert (problem["resource"], problem["field"]) == ("Observation/frankel", "code.coding.code")


def test_hook_out_of_range_value_names_the_observation_and_field(client: TestClient) -> None:
    request = example_request()
    _by_id(request, "kps")["valueInteger"] = 45
    response = client.post(HOOK_PATH, json=request)
    assert response.status_code == 422
    assert response.json()["problems"] == [
        {
            "resource": "Observation/kps",
            "field": "kps",
            "message": "input should be a multiple of 10 (got 45); "
            "allowed: a whole number from 10 to 100 in steps of 10",
        }
    ]


def test_hook_disagreement_across_observations_names_both(client: TestClient) -> None:
    request = example_request()
    request["prefetch"]["observations"]["entry"].append(
        {
            "resource": {
                "resourceType": "Observation",
                "id": "ecog",
                "status": "final",
                "code": {"coding": [{"system": "http://loinc.org", "code": "89247-1"}]},
                "valueInteger": 0,
            }
        }
    )
    (problem,) = client.post(HOOK_PATH, json=request).json()["problems"]
    assert problem["field"] == "kps/ecog"
    assert problem["resource"] == "Observation/kps, Observation/ecog"


def test_hook_age_out_of_range_names_the_birth_date(client: TestClient) -> None:
    request = example_request()
    request["prefetch"]["patient"]["birthDate"] = "2020-01-01"
    (problem,) = client.post(HOOK_PATH, json=request).json()["problems"]
    assert (problem["resource"], problem["field"]) == (
        "Patient/example-spine-1 birthDate",
        "age_years",
    )


def test_hook_for_another_hook_is_refused_naming_the_field(client: TestClient) -> None:
    request = {**example_request(), "hook": "order-select"}
    response = client.post(HOOK_PATH, json=request)
    assert response.status_code == 422
    assert response.json()["problems"][0]["field"] == "hook"


def test_feedback_on_an_unknown_card_is_404_naming_it(client: TestClient) -> None:
    feedback = {
        "feedback": [
            {
                "card": "00000000-0000-4000-8000-000000000000",
                "outcome": "accepted",
                "outcomeTimestamp": "2026-11-29T10:00:00Z",
            }
        ]
    }
    response = client.post(f"{HOOK_PATH}/feedback", json=feedback)
    assert response.status_code == 404
    assert response.json()["problems"][0]["field"] == "feedback.0.card"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        pytest.param({"outcome": "ignored"}, "feedback.0.outcome", id="unknown_outcome"),
        pytest.param({"card": "not-a-uuid"}, "feedback.0.card", id="card_not_a_uuid"),
        pytest.param(
            {"overrideReason": {"reason": {"code": "other", "system": "urn:x"}}},
            "feedback.0.overrideReason",
            id="reason_not_offered",
        ),
        pytest.param(
            {"outcome": "accepted", "overrideReason": {"userComment": "x"}},
            "feedback.0",
            id="reason_with_accepted",
        ),
    ],
)
def test_feedback_that_does_not_validate_is_422_naming_the_field(
    client: TestClient, change: dict[str, Any], field: str
) -> None:
    entry = {
        "card": "00000000-0000-4000-8000-000000000000",
        "outcome": "overridden",
        "outcomeTimestamp": "2026-11-29T10:00:00Z",
        **change,
    }
    response = client.post(f"{HOOK_PATH}/feedback", json={"feedback": [entry]})
    assert response.status_code == 422
    assert field in {problem["field"] for problem in response.json()["problems"]}
