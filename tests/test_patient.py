"""The patient input model: normalisation, constraints, and what it refuses."""

from __future__ import annotations

import math
from typing import Any

import pytest
from pydantic import ValidationError

from rules import Patient, parse_patient
from rules.patient import (
    INPUT_FIELDS,
    KPS_RANGE_BY_ECOG,
    Alignment,
    EsccGrade,
    Frankel,
    Level,
    Pain,
    Posterolateral,
    _typed_what_if_values,
    consistent_variants,
    is_consistent,
    with_value,
)
from rules.problems import InputProblem

GOOD: dict[str, Any] = {"level": "T8", "histology": "lung"}
NUMERIC_FIELDS = [
    "kps",
    "ecog",
    "vertebral_metastases",
    "extraspinal_bone_metastases",
    "albumin_g_dl",
    "expected_survival_months",
]


def error_fields(data: dict[str, Any]) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        Patient.model_validate(data)
    return [str(error["loc"][0]) if error["loc"] else "" for error in caught.value.errors()]


def problems(data: object) -> list[InputProblem]:
    result = parse_patient(data)
    assert isinstance(result, list), "expected the input to be rejected"
    return result


@pytest.mark.parametrize("raw", ["t8", "T8", " t8 "])
def test_level_is_case_insensitive(raw: str) -> None:
    assert Patient.model_validate({**GOOD, "level": raw}).level is Level.T8


@pytest.mark.parametrize(
    ("raw", "grade"),
    [
        pytest.param(2, EsccGrade.G2, id="integer_2"),
        pytest.param("2", EsccGrade.G2, id="string_2"),
        pytest.param("1A", EsccGrade.G1A, id="upper_1A"),
        pytest.param("1c", EsccGrade.G1C, id="lower_1c"),
        pytest.param(0, EsccGrade.G0, id="integer_0"),
    ],
)
def test_escc_grade_accepts_numbers_and_any_case(raw: object, grade: EsccGrade) -> None:
    assert Patient.model_validate({**GOOD, "escc_grade": raw}).escc_grade is grade


def test_choices_are_case_insensitive() -> None:
    patient = Patient.model_validate({**GOOD, "histology": "LUNG", "frankel": "c"})
    assert patient.histology.value == "lung"
    assert patient.frankel is Frankel.C


def test_only_level_and_histology_are_required() -> None:
    assert sorted(error_fields({})) == ["histology", "level"]


def test_unknown_field_is_rejected_naming_the_field() -> None:
    assert error_fields({**GOOD, "mrn": "x"}) == ["mrn"]


def test_unknown_field_problem_names_the_field_and_the_allowed_fields() -> None:
    (problem,) = problems({**GOOD, "mrn": "x"})
    assert problem.field == "mrn"
    assert "unknown field" in problem.message
    assert "histology" in problem.message


def test_unknown_level_is_rejected_naming_the_field() -> None:
    (problem,) = problems({**GOOD, "level": "T13"})
    assert problem.field == "level"
    assert "T13" in problem.message


@pytest.mark.parametrize("field", NUMERIC_FIELDS)
@pytest.mark.parametrize("value", [True, False])
def test_booleans_are_rejected_for_numeric_fields(field: str, value: bool) -> None:
    assert error_fields({**GOOD, field: value}) == [field]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("kps", 110),
        ("kps", -10),
        ("kps", 75),
        ("ecog", 5),
        ("ecog", -1),
        ("vertebral_metastases", 0),
        ("extraspinal_bone_metastases", -1),
        ("albumin_g_dl", 9),
        ("albumin_g_dl", 0.5),
        ("expected_survival_months", 0),
    ],
)
def test_impossible_values_are_rejected_naming_the_field(field: str, value: object) -> None:
    (problem,) = problems({**GOOD, field: value})
    assert problem.field == field
    assert repr(value) in problem.message


@pytest.mark.parametrize("field", ["albumin_g_dl", "expected_survival_months"])
@pytest.mark.parametrize(
    "value",
    [
        pytest.param(math.inf, id="infinity"),
        pytest.param(-math.inf, id="minus_infinity"),
        pytest.param(math.nan, id="nan"),
    ],
)
def test_non_finite_numbers_are_rejected_naming_the_field(field: str, value: float) -> None:
    # An infinite survival estimate is impossible, and it cannot be written back as JSON.
    assert error_fields({**GOOD, field: value}) == [field]


@pytest.mark.parametrize(
    ("ecog", "kps"),
    [(ecog, kps) for ecog, values in KPS_RANGE_BY_ECOG.items() for kps in values],
)
def test_agreeing_kps_and_ecog_are_accepted(ecog: int, kps: int) -> None:
    patient = Patient.model_validate({**GOOD, "kps": kps, "ecog": ecog})
    assert (patient.kps, patient.ecog) == (kps, ecog)


