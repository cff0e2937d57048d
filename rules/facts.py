"""Derived facts: what the rule table tests, computed once per patient.

Every fact has a declared set of possible values (``FACT_VALUES``): the rule
table is checked against it at import. A fact is ``None`` when the inputs do
not settle it, except where the pathway says how an unknown counts (an unknown
``compression_by`` counts as soft tissue; an unknown extent as one level). The
four needs (decompression, stabilisation, cement, fitness) are facts too, but
the engine sets them from the need rows of the table.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import NamedTuple, cast

from rules.patient import (
    SINS_ITEM_FIELDS,
    Alignment,
    Collapse,
    CompressionBy,
    CompressionExtent,
    CompressionSite,
    EsccGrade,
    Frankel,
    Histology,
    Level,
    Pain,
    Patient,
    Posterolateral,
    PriorRadiation,
    Radiosensitivity,
    VisceralMetastases,
    field_spec,
)
from rules.scores import (
    SINS_INDETERMINATE,
    SINS_STABLE,
    SINS_UNSTABLE,
    TOKUHASHI_1_YEAR_OR_MORE,
    TOKUHASHI_UNDER_6_MONTHS,
    TOMITA_LONG_TERM,
    TOMITA_TERMINAL_CARE,
    ScoreBands,
    possible_kps,
    tomita_growth,
)


class Region(StrEnum):
    """Spinal region of the index level."""

    CERVICAL = "cervical"
    THORACIC = "thoracic"
    LUMBAR = "lumbar"
    SACRAL = "sacral"


class TumourClass(StrEnum):
    """The oncologic assessment: expected response to conventional radiotherapy."""

    RADIOSENSITIVE = "radiosensitive"
    INTERMEDIATE = "intermediate"
    RADIORESISTANT = "radioresistant"
    UNKNOWN = "unknown"


class FrankelGroup(StrEnum):
    """Motor-complete (A-B), incomplete (C-D) or intact (E)."""

    COMPLETE = "complete"
    INCOMPLETE = "incomplete"
    INTACT = "intact"


class EsccClass(StrEnum):
    """Bilsky grades as the pathway groups them."""

    LOW_GRADE = "low_grade"  # 0, 1a, 1b
    CORD_CONTACT = "cord_contact"  # 1c
    HIGH_GRADE = "high_grade"  # 2, 3


class SinsBand(StrEnum):
    """SINS category, settled only when the possible totals fall in one band."""

    STABLE = SINS_STABLE
    INDETERMINATE = SINS_INDETERMINATE
    UNSTABLE = SINS_UNSTABLE


class PerformanceBand(StrEnum):
    """Performance status before the deficit, in the pathway's fitness bands."""

    MORIBUND = "moribund"  # KPS 20 or less, ECOG 4
    UNFIT = "unfit"  # KPS 30-40, ECOG 3
    HIGHER_RISK = "higher_risk"  # KPS 50-60, ECOG 2
    FIT = "fit"  # KPS 70 or more, ECOG 0-1


class AsaBand(StrEnum):
    """ASA physical status in the pathway's bands."""

    ASA_1_2 = "asa_1_2"
    ASA_3 = "asa_3"
    ASA_4_5 = "asa_4_5"


class SurvivalBand(StrEnum):
    """The clinician's estimate of survival, in the intervals the pathway tests."""

    UNDER_1_MONTH = "under_1_month"
    MONTHS_1_TO_3 = "1_to_3_months"
    MONTHS_3_TO_6 = "3_to_6_months"
    MONTHS_6_TO_12 = "6_to_12_months"
    MONTHS_12_OR_MORE = "12_months_or_more"


class TrialFit(StrEnum):
    """Whether the randomised surgical trial (Patchell 2005) speaks to this patient."""

    WITHIN = "within"
    OUTSIDE = "outside"
    NOT_APPLICABLE = "not_applicable"  # no deficit with high-grade compression


class DecompressionNeed(StrEnum):
    """Neurologic and oncologic assessment: does the cord need an operation to free it?"""

    UNKNOWN = "unknown"
    NONE = "none"
    BORDERLINE = "borderline"
    URGENT = "urgent"
    INDICATED = "indicated"


