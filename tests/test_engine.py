"""The engine on hand-worked patients: net weights, verdicts, order, summary, trace.

Each expected figure below was worked out by hand from the rule table in
rules/catalog.py (weights: supporting 1, strong 2, major 3) and the pathway.
"""

from __future__ import annotations

import re

from rules import Approach, Patient, Verdict, assess, engine
from rules.decision import verdict_for
from rules.engine import (
    SCORE_INPUTS,
    decisive_candidates,
    how_verdicts_are_derived,
)
from rules.patient import consistent_variants

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


def test_the_procedure_text_states_the_weights_bands_and_order_of_the_tables() -> None:
    steps = how_verdicts_are_derived().splitlines()
    assert [step[:3] for step in steps] == ["1. ", "2. ", "3. ", "4. ", "5. "]
    assert steps[2] == (
        "3. Reasons: the weight of the reasons for minus the reasons against (major 3, "
        "strong 2, supporting 1; notes 0) gives a verdict: 2 or more: suggested; 0 to 1: "
        "consider; -2 to -1: caution; -3 or less: not suggested. The verdict is that, capped "
        "by the ceiling and lifted by any floor."
    )
    assert steps[3].endswith(
        "last, the less invasive first (Non-operative care, Vertebral augmentation, "
        "Percutaneous stabilisation, Endoscopic transpedicular decompression, Posterior-only "
        "approach, Percutaneous posterior fixation with an anterior or lateral corpectomy, "
        "Anterior / anterolateral approach). A tie decided only by invasiveness makes the "
        "result provisional."
    )


# --- needs met, presumptions, missing inputs and the decisive search -------------------------

UNSTABLE_AT_T6 = {  # semi-rigid 1 + mechanical 3 + lytic 2 + subluxation 4 + over 50% 3 = 13
    **SINS_7_AT_T6,
    "alignment": "subluxation_translation",
    "collapse": "over_50_percent",
}


# Intact, Bilsky 0, SINS 7 from a mechanical, lytic fracture under 50%: a cement candidate.
PAINFUL_FRACTURE_AT_T6 = Patient.model_validate(
    {
        "level": "T6",
        "histology": "breast",
        "kps": 80,
        "frankel": "E",
        "escc_grade": "0",
        **SINS_7_AT_T6,
    }
)


def test_options_meeting_every_need_are_counted_two_some_one_none_zero() -> None:
    unstable = Patient.model_validate(
        {**FIT_LUNG_DEFICIT.model_dump(exclude_none=True), **UNSTABLE_AT_T6}
    )
    result = assess(unstable)
    assert result.needs.decompression.value == "urgent"
    assert result.needs.stabilisation.value == "needed"
    met = {o.approach: o.needs_met for o in result.options}
    assert met == {
        A.POSTERIOR_ONLY: 2,
        A.ANTERIOR_ANTEROLATERAL: 2,
        A.PERCUTANEOUS_POSTERIOR_FIXATION: 2,
        A.ENDOSCOPIC_TRANSPEDICULAR: 1,  # decompresses, does not stabilise
        A.PERCUTANEOUS_STABILISATION: 1,  # stabilises, does not decompress
        A.VERTEBRAL_AUGMENTATION: 0,
        A.NON_OPERATIVE: 0,
    }


def test_a_cement_candidate_is_met_only_by_augmentation() -> None:
    fracture = PAINFUL_FRACTURE_AT_T6
    result = assess(fracture)
    assert result.needs.cement_candidate.value == "yes"
    met = {o.approach: o.needs_met for o in result.options}
    assert met[A.VERTEBRAL_AUGMENTATION] == 2
    assert {v for k, v in met.items() if k is not A.VERTEBRAL_AUGMENTATION} == {0}


def test_with_no_need_every_option_meets_none() -> None:
    stable = Patient.model_validate(
        {"level": "T8", "histology": "breast", "kps": 80, "escc_grade": "1a", "sins_total": 3}
    )
    assert {o.needs_met for o in assess(stable).options} == {0}


