"""SINS, revised Tokuhashi and Tomita as point tables, with working, ranges and bands.

Every score is computed the same way: each component maps the patient to the set
of categories it could be in (one when known, several when an input is missing),
the points come from the component's table, and the total is reported only when
every component is known. Otherwise the score gives its possible range, and a
band only when the whole range falls in one band. Tables are copied from
``../shared/domain/scores.md``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from functools import lru_cache
from typing import NamedTuple, TypeVar

from pydantic import BaseModel, ConfigDict

from rules.patient import (
    KPS_RANGE_BY_ECOG,
    SINS_ITEM_FIELDS,
    Alignment,
    BoneLesion,
    Collapse,
    EsccGrade,
    Frankel,
    Histology,
    Level,
    Pain,
    Patient,
    Posterolateral,
    PrimaryGrowth,
    VisceralMetastases,
)

Choice = TypeVar("Choice", bound=StrEnum)


class ScoreBands(NamedTuple):
    """The band each score names (None while its unknowns span several): all that the
    facts read of the scores."""

    sins: str | None
    tokuhashi: str | None
    tomita: str | None


class Band(BaseModel):
    """A closed range of totals with its label and meaning."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    low: int
    high: int
    label: str
    meaning: str


class ComponentResult(BaseModel):
    """One line of a score's working."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    inputs: tuple[str, ...]
    category: str | None
    points: int | None
    min: int
    max: int


class ScoreResult(BaseModel):
    """A score with its working; ``total`` is None when any component is unknown."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    total: int | None
    min: int
    max: int
    band: str | None
    band_meaning: str | None
    possible_bands: tuple[str, ...]
    components: tuple[ComponentResult, ...]
    missing_inputs: tuple[str, ...]
    source_quality: str
    citations: tuple[str, ...]


# --- SINS ----------------------------------------------------------------------------

SINS_LOCATION_BY_LEVEL: dict[str, tuple[Level, ...]] = {
    "junctional (occiput-C2, C7-T2, T11-L1, L5-S1)": (
        Level.C1,
        Level.C2,
        Level.C7,
        Level.T1,
        Level.T2,
        Level.T11,
        Level.T12,
        Level.L1,
        Level.L5,
        Level.S1,
    ),
    "mobile (C3-C6, L2-L4)": (Level.C3, Level.C4, Level.C5, Level.C6, Level.L2, Level.L3, Level.L4),
    "semi-rigid (T3-T10)": (
        Level.T3,
        Level.T4,
        Level.T5,
        Level.T6,
        Level.T7,
        Level.T8,
        Level.T9,
        Level.T10,
    ),
    "rigid (S2-S5)": (Level.S2, Level.S3, Level.S4, Level.S5),
}
SINS_LOCATION_POINTS: dict[str, int] = {
    "junctional (occiput-C2, C7-T2, T11-L1, L5-S1)": 3,
    "mobile (C3-C6, L2-L4)": 2,
    "semi-rigid (T3-T10)": 1,
    "rigid (S2-S5)": 0,
}
SINS_PAIN_POINTS: dict[Pain, int] = {
    Pain.MECHANICAL: 3,
    Pain.OCCASIONAL_NON_MECHANICAL: 1,
    Pain.PAIN_FREE: 0,
}
SINS_BONE_LESION_POINTS: dict[BoneLesion, int] = {
    BoneLesion.LYTIC: 2,
    BoneLesion.MIXED: 1,
    BoneLesion.BLASTIC: 0,
}
SINS_ALIGNMENT_POINTS: dict[Alignment, int] = {
    Alignment.SUBLUXATION_TRANSLATION: 4,
    Alignment.DE_NOVO_DEFORMITY: 2,
    Alignment.NORMAL: 0,
}
SINS_COLLAPSE_POINTS: dict[Collapse, int] = {
    Collapse.OVER_50_PERCENT: 3,
    Collapse.UNDER_50_PERCENT: 2,
    Collapse.NO_COLLAPSE_OVER_50_PERCENT_INVOLVED: 1,
    Collapse.NONE: 0,
}
SINS_POSTEROLATERAL_POINTS: dict[Posterolateral, int] = {
    Posterolateral.BILATERAL: 3,
    Posterolateral.UNILATERAL: 1,
    Posterolateral.NONE: 0,
}
SINS_STABLE = "stable"
SINS_INDETERMINATE = "indeterminate"
SINS_UNSTABLE = "unstable"
SINS_BANDS: tuple[Band, ...] = (
    Band(low=0, high=6, label=SINS_STABLE, meaning="Stable."),
    Band(
        low=7,
        high=12,
        label=SINS_INDETERMINATE,
        meaning="Indeterminate (possibly impending instability): surgical consultation advised.",
    ),
    Band(
        low=13,
        high=18,
        label=SINS_UNSTABLE,
        meaning="Unstable: surgical consultation advised.",
    ),
)

