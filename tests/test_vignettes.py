"""Named clinical vignettes: what a spine surgeon would check on the tool's answer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from evidence import Verification
from rules import Approach, Patient, Verdict, assess
from rules.engine import AlertLevel, Assessment, OptionAssessment, Reason

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SURGICAL = [approach for approach in Approach if approach is not Approach.NON_OPERATIVE]


def seed(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    return data


VIGNETTES: dict[str, dict[str, Any]] = {
    "seed_thoracic_lung_unfit": seed("seed_thoracic_lung_unfit"),
    "seed_lumbar_sarcoma_frail": seed("seed_lumbar_sarcoma_frail"),
    # Fit patient, lung primary, circumferential cord compression from the front with a deficit.
    "fit_high_grade_ventral_deficit": {
        "level": "T6",
        "histology": "lung",
        "kps": 90,
        "frankel": "C",
        "escc_grade": "3",
        "compression_site": "anterior",
        "expected_survival_months": 12,
    },
    "l4_lesion": {"level": "L4", "histology": "breast", "kps": 80},
    "l5_lesion": {"level": "L5", "histology": "breast", "kps": 80},
    "l3_lesion": {"level": "L3", "histology": "breast", "kps": 80},
    # Myeloma compressing the cord: radiotherapy first whatever the grade (NOMS).
    "radiosensitive_myeloma_high_grade": {
        "level": "T9",
        "histology": "myeloma",
        "kps": 80,
        "frankel": "D",
        "escc_grade": "2",
        "compression_site": "anterior",
        "expected_survival_months": 24,
    },
    # The same with the SINS items graded: semi-rigid 1 + occasional 1 + lytic 2 = 4, stable.
    "radiosensitive_myeloma_high_grade_stable": {
        "level": "T9",
        "histology": "myeloma",
        "kps": 80,
        "frankel": "D",
        "escc_grade": "2",
        "compression_site": "anterior",
        "expected_survival_months": 24,
        "pain": "occasional_non_mechanical",
        "bone_lesion": "lytic",
        "alignment": "normal",
        "collapse": "none",
        "posterolateral": "none",
    },
    # Myeloma in an unstable spine: radiosensitive, but radiotherapy does not restore
    # stability (NOMS: mechanical instability is treated independently of N and O).
    # SINS: junctional 3 + mechanical 3 + lytic 2 + subluxation 4 + >50% 3 + bilateral 3 = 18
    "radiosensitive_myeloma_unstable": {
        "level": "L1",
        "histology": "myeloma",
        "kps": 80,
        "frankel": "E",
        "escc_grade": "1b",
        "pain": "mechanical",
        "bone_lesion": "lytic",
        "alignment": "subluxation_translation",
        "collapse": "over_50_percent",
        "posterolateral": "bilateral",
    },
    # SINS: junctional 3 + mechanical 3 + lytic 2 + de novo 2 + >50% 3 + unilateral 1 = 14
    "unstable_sins_14": {
        "level": "L1",
        "histology": "breast",
        "kps": 80,
        "pain": "mechanical",
        "bone_lesion": "lytic",
        "alignment": "de_novo_deformity",
        "collapse": "over_50_percent",
        "posterolateral": "unilateral",
    },
    "cervical_c5": {"level": "C5", "histology": "breast", "kps": 80, "escc_grade": "2"},
    "sacral_s3": {"level": "S3", "histology": "prostate", "kps": 80},
    "rapidly_progressive_deficit": {
        "level": "T7",
        "histology": "lung",
        "frankel": "C",
        "escc_grade": "3",
        "rapidly_progressive_deficit": True,
    },
    "hypervascular_renal": {
        "level": "T10",
        "histology": "renal",
        "kps": 80,
        "escc_grade": "2",
        "compression_site": "anterior",
    },
    "incomplete_record": {"level": "T8", "histology": "lung"},
    # Renal cell carcinoma, fit, high-grade compression: separation surgery then SRS.
    "radioresistant_renal_high_grade_fit": {
        "level": "T5",
        "histology": "renal",
        "kps": 90,
        "frankel": "D",
        "escc_grade": "2",
        "compression_site": "circumferential",
        "expected_survival_months": 18,
    },
    # SINS: semi-rigid 1 + occasional 1 + blastic 0 + normal 0 + none 0 + none 0 = 2
    "low_grade_stable_breast": {
        "level": "T7",
        "histology": "breast",
        "kps": 80,
        "frankel": "E",
        "escc_grade": "1a",
        "pain": "occasional_non_mechanical",
        "bone_lesion": "blastic",
        "alignment": "normal",
        "collapse": "none",
        "posterolateral": "none",
    },
    "survival_under_3_months": {
        "level": "T11",
        "histology": "lung",
        "kps": 60,
        "frankel": "D",
        "escc_grade": "2",
        "expected_survival_months": 2,
    },
    "dorsal_compression": {
        "level": "T4",
        "histology": "breast",
        "kps": 90,
        "escc_grade": "2",
        "compression_site": "posterior",
    },
    "low_albumin": {"level": "T9", "histology": "breast", "kps": 80, "albumin_g_dl": 3.2},
    "albumin_at_threshold": {"level": "T9", "histology": "breast", "kps": 80, "albumin_g_dl": 3.5},
    "ecog_only": {"level": "T9", "histology": "breast", "ecog": 1},
    # Solitary blastic breast lesion, no compression, stable (SINS 2), long survival: nothing
    # to decompress or fix, so radiation first; the long survival alone is no reason to operate.
    "no_indication_solitary_stable_fit": {
        "level": "T9",
        "histology": "breast",
        "kps": 90,
        "frankel": "E",
        "escc_grade": "0",
        "pain": "occasional_non_mechanical",
        "bone_lesion": "blastic",
        "alignment": "normal",
        "collapse": "none",
        "posterolateral": "none",
        "vertebral_metastases": 1,
        "extraspinal_bone_metastases": 0,
        "visceral_metastases": "none",
        "expected_survival_months": 48,
    },
    # Weeks to live with high-grade compression: even endoscopic surgery has no time to pay off.
    "weeks_to_live_high_grade_deficit": {
        "level": "T7",
        "histology": "lung",
        "kps": 30,
        "frankel": "C",
        "escc_grade": "3",
        "compression_site": "anterior",
        "cachexia": True,
        "expected_survival_months": 1.5,
    },
    # Fit by KPS, but 2.5 months to live: open surgery is not advisable for survival alone.
    "fit_but_under_3_months_renal": {
        "level": "T10",
        "histology": "renal",
        "kps": 80,
        "frankel": "C",
        "escc_grade": "3",
        "compression_site": "anterior",
        "expected_survival_months": 2.5,
    },
    # Solitary lesion but unremovable visceral disease: no case for excision.
    "solitary_bone_lesion_unremovable_visceral": {
        "level": "T10",
        "histology": "rectal",
        "primary_growth": "rapid",
        "kps": 90,
        "frankel": "E",
        "escc_grade": "2",
        "compression_site": "anterior",
        "vertebral_metastases": 1,
        "extraspinal_bone_metastases": 0,
        "visceral_metastases": "unremovable",
    },
    # High-grade compression with a deficit after radiation to the field: outside Patchell.
    "irradiated_field_high_grade_deficit": {
        "level": "L2",
        "histology": "prostate",
        "kps": 70,
        "frankel": "C",
        "escc_grade": "2",
        "compression_site": "anterior",
        "prior_radiation": "recent",
        "expected_survival_months": 12,
    },
    "l5_lateral_corpectomy": {
        "level": "L5",
        "histology": "colon",
        "kps": 80,
        "frankel": "D",
        "escc_grade": "2",
        "compression_site": "anterior",
        "expected_survival_months": 12,
    },
}


def assessed(name: str) -> Assessment:
    return assess(Patient.model_validate(VIGNETTES[name]))


def option(assessment: Assessment, approach: Approach) -> OptionAssessment:
    matches = [o for o in assessment.options if o.approach is approach]
    assert len(matches) == 1
    return matches[0]


def reason(assessment: Assessment, approach: Approach, rule_id: str) -> Reason | None:
    for candidate in option(assessment, approach).reasons:
        if candidate.rule == rule_id:
            return candidate
    return None


def vignette(name: str, *values: object) -> Any:
    return pytest.param(name, *values, id=name)


# --- the seed cases -----------------------------------------------------------------------


def test_seed_thoracic_lung_unfit_ranks_endoscopic_first_and_suggested() -> None:
    first = assessed("seed_thoracic_lung_unfit").options[0]
    assert first.approach is Approach.ENDOSCOPIC_TRANSPEDICULAR
    assert first.verdict is Verdict.SUGGESTED


def test_seed_thoracic_lung_unfit_endoscopic_rests_on_the_case_report() -> None:
    assessment = assessed("seed_thoracic_lung_unfit")
    cited = {
        reference_id
        for r in option(assessment, Approach.ENDOSCOPIC_TRANSPEDICULAR).reasons
        if r.direction.value == "for"
        for reference_id in r.citations
    }
    assert "li2025_endoscopic_transpedicular" in cited
    assert "li2025_endoscopic_transpedicular" in assessment.citations


def test_seed_thoracic_lung_unfit_cannot_tolerate_open_surgery() -> None:
    facts = assessed("seed_thoracic_lung_unfit").facts
    # KPS 40 is poor performance (ECOG 3-4 / KPS 40 or less)
    assert facts.has_poor_performance is True
    assert facts.can_tolerate_open_surgery is False


def test_seed_lumbar_sarcoma_frail_ranks_endoscopic_first() -> None:
    first = assessed("seed_lumbar_sarcoma_frail").options[0]
    assert first.approach is Approach.ENDOSCOPIC_TRANSPEDICULAR


def test_seed_lumbar_sarcoma_frail_posterior_only_not_suggested_for_the_long_incision() -> None:
    assessment = assessed("seed_lumbar_sarcoma_frail")
    posterior = option(assessment, Approach.POSTERIOR_ONLY)
    assert posterior.verdict is Verdict.NOT_SUGGESTED
    wound = reason(
        assessment,
        Approach.POSTERIOR_ONLY,
        "posterior_only_long_incision_with_tenuous_wound_healing",
    )
    assert wound is not None
    assert wound.direction.value == "against"


def test_seed_lumbar_sarcoma_frail_names_its_wound_risk_factors() -> None:
    facts = assessed("seed_lumbar_sarcoma_frail").facts
    assert facts.has_tenuous_wound_healing is True
    assert set(facts.wound_risk_factors) == {
        "recent radiation to the operative field",
        "cachexia",
    }


def test_seed_lumbar_sarcoma_frail_shows_unresolved_citation_only_beside_another_record() -> None:
    assessment = assessed("seed_lumbar_sarcoma_frail")
    unresolved = "pmid23248755_unresolved"
    assert unresolved in assessment.citations
    assert assessment.citations[unresolved].verification is Verification.UNRESOLVED
    citing = [r for o in assessment.options for r in o.reasons if unresolved in r.citations]
    assert citing, "the seed's own citation should be shown, marked unresolved"
    for r in citing:
        others = [
            reference_id
            for reference_id in r.citations
            if assessment.citations[reference_id].verification is not Verification.UNRESOLVED
        ]
        assert others, r.rule
        assert r.weight == 0, "no verdict may rest on the unresolved record"


# --- verdicts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "approach", "verdict"),
    [
        vignette(
            "seed_thoracic_lung_unfit", Approach.ANTERIOR_ANTEROLATERAL, Verdict.NOT_SUGGESTED
        ),
        vignette("seed_thoracic_lung_unfit", Approach.POSTERIOR_ONLY, Verdict.NOT_SUGGESTED),
        vignette("fit_high_grade_ventral_deficit", Approach.POSTERIOR_ONLY, Verdict.SUGGESTED),
        vignette("survival_under_3_months", Approach.ANTERIOR_ANTEROLATERAL, Verdict.NOT_SUGGESTED),
        vignette("survival_under_3_months", Approach.POSTERIOR_ONLY, Verdict.NOT_SUGGESTED),
        vignette("survival_under_3_months", Approach.NON_OPERATIVE, Verdict.SUGGESTED),
        vignette("no_indication_solitary_stable_fit", Approach.NON_OPERATIVE, Verdict.SUGGESTED),
        vignette(
            "no_indication_solitary_stable_fit", Approach.POSTERIOR_ONLY, Verdict.NOT_SUGGESTED
        ),
        vignette(
            "no_indication_solitary_stable_fit",
            Approach.PERCUTANEOUS_POSTERIOR_FIXATION,
            Verdict.NOT_SUGGESTED,
        ),
        vignette(
            "weeks_to_live_high_grade_deficit",
            Approach.ANTERIOR_ANTEROLATERAL,
            Verdict.NOT_SUGGESTED,
        ),
    ],
)
def test_vignette_option_has_the_expected_verdict(
    name: str, approach: Approach, verdict: Verdict
) -> None:
    assert option(assessed(name), approach).verdict is verdict


@pytest.mark.parametrize(
    ("name", "approach"),
    [
        vignette("radiosensitive_myeloma_high_grade", Approach.NON_OPERATIVE),
        vignette("low_grade_stable_breast", Approach.NON_OPERATIVE),
        vignette("no_indication_solitary_stable_fit", Approach.NON_OPERATIVE),
        vignette("weeks_to_live_high_grade_deficit", Approach.NON_OPERATIVE),
        vignette("fit_but_under_3_months_renal", Approach.NON_OPERATIVE),
    ],
)
def test_vignette_ranks_the_expected_option_first(name: str, approach: Approach) -> None:
    assert assessed(name).options[0].approach is approach


# --- the reasons a surgeon expects --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "approach", "rule_id", "direction"),
    [
        vignette(
            "fit_high_grade_ventral_deficit",
            Approach.POSTERIOR_ONLY,
            "posterior_only_decompression_restores_walking_in_fit_patient",
            "for",
        ),
        vignette(
            "fit_high_grade_ventral_deficit",
            Approach.NON_OPERATIVE,
            "non_operative_high_grade_deficit_surgery_walks_more",
            "against",
        ),
        vignette(
            "l4_lesion",
            Approach.PERCUTANEOUS_POSTERIOR_FIXATION,
            "l4_l5_lateral_corpectomy_difficult",
            "against",
        ),
        vignette(
            "l5_lesion",
            Approach.PERCUTANEOUS_POSTERIOR_FIXATION,
            "l4_l5_lateral_corpectomy_difficult",
            "against",
        ),
        vignette(
            "radiosensitive_myeloma_high_grade",
            Approach.NON_OPERATIVE,
            "non_operative_radiosensitive_tumour",
            "for",
        ),
        vignette(
            "unstable_sins_14",
            Approach.NON_OPERATIVE,
            "non_operative_unstable_spine",
            "against",
        ),
        vignette(
            "unstable_sins_14",
            Approach.ENDOSCOPIC_TRANSPEDICULAR,
            "endoscopic_decompression_does_not_stabilise",
            "against",
        ),
        vignette(
            "unstable_sins_14",
            Approach.POSTERIOR_ONLY,
            "posterior_only_stabilises_unstable_spine",
            "for",
        ),
        vignette(
            "hypervascular_renal",
            Approach.ANTERIOR_ANTEROLATERAL,
            "anterior_hypervascular_consider_embolisation",
            "note",
        ),
        vignette(
            "radioresistant_renal_high_grade_fit",
            Approach.POSTERIOR_ONLY,
            "posterior_only_separation_surgery_for_radioresistant_high_grade",
            "for",
        ),
        vignette(
            "low_grade_stable_breast",
            Approach.NON_OPERATIVE,
            "non_operative_low_grade_compression_stable_spine",
            "for",
        ),
        vignette(
            "low_grade_stable_breast",
            Approach.ENDOSCOPIC_TRANSPEDICULAR,
            "endoscopic_no_cord_contact_nothing_to_decompress",
            "against",
        ),
        vignette(
            "survival_under_3_months",
            Approach.NON_OPERATIVE,
            "non_operative_survival_under_3_months",
            "for",
        ),
        vignette(
            "dorsal_compression",
            Approach.ANTERIOR_ANTEROLATERAL,
            "anterior_dorsal_compression_out_of_reach",
            "against",
        ),
        vignette(
            "low_albumin",
            Approach.POSTERIOR_ONLY,
            "posterior_only_long_incision_with_tenuous_wound_healing",
            "against",
        ),
        vignette(
            "no_indication_solitary_stable_fit",
            Approach.ANTERIOR_ANTEROLATERAL,
            "anterior_anterolateral_no_indication_low_grade_stable",
            "against",
        ),
        vignette(
            "weeks_to_live_high_grade_deficit",
            Approach.ENDOSCOPIC_TRANSPEDICULAR,
            "endoscopic_survival_under_3_months",
            "against",
        ),
        vignette(
            "irradiated_field_high_grade_deficit",
            Approach.NON_OPERATIVE,
            "non_operative_irradiated_field_outside_trial",
            "note",
        ),
        vignette(
            "hypervascular_renal",
            Approach.PERCUTANEOUS_POSTERIOR_FIXATION,
            "percutaneous_hypervascular_consider_embolisation",
            "note",
        ),
        vignette(
            "hypervascular_renal",
            Approach.ENDOSCOPIC_TRANSPEDICULAR,
            "endoscopic_hypervascular_consider_embolisation",
            "note",
        ),
        vignette(
            "radiosensitive_myeloma_high_grade_stable",
            Approach.POSTERIOR_ONLY,
            "posterior_only_radiosensitive_tumour_radiotherapy_first",
            "against",
        ),
        vignette(
            "seed_thoracic_lung_unfit",
            Approach.POSTERIOR_ONLY,
            "posterior_only_paralysis_may_explain_poor_performance",
            "note",
        ),
    ],
)
def test_vignette_option_carries_the_expected_reason(
    name: str, approach: Approach, rule_id: str, direction: str
) -> None:
    found = reason(assessed(name), approach, rule_id)
    assert found is not None, f"{rule_id} missing from {approach.value}"
    assert found.direction.value == direction
    assert found.citations


@pytest.mark.parametrize(
    ("name", "approach", "rule_id"),
    [
        vignette(
            "l3_lesion",
            Approach.PERCUTANEOUS_POSTERIOR_FIXATION,
            "l4_l5_lateral_corpectomy_difficult",
        ),
        vignette(
            "radiosensitive_myeloma_high_grade",
            Approach.NON_OPERATIVE,
            "non_operative_high_grade_deficit_surgery_walks_more",
        ),
        vignette(
            "albumin_at_threshold",
            Approach.POSTERIOR_ONLY,
            "posterior_only_long_incision_with_tenuous_wound_healing",
        ),
        vignette("incomplete_record", Approach.NON_OPERATIVE, "non_operative_unstable_spine"),
        vignette(
            "radiosensitive_myeloma_unstable",
            Approach.NON_OPERATIVE,
            "non_operative_radiosensitive_tumour",
        ),
        vignette(
            "radiosensitive_myeloma_unstable",
            Approach.POSTERIOR_ONLY,
            "posterior_only_radiosensitive_tumour_radiotherapy_first",
        ),
        vignette(
            "solitary_bone_lesion_unremovable_visceral",
            Approach.ANTERIOR_ANTEROLATERAL,
            "anterior_long_survival_solitary_lesion_favours_excision",
        ),
        vignette(
            "irradiated_field_high_grade_deficit",
            Approach.NON_OPERATIVE,
            "non_operative_high_grade_deficit_surgery_walks_more",
        ),
        vignette(
            "irradiated_field_high_grade_deficit",
            Approach.POSTERIOR_ONLY,
            "posterior_only_decompression_restores_walking_in_fit_patient",
        ),
        vignette(
            "l5_lateral_corpectomy",
            Approach.PERCUTANEOUS_POSTERIOR_FIXATION,
            "percutaneous_lumbar_lateral_corpectomy_established",
        ),
    ],
)
def test_vignette_option_does_not_carry_a_reason_whose_condition_fails(
    name: str, approach: Approach, rule_id: str
) -> None:
    assert reason(assessed(name), approach, rule_id) is None


@pytest.mark.parametrize(
    "name",
    [vignette("seed_thoracic_lung_unfit"), vignette("seed_lumbar_sarcoma_frail")],
)
def test_endoscopic_option_always_says_its_evidence_is_thin(name: str) -> None:
    note = reason(assessed(name), Approach.ENDOSCOPIC_TRANSPEDICULAR, "endoscopic_evidence_is_thin")
    assert note is not None
    assert "case report" in note.text


def test_fit_high_grade_ventral_deficit_penalises_non_operative_with_patchell() -> None:
    non_operative = option(assessed("fit_high_grade_ventral_deficit"), Approach.NON_OPERATIVE)
    against = [r for r in non_operative.reasons if r.direction.value == "against"]
    assert any("patchell2005_rct" in r.citations for r in against)
    assert non_operative.net_score < 0


def test_hypervascular_renal_embolisation_note_cites_the_randomised_trial() -> None:
    assessment = assessed("hypervascular_renal")
    note = reason(
        assessment,
        Approach.ANTERIOR_ANTEROLATERAL,
        "anterior_hypervascular_consider_embolisation",
    )
    assert note is not None
    assert "clausen2015_embolization_rct" in note.citations
    assert note.weight == 0
    assert assessment.facts.is_hypervascular is True


# --- scope and safety ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", [vignette("cervical_c5"), vignette("sacral_s3")])
def test_cervical_and_sacral_levels_put_every_operation_out_of_scope_with_a_reason(
    name: str,
) -> None:
    assessment = assessed(name)
    for approach in SURGICAL:
        surgical = option(assessment, approach)
        assert surgical.verdict is Verdict.OUT_OF_SCOPE, approach.value
        assert surgical.reasons, approach.value
        assert all(r.text and r.citations for r in surgical.reasons)
    assert option(assessment, Approach.NON_OPERATIVE).verdict is not Verdict.OUT_OF_SCOPE


@pytest.mark.parametrize("name", [vignette("cervical_c5"), vignette("sacral_s3")])
def test_cervical_and_sacral_levels_raise_a_scope_alert(name: str) -> None:
    alerts = assessed(name).alerts
    scope = [alert for alert in alerts if alert.code == "outside_thoracolumbar_scope"]
    assert len(scope) == 1
    assert VIGNETTES[name]["level"] in scope[0].text


@pytest.mark.parametrize("name", [vignette("cervical_c5"), vignette("sacral_s3")])
def test_out_of_scope_options_are_ranked_last(name: str) -> None:
    verdicts = [o.verdict for o in assessed(name).options]
    assert verdicts[0] is not Verdict.OUT_OF_SCOPE
    assert verdicts[1:] == [Verdict.OUT_OF_SCOPE] * 4


def test_rapidly_progressive_deficit_puts_an_emergency_alert_first() -> None:
    alerts = assessed("rapidly_progressive_deficit").alerts
    assert alerts
    assert alerts[0].level is AlertLevel.EMERGENCY
    assert "emergency" in alerts[0].text.lower()


def test_no_emergency_alert_without_a_rapidly_progressive_deficit() -> None:
    alerts = assessed("fit_high_grade_ventral_deficit").alerts
    assert all(alert.level is not AlertLevel.EMERGENCY for alert in alerts)


def test_ecog_only_states_the_kps_mapping_used() -> None:
    alerts = assessed("ecog_only").alerts
    mapping = [alert for alert in alerts if alert.code == "kps_from_ecog"]
    assert len(mapping) == 1
    # ECOG 1 reads as KPS 70-80 on the conventional table
    assert "70-80" in mapping[0].text


def test_incomplete_record_gives_ranges_not_totals_and_lists_missing_inputs() -> None:
    assessment = assessed("incomplete_record")
    assert assessment.scores.sins.total is None
    assert assessment.scores.tokuhashi.total is None
    assert assessment.scores.tomita.total is None
    missing = {item.field for item in assessment.missing_inputs}
    assert {"kps", "frankel", "escc_grade", "pain", "visceral_metastases"} <= missing
    assert len(assessment.options) == len(Approach)


def test_incomplete_record_settles_no_fact_it_was_not_given() -> None:
    facts = assessed("incomplete_record").facts
    assert facts.is_unstable is None
    assert facts.has_high_grade_escc is None
    assert facts.can_tolerate_open_surgery is None
    assert facts.has_tenuous_wound_healing is None
