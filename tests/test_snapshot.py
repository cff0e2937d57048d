"""Refactoring guard: every teaching case and pathway vignette answers as recorded.

The snapshot was recorded after the NOMS pathway (issue 9) and reviewed case by case; a
refactor must leave it unchanged. A deliberate clinical change re-records it with
``UPDATE_SNAPSHOT=1 .venv/bin/python -m pytest tests/test_snapshot.py`` and the diff of
``tests/data/answers_snapshot.json`` goes in the same commit, so reviewers see every
answer that moved.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from rules import Patient, assess
from rules.case_library import teaching_cases
from tests.test_pathway_vignettes import VIGNETTES

SNAPSHOT = Path(__file__).parent / "data" / "answers_snapshot.json"


def answer(patient: Patient) -> dict[str, Any]:
    result = assess(patient)
    return {
        "order": [o.approach.value for o in result.options],
        "verdicts": {o.approach.value: o.verdict.value for o in result.options},
        "needs": {
            "decompression": result.needs.decompression.value,
            "stabilisation": result.needs.stabilisation.value,
            "cement_candidate": result.needs.cement_candidate.value,
            "fitness": result.needs.fitness.value,
        },
        "provisional": result.provisional,
        "decisive_missing_inputs": list(result.decisive_missing_inputs),
        "alerts": [alert.code for alert in result.alerts],
    }


def current_answers() -> dict[str, Any]:
    answers = {f"case:{case.slug}": answer(case.patient) for case in teaching_cases()}
    for param in VIGNETTES:
        inputs = param.values[0]
        answers[f"vignette:{param.id}"] = answer(Patient.model_validate(inputs))
    return dict(sorted(answers.items()))


def test_every_recorded_answer_is_unchanged() -> None:
    answers = current_answers()
    if os.environ.get("UPDATE_SNAPSHOT") == "1":
        SNAPSHOT.write_text(json.dumps(answers, indent=1) + "\n", encoding="utf-8")
    recorded = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert sorted(recorded) == sorted(answers)
    changed = [name for name in recorded if recorded[name] != answers[name]]
    assert changed == []
