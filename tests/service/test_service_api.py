"""The service through FastAPI's test client: discovery, the hook, cards, the JSON API."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cds_service import Settings, create_app
from rules import DISCLAIMER
from tests.service.conftest import EXAMPLE_INPUTS, HOOK_PATH, ROOT, example_request

CASES = ROOT / "rules" / "cases"


def _cli_assess(patient: dict[str, Any]) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "rules", "assess", "-"],
        input=json.dumps(patient),
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_discovery_offers_one_patient_view_service_with_its_prefetch(client: TestClient) -> None:
    response = client.get("/cds-services")
    assert response.status_code == 200
    (service,) = response.json()["services"]
    assert (service["id"], service["hook"]) == ("spine-metastasis-approach", "patient-view")
    assert service["prefetch"] == {
        "patient": "Patient/{{context.patientId}}",
        "conditions": "Condition?patient={{context.patientId}}",
        "observations": "Observation?patient={{context.patientId}}",
    }


def test_example_hook_call_gives_the_clis_first_option(client: TestClient) -> None:
    response = client.post(HOOK_PATH, json=example_request())
    assert response.status_code == 200
    (card,) = response.json()["cards"]
    # By hand: KPS 40 makes the patient unfit, so every open operation is barred; ESCC 2
    # with Frankel C needs urgent decompression; with SINS 8 (<= 12) and 4.5 months (>= 3)
    # endoscopic decompression is capped at "consider" and comes first, as the only option
    # left that decompresses (the seed case's teaching point).
    assert card["summary"] == (
        "T8 lung metastasis: first option endoscopic transpedicular (consider)"
    )
    assert _cli_assess(EXAMPLE_INPUTS)["options"][0]["approach"] == "endoscopic_transpedicular"
    assert card["indicator"] == "warning"  # not provisional, but the first option is capped
    assert card["source"] == {
        # The strongest checked record behind it: a case series beats a case report.
        "label": "Suvithayasiri 2023: Level IV (case series)",
        "url": "https://pubmed.ncbi.nlm.nih.gov/37401080/",
    }
    assert card["links"] == [
        {
            "label": "Open the spinal metastasis approach tool",
            "url": "http://localhost:8501",
            "type": "absolute",
        }
    ]


def test_every_card_says_it_is_a_prototype_and_fits_the_limits(client: TestClient) -> None:
    request = example_request()
    cards = client.post(HOOK_PATH, json=request).json()["cards"]
    del request["prefetch"]["observations"]
    cards += client.post(HOOK_PATH, json=request).json()["cards"]
    assert len(cards) == 2
    for card in cards:
        assert len(card["summary"]) < 140
        assert card["indicator"] in {"info", "warning", "critical"}
        assert DISCLAIMER in card["detail"]
        assert card["source"]["label"]
        assert len(card["uuid"]) == 36


def test_app_link_follows_the_configured_url(sqlite_url: str) -> None:
    app = create_app(Settings(database_url=sqlite_url, app_url="https://spine.example/app"))
    with TestClient(app) as client:
        (card,) = client.post(HOOK_PATH, json=example_request()).json()["cards"]
    assert card["links"][0]["url"] == "https://spine.example/app"


def test_missing_level_and_histology_give_one_info_card(client: TestClient) -> None:
    request = example_request()
    entries = request["prefetch"]["observations"]["entry"]
    request["prefetch"]["observations"]["entry"] = [
        entry for entry in entries if entry["resource"]["id"] not in ("level", "histology")
    ]
    response = client.post(HOOK_PATH, json=request)
    assert response.status_code == 200
    (card,) = response.json()["cards"]
    assert card["indicator"] == "info"
    assert card["summary"] == (
        "Spinal metastasis approach: record the level and histology to get options"
    )
    assert "`level`, `histology`" in card["detail"]


def test_a_call_without_prefetch_asks_for_the_inputs(client: TestClient) -> None:
    request = {key: value for key, value in example_request().items() if key != "prefetch"}
    (card,) = client.post(HOOK_PATH, json=request).json()["cards"]
    assert "record the level and histology" in card["summary"]


@pytest.mark.parametrize(
    ("case", "indicator"),
    [
        pytest.param("acute_complete_paraplegia_12h", "critical", id="time_critical_alert"),
        pytest.param("seed_thoracic_lung_unfit", "warning", id="provisional"),
        pytest.param("painful_fracture_cement_breast", "info", id="settled_uncapped"),
    ],
)
def test_indicator_follows_alerts_and_provisional(
    client: TestClient, case: str, indicator: str
) -> None:
    inputs = json.loads((CASES / f"{case}.json").read_text(encoding="utf-8"))
    observations = [
        {
            "resource": {
                "resourceType": "Observation",
                "id": name.replace("_", "-"),
                "status": "final",
                "code": {"coding": [{"system": "urn:spine-metastasis:input", "code": name}]},
                **_value_element(value),
            }
        }
        for name, value in inputs.items()
        if name not in ("title", "teaching_point", "evidence", "checks", "case_label", "age_years")
    ]
    request = example_request()
    request["prefetch"] = {"observations": {"resourceType": "Bundle", "type": "searchset"}}
    request["prefetch"]["observations"]["entry"] = observations
    if "age_years" in inputs:  # born on 1 January: the age is whole on any day of the year
        born = date(datetime.now(UTC).year - inputs["age_years"], 1, 1)
        request["prefetch"]["patient"] = {"resourceType": "Patient", "birthDate": born.isoformat()}
    response = client.post(HOOK_PATH, json=request)
    assert response.status_code == 200, response.text
    assert response.json()["cards"][0]["indicator"] == indicator


def _value_element(value: object) -> dict[str, object]:
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, int):
        return {"valueInteger": value}
    if isinstance(value, float):
        return {"valueQuantity": {"value": value}}
    return {"valueString": value}


def test_assess_returns_what_the_cli_prints(client: TestClient) -> None:
    case = CASES / "l4_lesion_lateral_corpectomy.json"
    response = client.post("/assess", content=case.read_bytes())
    assert response.status_code == 200
    cli = subprocess.run(
        [sys.executable, "-m", "rules", "assess", str(case)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    assert response.json() == json.loads(cli.stdout)


def test_schema_is_the_clis_schema(client: TestClient) -> None:
    cli = subprocess.run(
        [sys.executable, "-m", "rules", "schema"], capture_output=True, text=True, cwd=ROOT
    )
    assert client.get("/schema").json() == json.loads(cli.stdout)


def test_health_names_the_rules_version(client: TestClient) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok"
    assert body["rules_version"].startswith("rules-")


def test_openapi_documents_every_route(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    assert set(document["paths"]) == {
        "/health",
        "/schema",
        "/assess",
        "/cds-services",
        HOOK_PATH,
        f"{HOOK_PATH}/feedback",
        "/feedback/summary",
    }
    body = document["paths"]["/assess"]["post"]["requestBody"]
    assert body["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Patient"}
    assert "Level" in document["components"]["schemas"]
