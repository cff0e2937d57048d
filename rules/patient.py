"""The patient input model and its choices. Input only: nothing here is derived."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class Level(StrEnum):
    """Index vertebra."""

    C1 = "C1"
    C2 = "C2"
    C3 = "C3"
    C4 = "C4"
    C5 = "C5"
    C6 = "C6"
    C7 = "C7"
    T1 = "T1"
    T2 = "T2"
    T3 = "T3"
    T4 = "T4"
    T5 = "T5"
    T6 = "T6"
    T7 = "T7"
    T8 = "T8"
    T9 = "T9"
    T10 = "T10"
    T11 = "T11"
    T12 = "T12"
    L1 = "L1"
    L2 = "L2"
    L3 = "L3"
    L4 = "L4"
    L5 = "L5"
    S1 = "S1"
    S2 = "S2"
    S3 = "S3"
    S4 = "S4"
    S5 = "S5"


class Histology(StrEnum):
    """Primary tumour."""

    LUNG = "lung"
    SMALL_CELL_LUNG = "small_cell_lung"
    BREAST = "breast"
    PROSTATE = "prostate"
    THYROID = "thyroid"
    RENAL = "renal"
    HEPATOCELLULAR = "hepatocellular"
    GALLBLADDER = "gallbladder"
    GASTRIC = "gastric"
    ESOPHAGEAL = "esophageal"
    PANCREATIC = "pancreatic"
    COLON = "colon"
    RECTAL = "rectal"
    BLADDER = "bladder"
    UTERINE = "uterine"
    CARCINOID = "carcinoid"
    MELANOMA = "melanoma"
    OSTEOSARCOMA = "osteosarcoma"
    SARCOMA = "sarcoma"
    MYELOMA = "myeloma"
    LYMPHOMA = "lymphoma"
    UNKNOWN_PRIMARY = "unknown_primary"
    OTHER = "other"


class Frankel(StrEnum):
    """Frankel neurological grade."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"


class EsccGrade(StrEnum):
    """Bilsky epidural spinal cord compression grade (axial T2 MRI)."""

    G0 = "0"
    G1A = "1a"
    G1B = "1b"
    G1C = "1c"
    G2 = "2"
    G3 = "3"


class CompressionSite(StrEnum):
    """Where the epidural disease compresses the cord or thecal sac."""

    ANTERIOR = "anterior"
    POSTERIOR = "posterior"
    CIRCUMFERENTIAL = "circumferential"


class Pain(StrEnum):
    """SINS pain item."""

    MECHANICAL = "mechanical"
    OCCASIONAL_NON_MECHANICAL = "occasional_non_mechanical"
    PAIN_FREE = "pain_free"


class BoneLesion(StrEnum):
    """SINS bone lesion quality."""

    LYTIC = "lytic"
    MIXED = "mixed"
    BLASTIC = "blastic"


class Alignment(StrEnum):
    """SINS radiographic alignment."""

    SUBLUXATION_TRANSLATION = "subluxation_translation"
    DE_NOVO_DEFORMITY = "de_novo_deformity"
    NORMAL = "normal"


class Collapse(StrEnum):
    """SINS vertebral body collapse."""

    OVER_50_PERCENT = "over_50_percent"
    UNDER_50_PERCENT = "under_50_percent"
    NO_COLLAPSE_OVER_50_PERCENT_INVOLVED = "no_collapse_over_50_percent_involved"
    NONE = "none"


class Posterolateral(StrEnum):
    """SINS posterolateral involvement of the spinal elements."""

    BILATERAL = "bilateral"
    UNILATERAL = "unilateral"
    NONE = "none"


class VisceralMetastases(StrEnum):
    """Metastases to the major internal organs."""

    NONE = "none"
    REMOVABLE = "removable"
    UNREMOVABLE = "unremovable"


class PrimaryGrowth(StrEnum):
    """Growth rate of the primary tumour (Tomita)."""

    SLOW = "slow"
    MODERATE = "moderate"
    RAPID = "rapid"


class Radiosensitivity(StrEnum):
    """Expected response to conventional external-beam radiotherapy."""

    SENSITIVE = "sensitive"
    RESISTANT = "resistant"


class PriorRadiation(StrEnum):
    """Radiotherapy to the operative field; recent means within about 3 months."""

    NONE = "none"
    RECENT = "recent"
    REMOTE = "remote"


# Conventional ECOG -> KPS mapping (scores.md table 7). Named because the
# published mappings disagree at KPS 40-80.
KPS_ECOG_MAPPING_NAME = "conventional ECOG-KPS table (ECOG 0 = KPS 90-100 ... ECOG 4 = KPS 10-20)"
KPS_RANGE_BY_ECOG: dict[int, tuple[int, ...]] = {
    0: (90, 100),
    1: (70, 80),
    2: (50, 60),
    3: (30, 40),
    4: (10, 20),
}