def test_the_decompression_need_names_what_it_presumed() -> None:
    sparse = Patient.model_validate({"level": "T8", "histology": "lung", "escc_grade": "2"})
    assert assess(sparse).needs.decompression.presumed == (
        "no deficit (Frankel grade unknown)",
        "soft-tissue compression (compressed by unknown)",
        "a single level (extent unknown)",
    )
    paraplegic = Patient.model_validate(
        {
            "level": "T8",
            "histology": "lung",
            "escc_grade": "2",
            "frankel": "A",
            "compression_by": "bone",
            "compression_extent": "single",
        }
    )
    assert assess(paraplegic).needs.decompression.presumed == (
        "an acute deficit (duration of Frankel A-B unknown)",
    )


def test_missing_inputs_skip_what_is_settled_another_way() -> None:
    with_total = Patient.model_validate(
        {"level": "T8", "histology": "breast", "ecog": 1, "sins_total": 5}
    )
    missing = {m.field: m.used_by for m in assess(with_total).missing_inputs}
    assert "kps" not in missing  # ECOG given
    assert "ecog" not in missing
    assert "pain" not in missing  # the total stands in for the items
    assert "sins_total" not in missing
    assert "primary_growth" not in missing  # Tomita gives breast a rate
    assert missing["frankel"] == ("decompression need", "revised Tokuhashi")
    assert "case_label" not in missing
    with_items = Patient.model_validate({"level": "T6", "histology": "other", **SINS_7_AT_T6})
    names = {m.field for m in assess(with_items).missing_inputs}
    assert "sins_total" not in names
    assert {"kps", "ecog", "primary_growth"} <= names


def test_the_decisive_search_varies_only_what_the_pathway_names() -> None:
    assert decisive_candidates(
        Patient.model_validate({"level": "T8", "histology": "lung", "ecog": 1})
    ) == (
        "frankel",
        "escc_grade",
        "compression_site",
        "compression_by",
        "compression_extent",
        "tissue_diagnosis",
        "pain",
        "bone_lesion",
        "alignment",
        "collapse",
        "posterolateral",
        "sins_total",
        "asa_class",
        "age_years",
        "expected_survival_months",
    )  # kps (ECOG given), radiosensitivity (lung has a class), duration (no Frankel A-B)
    unknown_primary = Patient.model_validate(
        {"level": "T8", "histology": "unknown_primary", "frankel": "B", "escc_grade": "1a"}
    )
    names = decisive_candidates(unknown_primary)
    assert "radiosensitivity" in names
    assert "deficit_duration_hours" in names
    assert "compression_by" not in names  # nothing compresses the cord at Bilsky 0-1b
    complete_items = Patient.model_validate({"level": "T6", "histology": "lung", **SINS_7_AT_T6})
    assert "sins_total" not in decisive_candidates(complete_items)


def test_a_sins_total_candidate_outside_the_items_range_moves_into_it_within_its_band() -> None:
    # T8 with mechanical pain only: 1 + 3 = 4 at least, 4 + 2 + 4 + 3 + 3 = 16 at most.
    pain_only = Patient.model_validate({"level": "T8", "histology": "lung", "pain": "mechanical"})
    assert [p.sins_total for p in consistent_variants(pain_only, "sins_total")] == [4, 10, 15]
    # T6 with all but collapse (6) allows 6-9: 4 moves up to 6 (still stable, 0-6) and 10 and
    # 15 move down to 9 (potentially unstable, 7-12); one candidate per reachable band.
    partial = Patient.model_validate(
        {
            "level": "T6",
            "histology": "lung",
            **{k: v for k, v in SINS_7_AT_T6.items() if k != "collapse"},
        }
    )
    assert [p.sins_total for p in consistent_variants(partial, "sins_total")] == [6, 9]
    # T1 (junctional, 3) with occasional pain (1) and no collapse over 50% involved (1)
    # allows 5-14: 15 moves to 14, which is still unstable (13-18).
    junctional = Patient.model_validate(
        {
            "level": "T1",
            "histology": "lung",
            "pain": "occasional_non_mechanical",
            "collapse": "no_collapse_over_50_percent_involved",
        }
    )
    assert [p.sins_total for p in consistent_variants(junctional, "sins_total")] == [5, 10, 14]


