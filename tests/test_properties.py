"""Properties over the whole input space: robustness, completeness and safety relations."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from rules import Approach, Patient, Verdict, assess
from rules.engine import VERDICT_RANK, Assessment
from rules.patient import (
    KPS_RANGE_BY_ECOG,
    Alignment,
    BoneLesion,
    Collapse,
    Level,
    Pain,
    Posterolateral,
    PriorRadiation,
)
from tests.strategies import ALL_KPS, patients

PROPERTY_SETTINGS = settings(max_examples=200, deadline=None)
ECOG_BY_KPS: dict[int, int] = {
    kps: ecog for ecog, values in KPS_RANGE_BY_ECOG.items() for kps in values
}


def verdict_of(assessment: Assessment, approach: Approach) -> Verdict:
    (found,) = [o.verdict for o in assessment.options if o.approach is approach]
    return found


def rank(patient: Patient, approach: Approach) -> int:
    return VERDICT_RANK[verdict_of(assess(patient), approach)]


@PROPERTY_SETTINGS
@given(patients())
def test_assess_never_crashes_and_returns_every_part(patient: Patient) -> None:
    assessment = assess(patient)
    assert assessment.patient == patient
    assert assessment.rules_version
    for score in (assessment.scores.sins, assessment.scores.tokuhashi, assessment.scores.tomita):
        assert score.min <= score.max
        assert (score.total is None) == bool(score.missing_inputs)
        if score.total is not None:
            assert score.min == score.total == score.max
            assert score.band is not None
        if score.band is not None:
            assert score.possible_bands == (score.band,)


@PROPERTY_SETTINGS
@given(patients())
def test_assess_is_deterministic(patient: Patient) -> None:
    first = assess(patient).model_dump(mode="json")
    again = assess(Patient.model_validate(patient.model_dump())).model_dump(mode="json")
    assert first == again


@PROPERTY_SETTINGS
@given(patients())
def test_every_approach_appears_exactly_once(patient: Patient) -> None:
    counts = Counter(o.approach for o in assess(patient).options)
    assert counts == Counter(set(Approach))


@PROPERTY_SETTINGS
@given(patients())
def test_options_are_ordered_best_verdict_first(patient: Patient) -> None:
    ranks = [VERDICT_RANK[o.verdict] for o in assess(patient).options]
    assert ranks == sorted(ranks, reverse=True)


@PROPERTY_SETTINGS
@given(patients())
def test_every_option_has_a_reason_and_every_reason_cites_resolved_evidence(
    patient: Patient,
) -> None:
    assessment = assess(patient)
    for option in assessment.options:
        assert option.reasons, option.approach.value
        for reason in option.reasons:
            assert reason.citations, reason.rule
            for reference_id in reason.citations:
                assert reference_id in assessment.citations, (reason.rule, reference_id)


@PROPERTY_SETTINGS
@given(patients())
def test_every_alert_cites_resolved_evidence(patient: Patient) -> None:
    assessment = assess(patient)
    for alert in assessment.alerts:
        for reference_id in alert.citations:
            assert reference_id in assessment.citations, (alert.code, reference_id)


@PROPERTY_SETTINGS
@given(patients())
def test_moving_the_lesion_from_l2_to_l4_never_improves_percutaneous_fixation(
    patient: Patient,
) -> None:
    at_l2 = patient.model_copy(update={"level": Level.L2})
    at_l4 = patient.model_copy(update={"level": Level.L4})
    option = Approach.PERCUTANEOUS_POSTERIOR_FIXATION
    assert rank(at_l4, option) <= rank(at_l2, option)


@PROPERTY_SETTINGS
@given(patients())
def test_recent_radiation_never_improves_posterior_only(patient: Patient) -> None:
    irradiated = patient.model_copy(update={"prior_radiation": PriorRadiation.RECENT})
    option = Approach.POSTERIOR_ONLY
    assert rank(irradiated, option) <= rank(patient, option)


@PROPERTY_SETTINGS
@given(patients())
def test_cachexia_never_improves_posterior_only(patient: Patient) -> None:
    cachectic = patient.model_copy(update={"cachexia": True})
    option = Approach.POSTERIOR_ONLY
    assert rank(cachectic, option) <= rank(patient, option)


@st.composite
def kps_pairs(draw: st.DrawFn) -> tuple[int, int]:
    """(better, worse): two KPS values, the second strictly lower."""
    better = draw(st.sampled_from(ALL_KPS[1:]))
    worse = draw(st.sampled_from([kps for kps in ALL_KPS if kps < better]))
    return better, worse


def with_kps(patient: Patient, kps: int, keep_ecog: bool) -> Patient:
    """The patient with this KPS; ECOG cleared, or set to agree with it."""
    ecog = ECOG_BY_KPS.get(kps) if keep_ecog else None
    return Patient.model_validate({**patient.model_dump(), "kps": kps, "ecog": ecog})


@PROPERTY_SETTINGS
@given(patients(), kps_pairs(), st.booleans())
def test_worse_performance_status_never_improves_anterior(
    patient: Patient, pair: tuple[int, int], keep_ecog: bool
) -> None:
    better, worse = pair
    option = Approach.ANTERIOR_ANTEROLATERAL
    assert rank(with_kps(patient, worse, keep_ecog), option) <= rank(
        with_kps(patient, better, keep_ecog), option
    )


@PROPERTY_SETTINGS
@given(patients())
def test_making_the_spine_unstable_never_improves_non_operative(patient: Patient) -> None:
    unstable = patient.model_copy(
        update={
            "pain": Pain.MECHANICAL,
            "bone_lesion": BoneLesion.LYTIC,
            "alignment": Alignment.SUBLUXATION_TRANSLATION,
            "collapse": Collapse.OVER_50_PERCENT,
            "posterolateral": Posterolateral.BILATERAL,
        }
    )
    # rigid level 0 + 3 + 2 + 4 + 3 + 3 = 15 at the least: unstable everywhere
    assert assess(unstable).facts.is_unstable is True
    option = Approach.NON_OPERATIVE
    assert rank(unstable, option) <= rank(patient, option)


@PROPERTY_SETTINGS
@given(patients())
def test_a_fact_left_unknown_never_fires_a_prohibitive_reason(patient: Patient) -> None:
    assessment = assess(patient)
    if assessment.facts.can_tolerate_open_surgery is not False:
        for option in assessment.options:
            assert all(r.strength.value != "prohibitive" for r in option.reasons)
