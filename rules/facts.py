"""Derived factors, computed once per patient and used by many rules.

Tri-state facts are ``True``/``False`` when the input settles them and ``None``
when it does not: a rule fires only on a settled fact, never on a guess.
Definitions follow ``../shared/domain/approach-criteria.md``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from pydantic import BaseModel, ConfigDict

from rules.patient import (
    EsccGrade,
    Frankel,
    Histology,
    Level,
    Pain,
    Patient,
    PriorRadiation,
    Radiosensitivity,
    VisceralMetastases,
)
from rules.scores import (
    ESCC_GROUP,
    ESCC_HIGH_GRADE,
    ESCC_LOW_GRADE,
    SINS_INDETERMINATE,
    SINS_STABLE,
    SINS_UNSTABLE,
    TOKUHASHI_1_YEAR_OR_MORE,
    TOKUHASHI_6_MONTHS_OR_MORE,
    TOKUHASHI_UNDER_6_MONTHS,
    TOMITA_SOLITARY,
    TOMITA_TERMINAL_CARE,
    ScoreResult,
    bone_metastasis_extent,
    possible_kps,
    sins_location_class,
)

Member = TypeVar("Member")


class Region(StrEnum):
    """Spinal region of the index level."""

    CERVICAL = "cervical"
    THORACIC = "thoracic"
    LUMBAR = "lumbar"
    SACRAL = "sacral"


REGION_BY_PREFIX: dict[str, Region] = {
    "C": Region.CERVICAL,
    "T": Region.THORACIC,
    "L": Region.LUMBAR,
    "S": Region.SACRAL,
}

# Thresholds the facts rest on, each in one place.
POOR_PERFORMANCE_MAX_KPS = 40  # ECOG 3-4 / KPS 40 or less
LOW_ALBUMIN_BELOW_G_DL = 3.5
SHORT_SURVIVAL_BELOW_MONTHS = 3  # Patchell 2005 eligibility
END_STAGE_BELOW_MONTHS = 6  # revised Tokuhashi 0-8; read as end-stage disease
LONG_SURVIVAL_FROM_MONTHS = 12  # revised Tokuhashi 12-15

RADIOSENSITIVE_HISTOLOGIES = frozenset({Histology.LYMPHOMA, Histology.MYELOMA})
RADIORESISTANT_HISTOLOGIES = frozenset(
    {
        Histology.RENAL,
        Histology.MELANOMA,
        Histology.THYROID,
        Histology.COLON,
        Histology.RECTAL,
        Histology.SARCOMA,
        Histology.OSTEOSARCOMA,
    }
)
HYPERVASCULAR_HISTOLOGIES = frozenset(
    {Histology.RENAL, Histology.THYROID, Histology.HEPATOCELLULAR}
)
INCOMPLETE_PARALYSIS_GRADES = frozenset({Frankel.C, Frankel.D})
COMPLETE_MOTOR_LOSS_GRADES = frozenset({Frankel.A, Frankel.B})
CORD_CONTACT_GRADES = frozenset({EsccGrade.G1C, EsccGrade.G2, EsccGrade.G3})

SOURCE_CLINICIAN = "clinician's estimate"
SOURCE_TOKUHASHI = "revised Tokuhashi band"
SOURCE_HISTOLOGY = "histology"
SOURCE_CLINICIAN_SETTING = "clinician's setting"
SOURCE_UNKNOWN = "unknown"


class Facts(BaseModel):
    """Derived factors with the source of each judgement."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    level: Level
    region: Region
    sins_location: str
    stability: str | None
    is_unstable: bool | None
    is_stable: bool | None
    is_indeterminate_stability: bool | None
    compression_site: str | None
    escc_group: str | None
    has_high_grade_escc: bool | None
    has_low_grade_escc: bool | None
    has_cord_contact: bool | None
    has_incomplete_paralysis: bool | None
    has_complete_motor_loss: bool | None
    has_mechanical_pain: bool | None
    is_radiosensitive: bool | None
    is_radioresistant: bool | None
    radiosensitivity_source: str
    is_hypervascular: bool | None
    hypervascular_source: str
    has_poor_performance: bool | None
    survival_under_3_months: bool | None
    survival_under_6_months: bool | None
    survival_12_months_or_more: bool | None
    survival_source: str
    is_tomita_terminal: bool | None
    has_solitary_bone_metastasis: bool | None
    has_visceral_metastases: bool | None
    field_previously_irradiated: bool | None
    wound_risk_factors: tuple[str, ...]
    has_tenuous_wound_healing: bool | None
    can_tolerate_open_surgery: bool | None
    open_surgery_barriers: tuple[str, ...]
    has_rapidly_progressive_deficit: bool | None