# --- Revised Tokuhashi (2005) ---------------------------------------------------------

TOKUHASHI_KPS_CATEGORIES: tuple[tuple[str, range, int], ...] = (
    ("poor (KPS 10-40)", range(0, 41), 0),
    ("moderate (KPS 50-70)", range(50, 71), 1),
    ("good (KPS 80-100)", range(80, 101), 2),
)
TOKUHASHI_EXTRASPINAL_POINTS: tuple[tuple[str, range, int], ...] = (
    ("3 or more", range(3, 10**6), 0),
    ("1-2", range(1, 3), 1),
    ("0", range(0, 1), 2),
)
TOKUHASHI_VERTEBRAL_POINTS: tuple[tuple[str, range, int], ...] = (
    ("3 or more", range(3, 10**6), 0),
    ("2", range(2, 3), 1),
    ("1", range(1, 2), 2),
)
TOKUHASHI_VISCERAL_POINTS: dict[VisceralMetastases, int] = {
    VisceralMetastases.UNREMOVABLE: 0,
    VisceralMetastases.REMOVABLE: 1,
    VisceralMetastases.NONE: 2,
}
TOKUHASHI_PRIMARY_POINTS: dict[Histology, int] = {
    Histology.LUNG: 0,
    Histology.SMALL_CELL_LUNG: 0,
    Histology.OSTEOSARCOMA: 0,
    Histology.GASTRIC: 0,
    Histology.BLADDER: 0,
    Histology.ESOPHAGEAL: 0,
    Histology.PANCREATIC: 0,
    Histology.HEPATOCELLULAR: 1,
    Histology.GALLBLADDER: 1,
    Histology.UNKNOWN_PRIMARY: 1,
    Histology.RENAL: 3,
    Histology.UTERINE: 3,
    Histology.RECTAL: 4,
    Histology.THYROID: 5,
    Histology.BREAST: 5,
    Histology.PROSTATE: 5,
    Histology.CARCINOID: 5,
}
TOKUHASHI_OTHER_PRIMARY_POINTS = 2  # every histology not named above ("others")
TOKUHASHI_PALSY_POINTS: dict[Frankel, int] = {
    Frankel.A: 0,
    Frankel.B: 0,
    Frankel.C: 1,
    Frankel.D: 1,
    Frankel.E: 2,
}
TOKUHASHI_UNDER_6_MONTHS = "under 6 months"
TOKUHASHI_6_MONTHS_OR_MORE = "6 months or more"
TOKUHASHI_1_YEAR_OR_MORE = "1 year or more"
TOKUHASHI_BANDS: tuple[Band, ...] = (
    Band(
        low=0,
        high=8,
        label=TOKUHASHI_UNDER_6_MONTHS,
        meaning="Predicted survival under 6 months; conservative care, palliative surgery "
        "in selected cases (treatment column per secondary source).",
    ),
    Band(
        low=9,
        high=11,
        label=TOKUHASHI_6_MONTHS_OR_MORE,
        meaning="Predicted survival 6 months or more; palliative surgery, excision if a single "
        "lesion without visceral metastases (treatment column per secondary source).",
    ),
    Band(
        low=12,
        high=15,
        label=TOKUHASHI_1_YEAR_OR_MORE,
        meaning="Predicted survival 1 year or more; excisional surgery "
        "(treatment column per secondary source).",
    ),
)

