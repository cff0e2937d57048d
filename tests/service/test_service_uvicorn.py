"""The service as an EHR meets it: a real uvicorn process started by python -m cds_service."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest

from tests.service.conftest import HOOK_PATH, example_request


def _call(url: str, body: object | None = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(  # noqa: S310 - a local test server
        url, data=data, headers={"content-type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_a_real_server_answers_discovery_hook_and_feedback(service_url: str) -> None:
    status, discovery = _call(f"{service_url}/cds-services")
    assert status == 200
    assert discovery["services"][0]["id"] == "spine-metastasis-approach"
    status, answer = _call(f"{service_url}{HOOK_PATH}", example_request())
    assert status == 200
    (card,) = answer["cards"]
    assert "endoscopic transpedicular (consider)" in card["summary"]
    assert card["links"][0]["url"] == "https://app.example"  # CDS_APP_URL
    feedback = {
        "feedback": [
            {
                "card": card["uuid"],
                "outcome": "accepted",
                "outcomeTimestamp": "2026-11-29T10:00:00Z",
            }
        ]
    }
    assert _call(f"{service_url}{HOOK_PATH}/feedback", feedback) == (200, {"stored": 1})
    status, summary = _call(f"{service_url}/feedback/summary")
    assert [(row["option"], row["accepted"]) for row in summary["rows"]] == [
        ("endoscopic_transpedicular", 1)
    ]


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        pytest.param("/assess", {"level": "T8"}, 422, id="missing_histology"),
        pytest.param(HOOK_PATH, {"hook": "patient-view"}, 422, id="hook_without_context"),
    ],
)
def test_a_real_server_refuses_bad_input_with_named_problems(
    service_url: str, path: str, body: object, status: int
) -> None:
    answered, report = _call(f"{service_url}{path}", body)
    assert answered == status
    assert report["problems"]