class StabilisationNeed(StrEnum):
    """Mechanical assessment from SINS."""

    UNKNOWN = "unknown"
    NONE = "none"
    SURGICAL_OPINION = "surgical_opinion"
    NEEDED = "needed"


class CementCandidacy(StrEnum):
    """Whether a painful fracture suits vertebral augmentation."""

    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


class Fitness(StrEnum):
    """Systemic assessment: what the patient can bear."""

    UNKNOWN = "unknown"
    MORIBUND = "moribund"
    UNFIT = "unfit"
    HIGHER_RISK = "higher_risk"
    FIT = "fit"


class DecompressingRoutes(StrEnum):
    """Which operations able to decompress are still open after the gates."""

    OPEN = "open"
    ENDOSCOPIC_ONLY = "endoscopic_only"
    NONE = "none"


class Fact(StrEnum):
    """Every fact a rule may test."""

    LEVEL = "level"
    REGION = "region"
    TUMOUR_CLASS = "tumour_class"
    HAS_DEFICIT = "has_deficit"
    FRANKEL = "frankel"
    FRANKEL_GROUP = "frankel_group"
    IS_ESTABLISHED_PARAPLEGIA = "is_established_paraplegia"
    IS_TIME_CRITICAL = "is_time_critical"
    IS_RAPIDLY_PROGRESSIVE = "is_rapidly_progressive"
    ESCC_CLASS = "escc_class"
    IS_COMPRESSED_BY_BONE = "is_compressed_by_bone"
    IS_DISCRETE = "is_discrete"
    IS_PROGRESSING_AFTER_RADIATION = "is_progressing_after_radiation"
    PRIOR_RADIATION = "prior_radiation"
    COMPRESSION_SITE = "compression_site"
    SINS_BAND = "sins_band"
    PAIN = "pain"
    COLLAPSE = "collapse"
    ALIGNMENT = "alignment"
    POSTEROLATERAL = "posterolateral"
    PERFORMANCE = "performance"
    KPS_FROM_ECOG = "kps_from_ecog"
    ASA_BAND = "asa_band"
    HAS_LOW_ALBUMIN = "has_low_albumin"
    HAS_CACHEXIA = "has_cachexia"
    IS_MALNOURISHED = "is_malnourished"
    HAS_BLEEDING_RISK = "has_bleeding_risk"
    FIT_FOR_OPEN_SURGERY = "fit_for_open_surgery"
    SURVIVAL = "survival"
    IS_65_OR_OLDER = "is_65_or_older"
    LACKS_TISSUE_DIAGNOSIS = "lacks_tissue_diagnosis"
    IS_HYPERVASCULAR = "is_hypervascular"
    TRIAL = "trial"
    PROGNOSTIC_SCORES_POOR = "prognostic_scores_poor"
    PROGNOSIS_DISAGREES = "prognosis_disagrees"
    IS_EN_BLOC_CANDIDATE = "is_en_bloc_candidate"
    DECOMPRESSION = "decompression"
    STABILISATION = "stabilisation"
    CEMENT_CANDIDATE = "cement_candidate"
    FITNESS = "fitness"
    DECOMPRESSING_ROUTES = "decompressing_routes"
    ANTERIOR_AND_POSTERIOR_OPEN = "anterior_and_posterior_open"