# --- Tomita (2001) ---------------------------------------------------------------------

TOMITA_GROWTH_POINTS: dict[PrimaryGrowth, int] = {
    PrimaryGrowth.SLOW: 1,
    PrimaryGrowth.MODERATE: 2,
    PrimaryGrowth.RAPID: 4,
}
# Only the examples the score names; other histologies need the clinician's setting.
TOMITA_GROWTH_BY_HISTOLOGY: dict[Histology, PrimaryGrowth] = {
    Histology.BREAST: PrimaryGrowth.SLOW,
    Histology.THYROID: PrimaryGrowth.SLOW,
    Histology.PROSTATE: PrimaryGrowth.SLOW,
    Histology.RENAL: PrimaryGrowth.MODERATE,
    Histology.UTERINE: PrimaryGrowth.MODERATE,
    Histology.LUNG: PrimaryGrowth.RAPID,
    Histology.SMALL_CELL_LUNG: PrimaryGrowth.RAPID,
    Histology.GASTRIC: PrimaryGrowth.RAPID,
    Histology.COLON: PrimaryGrowth.RAPID,
    Histology.HEPATOCELLULAR: PrimaryGrowth.RAPID,
    Histology.UNKNOWN_PRIMARY: PrimaryGrowth.RAPID,
}
# Tokuhashi's removable/unremovable visceral metastases read as Tomita's treatable/untreatable.
TOMITA_VISCERAL_POINTS: dict[VisceralMetastases, int] = {
    VisceralMetastases.NONE: 0,
    VisceralMetastases.REMOVABLE: 2,
    VisceralMetastases.UNREMOVABLE: 4,
}
TOMITA_SOLITARY = "solitary"
TOMITA_MULTIPLE = "multiple"
TOMITA_BONE_POINTS: dict[str, int] = {TOMITA_SOLITARY: 1, TOMITA_MULTIPLE: 2}
TOMITA_TERMINAL_CARE = "terminal care"
TOMITA_LONG_TERM = "long-term local control"
TOMITA_BANDS: tuple[Band, ...] = (
    Band(
        low=2,
        high=3,
        label=TOMITA_LONG_TERM,
        meaning="Wide or marginal excision (e.g. en bloc spondylectomy).",
    ),
    Band(
        low=4,
        high=5,
        label="middle-term local control",
        meaning="Marginal or intralesional excision.",
    ),
    Band(low=6, high=7, label="short-term palliation", meaning="Palliative surgery."),
    Band(
        low=8,
        high=10,
        label=TOMITA_TERMINAL_CARE,
        meaning="Supportive, non-operative care.",
    ),
)

# --- Bilsky ESCC --------------------------------------------------------------------------

ESCC_LOW_GRADE = "low grade"
ESCC_BORDERLINE = "borderline"
ESCC_HIGH_GRADE = "high grade"
ESCC_GROUP: dict[EsccGrade, str] = {
    EsccGrade.G0: ESCC_LOW_GRADE,
    EsccGrade.G1A: ESCC_LOW_GRADE,
    EsccGrade.G1B: ESCC_LOW_GRADE,
    EsccGrade.G1C: ESCC_BORDERLINE,
    EsccGrade.G2: ESCC_HIGH_GRADE,
    EsccGrade.G3: ESCC_HIGH_GRADE,
}
ESCC_DEFINITION: dict[EsccGrade, str] = {
    EsccGrade.G0: "tumour confined to bone",
    EsccGrade.G1A: "epidural impingement without deformation of the thecal sac",
    EsccGrade.G1B: "thecal sac deformed, cord not abutted",
    EsccGrade.G1C: "thecal sac deformed and cord abutted, not compressed",
    EsccGrade.G2: "cord compressed, CSF still visible around it",
    EsccGrade.G3: "cord compressed, no CSF visible around it",
}
ESCC_GROUP_MEANING: dict[str, str] = {
    ESCC_LOW_GRADE: "Radiation first, unless the spine is mechanically unstable.",
    ESCC_BORDERLINE: "Debated: surgery or high-dose stereotactic radiosurgery.",
    ESCC_HIGH_GRADE: "Decompression before radiation, unless the tumour is highly radiosensitive.",
}


