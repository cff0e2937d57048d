"""Clinical vignettes hand-derived from the decision pathway (shared/domain/decision-pathway.md).

Written by the clinical reviewer before the gated engine existed, from the pathway document,
scores.md and approach-criteria.md only (never from the engine code). Each vignette is
preceded by the clinical reasoning, the pathway rule or ceiling (C1-C21) it rests on and an
evidence id from evidence.json. Ceilings fix only an upper bound, so most verdict checks are
"at_most"; exact verdicts are asserted only where the document fixes them (a ceiling of
not_suggested or out_of_scope, or the C16 floor "NO suggested").

Abbreviations as in the pathway: NO non-operative, VA vertebral augmentation, PS percutaneous
stabilisation, PO posterior-only, AA anterior/anterolateral, PPF percutaneous fixation +
corpectomy, ET endoscopic transpedicular.
"""

# AMBIGUITIES (found while deriving; deliberately not asserted):
#  1. Exactly 48 h of Frankel A-B: rule 4 says "over 48" (so 48 h is not established
#     paraplegia) while the time-critical modifier says "under 48 hours" (so 48 h is not time
#     critical by duration either). Only 47 h and 49 h are tested.
#  2. C12 "overrides C15-C16": clear for NO (not suggested), unclear whether C15's PO
#     "consider" and AA/PPF "caution" still hold when a borderline need meets a needed
#     stabilisation. Only NO is asserted there.
#  3. C12 does not say what NO's ceiling is when fitness is unknown or moribund.
#  4. fit_for_open_surgery: which value needs.fitness reports under the override is not fixed.
#     Performance status is part of the "physiological part" the override replaces, yet
#     "moribund still bars every operation": whether KPS 20 / ECOG 4 moribund survives
#     fit_for_open_surgery = true is unclear. Only estimate-based moribund (< 1 month) is used.
#  5. fit_for_open_surgery = true with an estimate under 3 months: whether ET falls under C8
#     ("fit") or C9, and NO's C10 ceiling, are not fixed.
#  6. "ET judged only by C7-C9" versus C1, C2, C4 and C6, which also name ET or "every option".
#     The vignettes assume C1/C2/C4/C6 also bind ET (the stricter reading).
#  7. C10 "consider if ET is the only option left able to decompress": does ET at caution
#     (C8: Frankel A-B or bleeding risk) count as "able"? Not asserted in those cases.
#  8. tissue_diagnosis = false "makes the result provisional naming tissue_diagnosis", but
#     decisive_missing_inputs is defined over unknown inputs; and an unknown tumour class is
#     said to be provisional unconditionally while principle 3 asks for a change of the top
#     option. Only provisional = True is asserted for false tissue; radiosensitivity is named
#     only where it changes the top option.
#  9. The kps_from_ecog alert is not in the document's alert list (only the rule that a
#     conversion must name its mapping); not asserted.
# 10. Rule 1 says "if only frankel is unknown ... alert examine neurology"; whether that alert
#     fires when escc_grade is unknown too is not said.
# 11. C14 "VA caution unless a cement candidate" when candidacy is unknown (sins_total only).
# 12. The "outside the trial" alert is named for established paraplegia, discrete levels, the
#     cauda equina and progression after radiation; the document does not say whether it also
#     fires for a radiosensitive tumour, an estimate under 3 months or no tissue diagnosis
#     (all Patchell exclusions). Only the named states are asserted.
# 13. Whether the age 65+ alert fires when no decompression is urgent or indicated.
# 14. With several SINS items missing, one-value-at-a-time re-assessment may name none of them;
#     which name (item or sins_total) is reported is not fixed. Only needs are asserted.
# 15. C21 puts AA "below PO", but a PO-only "against" (recent radiation, wound) could leave PO's
#     verdict under AA's; order is asserted only where PO has no such against.
# 16. Tomita points are secondary-source only (scores.md), so "Tomita 8-10 beside Tokuhashi
#     9-15" disagreement is not tested.
# 17. "Cement candidate" is listed as a need that orders options: with C16 NO suggested and an
#     uncapped VA, either may come first (top_in used).

from __future__ import annotations

from typing import Any

import pytest

from rules import Patient, assess

# Best to worst; a lower index is a better verdict.
VERDICT_ORDER = ("suggested", "consider", "caution", "not_suggested", "out_of_scope")

NO = "non_operative"
VA = "vertebral_augmentation"
PS = "percutaneous_stabilisation"
PO = "posterior_only"
AA = "anterior_anterolateral"
PPF = "percutaneous_posterior_fixation"
ET = "endoscopic_transpedicular"
ALL_OPTIONS = (NO, VA, PS, PO, AA, PPF, ET)
OPERATIONS = (VA, PS, PO, AA, PPF, ET)
OPEN_MAJOR = (PO, AA, PPF)

SUGGESTED = "suggested"
CONSIDER = "consider"
CAUTION = "caution"
NOT_SUGGESTED = "not_suggested"
OUT_OF_SCOPE = "out_of_scope"

EXPECTATION_KEYS = frozenset(
    {
        "top",
        "top_in",
        "verdict",
        "at_most",
        "at_least",
        "needs",
        "provisional",
        "decisive_includes",
        "decisive_excludes",
        "alerts_include",
        "alerts_exclude",
        "before",
    }
)

# Everything a vignette does not talk about is fixed to the unremarkable value so that no
# eligibility or fitness input is unknown by accident: a 58-year-old, ASA 2, normal albumin,
# no cachexia or bleeding risk, tissue-proven cancer, one level compressed by soft tissue,
# no previous radiotherapy, deficit not rapidly progressive.
BASELINE: dict[str, Any] = {
    "age_years": 58,
    "asa_class": 2,
    "albumin_g_dl": 4.0,
    "cachexia": False,
    "bleeding_risk": False,
    "tissue_diagnosis": True,
    "compression_extent": "single",
    "compression_by": "soft_tissue",
    "prior_radiation": "none",
    "progression_after_radiation": False,
    "rapidly_progressive_deficit": False,
}

# SINS item sets; the points exclude location (location by level: junctional C7-T2, T11-L1,
# L5-S1 = 3; mobile C3-C6, L2-L4 = 2; semi-rigid T3-T10 = 1; rigid S2-S5 = 0).
# occasional 1 + mixed 1 + normal 0 + no collapse 0 + none 0 = 2 -> total 2-5, stable anywhere.
QUIET: dict[str, Any] = {
    "pain": "occasional_non_mechanical",
    "bone_lesion": "mixed",
    "alignment": "normal",
    "collapse": "none",
    "posterolateral": "none",
}
# mechanical 3 + lytic 2 + normal 0 + <50% 2 + none 0 = 7 -> total 7-10, indeterminate anywhere.
PAINFUL_LYTIC: dict[str, Any] = {
    "pain": "mechanical",
    "bone_lesion": "lytic",
    "alignment": "normal",
    "collapse": "under_50_percent",
    "posterolateral": "none",
}
# mechanical 3 + lytic 2 + subluxation 4 + >50% 3 + bilateral 3 = 15 -> total 15-18, unstable.
GROSSLY_UNSTABLE: dict[str, Any] = {
    "pain": "mechanical",
    "bone_lesion": "lytic",
    "alignment": "subluxation_translation",
    "collapse": "over_50_percent",
    "posterolateral": "bilateral",
}
# Prognostic inputs of a widespread lung primary: revised Tokuhashi extraspinal >=3 0 +
# vertebral >=3 0 + visceral unremovable 0 + lung 0 = 0, plus KPS and Frankel points.
WIDESPREAD: dict[str, Any] = {
    "vertebral_metastases": 3,
    "extraspinal_bone_metastases": 3,
    "visceral_metastases": "unremovable",
}
# A solitary metastasis: Tokuhashi extraspinal 0 -> 2, vertebral 1 -> 2, visceral none -> 2.
SOLITARY: dict[str, Any] = {
    "vertebral_metastases": 1,
    "extraspinal_bone_metastases": 0,
    "visceral_metastases": "none",
}


def case(**fields: Any) -> dict[str, Any]:
    """The baseline patient with the vignette's own findings on top."""
    return {**BASELINE, **fields}


def case_without(*missing: str, **fields: Any) -> dict[str, Any]:
    """As case(), with some baseline inputs left unknown."""
    return {key: value for key, value in case(**fields).items() if key not in missing}


# The index patient of the trial: fit 58-year-old, tissue-proven lung cancer, T6, one level,
# Frankel C for 24 h, Bilsky 3 from the front, stable (T6 semi-rigid 1 + QUIET 2 = 3),
# clinician estimate 12 months.
LUNG_T6_MESCC: dict[str, Any] = {
    "level": "T6",
    "histology": "lung",
    "kps": 90,
    "frankel": "C",
    "deficit_duration_hours": 24,
    "escc_grade": "3",
    "compression_site": "anterior",
    "expected_survival_months": 12,
    **QUIET,
}


def lung_mescc(**changes: Any) -> dict[str, Any]:
    return case(**{**LUNG_T6_MESCC, **changes})


def lung_mescc_without(*missing: str, **changes: Any) -> dict[str, Any]:
    return {k: v for k, v in lung_mescc(**changes).items() if k not in missing}


# What a fit patient with an urgent need in a stable thoracic spine must show whatever the
# evidence weights (C10, C8, C21).
URGENT_FIT_CEILINGS: dict[str, str] = {
    NO: CAUTION,
    VA: CAUTION,
    PS: CAUTION,
    AA: CONSIDER,
    ET: CAUTION,
}
# Moribund (C2): every operation not suggested.
MORIBUND_VERDICTS: dict[str, str] = dict.fromkeys(OPERATIONS, NOT_SUGGESTED)
# Unfit (C3) or fit_for_open_surgery false: open major surgery not suggested.
UNFIT_VERDICTS: dict[str, str] = dict.fromkeys(OPEN_MAJOR, NOT_SUGGESTED)
# Cervical or sacral (C1): every operation out of scope.
OUT_OF_SCOPE_VERDICTS: dict[str, str] = dict.fromkeys(OPERATIONS, OUT_OF_SCOPE)


