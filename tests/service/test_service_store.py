"""The feedback store on SQLite and on a real PostgreSQL server: schema, rows, summary."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, inspect, text

from cds_service import FeedbackStore, Settings, create_app
from cds_service.store import Base, Outcome, UnknownCardError
from tests.service.conftest import HOOK_PATH, example_request

FIRST = UUID("11111111-1111-4111-8111-111111111111")
SECOND = UUID("22222222-2222-4222-8222-222222222222")
WHEN = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)


def test_migrations_make_exactly_the_models_tables(database_url: str) -> None:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    assert set(inspect(engine).get_table_names()) == {
        "alembic_version",
        "issued_card",
        "card_feedback",
    }


def test_migrating_twice_changes_nothing(database_url: str) -> None:
    FeedbackStore(database_url).migrate()
    with create_engine(database_url).connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).all() == [
            ("0001",)
        ]


def test_feedback_is_counted_per_rules_version_and_option(database_url: str) -> None:
    store = FeedbackStore(database_url)
    store.record_issued(FIRST, "rules-aaa", "posterior_only")
    store.record_issued(SECOND, "rules-aaa", "non_operative")
    store.record_feedback(
        [
            Outcome(FIRST, "accepted", None, WHEN),
            Outcome(FIRST, "overridden", "patient-preference", WHEN),
            Outcome(FIRST, "overridden", "patient-preference", WHEN),
            Outcome(SECOND, "overridden", "tumour-board-decision", WHEN),
        ]
    )
    rows = [row.model_dump() for row in store.summary().rows]
    assert rows == [
        {
            "rules_version": "rules-aaa",
            "option": "non_operative",
            "accepted": 0,
            "overridden": 1,
            "override_reasons": {"tumour-board-decision": 1},
        },
        {
            "rules_version": "rules-aaa",
            "option": "posterior_only",
            "accepted": 1,
            "overridden": 2,
            "override_reasons": {"patient-preference": 2},
        },
    ]


def test_feedback_naming_an_unknown_card_stores_nothing(database_url: str) -> None:
    store = FeedbackStore(database_url)
    store.record_issued(FIRST, "rules-aaa", "posterior_only")
    with pytest.raises(UnknownCardError) as raised:
        store.record_feedback(
            [Outcome(FIRST, "accepted", None, WHEN), Outcome(SECOND, "accepted", None, WHEN)]
        )
    assert raised.value.positions == [1]
    assert store.summary().rows == ()


def test_hook_then_feedback_is_summarised_and_no_patient_data_is_stored(
    database_url: str,
) -> None:
    with TestClient(create_app(Settings(database_url=database_url))) as client:
        (card,) = client.post(HOOK_PATH, json=example_request()).json()["cards"]
        feedback = {
            "feedback": [
                {
                    "card": card["uuid"],
                    "outcome": "overridden",
                    "overrideReason": {
                        "reason": {
                            "code": "clinical-judgement",
                            "system": "urn:spine-metastasis:override-reason",
                        },
                        "userComment": "Discussed with Mrs Example, MRN 12345678",
                    },
                    "outcomeTimestamp": "2026-11-29T10:00:00Z",
                }
            ]
        }
        response = client.post(f"{HOOK_PATH}/feedback", json=feedback)
        assert response.status_code == 200
        assert response.json() == {"stored": 1}
        (row,) = client.get("/feedback/summary").json()["rows"]
    assert row["option"] == "endoscopic_transpedicular"
    assert (row["accepted"], row["overridden"]) == (0, 1)
    assert row["override_reasons"] == {"clinical-judgement": 1}
    with create_engine(database_url).connect() as connection:
        stored = " ".join(
            str(value)
            for table in ("issued_card", "card_feedback")
            for record in connection.execute(text(f"SELECT * FROM {table}"))  # noqa: S608
            for value in record
        )
    for patient_detail in ("example-spine-1", "1970-01-15", "T8", "lung", "Example", "12345678"):
        assert patient_detail not in stored