class BilskyResult(BaseModel):
    """Interpretation of the Bilsky ESCC grade."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    grade: str | None
    definition: str | None
    group: str | None
    meaning: str | None
    citations: tuple[str, ...]


# --- the shared arithmetic -------------------------------------------------------------


Points = tuple[tuple[str, int], ...]  # (category, points), hashable so components memoise


def _named(table: Mapping[Choice, int]) -> Points:
    return tuple((key.value, points) for key, points in table.items())


def _by_range(table: tuple[tuple[str, range, int], ...]) -> Points:
    return tuple((label, points) for label, _, points in table)


SINS_PAIN_TABLE = _named(SINS_PAIN_POINTS)
SINS_BONE_LESION_TABLE = _named(SINS_BONE_LESION_POINTS)
SINS_ALIGNMENT_TABLE = _named(SINS_ALIGNMENT_POINTS)
SINS_COLLAPSE_TABLE = _named(SINS_COLLAPSE_POINTS)
SINS_POSTEROLATERAL_TABLE = _named(SINS_POSTEROLATERAL_POINTS)
SINS_LOCATION_TABLE = tuple(SINS_LOCATION_POINTS.items())
TOKUHASHI_KPS_TABLE = _by_range(TOKUHASHI_KPS_CATEGORIES)
TOKUHASHI_EXTRASPINAL_TABLE = _by_range(TOKUHASHI_EXTRASPINAL_POINTS)
TOKUHASHI_VERTEBRAL_TABLE = _by_range(TOKUHASHI_VERTEBRAL_POINTS)
TOKUHASHI_VISCERAL_TABLE = _named(TOKUHASHI_VISCERAL_POINTS)
TOKUHASHI_PALSY_TABLE = tuple(
    (f"Frankel {grade.value}", points) for grade, points in TOKUHASHI_PALSY_POINTS.items()
)
TOMITA_GROWTH_TABLE = _named(TOMITA_GROWTH_POINTS)
TOMITA_VISCERAL_TABLE = _named(TOMITA_VISCERAL_POINTS)
TOMITA_BONE_TABLE = tuple(TOMITA_BONE_POINTS.items())


@lru_cache(maxsize=1024)
def _component(
    name: str,
    inputs: tuple[str, ...],
    table: Points,
    known: str | None,
    possible: tuple[str, ...] | None = None,
) -> ComponentResult:
    """A component that is known (one category) or ranges over its possible categories
    (memoised: the decisive search builds the same components for every candidate value)."""
    points_of = dict(table)
    if known is not None:
        points = points_of[known]
        return ComponentResult(
            name=name, inputs=inputs, category=known, points=points, min=points, max=points
        )
    candidates = list(possible) if possible is not None else list(points_of)
    values = [points_of[category] for category in candidates]
    return ComponentResult(
        name=name,
        inputs=inputs,
        category=" or ".join(candidates) if possible is not None else None,
        points=None,
        min=min(values),
        max=max(values),
    )


def _band_for(total: int, bands: Sequence[Band]) -> Band:
    for band in bands:
        if band.low <= total <= band.high:
            return band
    raise ValueError(f"total {total} outside every band")


def _score(
    name: str,
    components: Sequence[ComponentResult],
    bands: Sequence[Band],
    missing_inputs: Sequence[str],
    source_quality: str,
    citations: tuple[str, ...],
) -> ScoreResult:
    low = sum(component.min for component in components)
    high = sum(component.max for component in components)
    is_complete = all(component.points is not None for component in components)
    possible = tuple(band.label for band in bands if band.low <= high and band.high >= low)
    band = _band_for(low, bands) if len(possible) == 1 else None
    return ScoreResult.model_construct(  # every value computed here from the typed tables
        name=name,
        total=low if is_complete else None,
        min=low,
        max=high,
        band=band.label if band else None,
        band_meaning=band.meaning if band else None,
        possible_bands=possible,
        components=tuple(components),
        missing_inputs=tuple(dict.fromkeys(missing_inputs)),
        source_quality=source_quality,
        citations=citations,
    )


def _band_only(components: Sequence[ComponentResult], bands: Sequence[Band]) -> str | None:
    """The band ``_score`` would name for these components, without building the result."""
    low = sum(component.min for component in components)
    high = sum(component.max for component in components)
    possible = [band.label for band in bands if band.low <= high and band.high >= low]
    return possible[0] if len(possible) == 1 else None


def _range_category(table: tuple[tuple[str, range, int], ...], value: int) -> str:
    for label, values, _ in table:
        if value in values:
            return label
    raise ValueError(f"{value} outside the table")


def _missing(patient: Patient, *fields: str) -> list[str]:
    return [field for field in fields if getattr(patient, field) is None]


# --- the scores -------------------------------------------------------------------------


def sins_location_class(level: Level) -> str:
    """The SINS location class of a vertebra."""
    for location, levels in SINS_LOCATION_BY_LEVEL.items():
        if level in levels:
            return location
    raise ValueError(f"level {level} has no SINS location class")


def _sins_components(patient: Patient) -> list[ComponentResult]:
    return [
        _component("Location", ("level",), SINS_LOCATION_TABLE, sins_location_class(patient.level)),
        _component("Pain", ("pain",), SINS_PAIN_TABLE, _value(patient.pain)),
        _component(
            "Bone lesion",
            ("bone_lesion",),
            SINS_BONE_LESION_TABLE,
            _value(patient.bone_lesion),
        ),
        _component(
            "Radiographic alignment",
            ("alignment",),
            SINS_ALIGNMENT_TABLE,
            _value(patient.alignment),
        ),
        _component(
            "Vertebral body collapse",
            ("collapse",),
            SINS_COLLAPSE_TABLE,
            _value(patient.collapse),
        ),
        _component(
            "Posterolateral involvement",
            ("posterolateral",),
            SINS_POSTEROLATERAL_TABLE,
            _value(patient.posterolateral),
        ),
    ]


SINS_ITEMS = SINS_ITEM_FIELDS


def sins_item_range(patient: Patient) -> tuple[int, int]:
    """The lowest and highest SINS total the level and the given items allow."""
    components = _sins_components(patient)
    return sum(c.min for c in components), sum(c.max for c in components)


def sins(patient: Patient) -> ScoreResult:
    """Spinal Instability Neoplastic Score (Fisher 2010), 0-18.

    A ``sins_total`` entered without (all) the items counts as the total; the
    model has already checked it lies in the range the given items allow.
    """
    components = _sins_components(patient)
    citations = ("fisher2010_sins", "fisher2014_sins_radonc_reliability")
    quality = "Verified against several independent sources."
    missing = _missing(patient, *SINS_ITEMS)
    if patient.sins_total is not None and missing:
        total = patient.sins_total
        band = _band_for(total, SINS_BANDS)
        return ScoreResult(
            name="SINS",
            total=total,
            min=total,
            max=total,
            band=band.label,
            band_meaning=band.meaning,
            possible_bands=(band.label,),
            components=tuple(components),
            missing_inputs=(),
            source_quality=f"{quality} Total entered by the clinician; items not all recorded.",
            citations=citations,
        )
    return _score("SINS", components, SINS_BANDS, missing, quality, citations)


def sins_band(patient: Patient) -> str | None:
    """The band ``sins`` names, alone (the decisive search tries many values)."""
    if patient.sins_total is not None and any(
        getattr(patient, item) is None for item in SINS_ITEMS
    ):
        return _band_for(patient.sins_total, SINS_BANDS).label
    return _band_only(_sins_components(patient), SINS_BANDS)


def inputs_settled_elsewhere(patient: Patient) -> set[str]:
    """Unknown inputs that are not missing: the other performance scale, the SINS total or
    items, or the growth rate the histology gives."""
    settled: set[str] = set()
    if patient.kps is not None or patient.ecog is not None:
        settled |= {"kps", "ecog"}
    if tomita_growth(patient) is not None:
        settled.add("primary_growth")
    if all(getattr(patient, item) is not None for item in SINS_ITEMS):
        settled.add("sins_total")
    if patient.sins_total is not None:
        settled |= set(SINS_ITEMS)
    return settled


def possible_kps(patient: Patient) -> tuple[int, ...] | None:
    """KPS values compatible with the input: the KPS itself, else the ECOG's range."""
    if patient.kps is not None:
        return (patient.kps,)
    if patient.ecog is not None:
        return KPS_RANGE_BY_ECOG[patient.ecog]
    return None