# The possible values of each fact: bool, or the values of a choice.
FACT_VALUES: dict[Fact, type[bool] | type[StrEnum]] = {
    Fact.LEVEL: Level,
    Fact.REGION: Region,
    Fact.TUMOUR_CLASS: TumourClass,
    Fact.HAS_DEFICIT: bool,
    Fact.FRANKEL: Frankel,
    Fact.FRANKEL_GROUP: FrankelGroup,
    Fact.IS_ESTABLISHED_PARAPLEGIA: bool,
    Fact.IS_TIME_CRITICAL: bool,
    Fact.IS_RAPIDLY_PROGRESSIVE: bool,
    Fact.ESCC_CLASS: EsccClass,
    Fact.IS_COMPRESSED_BY_BONE: bool,
    Fact.IS_DISCRETE: bool,
    Fact.IS_PROGRESSING_AFTER_RADIATION: bool,
    Fact.PRIOR_RADIATION: PriorRadiation,
    Fact.COMPRESSION_SITE: CompressionSite,
    Fact.SINS_BAND: SinsBand,
    Fact.PAIN: Pain,
    Fact.COLLAPSE: Collapse,
    Fact.ALIGNMENT: Alignment,
    Fact.POSTEROLATERAL: Posterolateral,
    Fact.PERFORMANCE: PerformanceBand,
    Fact.KPS_FROM_ECOG: bool,
    Fact.ASA_BAND: AsaBand,
    Fact.HAS_LOW_ALBUMIN: bool,
    Fact.HAS_CACHEXIA: bool,
    Fact.IS_MALNOURISHED: bool,
    Fact.HAS_BLEEDING_RISK: bool,
    Fact.FIT_FOR_OPEN_SURGERY: bool,
    Fact.SURVIVAL: SurvivalBand,
    Fact.IS_65_OR_OLDER: bool,
    Fact.LACKS_TISSUE_DIAGNOSIS: bool,
    Fact.IS_HYPERVASCULAR: bool,
    Fact.TRIAL: TrialFit,
    Fact.PROGNOSTIC_SCORES_POOR: bool,
    Fact.PROGNOSIS_DISAGREES: bool,
    Fact.IS_EN_BLOC_CANDIDATE: bool,
    Fact.DECOMPRESSION: DecompressionNeed,
    Fact.STABILISATION: StabilisationNeed,
    Fact.CEMENT_CANDIDATE: CementCandidacy,
    Fact.FITNESS: Fitness,
    Fact.DECOMPRESSING_ROUTES: DecompressingRoutes,
    Fact.ANTERIOR_AND_POSTERIOR_OPEN: bool,
}
# Facts the engine sets after a first pass of the ceilings (they depend on other options).
ROUTE_FACTS: frozenset[Fact] = frozenset(
    {Fact.DECOMPRESSING_ROUTES, Fact.ANTERIOR_AND_POSTERIOR_OPEN}
)
NEED_FACTS: tuple[Fact, ...] = (
    Fact.FITNESS,
    Fact.DECOMPRESSION,
    Fact.STABILISATION,
    Fact.CEMENT_CANDIDATE,
)

# The facts derive_facts sets; the engine adds the needs and the routes.
BASE_FACTS: tuple[Fact, ...] = tuple(
    fact for fact in Fact if fact not in NEED_FACTS and fact not in ROUTE_FACTS
)

# Thresholds the facts rest on, each named once. Rule texts quote them by name.
THRESHOLDS: dict[str, float] = {
    "MORIBUND_MAX_KPS": 20,
    "UNFIT_MAX_KPS": 40,
    "HIGHER_RISK_MAX_KPS": 60,
    "FIT_MIN_KPS": 70,
    "UNFIT_MIN_ASA": 4,
    "HIGHER_RISK_ASA": 3,
    "LOW_ALBUMIN_BELOW_G_DL": 3.5,
    "MORIBUND_BELOW_MONTHS": 1,
    "TRIAL_MIN_MONTHS": 3,
    "CACHEXIA_UNFIT_BELOW_MONTHS": 6,
    "EN_BLOC_MIN_MONTHS": 12,
    "ACUTE_DEFICIT_MAX_HOURS": 48,
    "TRIAL_AGE_ALERT_FROM_YEARS": 65,
    "RECENT_RADIATION_MONTHS": 3,
}
T = THRESHOLDS

