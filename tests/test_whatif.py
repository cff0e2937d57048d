"""What-if analysis: single-input changes and unknowns filled in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rules import Approach, Patient, Verdict
from rules.whatif import Flip, candidates, single_changes, unknown_fill, what_if

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
CERVICAL_AND_SACRAL = {f"C{n}" for n in range(1, 8)} | {f"S{n}" for n in range(1, 6)}


def _seed_thoracic() -> Patient:
    return Patient.model_validate(
        json.loads((EXAMPLES / "seed_thoracic_lung_unfit.json").read_text(encoding="utf-8"))
    )


def _values_by_field(flips: tuple[Flip, ...]) -> dict[str, set[object]]:
    found: dict[str, set[object]] = {}
    for flip in flips:
        found.setdefault(flip.field, set()).update(flip.after)
    return found


def test_seed_thoracic_flips_are_exactly_the_hand_derived_ones() -> None:
    # Worked by hand from the rule table for T8 lung, KPS 40, Frankel C, Bilsky 2, anterior:
    # - level: cervical/sacral put the operations out of scope; L1-L3 add the lumbar reason
    #   for percutaneous fixation (-3 -> -2, caution); at L4/L5 the L4-L5 reason cancels it.
    # - histology: only myeloma/lymphoma make the tumour radiosensitive (non-operative +2).
    # - kps 50+ / ecog 0-2: no longer unfit, so the open operations lose the prohibitive
    #   reason; kps 0-30 and ecog 3-4 stay unfit.
    # - escc 0/1a/1b: no cord contact, low grade -> endoscopic loses its case.
    # - visceral unremovable: Tomita 4+4+(1..2) = 9-10, terminal care -> non-operative +1.
    # - radiosensitivity sensitive: non-operative +2.
    # - recent radiation, cachexia or albumin under 3.5: tenuous wound -> percutaneous +1.
    # - survival 1.5 months (< 3): non-operative +2.
    expected = {
        "level": CERVICAL_AND_SACRAL | {"L1", "L2", "L3"},
        "histology": {"myeloma", "lymphoma"},
        "kps": {50, 60, 70, 80, 90, 100},
        "ecog": {0, 1, 2},
        "escc_grade": {"0", "1a", "1b"},
        "visceral_metastases": {"unremovable"},
        "radiosensitivity": {"sensitive"},
        "prior_radiation": {"recent"},
        "cachexia": {True},
        "albumin_g_dl": {3.0},
        "expected_survival_months": {1.5},
    }
    assert _values_by_field(single_changes(_seed_thoracic())) == expected


def test_better_performance_status_moves_the_top_option_to_open_surgery() -> None:
    # KPS 50-70 leaves open-surgery tolerance unsettled (cachexia unknown, Tokuhashi under
    # 6 months), so non-operative care and posterior-only tie and the less invasive leads;
    # from KPS 80 the Tokuhashi band rises and posterior-only leads.
    flips = {flip.after: flip for flip in single_changes(_seed_thoracic()) if flip.field == "kps"}
    assert set(flips) == {(50, 60, 70), (80, 90, 100)}
    assert all(flip.top_before is Approach.ENDOSCOPIC_TRANSPEDICULAR for flip in flips.values())
    assert flips[(50, 60, 70)].top_after is Approach.NON_OPERATIVE
    assert flips[(80, 90, 100)].top_after is Approach.POSTERIOR_ONLY
    for flip in flips.values():
        posterior = next(c for c in flip.changes if c.approach is Approach.POSTERIOR_ONLY)
        assert (posterior.before, posterior.after) == (Verdict.NOT_SUGGESTED, Verdict.CONSIDER)


def test_ecog_change_that_contradicts_the_kps_clears_the_kps() -> None:
    flips = [flip for flip in single_changes(_seed_thoracic()) if flip.field == "ecog"]
    assert flips
    assert {flip.also_cleared for flip in flips} == {"kps"}


def test_cervical_level_puts_every_operation_out_of_scope() -> None:
    flip = next(
        flip
        for flip in single_changes(_seed_thoracic())
        if flip.field == "level" and "C5" in flip.after
    )
    assert flip.top_after is Approach.NON_OPERATIVE
    assert {change.approach for change in flip.changes} == set(Approach) - {Approach.NON_OPERATIVE}
    assert all(change.after is Verdict.OUT_OF_SCOPE for change in flip.changes)


def test_what_if_is_deterministic() -> None:
    patient = _seed_thoracic()
    assert what_if(patient).model_dump(mode="json") == what_if(patient).model_dump(mode="json")


def test_one_unknown_is_filled_both_ways_and_counted() -> None:
    # Everything known but cachexia: 2 combinations. Cachexia does not change seed 1's
    # verdicts except percutaneous (tenuous wound, -3 -> -2): caution once, not suggested once.
    data = _seed_thoracic().model_dump(mode="json")
    complete = {
        **data,
        "pain": "mechanical",
        "bone_lesion": "lytic",
        "alignment": "normal",
        "collapse": "none",
        "posterolateral": "none",
        "vertebral_metastases": 1,
        "extraspinal_bone_metastases": 0,
        "visceral_metastases": "none",
        "primary_growth": "rapid",
        "radiosensitivity": "resistant",
        "hypervascular": False,
        "prior_radiation": "none",
        "albumin_g_dl": 4.0,
        "expected_survival_months": 4,
        "rapidly_progressive_deficit": False,
    }
    fill = unknown_fill(Patient.model_validate(complete))
    assert fill.enumerated
    assert fill.filled_fields == ("cachexia",)
    assert fill.combinations == 2
    assert fill.top_counts == {Approach.ENDOSCOPIC_TRANSPEDICULAR: 2}
    assert fill.verdict_counts[Approach.PERCUTANEOUS_POSTERIOR_FIXATION] == {
        Verdict.CAUTION: 1,
        Verdict.NOT_SUGGESTED: 1,
    }


def test_too_many_unknowns_fall_back_to_the_decisive_ones() -> None:
    fill = unknown_fill(_seed_thoracic())
    assert fill.only_decisive
    assert set(fill.filled_fields) <= set(fill.unknown_fields)
    assert fill.enumerated
    assert sum(fill.top_counts.values()) == fill.combinations


@pytest.mark.parametrize("field", ["level", "histology", "cachexia", "kps", "albumin_g_dl"])
def test_every_candidate_value_is_accepted_by_the_input_model(field: str) -> None:
    base = _seed_thoracic().model_dump(mode="json") | {"ecog": None}
    for value in candidates(field):
        Patient.model_validate({**base, field: value})