def _tokuhashi_components(patient: Patient) -> list[ComponentResult]:
    kps_values = possible_kps(patient)
    categories: tuple[str, ...] | None = None
    if kps_values is not None:
        categories = tuple(
            dict.fromkeys(_range_category(TOKUHASHI_KPS_CATEGORIES, kps) for kps in kps_values)
        )
    general = _component(
        "General condition (KPS)",
        ("kps", "ecog"),
        TOKUHASHI_KPS_TABLE,
        categories[0] if categories is not None and len(categories) == 1 else None,
        categories,
    )
    extraspinal = _component(
        "Extraspinal bone metastases",
        ("extraspinal_bone_metastases",),
        TOKUHASHI_EXTRASPINAL_TABLE,
        None
        if patient.extraspinal_bone_metastases is None
        else _range_category(TOKUHASHI_EXTRASPINAL_POINTS, patient.extraspinal_bone_metastases),
    )
    vertebral = _component(
        "Vertebral body metastases",
        ("vertebral_metastases",),
        TOKUHASHI_VERTEBRAL_TABLE,
        None
        if patient.vertebral_metastases is None
        else _range_category(TOKUHASHI_VERTEBRAL_POINTS, patient.vertebral_metastases),
    )
    visceral = _component(
        "Metastases to major internal organs",
        ("visceral_metastases",),
        TOKUHASHI_VISCERAL_TABLE,
        _value(patient.visceral_metastases),
    )
    primary_points = TOKUHASHI_PRIMARY_POINTS.get(patient.histology, TOKUHASHI_OTHER_PRIMARY_POINTS)
    primary_label = (
        patient.histology.value
        if patient.histology in TOKUHASHI_PRIMARY_POINTS
        else f"{patient.histology.value} (others)"
    )
    primary = _component(
        "Primary site", ("histology",), ((primary_label, primary_points),), primary_label
    )
    palsy = _component(
        "Palsy (Frankel)",
        ("frankel",),
        TOKUHASHI_PALSY_TABLE,
        None if patient.frankel is None else f"Frankel {patient.frankel.value}",
    )
    return [general, extraspinal, vertebral, visceral, primary, palsy]