REGION_BY_PREFIX: dict[str, Region] = {
    "C": Region.CERVICAL,
    "T": Region.THORACIC,
    "L": Region.LUMBAR,
    "S": Region.SACRAL,
}
CAUDA_EQUINA_LEVELS: tuple[Level, ...] = (Level.L2, Level.L3, Level.L4, Level.L5)
RADIOSENSITIVE_HISTOLOGIES = frozenset(
    {Histology.LYMPHOMA, Histology.MYELOMA, Histology.SMALL_CELL_LUNG}
)
RADIORESISTANT_HISTOLOGIES = frozenset(
    {Histology.RENAL, Histology.MELANOMA, Histology.THYROID, Histology.COLON, Histology.RECTAL}
)
UNCLASSED_HISTOLOGIES = frozenset({Histology.OTHER, Histology.UNKNOWN_PRIMARY})
# The trial excluded lymphoma, leukaemia, myeloma and germ-cell tumours, not every tumour
# radiotherapy controls well (small-cell lung is not on its list): the named kinds, and a tumour
# the clinician calls radiosensitive without a named histology (leukaemia, germ-cell).
TRIAL_EXCLUDED_HISTOLOGIES = frozenset({Histology.LYMPHOMA, Histology.MYELOMA}) | (
    UNCLASSED_HISTOLOGIES
)
HYPERVASCULAR_HISTOLOGIES = frozenset(
    {Histology.RENAL, Histology.THYROID, Histology.HEPATOCELLULAR}
)
COMPLETE_GRADES = (Frankel.A, Frankel.B)
FRANKEL_GROUPS: dict[Frankel, FrankelGroup] = {
    Frankel.A: FrankelGroup.COMPLETE,
    Frankel.B: FrankelGroup.COMPLETE,
    Frankel.C: FrankelGroup.INCOMPLETE,
    Frankel.D: FrankelGroup.INCOMPLETE,
    Frankel.E: FrankelGroup.INTACT,
}
ESCC_CLASSES: dict[EsccGrade, EsccClass] = {
    EsccGrade.G0: EsccClass.LOW_GRADE,
    EsccGrade.G1A: EsccClass.LOW_GRADE,
    EsccGrade.G1B: EsccClass.LOW_GRADE,
    EsccGrade.G1C: EsccClass.CORD_CONTACT,
    EsccGrade.G2: EsccClass.HIGH_GRADE,
    EsccGrade.G3: EsccClass.HIGH_GRADE,
}
# (highest KPS in the band, band), checked from the top.
PERFORMANCE_BANDS: tuple[tuple[float, PerformanceBand], ...] = (
    (T["MORIBUND_MAX_KPS"], PerformanceBand.MORIBUND),
    (T["UNFIT_MAX_KPS"], PerformanceBand.UNFIT),
    (T["HIGHER_RISK_MAX_KPS"], PerformanceBand.HIGHER_RISK),
    (100, PerformanceBand.FIT),
)
# (months below which, band), checked from the top.
SURVIVAL_BANDS: tuple[tuple[float, SurvivalBand], ...] = (
    (T["MORIBUND_BELOW_MONTHS"], SurvivalBand.UNDER_1_MONTH),
    (T["TRIAL_MIN_MONTHS"], SurvivalBand.MONTHS_1_TO_3),
    (T["CACHEXIA_UNFIT_BELOW_MONTHS"], SurvivalBand.MONTHS_3_TO_6),
    (T["EN_BLOC_MIN_MONTHS"], SurvivalBand.MONTHS_6_TO_12),
)
SURVIVAL_UNDER_3 = frozenset({SurvivalBand.UNDER_1_MONTH, SurvivalBand.MONTHS_1_TO_3})
SURVIVAL_UNDER_6 = SURVIVAL_UNDER_3 | {SurvivalBand.MONTHS_3_TO_6}

FactValues = dict[Fact, object]


def region_of(level: Level) -> Region:
    """Cervical, thoracic, lumbar or sacral."""
    return REGION_BY_PREFIX[level.value[0]]


def tumour_class(patient: Patient) -> TumourClass:
    """Radiosensitive, intermediate, radioresistant or unknown, before tissue is considered."""
    if patient.radiosensitivity is Radiosensitivity.SENSITIVE:
        return TumourClass.RADIOSENSITIVE
    if patient.radiosensitivity is Radiosensitivity.RESISTANT:
        return TumourClass.RADIORESISTANT
    if patient.histology in RADIOSENSITIVE_HISTOLOGIES:
        return TumourClass.RADIOSENSITIVE
    if patient.histology in RADIORESISTANT_HISTOLOGIES:
        return TumourClass.RADIORESISTANT
    if patient.histology in UNCLASSED_HISTOLOGIES:
        return TumourClass.UNKNOWN
    return TumourClass.INTERMEDIATE