def test_kps_is_not_varied_beside_a_given_ecog() -> None:
    patient = Patient.model_validate({"level": "T8", "histology": "lung", "ecog": 1})
    assert consistent_variants(patient, "kps") == []
    assert [
        p.kps
        for p in consistent_variants(
            Patient.model_validate({"level": "T8", "histology": "lung"}), "kps"
        )
    ] == [10, 30, 50, 70, 90]


def test_a_tie_decided_by_invasiveness_makes_the_result_provisional() -> None:
    # L2, ventral disease, fit, urgent: posterior-only 3 + 1 = 4; percutaneous fixation with
    # a lateral corpectomy 3 + 1 (L1-L3) = 4; both suggested and both meet the need.
    tie = Patient.model_validate({**FIT_LUNG_DEFICIT.model_dump(exclude_none=True), "level": "L2"})
    result = assess(tie)
    assert [o.approach for o in result.options][:2] == [
        A.POSTERIOR_ONLY,
        A.PERCUTANEOUS_POSTERIOR_FIXATION,
    ]
    assert result.provisional is True
    assert result.provisional_reasons == (
        "the first two options tie on the evidence; invasiveness alone orders them",
    )


def test_the_scores_are_memoised_on_exactly_the_inputs_they_read() -> None:
    # scores.py: SINS reads level, the five items and the total; revised Tokuhashi KPS/ECOG,
    # extraspinal and vertebral counts, visceral metastases, histology and Frankel; Tomita
    # histology or growth, visceral metastases and the two counts.
    assert set(SCORE_INPUTS) == {
        "level",
        "histology",
        "frankel",
        "vertebral_metastases",
        "extraspinal_bone_metastases",
        "visceral_metastases",
        "primary_growth",
        "pain",
        "bone_lesion",
        "alignment",
        "collapse",
        "posterolateral",
        "sins_total",
        "kps",
        "ecog",
    }


def test_alerts_name_what_put_the_patient_outside_the_trial_and_unfit() -> None:
    lumbar = Patient.model_validate(
        {**FIT_LUNG_DEFICIT.model_dump(exclude_none=True), "level": "L3"}
    )
    (outside,) = [a for a in assess(lumbar).alerts if a.code == "outside_trial"]
    assert outside.text == (
        "Outside the surgical trial's eligibility, so its figures are not applied: "
        "cauda equina level (L2-L5)."
    )
    frail = Patient.model_validate(
        {**FIT_LUNG_DEFICIT.model_dump(exclude_none=True), "kps": 40, "asa_class": 4}
    )
    (unfit,) = [a for a in assess(frail).alerts if a.code == "unfit_for_open_surgery"]
    assert unfit.text == (
        "Unfit for open surgery: KPS 30-40 (ECOG 3); ASA 4-5 (threshold: panel convention)."
    )


def test_each_card_carries_its_ceiling_and_lists_reasons_for_before_against_heaviest_first() -> (
    None
):
    result = assess(FIT_LUNG_DEFICIT)
    endoscopic = option(result, A.ENDOSCOPIC_TRANSPEDICULAR)
    assert endoscopic.ceiling is Verdict.CAUTION  # type: ignore[attr-defined]
    assert option(result, A.POSTERIOR_ONLY).ceiling is None  # type: ignore[attr-defined]
    posterior = [r.rule for r in option(result, A.POSTERIOR_ONLY).reasons]  # type: ignore[attr-defined]
    assert posterior == ["posterior_trial_decompression", "posterior_decompresses_any_side"]
    anterior = [r.rule for r in option(result, A.ANTERIOR_ANTEROLATERAL).reasons]  # type: ignore[attr-defined]
    assert anterior == [
        "c21_anterior_below_posterior",
        "anterior_trial_decompression",
        "anterior_ventral_access",
        "anterior_added_morbidity",
    ]


def test_an_option_with_no_reason_and_no_gate_says_so() -> None:
    fracture = PAINFUL_FRACTURE_AT_T6
    screws = option(assess(fracture), A.PERCUTANEOUS_STABILISATION)
    assert screws.reasons == ()  # type: ignore[attr-defined]
    assert screws.summary == "No reason for or against holds for this patient."  # type: ignore[attr-defined]