def test_contradictory_kps_and_ecog_are_rejected_naming_both() -> None:
    (problem,) = problems({**GOOD, "kps": 90, "ecog": 3})
    assert "kps" in problem.field
    assert "ecog" in problem.field
    assert "90" in problem.message
    assert "3" in problem.message


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        pytest.param("MRN 12345678", "a word that marks an identifier", id="mrn"),
        pytest.param("01/02/1960", "a date", id="numeric_date"),
        pytest.param("born 1960-02-01", "a date", id="iso_date"),
        pytest.param("admitted 3.4.21", "a date", id="dotted_date"),
        pytest.param("case 1234567", "a record number", id="long_number"),
        pytest.param("record 54321", "a record number", id="five_digit_record"),
        pytest.param("John Smith DOB 12/03/1950", "a date", id="name_with_numeric_dob"),
        pytest.param("Jane Doe, born 1950", "a word that marks an identifier", id="born"),
        pytest.param("J Smith dob 1950", "a word that marks an identifier", id="dob_word"),
        pytest.param("J. Smith 12 March 1950", "a date", id="text_date"),
        pytest.param("seen March 12, 1950", "a date", id="month_first_date"),
        pytest.param("seen 12-Mar-50", "a date", id="abbreviated_month"),
        pytest.param("admitted 1st of May", "a date", id="ordinal_date"),
        pytest.param("jane.doe@example.org", "an email address", id="email"),
        pytest.param("Tel 020 7946 0958", "a phone number", id="phone_spaced"),
        pytest.param("+44 7700 900 123", "a phone number", id="phone_international"),
        pytest.param("(020) 7946-0958", "a phone number", id="phone_brackets"),
        pytest.param("NHS 943 476 5919", "a word that marks an identifier", id="nhs_spaced"),
        pytest.param("943-476-5919", "a phone number", id="nhs_dashed"),
        pytest.param("ref 078-05-1120", "a phone number", id="ssn_like"),
        pytest.param("Mrs Patel, bed 4", "a title and a name", id="title_and_name"),
        pytest.param("lives SW1A 1AA", "a postcode", id="postcode"),
    ],
)
def test_case_label_that_looks_like_an_identifier_is_rejected(label: str, kind: str) -> None:
    (problem,) = problems({**GOOD, "case_label": label})
    assert problem.field == "case_label"
    assert problem.message.startswith(f"looks like a patient identifier ({kind})")
    assert label not in problem.message


@pytest.mark.parametrize(
    "label",
    ["line\nbreak", "tab\there", "escape \x1b[2J", "bell\x07", "nul\x00"],
)
def test_case_label_with_a_control_character_is_rejected_naming_the_field(label: str) -> None:
    (problem,) = problems({**GOOD, "case_label": label})
    assert problem.field == "case_label"
    assert "control character" in problem.message


@pytest.mark.parametrize(
    "label",
    [
        "Seed: lumbar sarcoma, recent radiation",
        "Teaching case 3",
        "T8 lung, KPS 40",
        "Tumour board 2025, case 12",
        "L4 renal, ECOG 2, Bilsky 1c",
        "Case from the May tumour board",
        "Dr's teaching set, case 7",
        "Breast, 3 levels, SINS 11",
    ],
)
def test_neutral_teaching_label_is_accepted(label: str) -> None:
    assert Patient.model_validate({**GOOD, "case_label": label}).case_label == label


def test_blank_case_label_reads_as_no_label() -> None:
    assert Patient.model_validate({**GOOD, "case_label": "   "}).case_label is None


def test_case_label_longer_than_80_characters_is_rejected() -> None:
    assert error_fields({**GOOD, "case_label": "x" * 81}) == ["case_label"]


def test_patient_is_frozen() -> None:
    patient = Patient.model_validate(GOOD)
    with pytest.raises(ValidationError, match="frozen"):
        patient.kps = 50  # type: ignore[misc]
    assert patient.kps is None


@pytest.mark.parametrize("data", [[GOOD], "T8", 8, None])
def test_input_that_is_not_an_object_is_one_problem(data: object) -> None:
    (problem,) = problems(data)
    assert problem.field == "(input)"
    assert "JSON object" in problem.message


def test_parse_patient_returns_the_patient_for_good_input() -> None:
    assert parse_patient(GOOD) == Patient.model_validate(GOOD)


# --- contradictions and bounds (issue 10) ---------------------------------------------------