def performance_band(patient: Patient) -> PerformanceBand | None:
    """The band of KPS, or of every KPS the ECOG allows (the bands follow ECOG exactly)."""
    values = possible_kps(patient)
    if not values:
        return None
    bands = {_band_of(kps) for kps in values}
    return bands.pop() if len(bands) == 1 else None


def _band_of(kps: int) -> PerformanceBand:
    for highest, band in PERFORMANCE_BANDS:
        if kps <= highest:
            return band
    return PerformanceBand.FIT


def survival_band(months: float | None) -> SurvivalBand | None:
    """The interval of the clinician's estimate; prognostic scores never stand in for it."""
    if months is None:
        return None
    for below, band in SURVIVAL_BANDS:
        if months < below:
            return band
    return SurvivalBand.MONTHS_12_OR_MORE


def asa_band(asa: int | None) -> AsaBand | None:
    """ASA 1-2, 3, or 4-5."""
    if asa is None:
        return None
    if asa >= T["UNFIT_MIN_ASA"]:
        return AsaBand.ASA_4_5
    return AsaBand.ASA_3 if asa == T["HIGHER_RISK_ASA"] else AsaBand.ASA_1_2


def trial_exclusions(patient: Patient, sensitive: bool, paraplegia: bool | None) -> list[str]:
    """Why the randomised surgical trial does not speak to this patient, in words."""
    reasons: list[str] = []
    if sensitive and patient.histology in TRIAL_EXCLUDED_HISTOLOGIES:
        reasons.append(
            "a radiosensitive tumour of the kinds the trial excluded (lymphoma, leukaemia, "
            "myeloma, germ-cell)"
        )
    if patient.tissue_diagnosis is False:
        reasons.append("no tissue diagnosis (the trial took tissue-proven cancer only)")
    if paraplegia:
        reasons.append(
            f"paraplegia for more than {T['ACUTE_DEFICIT_MAX_HOURS']:g} hours (Frankel A-B)"
        )
    if patient.compression_extent is CompressionExtent.DISCRETE:
        reasons.append("compression at discrete levels")
    if patient.level in CAUDA_EQUINA_LEVELS:
        reasons.append("cauda equina level (L2-L5)")
    if patient.prior_radiation in (PriorRadiation.RECENT, PriorRadiation.REMOTE):
        reasons.append("earlier radiotherapy to the level")
    if patient.progression_after_radiation:
        reasons.append("progression after radiotherapy")
    band = survival_band(patient.expected_survival_months)
    if band in SURVIVAL_UNDER_3:
        reasons.append(f"expected survival under {T['TRIAL_MIN_MONTHS']:g} months")
    return reasons


def presumptions(patient: Patient) -> tuple[str, ...]:
    """What the decompression need presumed for inputs left unknown, in words."""
    graded = patient.escc_grade is not None
    found = []
    if patient.frankel is None and graded:
        found.append("no deficit (Frankel grade unknown)")
    if patient.compression_by is None and graded:
        found.append("soft-tissue compression (compressed by unknown)")
    if patient.frankel in COMPLETE_GRADES and patient.deficit_duration_hours is None:
        found.append("an acute deficit (duration of Frankel A-B unknown)")
    if patient.compression_extent is None and graded:
        found.append("a single level (extent unknown)")
    return tuple(found)


def may_decide_now(patient: Patient, name: str) -> bool:
    """Whether an unknown input can matter for this patient at all (the pathway's scope)."""
    if name == "radiosensitivity":
        return tumour_class(patient) is TumourClass.UNKNOWN
    if name == "deficit_duration_hours":
        return patient.frankel in COMPLETE_GRADES
    if name == "sins_total":
        return any(getattr(patient, item) is None for item in SINS_ITEM_FIELDS)
    if name == "compression_by":
        return patient.escc_grade is None or ESCC_CLASSES[patient.escc_grade] is not (
            EsccClass.LOW_GRADE
        )
    return True


def fields_feeding(*scores: str) -> frozenset[str]:
    """The inputs whose specs say they feed one of these scores."""
    return frozenset(
        name for name in Patient.model_fields if set(field_spec(name).feeds) & set(scores)
    )


