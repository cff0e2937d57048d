"""Each verdict ceiling (C1-C21) at its boundary: it fires on one side and not the other.

The base patient is fully specified so that only the input under test moves: a fit
55-year-old with a thoracic non-small-cell lung metastasis, Frankel D for 12 hours,
Bilsky 2 from the front by soft tissue at one level, SINS total 5, tissue-proven.
"""

from __future__ import annotations

from typing import Any

import pytest

from rules import Approach, Patient, Verdict, assess

BASE: dict[str, Any] = {
    "level": "T6",
    "histology": "lung",
    "kps": 90,
    "asa_class": 2,
    "age_years": 55,
    "frankel": "D",
    "deficit_duration_hours": 12,
    "escc_grade": "2",
    "compression_site": "anterior",
    "compression_by": "soft_tissue",
    "compression_extent": "single",
    "tissue_diagnosis": True,
    "prior_radiation": "none",
    "sins_total": 5,
    "expected_survival_months": 12,
}


def fired(rule_id: str, **changes: Any) -> bool:
    fields = {**BASE, **changes}
    result = assess(Patient.model_validate({k: v for k, v in fields.items() if v is not None}))
    (entry,) = [e for e in result.trace if e.rule == rule_id]
    return entry.fired


def verdict(approach: Approach, **changes: Any) -> Verdict:
    fields = {**BASE, **changes}
    result = assess(Patient.model_validate({k: v for k, v in fields.items() if v is not None}))
    (found,) = [o.verdict for o in result.options if o.approach is approach]
    return found


# (rule id, changes where it fires, changes just across the boundary where it does not)
BOUNDARIES: list[Any] = [
    pytest.param(
        "c01_outside_thoracolumbar_scope", {"level": "C7"}, {"level": "T1"}, id="C1_C7_vs_T1"
    ),
    pytest.param(
        "c01_outside_thoracolumbar_scope", {"level": "S1"}, {"level": "L5"}, id="C1_S1_vs_L5"
    ),
    pytest.param("c02_moribund_no_operation", {"kps": 20}, {"kps": 30}, id="C2_kps_20_vs_30"),
    pytest.param(
        "c02_moribund_no_operation",
        {"expected_survival_months": 0.9},
        {"expected_survival_months": 1.0},
        id="C2_estimate_under_1_month",
    ),
    pytest.param("c03_unfit_no_open_surgery", {"kps": 40}, {"kps": 50}, id="C3_kps_40_vs_50"),
    pytest.param(
        "c03_unfit_no_open_surgery", {"asa_class": 4}, {"asa_class": 3}, id="C3_asa_4_vs_3"
    ),
    pytest.param(
        "c03_unfit_no_open_surgery",
        {"expected_survival_months": 2.9},
        {"expected_survival_months": 3.0},
        id="C3_estimate_under_3_months",
    ),
    pytest.param(
        "c03_unfit_no_open_surgery",
        {"cachexia": True, "expected_survival_months": 5.9},
        {"cachexia": True, "expected_survival_months": 6.0},
        id="C3_cachexia_under_6_months",
    ),
    pytest.param(
        "c03_unfit_no_open_surgery",
        {"fit_for_open_surgery": False},
        {"fit_for_open_surgery": True},
        id="C3_clinician_override",
    ),
    pytest.param(
        "c03_clinician_fit_but_short_survival",
        {"fit_for_open_surgery": True, "expected_survival_months": 2.9},
        {"fit_for_open_surgery": True, "expected_survival_months": 3.0},
        id="C3_override_fit_with_short_survival",
    ),
    pytest.param(
        "c04_fitness_unknown_open", {"kps": None, "asa_class": None}, {"kps": 70}, id="C4"
    ),
    pytest.param("c05_higher_risk_anterior", {"kps": 60}, {"kps": 70}, id="C5_kps_60_vs_70"),
    pytest.param(
        "c06_decompression_need_unknown",
        {"escc_grade": None},
        # Bilsky 0 means no epidural disease, so no compression site or cause either.
        {"escc_grade": "0", "compression_site": None, "compression_by": None},
        id="C6",
    ),
    pytest.param(
        "c07_endoscopic_intact_neurology", {"frankel": "E"}, {"frankel": "D"}, id="C7_E_vs_D"
    ),
    pytest.param(
        "c07_endoscopic_low_grade", {"escc_grade": "1b"}, {"escc_grade": "1c"}, id="C7_1b_vs_1c"
    ),
    pytest.param(
        "c07_endoscopic_short_survival",
        {"expected_survival_months": 2.9},
        {"expected_survival_months": 3.0},
        id="C7_estimate_3_months",
    ),
    pytest.param(
        "c07_endoscopic_unstable", {"sins_total": 13}, {"sins_total": 12}, id="C7_sins_13_vs_12"
    ),
    pytest.param(
        "c08_endoscopic_fit_for_open", {"kps": 50}, {"kps": 40}, id="C8_higher_risk_vs_unfit"
    ),
    pytest.param(
        "c08_endoscopic_complete_paralysis",
        {"frankel": "B", "deficit_duration_hours": 12},
        {"frankel": "C"},
        id="C8_B_vs_C",
    ),
    pytest.param(
        "c08_endoscopic_survival_unknown",
        {"expected_survival_months": None},
        {"expected_survival_months": 12},
        id="C8_estimate_unknown",
    ),
    pytest.param(
        "c08_endoscopic_bleeding_risk",
        {"bleeding_risk": True},
        {"bleeding_risk": False},
        id="C8_bleeding",
    ),
    pytest.param(
        "c10_radiotherapy_alone_when_fit",
        {"age_years": 64},
        {"age_years": 65},
        id="C10_age_64_vs_65",
    ),
    pytest.param(
        "c10_radiotherapy_alone_from_65", {"age_years": 65}, {"age_years": 64}, id="C10_from_65"
    ),
    pytest.param(
        "c10_radiotherapy_beside_endoscopic_only",
        {"kps": 40, "frankel": "C"},
        {"kps": 50, "frankel": "C"},
        id="C10_endoscopic_only_route",
    ),
    pytest.param(
        "c11_reirradiation_too_soon",
        {"progression_after_radiation": True, "prior_radiation": "recent"},
        {"progression_after_radiation": True, "prior_radiation": "remote"},
        id="C11_recent_vs_remote",
    ),
    pytest.param(
        "c12_unstable_radiotherapy_alone_fit",
        {"sins_total": 13},
        {"sins_total": 12},
        id="C12_13_vs_12",
    ),
    pytest.param(
        "c13_low_grade_open_surgery", {"escc_grade": "1b"}, {"escc_grade": "1c"}, id="C13"
    ),
    pytest.param(
        "c14_no_need_open_surgery",
        {"escc_grade": "1b", "frankel": "E"},
        {"escc_grade": "1b", "frankel": "E", "sins_total": 7},
        id="C14_sins_6_vs_7",
    ),
    pytest.param(
        "c15_borderline_posterior",
        {"frankel": "E", "escc_grade": "2"},
        {"frankel": "E", "escc_grade": "2", "histology": "renal"},
        id="C15_intermediate_vs_radioresistant",
    ),
    pytest.param(
        "c16_nothing_to_fix_radiotherapy",
        {"escc_grade": "1b", "frankel": "E"},
        {"escc_grade": "1c", "frankel": "E"},
        id="C16_1b_vs_1c",
    ),
    pytest.param(
        "c17_dorsal_disease_corpectomy",
        {"compression_site": "posterior"},
        {"compression_site": "circumferential"},
        id="C17",
    ),
    pytest.param(
        "c18_cervicothoracic_junction", {"level": "T2"}, {"level": "T3"}, id="C18_T2_vs_T3"
    ),
    pytest.param("c19_l5_lateral_corpectomy", {"level": "L5"}, {"level": "L4"}, id="C19_L5_vs_L4"),
    pytest.param(
        "percutaneous_fixation_l4_corpectomy_hard",
        {"level": "L4"},
        {"level": "L3"},
        id="C20_L4_vs_L3",
    ),
    pytest.param("c21_anterior_below_posterior", {"kps": 90}, {"kps": 40}, id="C21_open_vs_barred"),
]