def test_the_result_exports_its_facts_as_plain_values_and_a_short_version() -> None:
    result = assess(FIT_LUNG_DEFICIT)
    assert result.facts["fitness"] == "fit"
    assert result.facts["has_deficit"] is True
    assert result.facts["is_hypervascular"] is None
    assert result.facts["tumour_class"] == "intermediate"
    assert re.fullmatch(r"rules-[0-9a-f]{12}", result.rules_version)


def test_every_trial_exclusion_is_named_and_kps_settles_ecog() -> None:
    irradiated_lumbar = Patient.model_validate(
        {
            **FIT_LUNG_DEFICIT.model_dump(exclude_none=True),
            "level": "L3",
            "prior_radiation": "remote",
        }
    )
    result = assess(irradiated_lumbar)
    (outside,) = [a for a in result.alerts if a.code == "outside_trial"]
    assert outside.text.endswith(": cauda equina level (L2-L5); earlier radiotherapy to the level.")
    assert result.needs.tumour_class == "intermediate"
    assert "ecog" not in {m.field for m in result.missing_inputs}  # KPS 90 given


def test_with_no_route_left_to_decompress_radiotherapy_has_no_c10_cap() -> None:
    # Unfit (KPS 40) bars open surgery (C3); under 3 months bars endoscopic surgery (C7).
    no_route = Patient.model_validate(
        {
            **FIT_LUNG_DEFICIT.model_dump(exclude_none=True),
            "kps": 40,
            "frankel": "C",
            "expected_survival_months": 2,
        }
    )
    result = assess(no_route)
    fired = {entry.rule for entry in result.trace if entry.fired}
    assert result.facts["decompressing_routes"] == "none"
    assert not {rule for rule in fired if rule.startswith("c10_radiotherapy")}
    assert option(result, A.NON_OPERATIVE).ceiling is None  # type: ignore[attr-defined]


def test_candidates_are_remembered_per_patient_within_a_bound() -> None:
    first = engine._candidate_masks(FIT_LUNG_DEFICIT, None)
    assert engine._candidate_masks(FIT_LUNG_DEFICIT, None) is first  # the rerun: remembered
    worked_out = engine._work_out_candidates(FIT_LUNG_DEFICIT, None)
    assert first == worked_out
    for number in range(engine.CANDIDATE_CACHE_SIZE + 1):
        labelled = FIT_LUNG_DEFICIT.model_copy(update={"case_label": f"case {number}"})
        assert engine._candidate_masks(labelled, None) == worked_out  # the label decides nothing
        assert len(engine._candidates_seen) <= engine.CANDIDATE_CACHE_SIZE


def test_a_sins_item_that_moves_the_band_is_named_decisive() -> None:
    # T12 junctional 3 + mechanical 3 + lytic 2 + collapse under 50% 2 + unilateral 1 = 11,
    # alignment unknown 0-4: SINS 11-15, indeterminate or unstable. Normal alignment gives 11
    # (a surgical opinion; a painful fracture, so cement first); a de novo deformity gives 13
    # (stabilisation needed: screws first). So alignment, and the total, decide.
    fields = {
        "level": "T12",
        "histology": "breast",
        "frankel": "E",
        "escc_grade": "1b",
        "kps": 80,
        "asa_class": 2,
        "age_years": 55,
        "expected_survival_months": 24,
        "tissue_diagnosis": True,
        "pain": "mechanical",
        "bone_lesion": "lytic",
        "collapse": "under_50_percent",
        "posterolateral": "unilateral",
    }
    result = assess(Patient.model_validate(fields))
    assert (result.scores.sins.min, result.scores.sins.max) == (11, 15)
    assert result.needs.stabilisation.value == "unknown"
    assert result.decisive_missing_inputs == ("alignment", "sins_total")
    aligned = assess(Patient.model_validate({**fields, "alignment": "normal"}))
    deformed = assess(Patient.model_validate({**fields, "alignment": "de_novo_deformity"}))
    assert aligned.options[0].approach is Approach.VERTEBRAL_AUGMENTATION
    assert deformed.options[0].approach is Approach.PERCUTANEOUS_STABILISATION