SINS_INPUTS = fields_feeding("SINS", "SINS location")
TOKUHASHI_INPUTS = fields_feeding("revised Tokuhashi")
TOMITA_INPUTS = fields_feeding("Tomita")


def _place(patient: Patient, bands: ScoreBands, known: FactValues) -> FactValues:
    return {Fact.LEVEL: patient.level, Fact.REGION: region_of(patient.level)}


def _tumour(patient: Patient, bands: ScoreBands, known: FactValues) -> FactValues:
    cls = tumour_class(patient)
    if cls is TumourClass.RADIOSENSITIVE and patient.tissue_diagnosis is False:
        cls = TumourClass.UNKNOWN  # without tissue, never presumed radiosensitive
    return {
        Fact.TUMOUR_CLASS: cls,
        Fact.LACKS_TISSUE_DIAGNOSIS: patient.tissue_diagnosis is False
        or patient.histology is Histology.UNKNOWN_PRIMARY,
        Fact.IS_HYPERVASCULAR: patient.hypervascular
        if patient.hypervascular is not None
        else (True if patient.histology in HYPERVASCULAR_HISTOLOGIES else None),
    }


def _neurology(patient: Patient, bands: ScoreBands, known: FactValues) -> FactValues:
    frankel_group = None if patient.frankel is None else FRANKEL_GROUPS[patient.frankel]
    has_deficit = None if frankel_group is None else frankel_group is not FrankelGroup.INTACT
    hours = patient.deficit_duration_hours
    acute_hours = T["ACUTE_DEFICIT_MAX_HOURS"]
    if frankel_group is FrankelGroup.COMPLETE:
        paraplegia: bool | None = None if hours is None else hours > acute_hours
    else:
        paraplegia = None if frankel_group is None else False
    time_critical = bool(
        patient.rapidly_progressive_deficit
        or (has_deficit and hours is not None and hours < acute_hours)
        or (frankel_group is FrankelGroup.COMPLETE and hours is None)
    )
    return {
        Fact.HAS_DEFICIT: has_deficit,
        Fact.FRANKEL: patient.frankel,
        Fact.FRANKEL_GROUP: frankel_group,
        Fact.IS_ESTABLISHED_PARAPLEGIA: paraplegia,
        Fact.IS_TIME_CRITICAL: time_critical,
        Fact.IS_RAPIDLY_PROGRESSIVE: patient.rapidly_progressive_deficit,
    }


def _compression(patient: Patient, bands: ScoreBands, known: FactValues) -> FactValues:
    return {
        Fact.ESCC_CLASS: None if patient.escc_grade is None else ESCC_CLASSES[patient.escc_grade],
        Fact.IS_COMPRESSED_BY_BONE: patient.compression_by
        in (CompressionBy.BONE, CompressionBy.BOTH),
        Fact.IS_DISCRETE: patient.compression_extent is CompressionExtent.DISCRETE,
        Fact.IS_PROGRESSING_AFTER_RADIATION: bool(patient.progression_after_radiation),
        Fact.PRIOR_RADIATION: patient.prior_radiation,
        Fact.COMPRESSION_SITE: patient.compression_site,
    }


def _mechanics(patient: Patient, bands: ScoreBands, known: FactValues) -> FactValues:
    return {
        Fact.SINS_BAND: None if bands.sins is None else SinsBand(bands.sins),
        Fact.PAIN: patient.pain,
        Fact.COLLAPSE: patient.collapse,
        Fact.ALIGNMENT: patient.alignment,
        Fact.POSTEROLATERAL: patient.posterolateral,
    }


def _performance(patient: Patient, bands: ScoreBands, known: FactValues) -> FactValues:
    return {
        Fact.PERFORMANCE: performance_band(patient),
        Fact.KPS_FROM_ECOG: patient.kps is None and patient.ecog is not None,
    }


