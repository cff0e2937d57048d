"""Findings of the third clinical review (97 blind vignettes), each as a hand-worked patient.

Every expectation below was worked by hand from shared/domain/decision-pathway.md,
scores.md and the Patchell record's eligibility (tissue-proven cancer), not from the code.
"""

from __future__ import annotations

from typing import Any

from rules import Approach, Patient, assess

# A fit 55-year-old with Frankel C and Bilsky 3 from the front at T8, one level, stable
# (T8 semi-rigid 1 + occasional pain 1 + blastic 0 + normal 0 + no collapse 0 + none 0 = 2),
# estimate 12 months: the trial's index patient but for what each test changes.
FIT_FRANKEL_C_BILSKY_3: dict[str, Any] = {
    "level": "T8",
    "histology": "breast",
    "tissue_diagnosis": True,
    "compression_extent": "single",
    "compression_by": "soft_tissue",
    "compression_site": "anterior",
    "kps": 80,
    "asa_class": 2,
    "age_years": 55,
    "expected_survival_months": 12,
    "albumin_g_dl": 4.0,
    "cachexia": False,
    "bleeding_risk": False,
    "progression_after_radiation": False,
    "prior_radiation": "none",
    "pain": "occasional_non_mechanical",
    "bone_lesion": "blastic",
    "alignment": "normal",
    "collapse": "none",
    "posterolateral": "none",
    "frankel": "C",
    "escc_grade": "3",
}

# A solitary L1 metastasis with no visceral or other bone disease, Frankel E, Bilsky 1a, fit.
SOLITARY_L1: dict[str, Any] = {
    **FIT_FRANKEL_C_BILSKY_3,
    "level": "L1",
    "kps": 90,
    "frankel": "E",
    "escc_grade": "1a",
    "vertebral_metastases": 1,
    "extraspinal_bone_metastases": 0,
    "visceral_metastases": "none",
}


def _alert(result: Any, code: str) -> str:
    (text,) = [alert.text for alert in result.alerts if alert.code == code]
    return str(text)


def _reason_ids(result: Any, approach: Approach) -> set[str]:
    (found,) = [option for option in result.options if option.approach is approach]
    return {reason.rule for reason in found.reasons}


def test_no_tissue_diagnosis_is_outside_the_trial_and_surgery_is_the_biopsy() -> None:
    # Suspected lymphoma without tissue: never presumed radiosensitive (pathway), so rule 5
    # gives an urgent need; Patchell took tissue-proven cancer only, so the trial's figures
    # go (outside_trial names why), and a fit patient with an urgent need has surgery with
    # biopsy as the diagnostic step (quraishi2014): PO first and suggested.
    result = assess(
        Patient.model_validate(
            {**FIT_FRANKEL_C_BILSKY_3, "histology": "lymphoma", "tissue_diagnosis": False}
        )
    )
    assert "no tissue diagnosis" in _alert(result, "outside_trial")
    assert result.options[0].approach is Approach.POSTERIOR_ONLY
    assert result.options[0].verdict.value == "suggested"
    assert "posterior_biopsy_at_surgery" in _reason_ids(result, Approach.POSTERIOR_ONLY)
    assert "posterior_trial_decompression" not in _reason_ids(result, Approach.POSTERIOR_ONLY)
    assert "non_operative_trial_favours_surgery" not in _reason_ids(result, Approach.NON_OPERATIVE)


def test_tissue_proven_cancer_keeps_the_trial() -> None:
    result = assess(Patient.model_validate(FIT_FRANKEL_C_BILSKY_3))
    assert "outside_trial" not in {alert.code for alert in result.alerts}
    assert "posterior_trial_decompression" in _reason_ids(result, Approach.POSTERIOR_ONLY)


def test_en_bloc_referral_reads_the_growth_the_histology_gives_and_names_the_scores() -> None:
    # Breast grows slowly in Tomita's table and is not radiosensitive. No estimate, so the
    # long survival comes from the scores: revised Tokuhashi KPS 90 -> 2, no extraspinal
    # bone metastasis 2, one vertebra 2, no visceral 2, breast 5, Frankel E 2 = 15 (1 year
    # or more); Tomita slow 1 + no visceral 0 + solitary 1 = 2 (long-term local control).
    fields = {key: value for key, value in SOLITARY_L1.items() if key != "expected_survival_months"}
    text = _alert(assess(Patient.model_validate(fields)), "en_bloc_referral")
    assert text.endswith(
        "Long survival here: Revised Tokuhashi 15 (1 year or more) and Tomita 2 "
        "(long-term local control)."
    )