def region_of(level: Level) -> Region:
    """Cervical, thoracic, lumbar or sacral."""
    return REGION_BY_PREFIX[level.value[0]]


def _band_is(score: ScoreResult, label: str) -> bool | None:
    """True/False when the score's band is settled, None when the range spans bands."""
    if score.band is not None:
        return score.band == label
    return False if label not in score.possible_bands else None


def _any_true(*values: bool | None) -> bool | None:
    """Three-valued OR."""
    if any(value is True for value in values):
        return True
    if all(value is False for value in values):
        return False
    return None


def _all_true(*values: bool | None) -> bool | None:
    """Three-valued AND."""
    if any(value is False for value in values):
        return False
    if all(value is True for value in values):
        return True
    return None


def _settled(flags: list[bool]) -> bool | None:
    """True if every possibility holds, False if none does, None if mixed or no data."""
    if flags and all(flags):
        return True
    if flags and not any(flags):
        return False
    return None


def _in(value: Member | None, members: frozenset[Member]) -> bool | None:
    return None if value is None else value in members


def _survival(
    patient: Patient, tokuhashi: ScoreResult
) -> tuple[bool | None, bool | None, bool | None, str]:
    """Survival under 3, under 6, and over 12 months, with the source used."""
    months = patient.expected_survival_months
    if months is not None:
        return (
            months < SHORT_SURVIVAL_BELOW_MONTHS,
            months < END_STAGE_BELOW_MONTHS,
            months >= LONG_SURVIVAL_FROM_MONTHS,
            SOURCE_CLINICIAN,
        )
    under_6 = _band_is(tokuhashi, TOKUHASHI_UNDER_6_MONTHS)
    over_12 = _band_is(tokuhashi, TOKUHASHI_1_YEAR_OR_MORE)
    # A Tokuhashi band of 6 months or more rules out survival under 3 months.
    at_least_6 = _any_true(_band_is(tokuhashi, TOKUHASHI_6_MONTHS_OR_MORE), over_12)
    under_3 = False if at_least_6 else None
    source = SOURCE_TOKUHASHI if tokuhashi.band is not None else SOURCE_UNKNOWN
    return under_3, under_6, over_12, source