def _risk(patient: Patient, bands: ScoreBands, known: FactValues) -> FactValues:
    low_albumin = (
        None if patient.albumin_g_dl is None else patient.albumin_g_dl < T["LOW_ALBUMIN_BELOW_G_DL"]
    )
    return {
        Fact.ASA_BAND: asa_band(patient.asa_class),
        Fact.HAS_LOW_ALBUMIN: low_albumin,
        Fact.HAS_CACHEXIA: patient.cachexia,
        Fact.IS_MALNOURISHED: True
        if patient.cachexia or low_albumin
        else (False if patient.cachexia is False and low_albumin is False else None),
        Fact.HAS_BLEEDING_RISK: patient.bleeding_risk,
        Fact.FIT_FOR_OPEN_SURGERY: patient.fit_for_open_surgery,
        Fact.IS_65_OR_OLDER: None
        if patient.age_years is None
        else patient.age_years >= T["TRIAL_AGE_ALERT_FROM_YEARS"],
    }


def _survival(patient: Patient, bands: ScoreBands, known: FactValues) -> FactValues:
    return {Fact.SURVIVAL: survival_band(patient.expected_survival_months)}


def _trial(patient: Patient, bands: ScoreBands, known: FactValues) -> FactValues:
    escc = known[Fact.ESCC_CLASS]
    excluded = trial_exclusions(
        patient,
        known[Fact.TUMOUR_CLASS] is TumourClass.RADIOSENSITIVE,
        bool(known[Fact.IS_ESTABLISHED_PARAPLEGIA]),
    )
    if escc in (EsccClass.CORD_CONTACT, EsccClass.HIGH_GRADE) and excluded:
        trial = TrialFit.OUTSIDE
    elif known[Fact.HAS_DEFICIT] and escc is EsccClass.HIGH_GRADE:
        trial = TrialFit.WITHIN
    else:
        trial = TrialFit.NOT_APPLICABLE
    return {Fact.TRIAL: trial}


def _prognosis(patient: Patient, bands: ScoreBands, known: FactValues) -> FactValues:
    tokuhashi, tomita = bands.tokuhashi, bands.tomita
    band = cast(SurvivalBand | None, known[Fact.SURVIVAL])  # set by _survival
    cls = cast(TumourClass, known[Fact.TUMOUR_CLASS])  # set by _tumour
    return {
        Fact.PROGNOSTIC_SCORES_POOR: _scores_poor(tokuhashi, tomita),
        Fact.PROGNOSIS_DISAGREES: _prognosis_disagrees(band, tokuhashi, tomita),
        Fact.IS_EN_BLOC_CANDIDATE: _is_en_bloc_candidate(patient, cls, band, tokuhashi, tomita),
    }


class FactGroup(NamedTuple):
    """Facts derived together, and every input they read (directly, through a score or
    through an earlier group's facts): a changed input re-derives only the groups reading it."""

    derive: Callable[[Patient, ScoreBands, FactValues], FactValues]
    reads: frozenset[str]


_TUMOUR_READS = frozenset({"radiosensitivity", "histology", "tissue_diagnosis", "hypervascular"})
_NEUROLOGY_READS = frozenset({"frankel", "deficit_duration_hours", "rapidly_progressive_deficit"})
_COMPRESSION_READS = frozenset(
    {
        "escc_grade",
        "compression_by",
        "compression_extent",
        "progression_after_radiation",
        "prior_radiation",
        "compression_site",
    }
)
# In order: a group may read the facts of the groups before it.
FACT_GROUPS: tuple[FactGroup, ...] = (
    FactGroup(_place, frozenset({"level"})),
    FactGroup(_tumour, _TUMOUR_READS),
    FactGroup(_neurology, _NEUROLOGY_READS),
    FactGroup(_compression, _COMPRESSION_READS),
    FactGroup(_mechanics, SINS_INPUTS | {"pain", "collapse", "alignment", "posterolateral"}),
    FactGroup(_performance, frozenset({"kps", "ecog"})),
    FactGroup(
        _risk,
        frozenset(
            {
                "asa_class",
                "albumin_g_dl",
                "cachexia",
                "bleeding_risk",
                "fit_for_open_surgery",
                "age_years",
            }
        ),
    ),
    FactGroup(_survival, frozenset({"expected_survival_months"})),
    FactGroup(
        _trial,
        _TUMOUR_READS
        | _NEUROLOGY_READS
        | _COMPRESSION_READS
        | {"level", "expected_survival_months"},
    ),
    FactGroup(
        _prognosis,
        TOKUHASHI_INPUTS
        | TOMITA_INPUTS
        | _TUMOUR_READS
        | {
            "expected_survival_months",
            "primary_growth",
            "level",
            "vertebral_metastases",
            "extraspinal_bone_metastases",
            "visceral_metastases",
        },
    ),
)