def test_en_bloc_referral_with_an_estimate_names_the_estimate() -> None:
    text = _alert(
        assess(Patient.model_validate({**SOLITARY_L1, "expected_survival_months": 24})),
        "en_bloc_referral",
    )
    assert text.endswith("Long survival here: the clinician's estimate of 12 months or more.")


def test_no_en_bloc_referral_for_a_rapidly_growing_primary() -> None:
    # Lung grows rapidly (Tomita) and is not radioresistant: the biology criterion fails.
    result = assess(Patient.model_validate({**SOLITARY_L1, "histology": "lung"}))
    assert "en_bloc_referral" not in {alert.code for alert in result.alerts}


def test_unknown_fitness_lists_the_higher_risk_factors_it_knows() -> None:
    # No KPS or ECOG and no clinician judgement: fitness unknown (rule 5), which lists the
    # higher-risk factors known: ASA 3 and cachexia (bleeding risk and albumin are normal).
    fields = {key: value for key, value in FIT_FRANKEL_C_BILSKY_3.items() if key != "kps"}
    fitness = assess(
        Patient.model_validate({**fields, "asa_class": 3, "cachexia": True})
    ).needs.fitness
    assert fitness.value == "unknown"
    assert fitness.source[1:] == (
        "known higher-risk factor: ASA 3",
        "known higher-risk factor: cachexia",
    )


def test_unknown_fitness_without_risk_factors_lists_none() -> None:
    fields = {key: value for key, value in FIT_FRANKEL_C_BILSKY_3.items() if key != "kps"}
    fitness = assess(Patient.model_validate(fields)).needs.fitness
    assert fitness.value == "unknown"
    assert len(fitness.source) == 1


def test_from_65_the_age_alert_says_the_trial_figures_are_not_counted() -> None:
    result = assess(Patient.model_validate({**FIT_FRANKEL_C_BILSKY_3, "age_years": 70}))
    assert "so its figures are not counted here" in _alert(result, "age_65_or_more")
    assert "posterior_trial_decompression" not in _reason_ids(result, Approach.POSTERIOR_ONLY)


def _progressing_after_remote_radiation(**changes: Any) -> Any:
    return assess(
        Patient.model_validate(
            {
                **FIT_FRANKEL_C_BILSKY_3,
                "progression_after_radiation": True,
                "prior_radiation": "remote",
                **changes,
            }
        )
    )


def test_discrete_levels_keep_radiotherapy_first_when_one_progresses_after_radiation() -> None:
    # Rule 4 decides before the progression clauses of rules 5-6, and the discrete-levels
    # modifier names its own order: radiotherapy covering every level first, an operation at
    # most "consider" (C15: NO at least consider and first). Re-irradiation after remote
    # radiation is an option, so C11 does not cap NO.
    result = _progressing_after_remote_radiation(compression_extent="discrete")
    assert result.needs.decompression.value == "borderline"
    assert result.options[0].approach is Approach.NON_OPERATIVE
    (posterior,) = [o for o in result.options if o.approach is Approach.POSTERIOR_ONLY]
    assert posterior.verdict.value == "consider"
    codes = [alert.code for alert in result.alerts]
    assert {"discrete_levels", "outside_trial", "progression_after_radiation"} <= set(codes)


def test_established_paraplegia_keeps_non_operative_care_first_when_progressing() -> None:
    # Frankel A for 4 days: established paraplegia (rule 4), non-operative care first and
    # surgery "consider" at most, progression after radiation or not.
    result = _progressing_after_remote_radiation(frankel="A", deficit_duration_hours=96)
    assert result.needs.decompression.value == "borderline"
    assert result.options[0].approach is Approach.NON_OPERATIVE
    (posterior,) = [o for o in result.options if o.approach is Approach.POSTERIOR_ONLY]
    assert posterior.verdict.value == "consider"


def test_progression_after_radiation_still_raises_a_borderline_1c_without_deficit() -> None:
    # Bilsky 1c without a deficit is rule 7's borderline; progressing after radiation it is
    # indicated (rule 6's clause, the pathway's "raises borderline to indicated").
    result = _progressing_after_remote_radiation(frankel="E", escc_grade="1c")
    assert result.needs.decompression.value == "indicated"


