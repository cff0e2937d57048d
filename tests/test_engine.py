"""The engine on hand-worked patients: net weights, verdicts, order, summary, trace.

Each expected figure below was worked out by hand from the rule table in
rules/catalog.py (weights: supporting 1, strong 2, major 3) and the pathway.
"""

from __future__ import annotations

from rules import Approach, Patient, Verdict, assess
from rules.engine import how_verdicts_are_derived, verdict_for

A = Approach
# T6 is semi-rigid (1); mechanical 3, lytic 2, normal 0, under 50% collapse 1, no
# posterolateral 0: SINS 7, so a surgical opinion is needed but not stabilisation.
SINS_7_AT_T6 = {
    "pain": "mechanical",
    "bone_lesion": "lytic",
    "alignment": "normal",
    "collapse": "under_50_percent",
    "posterolateral": "none",
}
FIT_LUNG_DEFICIT = Patient.model_validate(
    {
        "level": "T6",
        "histology": "lung",
        "kps": 90,
        "asa_class": 2,
        "frankel": "D",
        "escc_grade": "2",
        "compression_site": "anterior",
        "compression_extent": "single",
        "compression_by": "soft_tissue",
        "tissue_diagnosis": True,
        "prior_radiation": "none",
        "expected_survival_months": 4,
        "age_years": 55,
        **SINS_7_AT_T6,
    }
)


def option(result: object, approach: Approach) -> object:
    (found,) = [o for o in result.options if o.approach is approach]  # type: ignore[attr-defined]
    return found


def test_net_bands_map_to_verdicts_at_their_edges() -> None:
    assert verdict_for(2) is Verdict.SUGGESTED
    assert verdict_for(1) is Verdict.CONSIDER
    assert verdict_for(0) is Verdict.CONSIDER
    assert verdict_for(-1) is Verdict.CAUTION
    assert verdict_for(-2) is Verdict.CAUTION
    assert verdict_for(-3) is Verdict.NOT_SUGGESTED


def test_fit_lung_patient_with_deficit_gets_posterior_decompression_first() -> None:
    result = assess(FIT_LUNG_DEFICIT)
    # Posterior-only: trial +3, decompresses from any side +1 = 4 -> suggested.
    posterior = option(result, A.POSTERIOR_ONLY)
    assert posterior.net_score == 4  # type: ignore[attr-defined]
    assert posterior.verdict is Verdict.SUGGESTED  # type: ignore[attr-defined]
    # Percutaneous fixation + corpectomy: trial +3 only (T6 is not L1-L3) = 3.
    assert option(result, A.PERCUTANEOUS_POSTERIOR_FIXATION).net_score == 3  # type: ignore[attr-defined]
    # Anterior: trial +3, ventral access +1, added morbidity -1 = 3; capped at consider (C21).
    anterior = option(result, A.ANTERIOR_ANTEROLATERAL)
    assert anterior.net_score == 3  # type: ignore[attr-defined]
    assert anterior.verdict is Verdict.CONSIDER  # type: ignore[attr-defined]
    assert anterior.deciding_rule == "c21_anterior_below_posterior"  # type: ignore[attr-defined]
    # Non-operative: trial -2 -> caution, also the C10 ceiling for a fit patient under 65.
    non_operative = option(result, A.NON_OPERATIVE)
    assert non_operative.net_score == -2  # type: ignore[attr-defined]
    assert non_operative.verdict is Verdict.CAUTION  # type: ignore[attr-defined]
    assert [o.approach for o in result.options][:3] == [
        A.POSTERIOR_ONLY,
        A.PERCUTANEOUS_POSTERIOR_FIXATION,
        A.ANTERIOR_ANTEROLATERAL,
    ]
    assert result.needs.decompression.value == "urgent"
    assert result.needs.stabilisation.value == "surgical_opinion"
    assert result.needs.fitness.value == "fit"
    assert result.provisional is False
    assert result.decisive_missing_inputs == ()


def test_the_summary_line_is_the_heaviest_reason_for_a_suggested_option() -> None:
    result = assess(FIT_LUNG_DEFICIT)
    posterior = option(result, A.POSTERIOR_ONLY)
    assert posterior.summary.startswith("In the randomised trial")  # type: ignore[attr-defined]


def test_the_summary_line_of_a_capped_option_is_its_ceiling() -> None:
    result = assess(FIT_LUNG_DEFICIT)
    endoscopic = option(result, A.ENDOSCOPIC_TRANSPEDICULAR)
    assert endoscopic.verdict is Verdict.CAUTION  # type: ignore[attr-defined]
    assert endoscopic.summary == (  # type: ignore[attr-defined]
        "The patient can have open surgery, for which the evidence is stronger."
    )


def test_an_unfit_patient_gets_endoscopic_decompression_first_and_open_surgery_barred() -> None:
    unfit = Patient.model_validate(
        {**FIT_LUNG_DEFICIT.model_dump(exclude_none=True), "kps": 40, "frankel": "C"}
    )
    result = assess(unfit)
    assert result.needs.fitness.value == "unfit"
    for approach in (A.POSTERIOR_ONLY, A.ANTERIOR_ANTEROLATERAL, A.PERCUTANEOUS_POSTERIOR_FIXATION):
        assert option(result, approach).verdict is Verdict.NOT_SUGGESTED  # type: ignore[attr-defined]
    # Endoscopic: for +2 (unfit, incomplete, urgent), against -1 (SINS 7-12) = 1, C9 consider.
    endoscopic = option(result, A.ENDOSCOPIC_TRANSPEDICULAR)
    assert endoscopic.net_score == 1  # type: ignore[attr-defined]
    assert endoscopic.verdict is Verdict.CONSIDER  # type: ignore[attr-defined]
    # Non-operative: consider (C10: endoscopic is the only route left); endoscopic meets the need.
    assert option(result, A.NON_OPERATIVE).verdict is Verdict.CONSIDER  # type: ignore[attr-defined]
    assert result.options[0].approach is A.ENDOSCOPIC_TRANSPEDICULAR
    codes = [alert.code for alert in result.alerts]
    assert "unfit_for_open_surgery" in codes
    (unfit_alert,) = [a for a in result.alerts if a.code == "unfit_for_open_surgery"]
    assert "KPS 30-40 (ECOG 3)" in unfit_alert.text


def test_the_trace_shows_every_row_and_the_clause_that_stopped_it() -> None:
    result = assess(FIT_LUNG_DEFICIT)
    by_rule = {entry.rule: entry for entry in result.trace}
    assert by_rule["c10_radiotherapy_alone_when_fit"].fired is True
    moribund = by_rule["c02_moribund_no_operation"]
    assert moribund.fired is False
    assert moribund.decided_by == "fitness is moribund"
    assert by_rule["decompression_urgent_deficit_high_grade"].fired is True
    # A later decompression row never fires once an earlier one decided.
    assert by_rule["decompression_borderline_otherwise"].fired is False


def test_a_missing_grade_makes_the_result_provisional_naming_it() -> None:
    unknown_grade = Patient.model_validate(
        {**FIT_LUNG_DEFICIT.model_dump(exclude_none=True, exclude={"escc_grade"})}
    )
    result = assess(unknown_grade)
    assert result.needs.decompression.value == "unknown"
    assert "escc_grade" in result.decisive_missing_inputs
    assert result.provisional is True


def test_the_procedure_text_names_the_bands_from_the_table() -> None:
    text = how_verdicts_are_derived()
    assert "2 or more: suggested" in text
    assert "-3 or less: not suggested" in text