# Each input's groups, in order.
GROUPS_READING: dict[str, tuple[FactGroup, ...]] = {
    name: tuple(group for group in FACT_GROUPS if name in group.reads)
    for name in Patient.model_fields
}


def derive_facts(patient: Patient, bands: ScoreBands) -> tuple[FactValues, tuple[str, ...]]:
    """Every fact the table tests, and the trial exclusions in words (the scores' bands are
    all the facts read of them)."""
    facts: FactValues = {}
    for group in FACT_GROUPS:
        facts.update(group.derive(patient, bands, facts))
    cls, paraplegia = facts[Fact.TUMOUR_CLASS], facts[Fact.IS_ESTABLISHED_PARAPLEGIA]
    exclusions = trial_exclusions(patient, cls is TumourClass.RADIOSENSITIVE, bool(paraplegia))
    return {fact: facts[fact] for fact in BASE_FACTS}, tuple(exclusions)


def rederive_facts(
    facts: FactValues, variant: Patient, bands: ScoreBands, changed: str
) -> FactValues:
    """The facts that change when ``variant`` differs from the patient of ``facts`` in the
    input ``changed`` alone (``bands`` are the variant's): only the groups reading it run."""
    groups = GROUPS_READING.get(changed, ())
    if len(groups) == 1:  # the facts before it are unchanged: read them where they are
        return groups[0].derive(variant, bands, facts)
    merged = dict(facts)
    found: FactValues = {}
    for group in groups:
        fresh = group.derive(variant, bands, merged)
        merged.update(fresh)
        found.update(fresh)
    return found


def _scores_poor(tokuhashi: str | None, tomita: str | None) -> bool | None:
    """Revised Tokuhashi 0-8 or Tomita 8-10 (the bands): counted once, whichever says it."""
    if tokuhashi == TOKUHASHI_UNDER_6_MONTHS or tomita == TOMITA_TERMINAL_CARE:
        return True
    if tokuhashi is not None or tomita is not None:
        return False
    return None


def _prognosis_disagrees(
    band: SurvivalBand | None, tokuhashi: str | None, tomita: str | None
) -> bool:
    """The clinician's estimate against revised Tokuhashi, or Tomita against Tokuhashi."""
    short = tokuhashi == TOKUHASHI_UNDER_6_MONTHS
    longer = tokuhashi is not None and not short
    if band is not None and (
        (band not in SURVIVAL_UNDER_6 and short) or (band in SURVIVAL_UNDER_6 and longer)
    ):
        return True
    return tomita == TOMITA_TERMINAL_CARE and longer


def _is_en_bloc_candidate(
    patient: Patient,
    cls: TumourClass,
    band: SurvivalBand | None,
    tokuhashi: str | None,
    tomita: str | None,
) -> bool:
    """An isolated metastasis a specialist centre might excise en bloc (fitness aside)."""
    growth = tomita_growth(patient)  # the clinician's setting, else the histology's
    slow = growth is not None and growth.value == "slow"
    biology = cls is TumourClass.RADIORESISTANT or (slow and cls is not TumourClass.RADIOSENSITIVE)
    if band is not None:
        long_survival = band is SurvivalBand.MONTHS_12_OR_MORE
    else:
        long_survival = tokuhashi == TOKUHASHI_1_YEAR_OR_MORE or tomita == TOMITA_LONG_TERM
    return bool(
        region_of(patient.level) in (Region.THORACIC, Region.LUMBAR)
        and patient.vertebral_metastases == 1
        and patient.extraspinal_bone_metastases == 0
        and patient.visceral_metastases is VisceralMetastases.NONE
        and biology
        and long_survival
    )