@pytest.mark.parametrize(("rule_id", "fires", "does_not"), BOUNDARIES)
def test_ceiling_fires_only_on_its_side_of_the_boundary(
    rule_id: str, fires: dict[str, Any], does_not: dict[str, Any]
) -> None:
    assert fired(rule_id, **fires)
    assert not fired(rule_id, **does_not)


def test_c2_moribund_bars_every_operation_even_when_the_clinician_says_fit() -> None:
    for approach in Approach:
        if approach is Approach.NON_OPERATIVE:
            continue
        assert verdict(approach, kps=20, fit_for_open_surgery=True) is Verdict.NOT_SUGGESTED


def test_c9_endoscopic_is_at_most_consider_for_the_patient_it_suits() -> None:
    # Unfit (KPS 40), Frankel C, Bilsky 2, estimate 12 months, SINS 5: only C9 applies.
    assert verdict(Approach.ENDOSCOPIC_TRANSPEDICULAR, kps=40, frankel="C") is Verdict.CONSIDER


def test_c16_floor_makes_radiotherapy_suggested_when_nothing_needs_fixing() -> None:
    assert verdict(Approach.NON_OPERATIVE, escc_grade="1b", frankel="E") is Verdict.SUGGESTED


def test_c15_puts_radiotherapy_first_for_a_borderline_need() -> None:
    result = assess(Patient.model_validate({**BASE, "frankel": "E"}))
    assert result.needs.decompression.value == "borderline"
    assert result.options[0].approach is Approach.NON_OPERATIVE


def test_c21_ranks_anterior_below_posterior_even_with_more_reasons_for_it() -> None:
    result = assess(Patient.model_validate(BASE))
    order = [o.approach for o in result.options]
    assert order.index(Approach.POSTERIOR_ONLY) < order.index(Approach.ANTERIOR_ANTEROLATERAL)