VIGNETTES: list[Any] = [
    # ---------------------------------------------------------------- decompression, class
    # Dangerous pattern 1: fit (KPS 90) lung primary, Frankel C 24 h, Bilsky 3 -> rule 5 urgent
    # (patchell2005_rct). C10: NO caution (fit, <65); C21: AA <= consider and below PO; C8: ET
    # caution. An open decompression must come first, never radiotherapy alone.
    pytest.param(
        lung_mescc(),
        {
            "top_in": [PO, PPF],
            "at_most": URGENT_FIT_CEILINGS,
            "before": [[PO, NO], [PO, AA], [PO, ET]],
            "needs": {
                "decompression": "urgent",
                "stabilisation": "none",
                "cement_candidate": "no",
                "fitness": "fit",
            },
            "alerts_include": ["time_critical"],
            "alerts_exclude": [
                "outside_trial",
                "established_paraplegia",
                "age_65_or_more",
                "fitness_unknown",
                "unfit_for_open_surgery",
                "performance_may_reflect_deficit",
                "deficit_not_explained_by_grade",
                "outside_thoracolumbar_scope",
            ],
        },
        id="fit_lung_frankel_c_bilsky3_open_decompression_first",
    ),
    # Same patient with a widespread-disease Tokuhashi band: KPS 90 2 + extraspinal 0 +
    # vertebral 0 + visceral 0 + lung 0 + Frankel C 1 = 3 (under 6 months) beside the estimate
    # of 12 months. Bands never set fitness (principle 2, zoccali2016_tokuhashi_pitfalls):
    # still fit, still operated, and the disagreement is reported.
    pytest.param(
        lung_mescc(**WIDESPREAD),
        {
            "top_in": [PO, PPF],
            "at_most": URGENT_FIT_CEILINGS,
            "before": [[PO, NO]],
            "needs": {"decompression": "urgent", "fitness": "fit"},
            "alerts_include": ["prognostic_disagreement", "time_critical"],
            "alerts_exclude": ["fitness_unknown"],
        },
        id="fit_lung_tokuhashi_under_6_months_still_operated_and_disagreement_shown",
    ),
    # Same without a clinician estimate: fitness comes from KPS 90 (fit), not from the band;
    # the survival gates (C3 "<3 months", C7) are unknown and the estimate is decisive, since
    # an estimate under 3 months would bar open surgery
    # (bindels2025_external_validation_12_survival_models).
    pytest.param(
        lung_mescc_without("expected_survival_months", **WIDESPREAD),
        {
            "top_in": [PO, PPF],
            "needs": {"decompression": "urgent", "fitness": "fit"},
            "provisional": True,
            "decisive_includes": ["expected_survival_months"],
            "alerts_exclude": ["fitness_unknown", "prognostic_disagreement"],
        },
        id="fit_lung_without_estimate_band_does_not_set_fitness_estimate_decisive",
    ),
    # Myeloma is radiosensitive: rule 3 decompression none at any grade, with or without a
    # deficit (laufer2013_noms). T9 1 + QUIET 2 = 3 stable -> C16 NO suggested; C14 caps PS, VA,
    # PO, AA, PPF at caution; ET caution (C8 fit). Frankel D for 5 days: not time critical.
    pytest.param(
        case(
            level="T9",
            histology="myeloma",
            kps=80,
            frankel="D",
            deficit_duration_hours=120,
            escc_grade="3",
            compression_site="anterior",
            expected_survival_months=24,
            **QUIET,
        ),
        {
            "top": NO,
            "verdict": {NO: SUGGESTED},
            "at_most": {
                VA: CAUTION,
                PS: CAUTION,
                PO: CAUTION,
                AA: CAUTION,
                PPF: CAUTION,
                ET: CAUTION,
            },
            "needs": {
                "decompression": "none",
                "stabilisation": "none",
                "cement_candidate": "no",
                "fitness": "fit",
            },
            "provisional": False,
            "alerts_exclude": ["time_critical", "deficit_not_explained_by_grade"],
        },
        id="myeloma_bilsky3_deficit_radiotherapy_first",
    ),
    # Small-cell lung counts as radiosensitive (aofoundation_radiosensitivity;
    # sclc_epidural_compression_radiotherapy, partial): rule 3 none. T4 1 + 2 = 3 stable ->
    # C16 NO suggested. Frankel E -> C7 ET not suggested.
    pytest.param(
        case(
            level="T4",
            histology="small_cell_lung",
            kps=80,
            frankel="E",
            escc_grade="2",
            compression_site="circumferential",
            expected_survival_months=10,
            **QUIET,
        ),
        {
            "top": NO,
            "verdict": {NO: SUGGESTED, ET: NOT_SUGGESTED},
            "needs": {"decompression": "none", "stabilisation": "none"},
            "provisional": False,
        },
        id="small_cell_lung_bilsky2_intact_radiotherapy_first",
    ),
    # Lymphoma, Bilsky 3 by epidural soft tissue, Frankel C for 30 h: rule 3 none -> C16 NO
    # suggested, but the deficit under 48 h is still time critical (radiotherapy within 24 h,
    # nice_qs56_statement6_rt_within_24h).
    pytest.param(
        case(
            level="T7",
            histology="lymphoma",
            kps=80,
            frankel="C",
            deficit_duration_hours=30,
            escc_grade="3",
            compression_site="anterior",
            expected_survival_months=24,
            **QUIET,
        ),
        {
            "top": NO,
            "verdict": {NO: SUGGESTED},
            "needs": {"decompression": "none"},
            "alerts_include": ["time_critical"],
        },
        id="lymphoma_bilsky3_deficit_soft_tissue_radiotherapy_first",
    ),
    # The same lymphoma compressing the cord with retropulsed bone: the radiosensitive
    # exemption is lost (rule 3, panel convention) and rule 5 applies -> urgent; radiotherapy
    # cannot move a bone fragment. Fit, <65 -> C10 NO caution.
    pytest.param(
        case(
            level="T7",
            histology="lymphoma",
            kps=80,
            frankel="C",
            deficit_duration_hours=30,
            escc_grade="3",
            compression_site="anterior",
            compression_by="bone",
            expected_survival_months=24,
            **QUIET,
        ),
        {
            "top_in": [PO, PPF],
            "at_most": URGENT_FIT_CEILINGS,
            "before": [[PO, NO]],
            "needs": {"decompression": "urgent", "cement_candidate": "no"},
        },
        id="lymphoma_bilsky3_deficit_retropulsed_bone_operate",
    ),
    # Lymphoma, Bilsky 2 from tumour and bone ("both" counts as bone), neurologically intact:
    # rule 3 lost, rules 4-6 do not apply (no deficit, not radioresistant) -> rule 7
    # borderline. C15: NO at least consider and first; PO consider; AA, PPF caution. C14: PS,
    # VA caution (mechanical pain absent -> not a cement candidate). C7: Frankel E -> ET no.
    pytest.param(
        case(
            level="T7",
            histology="lymphoma",
            kps=80,
            frankel="E",
            escc_grade="2",
            compression_site="anterior",
            compression_by="both",
            expected_survival_months=24,
            **QUIET,
        ),
        {
            "top": NO,
            "at_least": {NO: CONSIDER},
            "at_most": {PO: CONSIDER, AA: CAUTION, PPF: CAUTION, PS: CAUTION, VA: CAUTION},
            "verdict": {ET: NOT_SUGGESTED},
            "needs": {"decompression": "borderline", "stabilisation": "none"},
            "provisional": False,
        },
        id="lymphoma_bilsky2_intact_bone_and_tumour_borderline",
    ),
    # Renal is radioresistant: intact, Bilsky 2 -> rule 6 indicated (separation surgery then
    # SBRT, laufer2013_separation_surgery_srs). T10 1 + 2 = 3 stable. C10 NO caution (fit, <65);
    # C7 ET not suggested (Frankel E).
    pytest.param(
        case(
            level="T10",
            histology="renal",
            kps=90,
            frankel="E",
            escc_grade="2",
            compression_site="circumferential",
            expected_survival_months=24,
            **QUIET,
        ),
        {
            "top_in": [PO, PPF],
            "at_most": {NO: CAUTION, VA: CAUTION, PS: CAUTION, AA: CONSIDER},
            "verdict": {ET: NOT_SUGGESTED},
            "before": [[PO, NO], [PO, AA]],
            "needs": {"decompression": "indicated", "stabilisation": "none"},
            "alerts_exclude": ["time_critical"],
        },
        id="renal_bilsky2_intact_separation_surgery",
    ),
    # Breast is intermediate (panel convention): intact, Bilsky 2 -> rule 7 borderline:
    # radiotherapy or SBRT first with a surgical opinion. C15 NO first; C14 exception PO
    # consider at Bilsky 2-3; AA, PPF caution; C7 ET not suggested.
    pytest.param(
        case(
            level="T8",
            histology="breast",
            kps=90,
            frankel="E",
            escc_grade="2",
            compression_site="circumferential",
            expected_survival_months=36,
            **QUIET,
        ),
        {
            "top": NO,
            "at_least": {NO: CONSIDER},
            "at_most": {PO: CONSIDER, AA: CAUTION, PPF: CAUTION, PS: CAUTION, VA: CAUTION},
            "verdict": {ET: NOT_SUGGESTED},
            "needs": {"decompression": "borderline", "stabilisation": "none"},
            "provisional": False,
        },
        id="breast_bilsky2_intact_radiotherapy_first_with_surgical_opinion",
    ),
    # Frankel E -> D boundary: the same breast patient with a motor deficit for 36 h -> rule 5
    # urgent (patchell2005_rct), time critical; C10 NO caution.
    pytest.param(
        case(
            level="T8",
            histology="breast",
            kps=90,
            frankel="D",
            deficit_duration_hours=36,
            escc_grade="2",
            compression_site="circumferential",
            expected_survival_months=36,
            **QUIET,
        ),
        {
            "top_in": [PO, PPF],
            "at_most": URGENT_FIT_CEILINGS,
            "before": [[PO, NO]],
            "needs": {"decompression": "urgent"},
            "alerts_include": ["time_critical"],
            "alerts_exclude": ["outside_trial"],
        },
        id="breast_bilsky2_motor_deficit_operate",
    ),
    # Sarcoma is treated as intermediate until the clinician sets it (no curated record):
    # intact Bilsky 2 -> rule 7 borderline -> C15 NO first. T11 junctional 3 + 2 = 5 stable.
    pytest.param(
        case(
            level="T11",
            histology="sarcoma",
            kps=90,
            frankel="E",
            escc_grade="2",
            compression_site="circumferential",
            expected_survival_months=18,
            **QUIET,
        ),
        {
            "top": NO,
            "at_least": {NO: CONSIDER},
            "at_most": {PO: CONSIDER, AA: CAUTION, PPF: CAUTION},
            "needs": {"decompression": "borderline", "stabilisation": "none"},
        },
        id="sarcoma_bilsky2_intact_treated_as_intermediate",
    ),
    # The clinician sets the sarcoma radioresistant: rule 6 indicated (laufer2013_noms).
    pytest.param(
        case(
            level="T11",
            histology="sarcoma",
            radiosensitivity="resistant",
            kps=90,
            frankel="E",
            escc_grade="2",
            compression_site="circumferential",
            expected_survival_months=18,
            **QUIET,
        ),
        {
            "top_in": [PO, PPF],
            "at_most": {NO: CAUTION, VA: CAUTION, PS: CAUTION, AA: CONSIDER},
            "needs": {"decompression": "indicated"},
            "decisive_excludes": ["radiosensitivity"],
        },
        id="sarcoma_set_radioresistant_bilsky2_intact_indicated",
    ),
    # Unknown primary without radiosensitivity: class unknown, treated as not radiosensitive
    # -> rule 7 borderline -> NO first. If sensitive: rule 3 (NO first too); if resistant:
    # rule 6 indicated (surgery first) -> radiosensitivity is decisive. Unknown primary also
    # raises the tissue alert (quraishi2014_mscc_unknown_primary).
    pytest.param(
        case(
            level="T8",
            histology="unknown_primary",
            kps=80,
            frankel="E",
            escc_grade="2",
            compression_site="circumferential",
            expected_survival_months=12,
            **QUIET,
        ),
        {
            "top": NO,
            "needs": {"decompression": "borderline"},
            "provisional": True,
            "decisive_includes": ["radiosensitivity"],
            "alerts_include": ["no_tissue_diagnosis"],
        },
        id="unknown_primary_bilsky2_intact_provisional_on_radiosensitivity",
    ),
    # Unknown primary that the clinician sets radioresistant: rule 6 indicated, and the class
    # is no longer an unknown.
    pytest.param(
        case(
            level="T8",
            histology="unknown_primary",
            radiosensitivity="resistant",
            kps=80,
            frankel="E",
            escc_grade="2",
            compression_site="circumferential",
            expected_survival_months=12,
            **QUIET,
        ),
        {
            "top_in": [PO, PPF],
            "needs": {"decompression": "indicated"},
            "decisive_excludes": ["radiosensitivity"],
            "alerts_include": ["no_tissue_diagnosis"],
        },
        id="unknown_primary_set_radioresistant_indicated",
    ),
    # "Other" histology set radiosensitive (e.g. a germ-cell tumour): rule 3 none even with a
    # deficit and Bilsky 3; T5 1 + 2 = 3 stable -> C16 NO suggested.
    pytest.param(
        case(
            level="T5",
            histology="other",
            radiosensitivity="sensitive",
            kps=80,
            frankel="D",
            deficit_duration_hours=100,
            escc_grade="3",
            compression_site="anterior",
            expected_survival_months=24,
            **QUIET,
        ),
        {
            "top": NO,
            "verdict": {NO: SUGGESTED},
            "needs": {"decompression": "none"},
            "provisional": False,
            "decisive_excludes": ["radiosensitivity"],
        },
        id="other_histology_set_radiosensitive_bilsky3_deficit_radiotherapy_first",
    ),
    # Suspected lymphoma without tissue: treated as not radiosensitive -> rule 5 urgent; with an
    # urgent need in a fit patient, surgery with biopsy is the diagnostic step
    # (quraishi2014_mscc_unknown_primary, wanman2017_mscc_first_sign_of_malignancy).
    pytest.param(
        lung_mescc(histology="lymphoma", tissue_diagnosis=False, level="T7"),
        {
            "top_in": [PO, PPF],
            "at_most": URGENT_FIT_CEILINGS,
            "needs": {"decompression": "urgent"},
            "provisional": True,
            "alerts_include": ["no_tissue_diagnosis", "time_critical"],
        },
        id="suspected_lymphoma_without_tissue_not_treated_as_radiosensitive",
    ),
    # ------------------------------------------------------------------- rules 1 and 2
    # Rule 1: Bilsky grade unknown -> decompression unknown; C6 every option at most consider;
    # ET caution (C8: fit, and Bilsky unknown). Lung with Frankel D: Bilsky 2 would make it
    # urgent (surgery first), Bilsky 0 none (NO first) -> escc_grade decisive.
    pytest.param(
        lung_mescc_without("escc_grade", level="T8", frankel="D", deficit_duration_hours=100),
        {
            "at_most": {
                NO: CONSIDER,
                VA: CONSIDER,
                PS: CONSIDER,
                PO: CONSIDER,
                AA: CONSIDER,
                PPF: CONSIDER,
                ET: CAUTION,
            },
            "needs": {"decompression": "unknown"},
            "provisional": True,
            "decisive_includes": ["escc_grade"],
        },
        id="bilsky_unknown_every_option_at_most_consider",
    ),
    # Rule 1, Frankel only unknown: rules applied as if intact -> lung Bilsky 2 intact is rule 7
    # borderline (NO first); with a deficit it would be urgent -> frankel decisive; alert to
    # examine the neurology now. ET caution (C8: Frankel unknown).
    pytest.param(
        lung_mescc_without("frankel", "deficit_duration_hours", level="T8", escc_grade="2"),
        {
            "top": NO,
            "at_most": {ET: CAUTION},
            "needs": {"decompression": "borderline"},
            "provisional": True,
            "decisive_includes": ["frankel"],
            "alerts_include": ["examine_neurology"],
        },
        id="frankel_unknown_treated_as_intact_examine_neurology_now",
    ),
    # Bilsky 1b/1c boundary, part 1: renal, intact, 1b -> rule 2 none; stable -> C16 NO
    # suggested; C13 PO, AA, PPF caution; C7 ET not suggested (Bilsky 0-1b and Frankel E).
    pytest.param(
        case(
            level="T10",
            histology="renal",
            kps=90,
            frankel="E",
            escc_grade="1b",
            compression_site="circumferential",
            expected_survival_months=24,
            **QUIET,
        ),
        {
            "top": NO,
            "verdict": {NO: SUGGESTED, ET: NOT_SUGGESTED},
            "at_most": {PO: CAUTION, AA: CAUTION, PPF: CAUTION, PS: CAUTION, VA: CAUTION},
            "needs": {"decompression": "none", "stabilisation": "none", "cement_candidate": "no"},
            "provisional": False,
        },
        id="renal_bilsky1b_intact_radiotherapy_suggested",
    ),
    # Part 2: the same renal lesion at 1c -> rule 7 borderline (rule 6 needs 2-3 when intact);
    # C14 exception: PO consider for a radioresistant 1c; C15 NO first.
    pytest.param(
        case(
            level="T10",
            histology="renal",
            kps=90,
            frankel="E",
            escc_grade="1c",
            compression_site="circumferential",
            expected_survival_months=24,
            **QUIET,
        ),
        {
            "top": NO,
            "at_least": {NO: CONSIDER},
            "at_most": {PO: CONSIDER, AA: CAUTION, PPF: CAUTION},
            "needs": {"decompression": "borderline"},
        },
        id="renal_bilsky1c_intact_borderline_posterior_consider",
    ),
    # Breast (intermediate) at 1c intact: borderline, and the C14 exception does not apply ->
    # PO caution.
    pytest.param(
        case(
            level="T8",
            histology="breast",
            kps=90,
            frankel="E",
            escc_grade="1c",
            compression_site="circumferential",
            expected_survival_months=24,
            **QUIET,
        ),
        {
            "top": NO,
            "at_least": {NO: CONSIDER},
            "at_most": {PO: CAUTION, AA: CAUTION, PPF: CAUTION},
            "needs": {"decompression": "borderline"},
        },
        id="breast_bilsky1c_intact_borderline_posterior_caution",
    ),
    # Rule 2 with a deficit: Bilsky 1b cannot explain Frankel D -> none, and the alert to
    # re-read the MRI and look for root or conus causes (bilsky2010_escc). C7 ET not suggested.
    pytest.param(
        case(
            level="T8",
            histology="breast",
            kps=90,
            frankel="D",
            deficit_duration_hours=100,
            escc_grade="1b",
            compression_site="circumferential",
            expected_survival_months=24,
            **QUIET,
        ),
        {
            "top": NO,
            "verdict": {NO: SUGGESTED, ET: NOT_SUGGESTED},
            "needs": {"decompression": "none"},
            "alerts_include": ["deficit_not_explained_by_grade"],
            "alerts_exclude": ["time_critical"],
        },
        id="breast_bilsky1b_with_deficit_grade_does_not_explain_it",
    ),
    # Rule 6 second limb: Bilsky 1c with a deficit (soft tissue, intermediate) -> indicated.
    # C10 NO caution (fit, <65).
    pytest.param(
        case(
            level="T8",
            histology="breast",
            kps=90,
            frankel="D",
            deficit_duration_hours=100,
            escc_grade="1c",
            compression_site="circumferential",
            expected_survival_months=24,
            **QUIET,
        ),
        {
            "top_in": [PO, PPF],
            "at_most": URGENT_FIT_CEILINGS,
            "needs": {"decompression": "indicated"},
            "alerts_exclude": ["deficit_not_explained_by_grade", "time_critical"],
        },
        id="breast_bilsky1c_with_deficit_indicated",
    ),
    # Rule 5 second limb: the same 1c deficit caused by a bone fragment -> urgent.
    pytest.param(
        case(
            level="T8",
            histology="breast",
            kps=90,
            frankel="D",
            deficit_duration_hours=100,
            escc_grade="1c",
            compression_site="anterior",
            compression_by="bone",
            expected_survival_months=24,
            **QUIET,
        ),
        {
            "top_in": [PO, PPF],
            "at_most": URGENT_FIT_CEILINGS,
            "needs": {"decompression": "urgent"},
        },
        id="breast_bilsky1c_with_deficit_bone_fragment_urgent",
    ),
    # Rule 5 with progression after remote radiation: 1c with a deficit -> urgent; outside the
    # trial (jnsspine2018_postop_sbrt_reirradiation_mescc).
    pytest.param(
        case(
            level="T8",
            histology="breast",
            kps=90,
            frankel="D",
            deficit_duration_hours=100,
            escc_grade="1c",
            compression_site="circumferential",
            prior_radiation="remote",
            progression_after_radiation=True,
            expected_survival_months=24,
            **QUIET,
        ),
        {
            "needs": {"decompression": "urgent"},
            "alerts_include": ["progression_after_radiation", "outside_trial"],
        },
        id="breast_bilsky1c_deficit_progressing_after_radiation_urgent",
    ),
    # ---------------------------------------------------------------- rule 4, duration
    # Frankel A for 49 h: established paraplegia -> rule 4 borderline, outside the trial
    # (mescc2024_paralysis_over_48h_surgery, partial). C15 NO at least consider and first; PO
    # consider; AA, PPF caution; C14 PS, VA caution; C8 ET caution (Frankel A-B).
    pytest.param(
        lung_mescc(frankel="A", deficit_duration_hours=49),
        {
            "top": NO,
            "at_least": {NO: CONSIDER},
            "at_most": {
                PO: CONSIDER,
                AA: CAUTION,
                PPF: CAUTION,
                PS: CAUTION,
                VA: CAUTION,
                ET: CAUTION,
            },
            "needs": {"decompression": "borderline"},
            "provisional": False,
            "alerts_include": ["established_paraplegia", "outside_trial"],
            "alerts_exclude": ["time_critical"],
        },
        id="paraplegia_49_hours_established_non_operative_first",
    ),
    # Frankel A for 47 h: still within the trial (not paraplegic > 48 h) -> rule 5 urgent,
    # time critical (patchell2005_rct: 62% vs 19% of non-ambulant patients walked again).
    pytest.param(
        lung_mescc(frankel="A", deficit_duration_hours=47),
        {
            "top_in": [PO, PPF],
            "at_most": URGENT_FIT_CEILINGS,
            "before": [[PO, NO]],
            "needs": {"decompression": "urgent"},
            "alerts_include": ["time_critical"],
            "alerts_exclude": ["established_paraplegia", "outside_trial"],
        },
        id="paraplegia_47_hours_within_trial_operate",
    ),
    # Frankel B of unknown duration: presumed acute (urgent, time critical) but provisional;
    # over 48 h it would be borderline with NO first -> deficit_duration_hours decisive.
    pytest.param(
        lung_mescc_without("deficit_duration_hours", frankel="B"),
        {
            "top_in": [PO, PPF],
            "needs": {"decompression": "urgent"},
            "provisional": True,
            "decisive_includes": ["deficit_duration_hours"],
            "alerts_include": ["time_critical"],
            "alerts_exclude": ["established_paraplegia"],
        },
        id="frankel_b_duration_unknown_presumed_acute",
    ),
    # Frankel C for 200 h: the 48 h limit applies to Frankel A-B only; C-D of any duration is
    # within the trial -> urgent, not time critical (not rapidly progressive).
    pytest.param(
        lung_mescc(frankel="C", deficit_duration_hours=200, escc_grade="2"),
        {
            "top_in": [PO, PPF],
            "at_most": URGENT_FIT_CEILINGS,
            "needs": {"decompression": "urgent"},
            "alerts_exclude": ["time_critical", "established_paraplegia", "outside_trial"],
        },
        id="frankel_c_for_200_hours_still_within_trial",
    ),
    # A rapidly progressive deficit is time critical whatever its age.
    pytest.param(
        lung_mescc(frankel="D", deficit_duration_hours=200, rapidly_progressive_deficit=True),
        {
            "needs": {"decompression": "urgent"},
            "alerts_include": ["time_critical"],
        },
        id="rapidly_progressive_frankel_d_time_critical",
    ),
    # Discrete levels: rule 4 borderline even with Frankel C and Bilsky 2; radiotherapy to
    # every level first, an operation at most consider, outside the trial
    # (alcorn2024_astro_bone_metastases_ebrt). The deficit is 24 h old -> time critical.
    pytest.param(
        lung_mescc(escc_grade="2", compression_extent="discrete"),
        {
            "top": NO,
            "at_least": {NO: CONSIDER},
            "at_most": {
                PO: CONSIDER,
                AA: CAUTION,
                PPF: CAUTION,
                PS: CAUTION,
                VA: CAUTION,
                ET: CAUTION,
            },
            "needs": {"decompression": "borderline"},
            "alerts_include": ["discrete_levels", "outside_trial", "time_critical"],
        },
        id="discrete_levels_radiotherapy_to_every_level_first",
    ),
    # Established paraplegia (Frankel A, 96 h) in a grossly unstable T12: T12 junctional 3 +
    # mechanical 3 + lytic 2 + subluxation 4 + >50% 3 + bilateral 3 = 18 -> needed. C12 (fit):
    # NO not suggested, overriding C15's "NO first"; C7 ET not suggested (SINS 13+). Surgery for
    # instability (mescc2024_paralysis_over_48h_surgery; fisher2010_sins).
    pytest.param(
        lung_mescc(
            level="T12",
            frankel="A",
            deficit_duration_hours=96,
            kps=80,
            expected_survival_months=8,
            compression_site="circumferential",
            **GROSSLY_UNSTABLE,
        ),
        {
            "top_in": [PS, PO, PPF],
            "verdict": {NO: NOT_SUGGESTED, ET: NOT_SUGGESTED},
            "at_most": {VA: CAUTION},
            "needs": {
                "decompression": "borderline",
                "stabilisation": "needed",
                "cement_candidate": "no",
            },
            "alerts_include": ["established_paraplegia", "outside_trial"],
        },
        id="established_paraplegia_unstable_spine_stabilise",
    ),
    # ------------------------------------------------------ progression after radiation
    # Myeloma progressing at an irradiated level: the radiosensitive exemption is removed
    # (rule 3) and intact Bilsky 2 becomes rule 6 indicated; remote radiation so C11 does not
    # apply; C10 NO caution (fit, <65) (kawashiro2015_imrt_reirradiation_spine).
    pytest.param(
        case(
            level="T9",
            histology="myeloma",
            kps=80,
            frankel="E",
            escc_grade="2",
            compression_site="circumferential",
            prior_radiation="remote",
            progression_after_radiation=True,
            expected_survival_months=24,
            **QUIET,
        ),
        {
            "top_in": [PO, PPF],
            "at_most": {NO: CAUTION, VA: CAUTION, PS: CAUTION, AA: CONSIDER},
            "verdict": {ET: NOT_SUGGESTED},
            "needs": {"decompression": "indicated"},
            "alerts_include": ["progression_after_radiation", "outside_trial"],
        },
        id="myeloma_progressing_after_radiation_indicated",
    ),
    # Breast, 70 years old, progressing after recent radiation: rule 6 indicated. C10 alone
    # would allow NO consider (65+), but C11 (recent radiation, re-irradiation not yet safe)
    # caps it at caution.
    pytest.param(
        case(
            level="T8",
            histology="breast",
            age_years=70,
            kps=80,
            frankel="E",
            escc_grade="2",
            compression_site="circumferential",
            prior_radiation="recent",
            progression_after_radiation=True,
            expected_survival_months=18,
            **QUIET,
        ),
        {
            "top_in": [PO, PPF],
            "at_most": {NO: CAUTION, AA: CONSIDER},
            "needs": {"decompression": "indicated"},
            "alerts_include": ["progression_after_radiation", "outside_trial", "age_65_or_more"],
        },
        id="breast_age70_progression_after_recent_radiation_no_caution",
    ),
    # The same after remote radiation: re-irradiation (IMRT/SBRT) is an option
    # (kawashiro2015_imrt_reirradiation_spine), C11 does not apply, C10 gives NO consider at
    # 65+; outside the trial, so trial figures alone cannot push NO below caution.
    pytest.param(
        case(
            level="T8",
            histology="breast",
            age_years=70,
            kps=80,
            frankel="E",
            escc_grade="2",
            compression_site="circumferential",
            prior_radiation="remote",
            progression_after_radiation=True,
            expected_survival_months=18,
            **QUIET,
        ),
        {
            "at_most": {NO: CONSIDER},
            "at_least": {NO: CAUTION},
            "needs": {"decompression": "indicated"},
            "alerts_include": ["progression_after_radiation", "outside_trial", "age_65_or_more"],
        },
        id="breast_age70_progression_after_remote_radiation_reirradiation_possible",
    ),
    # Prior radiation alone never sets progression: intact breast Bilsky 2 stays rule 7
    # borderline with NO first.
    pytest.param(
        case(
            level="T8",
            histology="breast",
            kps=90,
            frankel="E",
            escc_grade="2",
            compression_site="circumferential",
            prior_radiation="recent",
            expected_survival_months=24,
            **QUIET,
        ),
        {
            "top": NO,
            "needs": {"decompression": "borderline"},
            "alerts_exclude": ["progression_after_radiation"],
        },
        id="prior_radiation_alone_is_not_progression",
    ),
    # ------------------------------------------------------------------ stabilisation
    # Intact breast, Bilsky 1a, T7 1 + GROSSLY_UNSTABLE 15 = 16 -> needed; decompression none.
    # C12 (fit): NO not suggested, VA caution; C13 PO, AA, PPF caution; C7 ET not suggested;
    # PS is the only uncapped option (stabilisation without decompression,
    # kwan2016_mist_percutaneous).
    pytest.param(
        case(
            level="T7",
            histology="breast",
            kps=90,
            frankel="E",
            escc_grade="1a",
            compression_site="circumferential",
            expected_survival_months=24,
            **GROSSLY_UNSTABLE,
        ),
        {
            "top": PS,
            "verdict": {NO: NOT_SUGGESTED, ET: NOT_SUGGESTED},
            "at_most": {VA: CAUTION, PO: CAUTION, AA: CAUTION, PPF: CAUTION},
            "needs": {
                "decompression": "none",
                "stabilisation": "needed",
                "cement_candidate": "no",
            },
            "provisional": False,
            "alerts_exclude": ["sins_surgical_opinion"],
        },
        id="unstable_spine_low_grade_compression_percutaneous_stabilisation_first",
    ),
    # Myeloma Bilsky 2 intact with SINS 16 (T7 1 + 15): decompression none (rule 3) but
    # stabilisation needed: stabilise, then radiotherapy (laufer2013_noms). C12 NO not
    # suggested (fit).
    pytest.param(
        case(
            level="T7",
            histology="myeloma",
            kps=80,
            frankel="E",
            escc_grade="2",
            compression_site="circumferential",
            expected_survival_months=36,
            **GROSSLY_UNSTABLE,
        ),
        {
            "top_in": [PS, PO, PPF],
            "verdict": {NO: NOT_SUGGESTED, ET: NOT_SUGGESTED},
            "at_most": {VA: CAUTION},
            "needs": {"decompression": "none", "stabilisation": "needed"},
        },
        id="myeloma_unstable_stabilise_then_radiotherapy",
    ),
    # sins_total 13 (lower edge of unstable) in a higher-risk patient (KPS 60): C12 NO not
    # suggested also when higher risk; C13 PO, AA, PPF caution; cement unknown with a total only.
    pytest.param(
        case(
            level="T8",
            histology="breast",
            kps=60,
            frankel="E",
            escc_grade="1b",
            compression_site="circumferential",
            expected_survival_months=12,
            sins_total=13,
        ),
        {
            "top": PS,
            "verdict": {NO: NOT_SUGGESTED, ET: NOT_SUGGESTED},
            "at_most": {VA: CAUTION, PO: CAUTION, AA: CAUTION, PPF: CAUTION},
            "needs": {
                "decompression": "none",
                "stabilisation": "needed",
                "cement_candidate": "unknown",
                "fitness": "higher_risk",
            },
        },
        id="sins_total_13_higher_risk_non_operative_not_suggested",
    ),
    # sins_total 12 (upper edge of indeterminate): surgical opinion
    # (fourney2011_sins_reliability_validity); C16 does not apply (stabilisation not none),
    # so NO has no floor; C13 PO, AA, PPF caution.
    pytest.param(
        case(
            level="T8",
            histology="breast",
            kps=90,
            frankel="E",
            escc_grade="1a",
            compression_site="circumferential",
            expected_survival_months=24,
            sins_total=12,
        ),
        {
            "verdict": {ET: NOT_SUGGESTED},
            "at_most": {PO: CAUTION, AA: CAUTION, PPF: CAUTION},
            "needs": {
                "decompression": "none",
                "stabilisation": "surgical_opinion",
                "cement_candidate": "unknown",
            },
            "alerts_include": ["sins_surgical_opinion"],
        },
        id="sins_total_12_surgical_opinion",
    ),
    # Unstable and unfit (KPS 40), lung Frankel C Bilsky 3: urgent, SINS 16 (T8 1 + 15).
    # Open surgery not suggested (C3); ET not suggested (C7, SINS 13+: it does not stabilise);
    # C12 unfit -> NO caution; C10 PS, VA caution. ET must not come first in an unstable spine.
    pytest.param(
        lung_mescc(
            level="T8",
            kps=40,
            deficit_duration_hours=100,
            expected_survival_months=6,
            **GROSSLY_UNSTABLE,
        ),
        {
            "top_in": [PS, NO],
            "verdict": {**UNFIT_VERDICTS, ET: NOT_SUGGESTED},
            "at_most": {NO: CAUTION, PS: CAUTION, VA: CAUTION},
            "needs": {"decompression": "urgent", "stabilisation": "needed", "fitness": "unfit"},
            "alerts_include": ["unfit_for_open_surgery", "performance_may_reflect_deficit"],
        },
        id="unstable_unfit_endoscopic_never_first",
    ),
    # SINS 7 from items, lower edge: T6 semi-rigid 1 + mechanical 3 + blastic 0 + normal 0 +
    # <50% 2 + unilateral 1 = 7 -> surgical opinion. Cement candidate: mechanical pain,
    # collapse <50%, Bilsky 1b, soft tissue, normal alignment, not bilateral
    # (berenson2011_cafe_kyphoplasty_rct).
    pytest.param(
        case(
            level="T6",
            histology="breast",
            kps=90,
            frankel="E",
            escc_grade="1b",
            compression_site="circumferential",
            expected_survival_months=24,
            pain="mechanical",
            bone_lesion="blastic",
            alignment="normal",
            collapse="under_50_percent",
            posterolateral="unilateral",
        ),
        {
            "verdict": {ET: NOT_SUGGESTED},
            "at_most": {PO: CAUTION, AA: CAUTION, PPF: CAUTION},
            "needs": {
                "decompression": "none",
                "stabilisation": "surgical_opinion",
                "cement_candidate": "yes",
            },
            "alerts_include": ["sins_surgical_opinion"],
        },
        id="sins_items_7_surgical_opinion_cement_candidate",
    ),
    # SINS 6 from items, upper edge of stable: as above with posterolateral none: 1 + 3 + 0 +
    # 0 + 2 + 0 = 6. C16 NO suggested; VA uncapped for a cement candidate (C14), so either may
    # lead; PS caution.
    pytest.param(
        case(
            level="T6",
            histology="breast",
            kps=90,
            frankel="E",
            escc_grade="1b",
            compression_site="circumferential",
            expected_survival_months=24,
            pain="mechanical",
            bone_lesion="blastic",
            alignment="normal",
            collapse="under_50_percent",
            posterolateral="none",
        ),
        {
            "top_in": [NO, VA],
            "verdict": {NO: SUGGESTED, ET: NOT_SUGGESTED},
            "at_most": {PS: CAUTION, PO: CAUTION, AA: CAUTION, PPF: CAUTION},
            "needs": {
                "decompression": "none",
                "stabilisation": "none",
                "cement_candidate": "yes",
            },
            "alerts_exclude": ["sins_surgical_opinion"],
        },
        id="sins_items_6_stable_cement_candidate",
    ),
    # Cement excluded by bone: the SINS 7 lesion with a retropulsed fragment (Bilsky 1b ->
    # still rule 2 none). Panel convention.
    pytest.param(
        case(
            level="T6",
            histology="breast",
            kps=90,
            frankel="E",
            escc_grade="1b",
            compression_site="anterior",
            compression_by="bone",
            expected_survival_months=24,
            pain="mechanical",
            bone_lesion="blastic",
            alignment="normal",
            collapse="under_50_percent",
            posterolateral="unilateral",
        ),
        {
            "needs": {
                "decompression": "none",
                "stabilisation": "surgical_opinion",
                "cement_candidate": "no",
            },
        },
        id="cement_excluded_by_retropulsed_bone",
    ),
    # Cement excluded by bilateral posterolateral disease: T6 1 + mechanical 3 + lytic 2 +
    # normal 0 + <50% 2 + bilateral 3 = 11 -> surgical opinion.
    pytest.param(
        case(
            level="T6",
            histology="breast",
            kps=90,
            frankel="E",
            escc_grade="1b",
            compression_site="circumferential",
            expected_survival_months=24,
            pain="mechanical",
            bone_lesion="lytic",
            alignment="normal",
            collapse="under_50_percent",
            posterolateral="bilateral",
        ),
        {
            "needs": {"stabilisation": "surgical_opinion", "cement_candidate": "no"},
            "alerts_include": ["sins_surgical_opinion"],
        },
        id="cement_excluded_by_bilateral_posterolateral_disease",
    ),
    # Alignment not recorded, range straddles a band: T12 junctional 3 + mechanical 3 + lytic
    # 2 + >50% 3 + none 0 = 11, plus alignment 0/2/4 -> 11, 13 or 15: surgical opinion or
    # needed -> stabilisation unknown; cement unknown (alignment could be subluxation).
    pytest.param(
        case(
            level="T12",
            histology="breast",
            kps=90,
            frankel="E",
            escc_grade="1a",
            compression_site="circumferential",
            expected_survival_months=24,
            pain="mechanical",
            bone_lesion="lytic",
            collapse="over_50_percent",
            posterolateral="none",
        ),
        {"needs": {"stabilisation": "unknown", "cement_candidate": "unknown"}},
        id="sins_alignment_missing_range_11_to_15_unsettled",
    ),
    # Alignment not recorded but the band is settled: T6 1 + mechanical 3 + lytic 2 + <50% 2 +
    # none 0 = 8, plus 0/2/4 -> 8, 10 or 12: surgical opinion whatever the alignment.
    pytest.param(
        case(
            level="T6",
            histology="breast",
            kps=90,
            frankel="E",
            escc_grade="1a",
            compression_site="circumferential",
            expected_survival_months=24,
            pain="mechanical",
            bone_lesion="lytic",
            collapse="under_50_percent",
            posterolateral="none",
        ),
        {
            "needs": {"stabilisation": "surgical_opinion", "cement_candidate": "unknown"},
            "alerts_include": ["sins_surgical_opinion"],
        },
        id="sins_alignment_missing_range_8_to_12_settled",
    ),
    # ------------------------------------------------------------------------- fitness
    # Moribund by KPS 20: every operation not suggested (C2), supportive care first,
    # radiotherapy only with at least 4 weeks to live (alcorn2024_astro_bone_metastases_ebrt).
    # KPS 20 with Frankel C: the status may reflect the new deficit.
    pytest.param(
        lung_mescc(kps=20, expected_survival_months=2),
        {
            "top": NO,
            "verdict": MORIBUND_VERDICTS,
            "needs": {"decompression": "urgent", "fitness": "moribund"},
            "provisional": False,
            "alerts_include": ["moribund_supportive_care", "performance_may_reflect_deficit"],
        },
        id="moribund_kps20_no_operation_suggested",
    ),
    # Moribund by the clinician's estimate (< 1 month) despite KPS 80.
    pytest.param(
        lung_mescc(kps=80, expected_survival_months=0.5, escc_grade="2", frankel="D"),
        {
            "top": NO,
            "verdict": MORIBUND_VERDICTS,
            "needs": {"fitness": "moribund"},
            "alerts_include": ["moribund_supportive_care"],
            "alerts_exclude": ["performance_may_reflect_deficit"],
        },
        id="moribund_by_estimate_despite_kps80",
    ),
    # Moribund by ECOG 4 (no KPS): C2.
    pytest.param(
        case(
            level="T10",
            histology="lung",
            ecog=4,
            frankel="E",
            escc_grade="1a",
            compression_site="circumferential",
            expected_survival_months=2,
            **QUIET,
        ),
        {
            "top": NO,
            "verdict": MORIBUND_VERDICTS,
            "needs": {"fitness": "moribund"},
            "alerts_include": ["moribund_supportive_care"],
        },
        id="moribund_by_ecog4",
    ),
    # The endoscopic indication (li2025_endoscopic_transpedicular): unfit (KPS 40), Frankel D,
    # Bilsky 3, estimate 4 months, SINS 8 (T7 1 + PAINFUL_LYTIC 7). C3 open surgery not
    # suggested; C9 ET at most consider (with an against for SINS 7-12); C10 NO consider as ET
    # is the only option left able to decompress. KPS 40 with Frankel D: no performance alert.
    pytest.param(
        lung_mescc(
            level="T7",
            kps=40,
            frankel="D",
            deficit_duration_hours=100,
            expected_survival_months=4,
            **PAINFUL_LYTIC,
        ),
        {
            "top_in": [NO, ET],
            "verdict": UNFIT_VERDICTS,
            "at_most": {NO: CONSIDER, ET: CONSIDER, VA: CAUTION, PS: CAUTION},
            "needs": {
                "decompression": "urgent",
                "stabilisation": "surgical_opinion",
                "cement_candidate": "no",
                "fitness": "unfit",
            },
            "alerts_include": ["unfit_for_open_surgery", "sins_surgical_opinion"],
            "alerts_exclude": ["performance_may_reflect_deficit"],
        },
        id="unfit_kps40_incomplete_paralysis_endoscopic_considered",
    ),
    # Unfit by an estimate of 2 months (KPS 80): open surgery not suggested (C3) and ET not
    # suggested (C7, estimate < 3 months): no option can decompress -> NO has no C10 ceiling
    # and leads. The same fact is never both for and against ET.
    pytest.param(
        lung_mescc(
            level="T8",
            histology="breast",
            kps=80,
            deficit_duration_hours=72,
            compression_site="circumferential",
            expected_survival_months=2,
        ),
        {
            "top": NO,
            "verdict": {**UNFIT_VERDICTS, ET: NOT_SUGGESTED},
            "at_most": {VA: CAUTION, PS: CAUTION},
            "needs": {"decompression": "urgent", "fitness": "unfit"},
            "alerts_include": ["unfit_for_open_surgery"],
            "alerts_exclude": ["time_critical"],
        },
        id="unfit_estimate_2_months_no_option_can_decompress",
    ),
    # ASA 4 is unfit (panel convention) even with KPS 90: C3; C9 ET consider (unfit, Bilsky 3,
    # Frankel C, estimate 12, SINS 3); C10 NO consider.
    pytest.param(
        lung_mescc(asa_class=4, deficit_duration_hours=100),
        {
            "top_in": [NO, ET],
            "verdict": UNFIT_VERDICTS,
            "at_most": {NO: CONSIDER, ET: CONSIDER},
            "needs": {"fitness": "unfit"},
            "alerts_include": ["unfit_for_open_surgery"],
        },
        id="asa4_unfit_despite_kps90",
    ),
    # Higher risk by KPS 60 (karhade_30day_mortality_nsqip_ml): C5 AA caution, PO and PPF
    # consider; C10 NO consider; C8 ET caution. PO/PPF meet the urgent need, NO does not.
    pytest.param(
        lung_mescc(kps=60, deficit_duration_hours=100, expected_survival_months=9),
        {
            "top_in": [PO, PPF],
            "at_most": {
                PO: CONSIDER,
                PPF: CONSIDER,
                AA: CAUTION,
                NO: CONSIDER,
                ET: CAUTION,
                VA: CAUTION,
                PS: CAUTION,
            },
            "before": [[PO, AA]],
            "needs": {"fitness": "higher_risk"},
            "alerts_exclude": ["unfit_for_open_surgery", "performance_may_reflect_deficit"],
        },
        id="kps60_higher_risk_open_surgery_at_most_consider",
    ),
    # KPS 70, age 64: fit (panel convention KPS 70) and under 65 -> C10 NO caution; no age alert.
    pytest.param(
        lung_mescc(kps=70, age_years=64),
        {
            "top_in": [PO, PPF],
            "at_most": URGENT_FIT_CEILINGS,
            "needs": {"fitness": "fit"},
            "alerts_exclude": ["age_65_or_more"],
        },
        id="kps70_age64_fit_non_operative_caution",
    ),
    # Age 65: the trial's advantage shrank with age (chi2009_age_surgery_mscc) -> C10 NO
    # consider and the age alert; age is not a surgical risk factor, so still fit.
    pytest.param(
        lung_mescc(age_years=65, deficit_duration_hours=100),
        {
            "top_in": [PO, PPF],
            "at_most": {NO: CONSIDER, AA: CONSIDER, ET: CAUTION},
            "needs": {"fitness": "fit"},
            "alerts_include": ["age_65_or_more"],
        },
        id="age65_trial_advantage_shrinks",
    ),
    # Age unknown counts as under 65 for C10 (NO caution); as 65+ would only move NO to
    # consider, below the open options, age is not decisive.
    pytest.param(
        lung_mescc_without("age_years", deficit_duration_hours=100),
        {
            "top_in": [PO, PPF],
            "at_most": {NO: CAUTION},
            "decisive_excludes": ["age_years"],
            "alerts_exclude": ["age_65_or_more"],
        },
        id="age_unknown_counts_as_under_65",
    ),
    # Bleeding risk makes a fit patient higher risk (delagarzaramos_mstfi_frailty_index): C5
    # AA caution, PO/PPF consider; C10 NO consider; C8 ET caution; alert.
    pytest.param(
        case(
            level="T8",
            histology="breast",
            kps=90,
            bleeding_risk=True,
            frankel="D",
            deficit_duration_hours=24,
            escc_grade="2",
            compression_site="circumferential",
            expected_survival_months=24,
            **QUIET,
        ),
        {
            "at_most": {AA: CAUTION, PO: CONSIDER, PPF: CONSIDER, NO: CONSIDER, ET: CAUTION},
            "needs": {"decompression": "urgent", "fitness": "higher_risk"},
            "alerts_include": ["bleeding_risk", "time_critical"],
        },
        id="bleeding_risk_higher_risk",
    ),
    # Bleeding risk in an unfit patient: C8 takes ET from C9's consider to caution.
    pytest.param(
        lung_mescc(
            level="T7",
            kps=40,
            frankel="D",
            deficit_duration_hours=100,
            expected_survival_months=6,
            bleeding_risk=True,
        ),
        {
            "verdict": UNFIT_VERDICTS,
            "at_most": {ET: CAUTION},
            "needs": {"fitness": "unfit"},
            "alerts_include": ["bleeding_risk", "unfit_for_open_surgery"],
        },
        id="unfit_with_bleeding_risk_endoscopic_caution",
    ),
    # Albumin 3.2 g/dL: higher risk (karhade_30day_mortality_nsqip_ml): C5.
    pytest.param(
        lung_mescc(albumin_g_dl=3.2, deficit_duration_hours=100),
        {
            "at_most": {AA: CAUTION, PO: CONSIDER, PPF: CONSIDER, NO: CONSIDER},
            "needs": {"fitness": "higher_risk"},
        },
        id="low_albumin_higher_risk",
    ),
    # Cachexia with an estimate under 6 months (5) is unfit: C3.
    pytest.param(
        lung_mescc(kps=70, cachexia=True, expected_survival_months=5, deficit_duration_hours=100),
        {
            "verdict": UNFIT_VERDICTS,
            "needs": {"fitness": "unfit"},
            "alerts_include": ["unfit_for_open_surgery"],
        },
        id="cachexia_estimate_5_months_unfit",
    ),
    # Cachexia with an estimate of 8 months is higher risk: C5.
    pytest.param(
        lung_mescc(kps=70, cachexia=True, expected_survival_months=8, deficit_duration_hours=100),
        {
            "at_most": {AA: CAUTION, PO: CONSIDER, PPF: CONSIDER},
            "needs": {"fitness": "higher_risk"},
            "alerts_exclude": ["unfit_for_open_surgery"],
        },
        id="cachexia_estimate_8_months_higher_risk",
    ),
    # No performance status, no clinician judgement, no unfit criterion: fitness unknown.
    # C4 PO, AA, PPF consider, ET caution; C10 NO consider (fitness unknown). KPS 30 would bar
    # open surgery -> provisional.
    pytest.param(
        lung_mescc_without("kps", deficit_duration_hours=100),
        {
            "at_most": {PO: CONSIDER, AA: CONSIDER, PPF: CONSIDER, ET: CAUTION, NO: CONSIDER},
            "needs": {"decompression": "urgent", "fitness": "unknown"},
            "provisional": True,
            "alerts_include": ["fitness_unknown"],
            "alerts_exclude": ["unfit_for_open_surgery"],
        },
        id="fitness_unknown_without_performance_status",
    ),
    # ECOG 1 (no KPS) is fit (oken1982_ecog; ma2010_kps_ecog_pps_interconversion).
    pytest.param(
        lung_mescc_without("kps", ecog=1, deficit_duration_hours=100),
        {
            "top_in": [PO, PPF],
            "at_most": URGENT_FIT_CEILINGS,
            "needs": {"fitness": "fit"},
            "alerts_exclude": ["fitness_unknown"],
        },
        id="ecog1_fit",
    ),
    # ECOG 3 with Frankel C is unfit, and the status may reflect the new deficit.
    pytest.param(
        lung_mescc_without("kps", ecog=3, deficit_duration_hours=30),
        {
            "verdict": UNFIT_VERDICTS,
            "needs": {"fitness": "unfit"},
            "alerts_include": ["performance_may_reflect_deficit", "unfit_for_open_surgery"],
        },
        id="ecog3_frankel_c_unfit_status_may_reflect_deficit",
    ),
    # fit_for_open_surgery true replaces the physiology (KPS 40): open surgery is not barred and
    # an open decompression leads for the urgent need; KPS 40 + Frankel C keeps the alert.
    pytest.param(
        lung_mescc(kps=40, fit_for_open_surgery=True, deficit_duration_hours=30),
        {
            "top_in": [PO, PPF],
            "at_least": {PO: CAUTION},
            "alerts_include": ["performance_may_reflect_deficit", "time_critical"],
            "alerts_exclude": ["unfit_for_open_surgery", "moribund_supportive_care"],
        },
        id="judged_fit_for_open_surgery_overrides_kps40",
    ),
    # fit_for_open_surgery true with an estimate of 2 months: open surgery at most caution,
    # not barred; ET not suggested (C7, estimate < 3 months).
    pytest.param(
        lung_mescc(kps=80, fit_for_open_surgery=True, expected_survival_months=2),
        {
            "at_most": {PO: CAUTION, AA: CAUTION, PPF: CAUTION},
            "at_least": {PO: CAUTION},
            "verdict": {ET: NOT_SUGGESTED},
            "alerts_exclude": ["moribund_supportive_care"],
        },
        id="judged_fit_but_estimate_2_months_open_surgery_caution",
    ),
    # fit_for_open_surgery false despite KPS 90: open major surgery not suggested (C3); the
    # rest judged as unfit: C9 ET consider, C10 NO consider.
    pytest.param(
        lung_mescc(fit_for_open_surgery=False, deficit_duration_hours=100),
        {
            "top_in": [NO, ET],
            "verdict": UNFIT_VERDICTS,
            "at_most": {NO: CONSIDER, ET: CONSIDER, VA: CAUTION, PS: CAUTION},
            "alerts_include": ["unfit_for_open_surgery"],
        },
        id="judged_unfit_for_open_surgery_overrides_kps90",
    ),
    # Moribund (estimate 2 weeks) overrides fit_for_open_surgery true: C2 still bars every
    # operation.
    pytest.param(
        lung_mescc(kps=80, fit_for_open_surgery=True, expected_survival_months=0.5),
        {
            "top": NO,
            "verdict": MORIBUND_VERDICTS,
            "needs": {"fitness": "moribund"},
            "alerts_include": ["moribund_supportive_care"],
        },
        id="moribund_overrides_judged_fit_for_open_surgery",
    ),
    # -------------------------------------------------------------- levels and scope
    # C5 (mobile 2 + 2 = 4): cervical is outside the knowledge base (C1): every operation out
    # of scope (mesfin2015_metastatic_cervical_spine_review), NO the only option in scope.
    pytest.param(
        lung_mescc(level="C5"),
        {
            "top": NO,
            "verdict": OUT_OF_SCOPE_VERDICTS,
            "provisional": False,
            "alerts_include": ["outside_thoracolumbar_scope"],
        },
        id="cervical_c5_out_of_scope",
    ),
    # S1 (junctional 3 + 2 = 5) is sacral: C1 out of scope.
    pytest.param(
        case(
            level="S1",
            histology="prostate",
            kps=80,
            frankel="E",
            escc_grade="1b",
            compression_site="circumferential",
            expected_survival_months=36,
            **QUIET,
        ),
        {
            "top": NO,
            "verdict": OUT_OF_SCOPE_VERDICTS,
            "alerts_include": ["outside_thoracolumbar_scope"],
        },
        id="sacral_s1_out_of_scope",
    ),
    # Moribund at a cervical level: out of scope is lower than not suggested and wins.
    pytest.param(
        lung_mescc(level="C7", kps=20, expected_survival_months=2),
        {"top": NO, "verdict": OUT_OF_SCOPE_VERDICTS},
        id="cervical_and_moribund_lowest_ceiling_wins",
    ),
    # T1 (junctional 3 + 2 = 5), fit, urgent (Frankel D 24 h, Bilsky 2, anterior): C18 AA and
    # PPF caution at the cervicothoracic junction (josr2018_cervicothoracic_junction_metastases);
    # posterior-only is the one uncapped route.
    pytest.param(
        lung_mescc(level="T1", frankel="D", escc_grade="2"),
        {
            "top": PO,
            "at_most": {**URGENT_FIT_CEILINGS, AA: CAUTION, PPF: CAUTION},
            "needs": {"decompression": "urgent"},
            "alerts_exclude": ["outside_thoracolumbar_scope"],
        },
        id="t1_cervicothoracic_anterior_routes_caution",
    ),
    # Dorsal compression (C17): AA and PPF caution, the disease is behind the cord; PO leads.
    pytest.param(
        case(
            level="T9",
            histology="breast",
            kps=90,
            frankel="C",
            deficit_duration_hours=30,
            escc_grade="3",
            compression_site="posterior",
            expected_survival_months=24,
            **QUIET,
        ),
        {
            "top": PO,
            "at_most": {**URGENT_FIT_CEILINGS, AA: CAUTION, PPF: CAUTION},
            "before": [[PO, NO], [PO, AA], [PO, PPF]],
            "needs": {"decompression": "urgent"},
            "provisional": False,
        },
        id="posterior_compression_posterior_only_first",
    ),
    # L5 (junctional 3 + 2 = 5): C19 PPF caution (iliac crest; fourman2022_llif_safe_zone_l4l5).
    # L5 is a cauda equina level: need unchanged, outside the trial, so trial figures cannot
    # push NO below its C10 caution.
    pytest.param(
        lung_mescc(level="L5", frankel="D", escc_grade="2"),
        {
            "top": PO,
            "at_most": {**URGENT_FIT_CEILINGS, PPF: CAUTION},
            "at_least": {NO: CAUTION},
            "needs": {"decompression": "urgent"},
            "alerts_include": ["cauda_equina_level", "outside_trial", "time_critical"],
        },
        id="l5_lateral_corpectomy_caution",
    ),
    # L4 (mobile 2 + 2 = 4), circumferential: C20 adds an against on PPF (lateral corpectomy
    # at L4 is very difficult: croci2022_l4_corpectomy); PO carries no such against.
    pytest.param(
        lung_mescc(level="L4", frankel="D", escc_grade="2", compression_site="circumferential"),
        {
            "before": [[PO, PPF], [PO, NO]],
            "at_least": {NO: CAUTION},
            "needs": {"decompression": "urgent"},
            "alerts_include": ["cauda_equina_level"],
        },
        id="l4_percutaneous_fixation_corpectomy_against",
    ),
    # L2 (mobile 2 + 2 = 4), first cauda equina level: Bilsky applied to the thecal sac by
    # analogy, need unchanged (urgent); outside the trial, so NO stays at exactly its C10
    # caution (alcorn2024_astro_bone_metastases_ebrt covers cauda equina).
    pytest.param(
        lung_mescc(level="L2", frankel="D", escc_grade="2", compression_site="circumferential"),
        {
            "top_in": [PO, PPF],
            "at_most": URGENT_FIT_CEILINGS,
            "at_least": {NO: CAUTION},
            "needs": {"decompression": "urgent"},
            "alerts_include": ["cauda_equina_level", "outside_trial", "time_critical"],
        },
        id="l2_cauda_equina_need_unchanged",
    ),
    # L1 (junctional 3 + 2 = 5) counts as cord or conus: no cauda equina alert, within trial.
    pytest.param(
        lung_mescc(level="L1", frankel="D", escc_grade="2"),
        {
            "top_in": [PO, PPF],
            "needs": {"decompression": "urgent"},
            "alerts_exclude": ["cauda_equina_level", "outside_trial"],
        },
        id="l1_counts_as_conus_within_trial",
    ),
    # --------------------------------------------------------- en bloc and prognosis
    # Solitary renal metastasis, fit, estimate 36 months: en bloc referral alert
    # (kato2022_spinal_metastasectomy_outcomes; ohashi2018_en_bloc_spondylectomy_metastases),
    # never a reason for AA. Bilsky 1a, stable -> C16 NO suggested; C13/C14 AA caution.
    # Tokuhashi KPS 2 + 2 + 2 + 2 + kidney 3 + Frankel E 2 = 13 (>= 1 year): agrees.
    pytest.param(
        case(
            level="T10",
            histology="renal",
            kps=90,
            frankel="E",
            escc_grade="1a",
            compression_site="circumferential",
            expected_survival_months=36,
            **SOLITARY,
            **QUIET,
        ),
        {
            "top": NO,
            "verdict": {NO: SUGGESTED},
            "at_most": {AA: CAUTION},
            "alerts_include": ["en_bloc_referral"],
            "alerts_exclude": ["prognostic_disagreement"],
        },
        id="solitary_renal_metastasis_en_bloc_referral",
    ),
    # The same with removable visceral disease: no en bloc referral (Tokuhashi 12, agrees).
    pytest.param(
        case(
            level="T10",
            histology="renal",
            kps=90,
            frankel="E",
            escc_grade="1a",
            compression_site="circumferential",
            expected_survival_months=36,
            **{**SOLITARY, "visceral_metastases": "removable"},
            **QUIET,
        ),
        {"alerts_exclude": ["en_bloc_referral", "prognostic_disagreement"]},
        id="renal_with_visceral_disease_no_en_bloc",
    ),
    # Solitary renal metastasis but higher risk (KPS 60): en bloc needs a fit patient.
    pytest.param(
        case(
            level="T10",
            histology="renal",
            kps=60,
            frankel="E",
            escc_grade="1a",
            compression_site="circumferential",
            expected_survival_months=36,
            **SOLITARY,
            **QUIET,
        ),
        {"needs": {"fitness": "higher_risk"}, "alerts_exclude": ["en_bloc_referral"]},
        id="solitary_renal_higher_risk_no_en_bloc",
    ),
    # Solitary slow-growing breast metastasis (not radiosensitive, primary_growth slow), fit,
    # estimate 24: en bloc referral. Tokuhashi 2 + 2 + 2 + 2 + breast 5 + 2 = 15: agrees.
    pytest.param(
        case(
            level="L3",
            histology="breast",
            primary_growth="slow",
            kps=90,
            frankel="E",
            escc_grade="1a",
            compression_site="circumferential",
            expected_survival_months=24,
            **SOLITARY,
            **QUIET,
        ),
        {
            "top": NO,
            "alerts_include": ["en_bloc_referral"],
            "alerts_exclude": ["prognostic_disagreement"],
        },
        id="solitary_slow_breast_metastasis_en_bloc_referral",
    ),
    # Widespread lung cancer, intact, Bilsky 1a: Tokuhashi KPS 2 + 0 + 0 + 0 + 0 + Frankel E 2
    # = 4 (under 6 months) beside an estimate of 4 months: agreement, no alert. Fit (estimate
    # >= 3); decompression none, stable -> C16 NO suggested.
    pytest.param(
        case(
            level="T8",
            histology="lung",
            kps=90,
            frankel="E",
            escc_grade="1a",
            compression_site="anterior",
            expected_survival_months=4,
            **WIDESPREAD,
            **QUIET,
        ),
        {
            "top": NO,
            "verdict": {NO: SUGGESTED},
            "needs": {"fitness": "fit"},
            "alerts_exclude": ["prognostic_disagreement", "en_bloc_referral"],
        },
        id="tokuhashi_and_estimate_agree_no_disagreement",
    ),
    # ------------------------------------------------- failure patterns, unknowns
    # The old "ventral compression" reason: intact, stable, Bilsky 1b from the front must not
    # put surgery first (C16 NO suggested; C13 open routes caution; the ventral-access reason
    # fires only with an urgent or indicated need).
    pytest.param(
        case(
            level="T8",
            histology="lung",
            kps=90,
            frankel="E",
            escc_grade="1b",
            compression_site="anterior",
            expected_survival_months=12,
            **QUIET,
        ),
        {
            "top": NO,
            "verdict": {NO: SUGGESTED, ET: NOT_SUGGESTED},
            "at_most": {PO: CAUTION, AA: CAUTION, PPF: CAUTION},
            "provisional": False,
        },
        id="intact_stable_low_grade_ventral_compression_not_operated",
    ),
    # Lymphoma whose compressing tissue is not described: counts as soft tissue -> rule 3 none
    # (NO first); bone would make it urgent -> compression_by decisive.
    pytest.param(
        case_without(
            "compression_by",
            level="T7",
            histology="lymphoma",
            kps=80,
            frankel="C",
            deficit_duration_hours=100,
            escc_grade="3",
            compression_site="anterior",
            expected_survival_months=24,
            **QUIET,
        ),
        {
            "top": NO,
            "needs": {"decompression": "none"},
            "provisional": True,
            "decisive_includes": ["compression_by"],
        },
        id="lymphoma_compression_by_unknown_decisive",
    ),
    # Extent unknown: a single level gives urgent (surgery first), discrete levels borderline
    # (NO first) -> compression_extent decisive.
    pytest.param(
        lung_mescc_without("compression_extent", escc_grade="2", deficit_duration_hours=100),
        {
            "needs": {"decompression": "urgent"},
            "provisional": True,
            "decisive_includes": ["compression_extent"],
        },
        id="compression_extent_unknown_decisive",
    ),
    # Only the required inputs: nothing can be gated; every option at most consider (C6),
    # ET caution (C4), provisional rather than tie-broken by invasiveness.
    pytest.param(
        {"level": "T8", "histology": "breast"},
        {
            "at_most": {
                NO: CONSIDER,
                VA: CONSIDER,
                PS: CONSIDER,
                PO: CONSIDER,
                AA: CONSIDER,
                PPF: CONSIDER,
                ET: CAUTION,
            },
            "needs": {
                "decompression": "unknown",
                "stabilisation": "unknown",
                "cement_candidate": "unknown",
                "fitness": "unknown",
            },
            "provisional": True,
            "alerts_include": ["fitness_unknown"],
        },
        id="required_inputs_only_is_provisional",
    ),
]