def derive_facts(
    patient: Patient, sins: ScoreResult, tokuhashi: ScoreResult, tomita: ScoreResult
) -> Facts:
    """Compute every derived factor once."""
    kps_values = possible_kps(patient) or ()
    has_poor_performance = _settled([k <= POOR_PERFORMANCE_MAX_KPS for k in kps_values])

    under_3, under_6, over_12, survival_source = _survival(patient, tokuhashi)

    if patient.radiosensitivity is not None:
        is_radiosensitive: bool | None = patient.radiosensitivity is Radiosensitivity.SENSITIVE
        radiosensitivity_source = SOURCE_CLINICIAN_SETTING
    elif patient.histology in RADIOSENSITIVE_HISTOLOGIES:
        is_radiosensitive, radiosensitivity_source = True, SOURCE_HISTOLOGY
    elif patient.histology in RADIORESISTANT_HISTOLOGIES:
        is_radiosensitive, radiosensitivity_source = False, SOURCE_HISTOLOGY
    else:
        is_radiosensitive, radiosensitivity_source = None, SOURCE_UNKNOWN

    if patient.hypervascular is not None:
        is_hypervascular: bool | None = patient.hypervascular
        hypervascular_source = SOURCE_CLINICIAN_SETTING
    elif patient.histology in HYPERVASCULAR_HISTOLOGIES:
        is_hypervascular, hypervascular_source = True, SOURCE_HISTOLOGY
    else:
        is_hypervascular, hypervascular_source = None, SOURCE_UNKNOWN

    is_recently_irradiated = (
        None
        if patient.prior_radiation is None
        else patient.prior_radiation is PriorRadiation.RECENT
    )
    has_low_albumin = (
        None if patient.albumin_g_dl is None else patient.albumin_g_dl < LOW_ALBUMIN_BELOW_G_DL
    )
    wound_risk_factors = tuple(
        label
        for label, present in (
            ("recent radiation to the operative field", is_recently_irradiated),
            ("cachexia", patient.cachexia),
            (f"albumin under {LOW_ALBUMIN_BELOW_G_DL} g/dL", has_low_albumin),
        )
        if present
    )
    has_tenuous_wound_healing = _any_true(is_recently_irradiated, patient.cachexia, has_low_albumin)

    is_end_stage_cachectic = _all_true(patient.cachexia, under_6)
    barriers = tuple(
        label
        for label, present in (
            (
                f"poor performance status (KPS {POOR_PERFORMANCE_MAX_KPS} or less)",
                has_poor_performance,
            ),
            (f"expected survival under {SHORT_SURVIVAL_BELOW_MONTHS} months", under_3),
            ("end-stage disease with cachexia", is_end_stage_cachectic),
        )
        if present
    )
    can_tolerate = _any_true(has_poor_performance, under_3, is_end_stage_cachectic)

    escc = patient.escc_grade
    escc_group = None if escc is None else ESCC_GROUP[escc]
    stability = sins.band
    return Facts(
        level=patient.level,
        region=region_of(patient.level),
        sins_location=sins_location_class(patient.level),
        stability=stability,
        is_unstable=_band_is(sins, SINS_UNSTABLE),
        is_stable=_band_is(sins, SINS_STABLE),
        is_indeterminate_stability=_band_is(sins, SINS_INDETERMINATE),
        compression_site=None
        if patient.compression_site is None
        else patient.compression_site.value,
        escc_group=escc_group,
        has_high_grade_escc=None if escc_group is None else escc_group == ESCC_HIGH_GRADE,
        has_low_grade_escc=None if escc_group is None else escc_group == ESCC_LOW_GRADE,
        has_cord_contact=_in(escc, CORD_CONTACT_GRADES),
        has_incomplete_paralysis=_in(patient.frankel, INCOMPLETE_PARALYSIS_GRADES),
        has_complete_motor_loss=_in(patient.frankel, COMPLETE_MOTOR_LOSS_GRADES),
        has_mechanical_pain=None if patient.pain is None else patient.pain is Pain.MECHANICAL,
        is_radiosensitive=is_radiosensitive,
        is_radioresistant=None if is_radiosensitive is None else not is_radiosensitive,
        radiosensitivity_source=radiosensitivity_source,
        is_hypervascular=is_hypervascular,
        hypervascular_source=hypervascular_source,
        has_poor_performance=has_poor_performance,
        survival_under_3_months=under_3,
        survival_under_6_months=under_6,
        survival_12_months_or_more=over_12,
        survival_source=survival_source,
        is_tomita_terminal=_band_is(tomita, TOMITA_TERMINAL_CARE),
        has_solitary_bone_metastasis=(
            None
            if bone_metastasis_extent(patient) is None
            else bone_metastasis_extent(patient) == TOMITA_SOLITARY
        ),
        has_visceral_metastases=(
            None
            if patient.visceral_metastases is None
            else patient.visceral_metastases is not VisceralMetastases.NONE
        ),
        field_previously_irradiated=(
            None
            if patient.prior_radiation is None
            else patient.prior_radiation is not PriorRadiation.NONE
        ),
        wound_risk_factors=wound_risk_factors,
        has_tenuous_wound_healing=has_tenuous_wound_healing,
        can_tolerate_open_surgery=None if can_tolerate is None else not can_tolerate,
        open_surgery_barriers=barriers,
        has_rapidly_progressive_deficit=patient.rapidly_progressive_deficit,
    )