# --- review 4 (59 published-case vignettes) --------------------------------------------------


def test_a_moribund_patient_with_a_fresh_deficit_still_gets_the_time_critical_alert_first() -> None:
    # ECOG 4 with Frankel C for 6 hours: moribund by the recorded status, which may be the
    # deficit itself. The pathway's time-critical alert has no fitness exception.
    result = assess(
        Patient.model_validate(
            {
                **FIT_FRANKEL_C_BILSKY_3,
                "kps": None,
                "ecog": 4,
                "deficit_duration_hours": 6,
            }
        )
    )
    assert result.needs.fitness.value == "moribund"
    first = result.alerts[0]
    assert first.code == "time_critical"
    assert "recorded as moribund" in first.text
    assert "contact the spine team now" in first.text


def test_a_fit_patient_gets_the_plain_time_critical_alert() -> None:
    result = assess(Patient.model_validate({**FIT_FRANKEL_C_BILSKY_3, "deficit_duration_hours": 6}))
    assert result.alerts[0].code == "time_critical"
    assert "moribund" not in result.alerts[0].text


def test_small_cell_lung_is_not_among_the_trials_exclusions() -> None:
    # Radiosensitive by the pathway's class (rule 3: radiotherapy first), but the trial only
    # excluded lymphoma, leukaemia, myeloma and germ-cell tumours.
    result = assess(
        Patient.model_validate({**FIT_FRANKEL_C_BILSKY_3, "histology": "small_cell_lung"})
    )
    assert result.options[0].approach is Approach.NON_OPERATIVE
    assert "outside_trial" not in {alert.code for alert in result.alerts}


def test_myeloma_is_outside_the_trial_by_its_own_exclusions() -> None:
    result = assess(Patient.model_validate({**FIT_FRANKEL_C_BILSKY_3, "histology": "myeloma"}))
    assert "the kinds the trial excluded" in _alert(result, "outside_trial")


# A radiologist's SINS total without its items: T11, total 12 (indeterminate), Bilsky 0,
# Frankel E, fit. Cement candidacy is unknown, and no single item can settle it.
SINS_TOTAL_ONLY: dict[str, Any] = {
    "level": "T11",
    "histology": "breast",
    "frankel": "E",
    "escc_grade": "0",
    "sins_total": 12,
    "expected_survival_months": 18,
    "kps": 80,
    "asa_class": 2,
    "age_years": 55,
    "tissue_diagnosis": True,
    "compression_extent": "single",
}


def test_a_painful_fracture_left_unrecorded_makes_the_answer_provisional() -> None:
    result = assess(Patient.model_validate(SINS_TOTAL_ONLY))
    assert result.needs.cement_candidate.value == "unknown"
    assert result.options[0].approach is Approach.NON_OPERATIVE
    assert result.provisional
    assert result.decisive_missing_inputs == ()  # no one item moves it
    assert result.provisional_reasons == (
        "cement candidacy is unknown (pain, collapse, alignment, posterolateral not "
        "recorded): a painful compression fracture would change the first option",
    )


def test_the_painful_fracture_tried_is_one_the_total_allows_and_it_puts_cement_first() -> None:
    # T11 3 + mechanical 3 + collapse under 50% 2 + posterolateral none 0 = 8, bone lesion
    # 0-2: normal alignment allows only 8-10, which refuses the total of 12; a de novo
    # deformity (2) allows 10-12. That painful fracture makes her a cement candidate.
    fracture = {
        **SINS_TOTAL_ONLY,
        "pain": "mechanical",
        "collapse": "under_50_percent",
        "alignment": "de_novo_deformity",
        "posterolateral": "none",
    }
    result = assess(Patient.model_validate(fracture))
    assert result.needs.cement_candidate.value == "yes"
    assert result.options[0].approach is Approach.VERTEBRAL_AUGMENTATION


def test_no_painful_fracture_is_tried_while_the_grade_is_unknown() -> None:
    fields = {key: value for key, value in SINS_TOTAL_ONLY.items() if key != "escc_grade"}
    result = assess(Patient.model_validate(fields))
    assert not any("cement candidacy" in reason for reason in result.provisional_reasons)
