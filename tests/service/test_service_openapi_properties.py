"""Property-based requests generated from the service's own OpenAPI document: never a 500."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings

from cds_service import FeedbackStore, Settings, create_app

_STORE = Path(tempfile.mkdtemp(prefix="cds-openapi-")) / "feedback.sqlite3"
FeedbackStore(f"sqlite:///{_STORE}").migrate()
schema = schemathesis.openapi.from_asgi(
    "/openapi.json", create_app(Settings(database_url=f"sqlite:///{_STORE}"))
)


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_generated_request_gets_a_server_error(case: schemathesis.Case[Any]) -> None:
    response = case.call()
    assert response.status_code < 500, response.text