CASE_LABEL_MAX_LENGTH = 80
MAX_VERTEBRAL_BODIES = 33  # the whole spine, coccyx included
MAX_EXTRASPINAL_BONE_METASTASES = 999  # beyond any count a clinician would enter
# A run of six or more digits, or a date, looks like a record number or a birth date.
IDENTIFIER_PATTERN = re.compile(r"\d{6,}|\b\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b")


def _lower(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


class Patient(BaseModel):
    """What the clinician knows about the patient. Missing means unknown."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        str_strip_whitespace=True,
        use_enum_values=False,
        title="Patient",
    )

    level: Level = Field(description="Index vertebra, C1-C7, T1-T12, L1-L5 or S1-S5.")
    histology: Histology = Field(description="Primary tumour type.")
    kps: int | None = Field(
        default=None, ge=0, le=100, multiple_of=10, description="Karnofsky 0-100, steps of 10."
    )
    ecog: int | None = Field(default=None, ge=0, le=4, description="ECOG performance status 0-4.")
    frankel: Frankel | None = Field(default=None, description="Frankel grade A-E.")
    escc_grade: EsccGrade | None = Field(
        default=None, description="Bilsky ESCC grade on axial T2 MRI: 0, 1a, 1b, 1c, 2, 3."
    )
    compression_site: CompressionSite | None = None
    pain: Pain | None = None
    bone_lesion: BoneLesion | None = None
    alignment: Alignment | None = None
    collapse: Collapse | None = None
    posterolateral: Posterolateral | None = None
    vertebral_metastases: int | None = Field(
        default=None,
        ge=1,
        le=MAX_VERTEBRAL_BODIES,
        description="Vertebral bodies involved, including the index level.",
    )
    extraspinal_bone_metastases: int | None = Field(
        default=None,
        ge=0,
        le=MAX_EXTRASPINAL_BONE_METASTASES,
        description="Bone metastases outside the spine.",
    )
    visceral_metastases: VisceralMetastases | None = None
    primary_growth: PrimaryGrowth | None = Field(
        default=None, description="Overrides the growth rate derived from histology."
    )
    radiosensitivity: Radiosensitivity | None = Field(
        default=None, description="Overrides the radiosensitivity derived from histology."
    )
    hypervascular: bool | None = Field(
        default=None, description="Overrides the vascularity derived from histology."
    )
    prior_radiation: PriorRadiation | None = Field(
        default=None, description="Radiotherapy to the operative field; recent = within ~3 months."
    )
    cachexia: bool | None = None
    albumin_g_dl: float | None = Field(
        default=None, ge=1.0, le=6.0, allow_inf_nan=False, description="Serum albumin."
    )
    expected_survival_months: float | None = Field(
        default=None,
        gt=0,
        allow_inf_nan=False,
        description="The clinician's estimate of survival in months.",
    )
    rapidly_progressive_deficit: bool | None = None
    case_label: str | None = Field(
        default=None,
        max_length=CASE_LABEL_MAX_LENGTH,
        description="Free teaching label; never a patient identifier.",
    )

    @field_validator("level", mode="before")
    @classmethod
    def _level_upper(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator(
        "histology",
        "compression_site",
        "pain",
        "bone_lesion",
        "alignment",
        "collapse",
        "posterolateral",
        "visceral_metastases",
        "primary_growth",
        "radiosensitivity",
        "prior_radiation",
        "escc_grade",
        mode="before",
    )
    @classmethod
    def _choice_lower(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return _lower(value)

    @field_validator(
        "kps",
        "ecog",
        "vertebral_metastases",
        "extraspinal_bone_metastases",
        "albumin_g_dl",
        "expected_survival_months",
        mode="before",
    )
    @classmethod
    def _number_is_not_a_boolean(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError("expected a number, not true/false")
        if isinstance(value, str) and "_" in value:
            # Python would read "4_0" as 40; a typo must not become a value.
            raise ValueError("expected a plain number (no underscores)")
        return value

    @field_validator("frankel", mode="before")
    @classmethod
    def _frankel_upper(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("case_label")
    @classmethod
    def _label_is_not_an_identifier(cls, value: str | None) -> str | None:
        if value is not None and IDENTIFIER_PATTERN.search(value):
            raise ValueError(
                "looks like a patient identifier (a long number or a date); "
                "use a neutral teaching label instead"
            )
        return value or None

    @model_validator(mode="after")
    def _kps_and_ecog_agree(self) -> Self:
        if self.kps is not None and self.ecog is not None:
            allowed = KPS_RANGE_BY_ECOG[self.ecog]
            if self.kps not in allowed:
                raise ValueError(
                    f"kps {self.kps} and ecog {self.ecog} disagree: under the "
                    f"{KPS_ECOG_MAPPING_NAME}, ECOG {self.ecog} corresponds to KPS "
                    f"{' or '.join(str(k) for k in allowed)}; give one of them or make them agree"
                )
        return self


OPTIONAL_FIELDS: tuple[str, ...] = tuple(
    name for name, field in Patient.model_fields.items() if not field.is_required()
)
INPUT_FIELDS: tuple[str, ...] = tuple(Patient.model_fields)