def tokuhashi(patient: Patient) -> ScoreResult:
    """Revised Tokuhashi score (2005), 0-15."""
    components = _tokuhashi_components(patient)
    kps_values = possible_kps(patient)
    missing = (["kps", "ecog"] if kps_values is None else []) + _missing(
        patient,
        "extraspinal_bone_metastases",
        "vertebral_metastases",
        "visceral_metastases",
        "frankel",
    )
    if kps_values is not None and components[0].points is None:
        missing.insert(0, "kps")
    return _score(
        "Revised Tokuhashi",
        components,
        TOKUHASHI_BANDS,
        missing,
        "Point table and survival bands verified; treatment column per secondary source. "
        "Predictive accuracy is modest (about 63% overall).",
        ("tokuhashi2005_revised", "zoccali2016_tokuhashi_pitfalls"),
    )


def tomita_growth(patient: Patient) -> PrimaryGrowth | None:
    """The clinician's growth setting, else the one the score names for the histology."""
    if patient.primary_growth is not None:
        return patient.primary_growth
    return TOMITA_GROWTH_BY_HISTOLOGY.get(patient.histology)


def bone_metastasis_extent(patient: Patient) -> str | None:
    """Solitary or multiple bone metastases (index lesion included), None if unknown."""
    vertebral, extraspinal = patient.vertebral_metastases, patient.extraspinal_bone_metastases
    if (vertebral is not None and vertebral >= 2) or (extraspinal is not None and extraspinal >= 1):
        return TOMITA_MULTIPLE
    if vertebral == 1 and extraspinal == 0:
        return TOMITA_SOLITARY
    return None