def test_kps_0_is_refused_naming_the_field() -> None:
    (problem,) = problems({**GOOD, "kps": 0})
    assert problem.field == "kps"
    assert "from 10 to 100 in steps of 10" in problem.message


def test_an_astronomical_survival_estimate_is_refused_naming_the_field() -> None:
    (problem,) = problems({**GOOD, "expected_survival_months": 1e308})
    assert problem.field == "expected_survival_months"
    assert "less than or equal to 240" in problem.message


def test_frankel_e_with_a_rapidly_progressive_deficit_is_refused_naming_both() -> None:
    (problem,) = problems({**GOOD, "frankel": "E", "rapidly_progressive_deficit": True})
    assert problem.field == "frankel/rapidly_progressive_deficit"
    assert problem.message.startswith("frankel E (intact) and rapidly_progressive_deficit true")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("compression_site", "circumferential"),
        ("compression_site", "anterior"),
        ("compression_by", "bone"),
    ],
)
def test_bilsky_0_with_a_compression_is_refused_naming_both(field: str, value: str) -> None:
    (problem,) = problems({**GOOD, "escc_grade": "0", field: value})
    assert problem.field == f"escc_grade/{field}"
    assert problem.message.startswith(f"escc_grade 0 (bone only, no epidural disease) and {field}")


def test_both_compression_fields_at_bilsky_0_are_each_named() -> None:
    found = problems(
        {**GOOD, "escc_grade": "0", "compression_site": "posterior", "compression_by": "both"}
    )
    assert sorted(problem.field for problem in found) == [
        "escc_grade/compression_by",
        "escc_grade/compression_site",
    ]


def test_the_contradictions_are_checked_even_when_another_field_is_wrong() -> None:
    found = problems({**GOOD, "kps": 5, "frankel": "E", "rapidly_progressive_deficit": True})
    assert sorted(problem.field for problem in found) == [
        "frankel/rapidly_progressive_deficit",
        "kps",
    ]


def test_agreeing_neighbours_of_the_contradictions_are_accepted() -> None:
    for data in (
        {"frankel": "D", "rapidly_progressive_deficit": True},
        {"frankel": "E", "rapidly_progressive_deficit": False},
        {"escc_grade": "1a", "compression_site": "circumferential"},
        {"escc_grade": "0", "compression_site": None},
    ):
        assert isinstance(Patient.model_validate({**GOOD, **data}), Patient)


def test_what_if_never_tries_a_value_the_checks_across_fields_refuse() -> None:
    rapid = Patient.model_validate({**GOOD, "rapidly_progressive_deficit": True})
    assert "E" not in [p.frankel for p in consistent_variants(rapid, "frankel")]
    intact = Patient.model_validate({**GOOD, "frankel": "E"})
    assert [
        p.rapidly_progressive_deficit
        for p in consistent_variants(intact, "rapidly_progressive_deficit")
    ] == [False]
    sited = Patient.model_validate({**GOOD, "compression_site": "anterior"})
    assert "0" not in [p.escc_grade for p in consistent_variants(sited, "escc_grade")]
    bone_only = Patient.model_validate({**GOOD, "escc_grade": "0"})
    assert consistent_variants(bone_only, "compression_site") == []
    assert consistent_variants(bone_only, "compression_by") == []


def test_with_value_is_the_model_copy_it_stands_for() -> None:
    patient = Patient.model_validate({"level": "T8", "histology": "lung", "kps": 50})
    for name in INPUT_FIELDS:
        for value in (None, *_typed_what_if_values(name)):
            variant = with_value(patient, name, value)
            copied = patient.model_copy(update={name: value})
            assert variant == copied, name
            assert variant.model_fields_set == copied.model_fields_set, name
            assert getattr(variant, name) == value
    assert (patient.kps, patient.pain) == (50, None)  # the original is left alone
    assert patient.model_fields_set == {"level", "histology", "kps"}


def test_is_consistent_applies_the_sins_total_range_to_an_unvalidated_variant() -> None:
    # T11 3 + mechanical 3 + collapse under 50% 2 + none 0 + bone lesion 0-2: normal alignment
    # allows 8-10, a de novo deformity (2) 10-12. The total entered is 12.
    patient = Patient.model_validate(
        {"level": "T11", "histology": "breast", "sins_total": 12, "collapse": "under_50_percent"}
    )
    fracture = with_value(patient, "pain", Pain.MECHANICAL)
    fracture = with_value(fracture, "posterolateral", Posterolateral.NONE)
    assert not is_consistent(with_value(fracture, "alignment", Alignment.NORMAL))
    assert is_consistent(with_value(fracture, "alignment", Alignment.DE_NOVO_DEFORMITY))
