"""Every input field is declared once and every consumer covers it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules import INPUT_FIELDS, Patient
from rules.patient import (
    FieldKind,
    FormGroup,
    allowed_text,
    field_kind,
    field_spec,
    what_if_values,
)
from rules.problems import parse_patient
from tests.strategies import field_values

ROOT = Path(__file__).resolve().parent.parent
OPTIONAL = [name for name in INPUT_FIELDS if not Patient.model_fields[name].is_required()]


@pytest.mark.parametrize("name", INPUT_FIELDS)
def test_every_field_has_a_spec_with_a_label_and_a_form_group(name: str) -> None:
    spec = field_spec(name)
    assert spec.label.strip()
    assert isinstance(spec.group, FormGroup)


@pytest.mark.parametrize("name", INPUT_FIELDS)
def test_every_field_says_what_it_accepts(name: str) -> None:
    assert allowed_text(name).strip()


@pytest.mark.parametrize("name", OPTIONAL)
def test_every_clinical_field_has_what_if_values_or_is_deliberately_not_varied(name: str) -> None:
    values = what_if_values(name)
    if name == "case_label":
        assert values == ()
        return
    assert values, name
    for value in values:  # each candidate is a value the model accepts
        base = {"level": "T8", "histology": "breast", name: value}
        assert isinstance(parse_patient(base), Patient), (name, value)


@pytest.mark.parametrize("name", INPUT_FIELDS)
def test_the_json_schema_carries_every_field(name: str) -> None:
    assert name in Patient.model_json_schema()["properties"]


@pytest.mark.parametrize("name", OPTIONAL)
def test_every_clinical_field_names_what_it_feeds(name: str) -> None:
    assert name == "case_label" or field_spec(name).feeds


@settings(max_examples=60, deadline=None)
@given(
    # sins_total alone is bounded by the level's location points; the strategy handles it.
    st.sampled_from([n for n in INPUT_FIELDS if n not in ("level", "histology", "sins_total")]),
    st.data(),
)
def test_any_value_the_strategy_draws_is_accepted_alone(name: str, data: st.DataObject) -> None:
    value = data.draw(field_values(name))
    result = parse_patient({"level": "T8", "histology": "breast", name: value})
    assert isinstance(result, Patient), result


@pytest.mark.parametrize(
    "name", [n for n in INPUT_FIELDS if field_kind(n) in (FieldKind.WHOLE_NUMBER, FieldKind.NUMBER)]
)
def test_a_number_with_an_underscore_is_refused_naming_the_field(name: str) -> None:
    problems = parse_patient({"level": "T8", "histology": "breast", name: "4_0"})
    assert not isinstance(problems, Patient)
    assert [p.field for p in problems] == [name]
    assert "no underscores" in problems[0].message


def test_the_cli_schema_lists_the_new_inputs() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "rules", "schema"], cwd=ROOT, capture_output=True, check=True
    ).stdout
    properties = json.loads(out)["properties"]
    for name in ("age_years", "asa_class", "sins_total", "fit_for_open_surgery"):
        assert name in properties


def test_a_sins_total_below_what_the_level_allows_is_refused_naming_both() -> None:
    # T8 is semi-rigid: location alone gives 1 point, so a total of 0 is impossible.
    problems = parse_patient({"level": "T8", "histology": "breast", "sins_total": 0})
    assert not isinstance(problems, Patient)
    assert problems[0].field == "sins_total"
    assert "level T8" in problems[0].message


def test_both_checks_across_fields_are_reported_beside_a_field_error() -> None:
    problems = parse_patient(
        {
            "level": "T8",
            "histology": "lung",
            "age_years": 17,
            "kps": 80,
            "ecog": 2,
            "pain": "mechanical",
            "sins_total": 3,
        }
    )
    assert not isinstance(problems, Patient)
    assert [p.field for p in problems] == ["age_years", "kps/ecog", "sins_total"]
    # T8 is semi-rigid (1 point) and mechanical pain 3: at least 4 of 16 possible.
    assert "outside the 4-16 that level T8, pain mechanical allow" in problems[2].message


def test_a_key_that_is_not_a_string_is_an_unknown_field_not_a_crash() -> None:
    problems = parse_patient({"level": "T8", "histology": "lung", 1: 2})
    assert not isinstance(problems, Patient)
    assert [p.field for p in problems] == ["1"]
    assert problems[0].message.startswith("not a field name")


def test_what_if_tries_a_count_in_every_category_of_the_score_tables() -> None:
    # scores.md, revised Tokuhashi: vertebral bodies 1 / 2 / 3 or more; extraspinal bone
    # metastases 0 / 1-2 / 3 or more (Tomita: solitary or multiple, decided by the same).
    assert set(what_if_values("vertebral_metastases")) == {1, 2, 3}
    assert set(what_if_values("extraspinal_bone_metastases")) == {0, 1, 3}


def test_what_if_tries_a_value_in_every_band_the_gates_distinguish() -> None:
    # Fitness: KPS 20 or less, 30-40, 50-60, 70 or more; ASA 1-2, 3, 4-5; estimate under 1,
    # 1-3, 3-6, 6-12, 12+ months; deficit 48 h either side; age either side of 65;
    # albumin either side of 3.5 g/dL; SINS 0-6, 7-12, 13-18.
    assert what_if_values("kps") == (10, 30, 50, 70, 90)
    assert what_if_values("asa_class") == (2, 3, 4)
    assert what_if_values("expected_survival_months") == (0.5, 2.0, 4.5, 9.0, 24.0)
    assert what_if_values("deficit_duration_hours") == (12.0, 72.0)
    assert what_if_values("age_years") == (50, 70)
    assert what_if_values("albumin_g_dl") == (3.0, 4.0)
    assert what_if_values("sins_total") == (4, 10, 15)