def _tomita_components(
    patient: Patient, growth: PrimaryGrowth | None, extent: str | None
) -> list[ComponentResult]:
    return [
        _component(
            "Primary tumour growth",
            ("primary_growth", "histology"),
            TOMITA_GROWTH_TABLE,
            _value(growth),
        ),
        _component(
            "Visceral metastases",
            ("visceral_metastases",),
            TOMITA_VISCERAL_TABLE,
            _value(patient.visceral_metastases),
        ),
        _component(
            "Bone metastases",
            ("vertebral_metastases", "extraspinal_bone_metastases"),
            TOMITA_BONE_TABLE,
            extent,
        ),
    ]


def tomita(patient: Patient) -> ScoreResult:
    """Tomita score (2001), 2-10."""
    growth = tomita_growth(patient)
    extent = bone_metastasis_extent(patient)
    components = _tomita_components(patient, growth, extent)
    missing: list[str] = []
    if growth is None:
        missing.append("primary_growth")
    missing += _missing(patient, "visceral_metastases")
    if extent is None:
        missing += _missing(patient, "vertebral_metastases", "extraspinal_bone_metastases")
    return _score(
        "Tomita",
        components,
        TOMITA_BANDS,
        missing,
        "Secondary source: point values and bands not yet checked against the 2001 paper.",
        ("tomita2001_surgical_strategy",),
    )


def tokuhashi_band(patient: Patient) -> str | None:
    """The band ``tokuhashi`` names, alone (the decisive search tries many values)."""
    return _band_only(_tokuhashi_components(patient), TOKUHASHI_BANDS)


def tomita_band(patient: Patient) -> str | None:
    """The band ``tomita`` names, alone (the decisive search tries many values)."""
    components = _tomita_components(
        patient, tomita_growth(patient), bone_metastasis_extent(patient)
    )
    return _band_only(components, TOMITA_BANDS)


def bilsky(patient: Patient) -> BilskyResult:
    """Group and meaning of the Bilsky ESCC grade."""
    grade = patient.escc_grade
    citations = ("bilsky2010_escc", "laufer2013_noms")
    if grade is None:
        return BilskyResult(
            grade=None, definition=None, group=None, meaning=None, citations=citations
        )
    group = ESCC_GROUP[grade]
    return BilskyResult(
        grade=grade.value,
        definition=ESCC_DEFINITION[grade],
        group=group,
        meaning=ESCC_GROUP_MEANING[group],
        citations=citations,
    )


def _value(choice: StrEnum | None) -> str | None:
    return None if choice is None else choice.value