def _rank(verdict: str) -> int:
    return VERDICT_ORDER.index(verdict)


@pytest.mark.parametrize(("inputs", "expected"), VIGNETTES)
def test_vignette_matches_the_pathway(
    inputs: dict[str, Any], expected: dict[str, Any], request: pytest.FixtureRequest
) -> None:
    name = request.node.callspec.id
    unknown_keys = set(expected) - EXPECTATION_KEYS
    assert not unknown_keys, f"{name}: unknown expectation keys {sorted(unknown_keys)}"

    result = assess(Patient.model_validate(inputs))
    order = [option.approach.value for option in result.options]
    verdicts = {option.approach.value: option.verdict.value for option in result.options}
    needs = {
        "decompression": result.needs.decompression.value,
        "stabilisation": result.needs.stabilisation.value,
        "cement_candidate": result.needs.cement_candidate.value,
        "fitness": result.needs.fitness.value,
    }
    decisive = set(result.decisive_missing_inputs)
    alerts = {alert.code for alert in result.alerts}

    # Invariants of every result: all seven options, and ET is never suggested (C7-C9).
    assert sorted(order) == sorted(ALL_OPTIONS), f"{name}: options: got {order}"
    assert verdicts[ET] != SUGGESTED, f"{name}: endoscopic suggested: got {verdicts}"

    if "top" in expected:
        assert order[0] == expected["top"], f"{name}: top: got {order}"
    if "top_in" in expected:
        assert order[0] in expected["top_in"], f"{name}: top_in: got {order}"
    for option, verdict in expected.get("verdict", {}).items():
        assert verdicts[option] == verdict, f"{name}: verdict {option}: got {verdicts[option]}"
    for option, verdict in expected.get("at_most", {}).items():
        assert _rank(verdicts[option]) >= _rank(verdict), (
            f"{name}: at_most {option} {verdict}: got {verdicts[option]}"
        )
    for option, verdict in expected.get("at_least", {}).items():
        assert _rank(verdicts[option]) <= _rank(verdict), (
            f"{name}: at_least {option} {verdict}: got {verdicts[option]}"
        )
    for need, value in expected.get("needs", {}).items():
        assert needs[need] == value, f"{name}: needs.{need}: got {needs[need]}"
    if expected.get("provisional") is not None:
        assert result.provisional is expected["provisional"], (
            f"{name}: provisional: got {result.provisional} ({sorted(decisive)})"
        )
    for field in expected.get("decisive_includes", []):
        assert field in decisive, f"{name}: decisive_includes {field}: got {sorted(decisive)}"
    for field in expected.get("decisive_excludes", []):
        assert field not in decisive, f"{name}: decisive_excludes {field}: got {sorted(decisive)}"
    for code in expected.get("alerts_include", []):
        assert code in alerts, f"{name}: alerts_include {code}: got {sorted(alerts)}"
    for code in expected.get("alerts_exclude", []):
        assert code not in alerts, f"{name}: alerts_exclude {code}: got {sorted(alerts)}"
    for higher, lower in expected.get("before", []):
        assert order.index(higher) < order.index(lower), (
            f"{name}: before {higher} over {lower}: got {order}"
        )
