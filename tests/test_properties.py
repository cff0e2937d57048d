"""Properties over the whole input space: completeness, gates, and the decisive search."""

from __future__ import annotations

from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from rules import Approach, Patient, Verdict, assess
from rules.catalog import OPEN_MAJOR, VERDICT_RANK
from rules.engine import (
    decisive_candidates,
    decisive_inputs,
    decisive_inputs_of_many,
    evaluate,
)
from rules.facts import Fact, StabilisationNeed
from tests.strategies import field_values, patient_fields, patients

PROPERTY_SETTINGS = settings(max_examples=150, deadline=None)
ET = Approach.ENDOSCOPIC_TRANSPEDICULAR
NEUROLOGY_BEST_TO_WORST = ("E", "D", "C", "B", "A")


def verdicts(patient: Patient) -> dict[Approach, Verdict]:
    return {o.approach: o.verdict for o in evaluate(patient).options}


def with_(patient: Patient, **changes: Any) -> Patient:
    return Patient.model_validate({**patient.model_dump(exclude_none=True), **changes})


@PROPERTY_SETTINGS
@given(patients())
def test_every_option_appears_once_ordered_by_verdict(patient: Patient) -> None:
    options = assess(patient).options
    assert sorted(o.approach for o in options) == sorted(Approach)
    ranks = [VERDICT_RANK[o.verdict] for o in options]
    assert ranks == sorted(ranks, reverse=True)


@PROPERTY_SETTINGS
@given(patients())
def test_every_reason_and_alert_cites_curated_evidence(patient: Patient) -> None:
    result = assess(patient)
    for option in result.options:
        assert all(reason.citations for reason in option.reasons)
        for reason in option.reasons:
            assert set(reason.citations) <= set(result.citations)
    assert all(alert.citations for alert in result.alerts)


@PROPERTY_SETTINGS
@given(patients())
def test_endoscopic_decompression_is_never_suggested(patient: Patient) -> None:
    assert verdicts(patient)[ET] is not Verdict.SUGGESTED


@PROPERTY_SETTINGS
@given(patients(), st.sampled_from([0.3, 1.5, 2.9]))
def test_survival_under_3_months_makes_endoscopic_not_suggested(
    patient: Patient, months: float
) -> None:
    short = with_(patient, expected_survival_months=months)
    assert VERDICT_RANK[verdicts(short)[ET]] <= VERDICT_RANK[Verdict.NOT_SUGGESTED]


@PROPERTY_SETTINGS
@given(patients())
def test_sins_13_or_more_never_puts_endoscopic_first(patient: Patient) -> None:
    result = evaluate(patient)
    if result.facts[Fact.STABILISATION] == StabilisationNeed.NEEDED:
        assert result.options[0].approach is not ET


@PROPERTY_SETTINGS
@given(patients())
def test_a_gate_that_makes_the_patient_unfit_never_improves_an_open_operation(
    patient: Patient,
) -> None:
    before = verdicts(patient)
    after = verdicts(with_(patient, fit_for_open_surgery=False))
    for option in OPEN_MAJOR:
        assert VERDICT_RANK[after[option]] <= VERDICT_RANK[before[option]]


@PROPERTY_SETTINGS
@given(patients(), st.sampled_from(["2", "3"]), st.integers(0, 3))
def test_worse_neurology_never_moves_a_fit_patient_toward_radiotherapy_alone(
    patient: Patient, grade: str, step: int
) -> None:
    # Frankel E with a rapidly progressive deficit is a contradiction the model refuses.
    assume(step > 0 or not patient.rapidly_progressive_deficit)
    base = {"kps": 90, "ecog": None, "escc_grade": grade, "deficit_duration_hours": 12.0}
    better = with_(patient, frankel=NEUROLOGY_BEST_TO_WORST[step], **base)
    worse = with_(patient, frankel=NEUROLOGY_BEST_TO_WORST[step + 1], **base)
    assume(evaluate(better).facts[Fact.FITNESS] == "fit")
    no_better = VERDICT_RANK[verdicts(better)[Approach.NON_OPERATIVE]]
    no_worse = VERDICT_RANK[verdicts(worse)[Approach.NON_OPERATIVE]]
    assert no_worse <= no_better
    if evaluate(better).options[0].approach is not Approach.NON_OPERATIVE:
        assert evaluate(worse).options[0].approach is not Approach.NON_OPERATIVE


@settings(max_examples=100, deadline=None)
@given(patient_fields(), st.data())
def test_filling_an_input_not_named_decisive_never_changes_the_first_option(
    fields: dict[str, Any], data: st.DataObject
) -> None:
    patient = Patient.model_validate(fields)
    top = evaluate(patient).options[0].approach
    decisive = set(decisive_inputs(patient, top))
    quiet = [name for name in decisive_candidates(patient) if name not in decisive]
    assume(quiet)
    name = data.draw(st.sampled_from(quiet))
    try:
        filled = Patient.model_validate({**fields, name: data.draw(field_values(name))})
    except ValidationError:
        assume(False)  # e.g. a SINS total outside what the given items allow
        raise
    assert evaluate(filled).options[0].approach is top


@settings(max_examples=60, deadline=None)
@given(patients())
def test_every_input_named_decisive_has_a_value_that_changes_the_first_option(
    patient: Patient,
) -> None:
    result = assess(patient)
    top = result.options[0].approach
    for name in result.decisive_missing_inputs:
        assert name in decisive_candidates(patient)
        assert getattr(patient, name) is None
    assert result.provisional is bool(result.provisional_reasons)
    if result.decisive_missing_inputs:
        assert result.provisional
        assert top is evaluate(patient).options[0].approach


@settings(max_examples=40, deadline=None)
@given(st.lists(patients(), min_size=1, max_size=6))
def test_decisive_inputs_of_many_patients_equal_each_patient_alone(
    many: list[Patient],
) -> None:
    cases = [(patient, evaluate(patient).options[0].approach, None) for patient in many]
    assert decisive_inputs_of_many(cases) == [
        decisive_inputs(patient, top) for patient, top, _ in cases
    ]
