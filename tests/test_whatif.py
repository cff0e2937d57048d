"""What-if analysis: single-input changes and unknowns filled in.

Expected values are worked by hand from the rule table in rules/catalog.py; the tests
assert the facts the table fixes, not rankings a re-weighted row could reorder.
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from rules import Approach, Patient, Verdict, assess
from rules.catalog import OPEN_MAJOR, OPERATIONS, VERDICT_RANK
from rules.patient import OPTIONAL_FIELDS, EsccGrade, what_if_values
from rules.whatif import (
    NOT_VARIED,
    VARIED_FIELDS,
    Flip,
    candidates,
    single_changes,
    unknown_fill,
    what_if,
)
from tests.conftest import load_seed

LOW_GRADES = {EsccGrade.G0, EsccGrade.G1A, EsccGrade.G1B}


def _seed_thoracic() -> Patient:
    # T8 lung, KPS 40, Frankel C, Bilsky 2, anterior compression; everything else unknown.
    return Patient.model_validate(load_seed("seed_thoracic_lung_unfit"))


def _flips_for(field: str, value: object) -> list[Flip]:
    return [
        flip
        for flip in single_changes(_seed_thoracic())
        if flip.field == field and value in flip.after
    ]


def test_seed_thoracic_is_unfit_with_urgent_decompression() -> None:
    # KPS 40 is in the 30-40 band: fitness_unfit_by_performance. Frankel C is a deficit and
    # Bilsky 2 is high grade: decompression_urgent_deficit_high_grade.
    needs = assess(_seed_thoracic()).needs
    assert needs.fitness.value == "unfit"
    assert needs.fitness.rule == "fitness_unfit_by_performance"
    assert needs.decompression.value == "urgent"


def test_kps_90_makes_the_seed_fit_and_puts_an_open_operation_first() -> None:
    # KPS 90 >= 70 with no ASA, albumin, cachexia or bleeding risk recorded:
    # fitness_fit_by_performance, so C3 (unfit: open operations not suggested) lifts and an
    # urgent decompression in a fit patient goes to an open operation.
    fit = Patient.model_validate({**dict(_seed_thoracic()), "kps": 90})
    assert assess(fit).needs.fitness.value == "fit"
    (flip,) = _flips_for("kps", 90)
    assert flip.top_before not in OPEN_MAJOR
    assert flip.top_after in OPEN_MAJOR
    assert flip.also_cleared is None
    lifted = {change.approach for change in flip.changes if change.before is Verdict.NOT_SUGGESTED}
    assert lifted <= set(OPEN_MAJOR)
    assert Approach.POSTERIOR_ONLY in lifted


def test_low_escc_grades_take_away_the_endoscopic_case() -> None:
    # Bilsky 0-1b: decompression_none_low_grade, so endoscopic_decompression_for_unfit (a
    # strong reason for, needing urgent or indicated decompression) no longer holds.
    flips = [f for f in single_changes(_seed_thoracic()) if f.field == "escc_grade"]
    low = [flip for flip in flips if LOW_GRADES & set(flip.after)]
    assert len(low) == 1  # the low grades change the answer the same way
    # The seed's cord is compressed from the front, so Bilsky 0 (no epidural disease)
    # would contradict it and is not offered; 1a and 1b are.
    assert set(low[0].after) == LOW_GRADES - {EsccGrade.G0}
    endoscopic = next(c for c in low[0].changes if c.approach is Approach.ENDOSCOPIC_TRANSPEDICULAR)
    assert VERDICT_RANK[endoscopic.after] < VERDICT_RANK[endoscopic.before]


def test_ecog_change_that_contradicts_the_kps_clears_the_kps() -> None:
    # KPS 40 corresponds to ECOG 3; any other ECOG contradicts it, so the KPS is cleared.
    flips = [flip for flip in single_changes(_seed_thoracic()) if flip.field == "ecog"]
    assert flips
    assert {flip.also_cleared for flip in flips} == {"kps"}
    assert all(3 not in flip.after for flip in flips)


def test_level_histology_and_label_are_not_varied() -> None:
    assert {"level", "histology", "case_label"} <= NOT_VARIED
    assert not {flip.field for flip in single_changes(_seed_thoracic())} & NOT_VARIED


def test_cervical_level_puts_every_operation_out_of_scope() -> None:
    # C1: at a cervical or sacral level every operation is capped at out of scope.
    cervical = Patient.model_validate({**dict(_seed_thoracic()), "level": "C5"})
    options = assess(cervical).options
    assert options[0].approach is Approach.NON_OPERATIVE
    assert {o.approach for o in options if o.verdict is Verdict.OUT_OF_SCOPE} == set(OPERATIONS)


def test_what_if_is_deterministic() -> None:
    patient = _seed_thoracic()
    assert what_if(patient).model_dump(mode="json") == what_if(patient).model_dump(mode="json")


def test_unknown_escc_grade_is_listed_among_the_unknowns() -> None:
    data = dict(_seed_thoracic()) | {"escc_grade": None}
    fill = what_if(Patient.model_validate(data)).unknown_fill
    assert "escc_grade" in fill.unknown_fields
    assert "kps" not in fill.unknown_fields  # given


def _complete_but(field: str) -> Patient:
    """The thoracic seed with every other varied input filled with a value the model takes."""
    data: dict[str, Any] = dict(_seed_thoracic())
    for name in VARIED_FIELDS:
        if name == field or data[name] is not None or name == "ecog":  # KPS 40 is given
            continue
        for value in candidates(name):
            try:
                Patient.model_validate({**data, name: value})
            except ValidationError:
                continue
            data[name] = value
            break
    if data["sins_total"] is None:  # its what-if values may all disagree with the items
        for total in range(19):
            try:
                Patient.model_validate({**data, "sins_total": total})
            except ValidationError:
                continue
            data["sins_total"] = total
            break
    data["fit_for_open_surgery"] = None  # no override: fitness comes from the KPS
    data["expected_survival_months"] = 12.0  # not short survival: KPS alone decides fitness
    data[field] = None
    return Patient.model_validate(data)


def test_one_unknown_is_filled_both_ways_and_counted() -> None:
    # Everything known but cachexia (and the clinician override): 2 combinations. KPS 40
    # makes the patient unfit by performance whatever the cachexia, so C3 holds both times
    # and every open operation is not suggested in both.
    patient = _complete_but("cachexia")
    fill = unknown_fill(patient)
    assert set(fill.unknown_fields) == {"cachexia", "fit_for_open_surgery"}
    assert fill.enumerated
    assert not fill.only_decisive
    assert fill.combinations == len(candidates("cachexia")) * len(
        candidates("fit_for_open_surgery")
    )
    assert sum(fill.top_counts.values()) == fill.combinations
    for approach in Approach:
        assert sum(fill.verdict_counts[approach].values()) == fill.combinations


def test_cachexia_alone_does_not_lift_the_unfit_cap() -> None:
    patient = _complete_but("cachexia").model_copy(update={"fit_for_open_surgery": False})
    fill = unknown_fill(patient)
    assert fill.filled_fields == ("cachexia",)
    assert fill.combinations == 2
    for approach in OPEN_MAJOR:
        assert fill.verdict_counts[approach] == {Verdict.NOT_SUGGESTED: 2}


def test_too_many_unknowns_fall_back_to_the_decisive_ones() -> None:
    fill = unknown_fill(_seed_thoracic())
    assert fill.only_decisive
    assert set(fill.filled_fields) <= set(fill.unknown_fields)
    assert fill.enumerated
    assert sum(fill.top_counts.values()) == fill.combinations


@pytest.mark.parametrize("field", [name for name in OPTIONAL_FIELDS if name != "case_label"])
def test_every_optional_input_has_candidates_and_is_listed_when_unknown(field: str) -> None:
    assert what_if_values(field), field
    assert candidates(field), field
    assert field in VARIED_FIELDS
    minimal = Patient.model_validate({"level": "T8", "histology": "lung"})
    unknown = what_if(minimal).unknown_fill.unknown_fields
    if field == "ecog":
        # KPS and ECOG are one performance status: with both unknown only KPS is filled.
        assert "kps" in unknown
        assert "ecog" not in unknown
    else:
        assert field in unknown


@pytest.mark.parametrize("field", VARIED_FIELDS)
def test_every_candidate_value_is_accepted_by_the_input_model(field: str) -> None:
    # Without the inputs another field's values could contradict (KPS/ECOG, the compression
    # at Bilsky 0, a worsening deficit at Frankel E): every candidate must then be valid.
    base = dict(_seed_thoracic()) | {
        "ecog": None,
        "kps": None,
        "compression_site": None,
        "compression_by": None,
        "rapidly_progressive_deficit": None,
    }
    for value in candidates(field):
        Patient.model_validate({**base, field: value})
