"""Fact groups: re-deriving only the groups an input feeds gives the facts of a full
derivation, and no group reads an input it does not declare."""

from __future__ import annotations

from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from rules import Patient
from rules.engine import scores_of
from rules.facts import FACT_GROUPS, Fact, derive_facts, rederive_facts
from rules.patient import INPUT_FIELDS, field_choices, what_if_values
from rules.scores import ScoreBands
from tests.strategies import field_values, patient_fields


def _changed(fields: dict[str, Any], name: str, value: Any) -> Patient | None:
    try:
        return Patient.model_validate({**fields, name: value})
    except ValidationError:
        return None  # e.g. a SINS total outside what the items allow, or KPS against ECOG


def _bands(patient: Patient) -> ScoreBands:
    scores = scores_of(patient)
    return ScoreBands(scores.sins.band, scores.tokuhashi.band, scores.tomita.band)


def _facts(patient: Patient) -> dict[Fact, object]:
    return derive_facts(patient, _bands(patient))[0]


@settings(max_examples=300, deadline=None)
@given(patient_fields(), st.sampled_from(INPUT_FIELDS), st.data())
def test_rederiving_the_groups_an_input_feeds_equals_deriving_everything(
    fields: dict[str, Any], name: str, data: st.DataObject
) -> None:
    patient = Patient.model_validate(fields)
    variant = _changed(fields, name, data.draw(field_values(name) | st.none()))
    assume(variant is not None)
    assert variant is not None
    changed = rederive_facts(_facts(patient), variant, _bands(variant), name)
    assert {**_facts(patient), **changed} == _facts(variant)


@settings(max_examples=150, deadline=None)
@given(patient_fields())
def test_no_group_reads_an_input_it_does_not_declare(fields: dict[str, Any]) -> None:
    patient = Patient.model_validate(fields)
    before = _facts(patient)
    for name in INPUT_FIELDS:
        for value in (None, *what_if_values(name), *(m.value for m in field_choices(name) or ())):
            variant = _changed(fields, name, value)
            if variant is None:
                continue
            after = _facts(variant)
            for group in FACT_GROUPS:
                if name not in group.reads:
                    own = group.derive(patient, _bands(patient), before)
                    assert own == group.derive(variant, _bands(variant), after), (name, value)


def test_a_changed_asa_class_re_derives_the_risk_facts_alone() -> None:
    fields = {"level": "T8", "histology": "breast", "asa_class": 2}
    patient = Patient.model_validate(fields)
    variant = Patient.model_validate({**fields, "asa_class": 4})
    changed = rederive_facts(_facts(patient), variant, _bands(variant), "asa_class")
    assert changed[Fact.ASA_BAND] == "asa_4_5"
    assert Fact.TUMOUR_CLASS not in changed
    assert Fact.TRIAL not in changed
