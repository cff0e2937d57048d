"""The patient input model: every field declared once, with everything known about it.

Each field carries a ``FieldSpec`` beside its pydantic constraints. The form, the
error messages, what-if, the CSV reader, the JSON schema, "missing inputs", the
test strategies and the benchmark generators all read the field from here.
Input only: nothing here is derived.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from typing import Annotated, Any, Self, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)


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


class CompressionExtent(StrEnum):
    """How many levels compress the cord or cauda equina."""

    SINGLE = "single"
    CONTIGUOUS = "contiguous"
    DISCRETE = "discrete"


class CompressionBy(StrEnum):
    """What compresses the cord: epidural tumour, retropulsed bone, or both."""

    SOFT_TISSUE = "soft_tissue"
    BONE = "bone"
    BOTH = "both"


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
MAX_DEFICIT_HOURS = 8760  # one year
MAX_SURVIVAL_MONTHS = 240  # twenty years: beyond it an estimate says "long", not a number
SINS_ITEM_FIELDS = ("pain", "bone_lesion", "alignment", "collapse", "posterolateral")
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
# What a privacy officer would expect a free-text label to be checked for, first match named.
# Pattern matching finds formats, not people: a bare name cannot be recognised.
IDENTIFIER_PATTERNS: dict[str, re.Pattern[str]] = {
    "an email address": re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    "a date": re.compile(
        r"\b\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})\b"  # 12/03/1950, 3.4.21
        r"|\b\d{4}[./-]\d{1,2}[./-]\d{1,2}\b"  # 1950-03-12
        rf"|\b\d{{1,2}}(?:st|nd|rd|th)?(?:\s+of)?[\s./-]*{_MONTH}\b"  # 12 March, 1st of May
        rf"|\b{_MONTH}\.?[\s./-]*\d{{1,4}}\b",  # March 12, Mar 1950
        re.IGNORECASE,
    ),
    "a word that marks an identifier": re.compile(
        r"\b(?:dob|d\.o\.b|born|date of birth|birth ?date|mrn|nhs|ssn|hospital (?:no|number))\b",
        re.IGNORECASE,
    ),
    "a record number": re.compile(r"\d{5,}"),
    "a phone number": re.compile(r"\+?\(?\d(?:[\s().-]{0,2}\d){6,}"),
    "a title and a name": re.compile(r"\b(?i:mr|mrs|ms|miss|mx|dr|prof)\.?\s+[A-Z][a-z'-]+"),
    "a postcode": re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b"),
}


def identifier_kind(text: str) -> str | None:
    """What identifier the text looks like ('a date', 'an email address'...), else None."""
    for kind, pattern in IDENTIFIER_PATTERNS.items():
        if pattern.search(text):
            return kind
    return None


class FormGroup(StrEnum):
    """The blocks of the form, in the order a clinician works through a case (NOMS)."""

    CASE = "Lesion and level"
    NEUROLOGIC = "Neurology and compression"
    ONCOLOGIC = "Oncology"
    MECHANICAL = "Stability (SINS)"
    SYSTEMIC = "Fitness and general condition"


class FieldKind(StrEnum):
    """What sort of value a field holds; read from its type, never declared by hand."""

    CHOICE = "choice"
    BOOLEAN = "boolean"
    WHOLE_NUMBER = "whole_number"
    NUMBER = "number"
    TEXT = "text"


@dataclass(frozen=True)
class FieldSpec:
    """What the tool knows about one input field besides its type and bounds."""

    label: str
    group: FormGroup
    feeds: tuple[str, ...]
    help: str = ""
    unit: str | None = None
    choice_labels: Mapping[object, str] = field(default_factory=dict)
    what_if: tuple[object, ...] | None = None
    """Values what-if tries; None: every choice of a choice or yes/no field."""
    allowed_note: str | None = None
    placeholder: str | None = None
    may_decide: bool = False
    """Named in ``decisive_missing_inputs`` when unknown and one of its values would change
    the first option (the pathway's list)."""
    glance: str | None = None
    """Prefix when the field is shown in a case's one-line summary; None: not shown."""
    pairs_with: str | None = None
    """A field that says the same thing on another scale; one of the two is enough."""


YES_NO_LABELS: dict[object, str] = {True: "yes", False: "no"}
KPS_WORDS: dict[object, str] = {
    100: "100 - normal, no complaints",
    90: "90 - normal activity, minor symptoms",
    80: "80 - normal activity with effort",
    70: "70 - cares for self, cannot work",
    60: "60 - needs occasional help",
    50: "50 - needs considerable help and care",
    40: "40 - disabled, needs special care",
    30: "30 - severely disabled, in hospital",
    20: "20 - very sick, active support needed",
    10: "10 - moribund",
}
ECOG_WORDS: dict[object, str] = {
    0: "0 - fully active",
    1: "1 - light work only, ambulatory",
    2: "2 - self-care, no work, up over half the day",
    3: "3 - limited self-care, in bed or chair over half the day",
    4: "4 - completely disabled, confined to bed or chair",
}
ASA_WORDS: dict[object, str] = {
    1: "1 - healthy",
    2: "2 - mild systemic disease",
    3: "3 - severe systemic disease",
    4: "4 - severe disease, a constant threat to life",
    5: "5 - moribund, not expected to survive without the operation",
}
ESCC_WORDS: dict[object, str] = {
    "0": "0 - bone only",
    "1a": "1a - epidural, no thecal sac deformation",
    "1b": "1b - thecal sac deformed, cord not touched",
    "1c": "1c - thecal sac deformed, cord touched, not compressed",
    "2": "2 - cord compressed, CSF still seen",
    "3": "3 - cord compressed, no CSF seen",
}
FRANKEL_WORDS: dict[object, str] = {
    "A": "A - complete",
    "B": "B - sensory only",
    "C": "C - motor useless",
    "D": "D - motor useful",
    "E": "E - intact",
}
# Thresholds the pathway tests, named once; candidate values sit on each side of them.
KPS_WHAT_IF = (10, 30, 50, 70, 90)
ASA_WHAT_IF = (2, 3, 4)
SURVIVAL_WHAT_IF = (0.5, 2.0, 4.5, 9.0, 24.0)
DEFICIT_HOURS_WHAT_IF = (12.0, 72.0)
AGE_WHAT_IF = (50, 70)
ALBUMIN_WHAT_IF = (3.0, 4.0)
SINS_TOTAL_WHAT_IF = (4, 10, 15)

Spec = FieldSpec
NEURO, ONCO, MECH, SYST, CASE = (
    FormGroup.NEUROLOGIC,
    FormGroup.ONCOLOGIC,
    FormGroup.MECHANICAL,
    FormGroup.SYSTEMIC,
    FormGroup.CASE,
)


class Patient(BaseModel):
    """What the clinician knows about the patient. Missing means unknown."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        str_strip_whitespace=True,
        use_enum_values=False,
        title="Patient",
    )

    case_label: Annotated[
        str | None,
        Field(
            max_length=CASE_LABEL_MAX_LENGTH,
            description="Free teaching label; never a patient identifier.",
        ),
        Spec(
            "Case label (optional)",
            CASE,
            (),
            help=(
                "A neutral teaching label such as 'Tumour board case 3'. Never a name, record "
                "number or date of birth. Labels that look like an identifier are refused: "
                "dates (in numbers or words), numbers of five or more digits, phone numbers, "
                "email addresses, postcodes, a title with a name (Mrs Patel) and words such as "
                "DOB, born, MRN or NHS. This is pattern matching: it finds formats, not people, "
                "and cannot recognise a name on its own, so never type one."
            ),
            what_if=(),
            allowed_note="never a patient identifier",
            placeholder="e.g. Teaching case 3",
        ),
    ] = None
    level: Annotated[
        Level,
        Field(description="Index vertebra, C1-C7, T1-T12, L1-L5 or S1-S5."),
        Spec(
            "Index level",
            CASE,
            ("scope", "SINS location", "approach by level"),
            help=(
                "The vertebra treated: the level of maximal compression or the most "
                "symptomatic lesion. Required."
            ),
            what_if=(),
            placeholder="Choose a level",
            glance="",
        ),
    ]
    histology: Annotated[
        Histology,
        Field(description="Primary tumour type."),
        Spec(
            "Primary tumour",
            CASE,
            ("tumour class", "revised Tokuhashi", "Tomita"),
            help=(
                "Histology of the primary; 'unknown primary' if it has not been found. "
                "Required: it sets the tumour class and the prognostic score points."
            ),
            choice_labels={
                "unknown_primary": "unknown primary (not yet identified)",
                "small_cell_lung": "small-cell lung",
                "lung": "lung (non-small-cell)",
            },
            what_if=(),
            placeholder="Choose the primary",
            glance="",
        ),
    ]
    frankel: Annotated[
        Frankel | None,
        Field(description="Frankel grade A-E."),
        Spec(
            "Frankel grade",
            NEURO,
            ("decompression need", "revised Tokuhashi"),
            help=(
                "A: no motor or sensory function below the lesion. B: some sensation, no motor "
                "power. C: motor power of no practical use. D: useful motor power. E: intact."
            ),
            choice_labels=FRANKEL_WORDS,
            may_decide=True,
            glance="Frankel ",
        ),
    ] = None
    deficit_duration_hours: Annotated[
        float | None,
        Field(
            ge=0,
            le=MAX_DEFICIT_HOURS,
            allow_inf_nan=False,
            description="Hours since the current Frankel grade began.",
        ),
        Spec(
            "Hours at the current grade",
            NEURO,
            ("time-critical alert", "established paraplegia"),
            help=(
                "Frankel A-B: hours since motor function was lost completely; C: since the "
                "patient stopped walking unaided; D: since the motor deficit began."
            ),
            unit="hours",
            what_if=DEFICIT_HOURS_WHAT_IF,
            may_decide=True,
        ),
    ] = None
    rapidly_progressive_deficit: Annotated[
        bool | None,
        Field(description="Neurology worsening over hours to days."),
        Spec(
            "Rapidly progressive deficit",
            NEURO,
            ("time-critical alert",),
            help="Neurology worsening over hours to days: involve the spine team now.",
            choice_labels=YES_NO_LABELS,
        ),
    ] = None
    escc_grade: Annotated[
        EsccGrade | None,
        Field(description="Bilsky ESCC grade on axial T2 MRI: 0, 1a, 1b, 1c, 2, 3."),
        Spec(
            "Bilsky ESCC grade",
            NEURO,
            ("decompression need", "cement candidacy"),
            help=(
                "Epidural compression graded on axial T2 MRI at the level of maximal "
                "compression (Bilsky 2010); at L2-L5 it is applied to the thecal sac."
            ),
            choice_labels=ESCC_WORDS,
            may_decide=True,
            glance="Bilsky ",
        ),
    ] = None
    compression_site: Annotated[
        CompressionSite | None,
        Field(description="Where the epidural disease presses on the cord or thecal sac."),
        Spec(
            "Compression site",
            NEURO,
            ("choice of anterior or posterior access",),
            help="From the front (body), from the back (posterior elements), or all round.",
            choice_labels={"circumferential": "circumferential (all round)"},
            may_decide=True,
        ),
    ] = None
    compression_by: Annotated[
        CompressionBy | None,
        Field(description="Epidural tumour, retropulsed bone or fracture fragment, or both."),
        Spec(
            "Compressed by",
            NEURO,
            ("decompression need", "cement candidacy"),
            help="Soft-tissue tumour, retropulsed bone or fragment, or both (counted as bone).",
            choice_labels={"soft_tissue": "soft-tissue tumour", "bone": "bone or fragment"},
            may_decide=True,
        ),
    ] = None
    compression_extent: Annotated[
        CompressionExtent | None,
        Field(description="One level, contiguous levels, or discrete non-adjacent levels."),
        Spec(
            "Levels compressing",
            NEURO,
            ("decompression need", "trial eligibility"),
            help=(
                "Discrete: two or more non-adjacent levels each compressing the cord or cauda "
                "equina (Bilsky 1c or more)."
            ),
            choice_labels={"discrete": "discrete (non-adjacent levels)"},
            may_decide=True,
        ),
    ] = None
    tissue_diagnosis: Annotated[
        bool | None,
        Field(description="Cancer confirmed on tissue."),
        Spec(
            "Tissue diagnosis",
            ONCO,
            ("tumour class", "biopsy alert"),
            help="Has a biopsy or resection confirmed the cancer?",
            choice_labels=YES_NO_LABELS,
            may_decide=True,
        ),
    ] = None
    radiosensitivity: Annotated[
        Radiosensitivity | None,
        Field(description="Overrides the radiosensitivity derived from histology."),
        Spec(
            "Radiosensitivity",
            ONCO,
            ("tumour class",),
            help=(
                "Response to conventional external-beam radiotherapy. Leave unknown to use the "
                "class of the histology, where there is one."
            ),
            may_decide=True,
        ),
    ] = None
    progression_after_radiation: Annotated[
        bool | None,
        Field(description="Compression or deficit progressing at a level already irradiated."),
        Spec(
            "Progressing after radiotherapy",
            ONCO,
            ("decompression need", "trial eligibility"),
            help=(
                "Compression or deficit progressing at a level already irradiated. Earlier "
                "radiation alone does not mean this."
            ),
            choice_labels=YES_NO_LABELS,
        ),
    ] = None
    prior_radiation: Annotated[
        PriorRadiation | None,
        Field(description="Radiotherapy to the operative field; recent = within ~3 months."),
        Spec(
            "Radiotherapy to the operative field",
            ONCO,
            ("wound risk", "re-irradiation", "trial eligibility"),
            help="Recent means within about 3 months.",
        ),
    ] = None
    vertebral_metastases: Annotated[
        int | None,
        Field(
            ge=1,
            le=MAX_VERTEBRAL_BODIES,
            description="Vertebral bodies involved, including the index level.",
        ),
        Spec(
            "Vertebral bodies involved",
            ONCO,
            ("revised Tokuhashi", "Tomita", "en bloc referral"),
            help="Every vertebral body with metastasis, the index level included.",
            what_if=(1, 2, 3),
            allowed_note="the index level counts",
        ),
    ] = None
    extraspinal_bone_metastases: Annotated[
        int | None,
        Field(
            ge=0,
            le=MAX_EXTRASPINAL_BONE_METASTASES,
            description="Bone metastases outside the spine.",
        ),
        Spec(
            "Bone metastases outside the spine",
            ONCO,
            ("revised Tokuhashi", "Tomita", "en bloc referral"),
            help="Number of bone foci outside the spine; 0 if none.",
            what_if=(0, 1, 3),
        ),
    ] = None
    visceral_metastases: Annotated[
        VisceralMetastases | None,
        Field(description="Metastases to the major internal organs."),
        Spec(
            "Visceral metastases",
            ONCO,
            ("revised Tokuhashi", "Tomita", "en bloc referral"),
            help="Metastases to lung, liver, kidney or brain: none, removable, or unremovable.",
            choice_labels={
                "removable": "removable (treatable)",
                "unremovable": "unremovable (untreatable)",
            },
        ),
    ] = None
    primary_growth: Annotated[
        PrimaryGrowth | None,
        Field(description="Overrides the growth rate derived from histology."),
        Spec(
            "Primary growth rate (Tomita)",
            ONCO,
            ("Tomita", "en bloc referral"),
            help="Leave unknown to use the Tomita rate for the histology; set it to override.",
        ),
    ] = None
    hypervascular: Annotated[
        bool | None,
        Field(description="Overrides the vascularity derived from histology."),
        Spec(
            "Hypervascular tumour",
            ONCO,
            ("embolisation planning",),
            help="Expected to bleed heavily at surgery. Leave unknown to use the histology.",
            choice_labels=YES_NO_LABELS,
        ),
    ] = None
    pain: Annotated[
        Pain | None,
        Field(description="SINS pain item."),
        Spec(
            "Pain",
            MECH,
            ("SINS", "cement candidacy"),
            help=(
                "Mechanical: eases lying down, or worsens on movement or loading of the spine. "
                "Occasional: pain that is not mechanical. Pain-free: the lesion does not hurt."
            ),
            choice_labels={
                "occasional_non_mechanical": "occasional, not mechanical",
                "pain_free": "pain-free lesion",
            },
            may_decide=True,
        ),
    ] = None
    bone_lesion: Annotated[
        BoneLesion | None,
        Field(description="SINS bone lesion quality."),
        Spec(
            "Bone lesion",
            MECH,
            ("SINS",),
            help="On CT: lytic, mixed lytic and blastic, or blastic.",
            choice_labels={"mixed": "mixed (lytic and blastic)"},
            may_decide=True,
        ),
    ] = None
    alignment: Annotated[
        Alignment | None,
        Field(description="SINS radiographic alignment."),
        Spec(
            "Radiographic alignment",
            MECH,
            ("SINS", "cement candidacy"),
            help="Subluxation or translation; a new kyphosis or scoliosis; or normal.",
            choice_labels={
                "subluxation_translation": "subluxation / translation",
                "de_novo_deformity": "de novo deformity (kyphosis, scoliosis)",
            },
            may_decide=True,
        ),
    ] = None
    collapse: Annotated[
        Collapse | None,
        Field(description="SINS vertebral body collapse."),
        Spec(
            "Vertebral body collapse",
            MECH,
            ("SINS", "cement candidacy"),
            help=(
                "Loss of body height: more than half, less than half, no collapse with more "
                "than half of the body involved, or none of these."
            ),
            choice_labels={
                "over_50_percent": "more than 50% collapse",
                "under_50_percent": "less than 50% collapse",
                "no_collapse_over_50_percent_involved": "no collapse, over 50% of body involved",
                "none": "none of these",
            },
            may_decide=True,
        ),
    ] = None
    posterolateral: Annotated[
        Posterolateral | None,
        Field(description="SINS posterolateral involvement of the spinal elements."),
        Spec(
            "Posterolateral involvement",
            MECH,
            ("SINS", "cement candidacy"),
            help="Facet, pedicle or costovertebral joint fractured or replaced by tumour.",
            may_decide=True,
        ),
    ] = None
    sins_total: Annotated[
        int | None,
        Field(ge=0, le=18, description="SINS total when the items were not recorded."),
        Spec(
            "SINS total (if items not recorded)",
            MECH,
            ("SINS", "stabilisation need"),
            help=(
                "Give the total only when the items above were not recorded; with items "
                "given, it must fall in the range they allow."
            ),
            what_if=SINS_TOTAL_WHAT_IF,
            may_decide=True,
        ),
    ] = None
    kps: Annotated[
        int | None,
        Field(
            ge=10,  # KPS 0 is death: nothing to assess
            le=100,
            multiple_of=10,
            description="Karnofsky 10-100, steps of 10, before the current deficit.",
        ),
        Spec(
            "Karnofsky performance status (KPS)",
            SYST,
            ("fitness", "revised Tokuhashi"),
            help=(
                "Status before the current deficit. Give KPS or ECOG; if both, they must agree ("
                + ", ".join(
                    f"ECOG {ecog} = KPS {min(kps)}-{max(kps)}"
                    for ecog, kps in KPS_RANGE_BY_ECOG.items()
                )
                + ")."
            ),
            choice_labels=KPS_WORDS,
            what_if=KPS_WHAT_IF,
            may_decide=True,
            glance="KPS ",
            pairs_with="ecog",
        ),
    ] = None
    ecog: Annotated[
        int | None,
        Field(ge=0, le=4, description="ECOG performance status 0-4, before the current deficit."),
        Spec(
            "ECOG performance status",
            SYST,
            ("fitness", "revised Tokuhashi"),
            help="ECOG (WHO, Zubrod) 0-4, before the current deficit. Used when KPS is not given.",
            choice_labels=ECOG_WORDS,
            what_if=(0, 1, 2, 3, 4),
            glance="ECOG ",
            pairs_with="kps",
        ),
    ] = None
    asa_class: Annotated[
        int | None,
        Field(ge=1, le=5, description="ASA physical status 1-5."),
        Spec(
            "ASA physical status",
            SYST,
            ("fitness",),
            help="The anaesthetist's ASA class.",
            choice_labels=ASA_WORDS,
            what_if=ASA_WHAT_IF,
            may_decide=True,
        ),
    ] = None
    fit_for_open_surgery: Annotated[
        bool | None,
        Field(
            description="The clinician's or anaesthetist's judgement of fitness for open surgery."
        ),
        Spec(
            "Fit for open surgery (your judgement)",
            SYST,
            ("fitness",),
            help=(
                "Your or the anaesthetist's judgement. It replaces performance status, ASA, "
                "albumin, cachexia and bleeding risk in the fitness class."
            ),
            choice_labels=YES_NO_LABELS,
        ),
    ] = None
    age_years: Annotated[
        int | None,
        Field(ge=18, le=110, description="Age in years."),
        Spec(
            "Age (years)",
            SYST,
            ("trial applicability",),
            help="Age changes how far the surgical trial applies, not the surgical risk.",
            unit="years",
            what_if=AGE_WHAT_IF,
            may_decide=True,
        ),
    ] = None
    expected_survival_months: Annotated[
        float | None,
        Field(
            gt=0,
            le=MAX_SURVIVAL_MONTHS,
            allow_inf_nan=False,
            description="The clinician's estimate of survival in months.",
        ),
        Spec(
            "Expected survival (months)",
            SYST,
            ("fitness", "endoscopic option", "trial eligibility"),
            help=(
                "Your own estimate, e.g. the oncologist's. Prognostic scores are shown beside "
                "it but never replace it."
            ),
            unit="months",
            what_if=SURVIVAL_WHAT_IF,
            may_decide=True,
        ),
    ] = None
    cachexia: Annotated[
        bool | None,
        Field(description="Clinically evident loss of weight and muscle mass."),
        Spec(
            "Cachexia",
            SYST,
            ("fitness", "systemic risk of open surgery"),
            help="Clinically evident loss of weight and muscle mass.",
            choice_labels=YES_NO_LABELS,
        ),
    ] = None
    albumin_g_dl: Annotated[
        float | None,
        Field(ge=1.0, le=6.0, allow_inf_nan=False, description="Serum albumin."),
        Spec(
            "Serum albumin (g/dL)",
            SYST,
            ("fitness", "systemic risk of open surgery"),
            help="Most recent serum albumin in g/dL (divide g/L by 10).",
            unit="g/dL",
            what_if=ALBUMIN_WHAT_IF,
        ),
    ] = None
    bleeding_risk: Annotated[
        bool | None,
        Field(description="Unpausable anticoagulation, uncorrected coagulopathy or low platelets."),
        Spec(
            "Bleeding risk",
            SYST,
            ("fitness", "endoscopic option"),
            help=(
                "Anticoagulation that cannot be paused, uncorrected coagulopathy, or platelets "
                "below what the operating team accepts."
            ),
            choice_labels=YES_NO_LABELS,
        ),
    ] = None

    @field_validator("*", mode="before")
    @classmethod
    def _normalise(cls, value: Any, info: ValidationInfo) -> Any:
        """Choices match case-insensitively; numbers are never booleans or '4_0'."""
        if value is None:
            return value
        name = info.field_name or ""
        kind = field_kind(name)
        if kind is FieldKind.CHOICE:
            if isinstance(value, int) and not isinstance(value, bool):
                value = str(value)
            if isinstance(value, str):
                return _choice_by_lowercase(name).get(value.strip().lower(), value)
        if kind in (FieldKind.WHOLE_NUMBER, FieldKind.NUMBER):
            if isinstance(value, bool):
                raise ValueError("expected a number, not true/false")
            if isinstance(value, str) and "_" in value:
                # Python would read "4_0" as 40; a typo must not become a value.
                raise ValueError("expected a plain number (no underscores)")
        return value

    @field_validator("case_label")
    @classmethod
    def _label_is_not_an_identifier(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.isprintable():
            raise ValueError(
                "holds a control character (a line break, tab or terminal escape); "
                "use one line of plain text"
            )
        kind = identifier_kind(value)
        if kind is not None:
            raise ValueError(
                f"looks like a patient identifier ({kind}); use a neutral teaching label instead"
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

    @model_validator(mode="after")
    def _intact_grade_is_not_worsening(self) -> Self:
        if _worsening_while_intact(self):
            raise ValueError(
                "frankel E (intact) and rapidly_progressive_deficit true contradict each other: "
                "a worsening deficit means the grade is below E; correct one of them"
            )
        return self

    @model_validator(mode="after")
    def _no_compression_without_epidural_disease(self) -> Self:
        name = _compression_at_bilsky_0(self)
        if name is not None:
            raise ValueError(
                f"escc_grade 0 (bone only, no epidural disease) and {name} "
                f"{getattr(self, name).value} contradict each other: there is nothing to "
                f"compress the cord; correct the grade or leave {name} empty"
            )
        return self

    @model_validator(mode="after")
    def _sins_total_fits_the_items(self) -> Self:
        if self.sins_total is not None:
            allowed = _sins_total_outside_items(self)
            if allowed is not None:
                low, high = allowed
                given = [name for name in SINS_ITEM_FIELDS if getattr(self, name) is not None]
                raise ValueError(
                    f"sins_total {self.sins_total} is outside the {low}-{high} that level "
                    f"{self.level.value}"
                    + "".join(f", {name} {getattr(self, name).value}" for name in given)
                    + " allow; correct one of them or leave sins_total empty"
                )
        return self


COMPRESSION_FIELDS = ("compression_site", "compression_by")


def _sins_total_outside_items(patient: Patient) -> tuple[int, int] | None:
    """The totals the level and items allow, when the entered SINS total is not among them."""
    if patient.sins_total is None:
        return None
    from rules.scores import sins_item_range  # scores imports this module

    low, high = sins_item_range(patient)
    return None if low <= patient.sins_total <= high else (low, high)


def _worsening_while_intact(patient: Patient) -> bool:
    return patient.frankel is Frankel.E and patient.rapidly_progressive_deficit is True


def _compression_at_bilsky_0(patient: Patient) -> str | None:
    """The first compression field given although Bilsky 0 says there is no epidural disease."""
    if patient.escc_grade is not EsccGrade.G0:
        return None
    return next((name for name in COMPRESSION_FIELDS if getattr(patient, name) is not None), None)


def _contradicts_itself(patient: Patient) -> bool:
    """Whether a check across fields other than the ranges (KPS/ECOG, SINS) would refuse it."""
    return _worsening_while_intact(patient) or _compression_at_bilsky_0(patient) is not None


INPUT_FIELDS: tuple[str, ...] = tuple(Patient.model_fields)
OPTIONAL_FIELDS: tuple[str, ...] = tuple(
    name for name, info in Patient.model_fields.items() if not info.is_required()
)


@cache
def field_spec(name: str) -> FieldSpec:
    """The spec declared on a field."""
    for item in Patient.model_fields[name].metadata:
        if isinstance(item, FieldSpec):
            return item
    raise LookupError(f"{name} has no FieldSpec")  # guarded by the import-time check below


@cache
def _value_type(name: str) -> object:
    annotation = Patient.model_fields[name].annotation
    kinds = [kind for kind in (annotation, *get_args(annotation)) if kind is not type(None)]
    return kinds[-1]


@cache
def field_choices(name: str) -> tuple[StrEnum, ...] | None:
    """The members of a choice field, else None."""
    kind = _value_type(name)
    if isinstance(kind, type) and issubclass(kind, StrEnum):
        return tuple(kind)
    return None


@cache
def _choice_by_lowercase(name: str) -> dict[str, str]:
    return {member.value.lower(): member.value for member in field_choices(name) or ()}


@cache
def field_kind(name: str) -> FieldKind:
    """Choice, yes/no, whole number, number or text, from the field's type."""
    if name not in Patient.model_fields:
        return FieldKind.TEXT
    kind = _value_type(name)
    if isinstance(kind, type) and issubclass(kind, StrEnum):
        return FieldKind.CHOICE
    if kind is bool:
        return FieldKind.BOOLEAN
    if kind is int:
        return FieldKind.WHOLE_NUMBER
    if kind is float:
        return FieldKind.NUMBER
    return FieldKind.TEXT


def field_constraint(name: str, attribute: str) -> Any:
    """A pydantic constraint of a field (``ge``, ``le``, ``gt``, ``multiple_of``...)."""
    for item in Patient.model_fields[name].metadata:
        value = getattr(item, attribute, None)
        if value is not None and not isinstance(item, FieldSpec):
            return value
    return None


def whole_number_values(name: str) -> tuple[int, ...] | None:
    """Every value of a bounded whole-number field with at most a dozen values, else None."""
    low, high = field_constraint(name, "ge"), field_constraint(name, "le")
    if field_kind(name) is not FieldKind.WHOLE_NUMBER or low is None or high is None:
        return None
    step = int(field_constraint(name, "multiple_of") or 1)
    values = tuple(range(int(low), int(high) + 1, step))
    return values if len(values) <= 12 else None


def allowed_text(name: str) -> str:
    """What a field accepts, in words, generated from its type and constraints."""
    kind = field_kind(name)
    spec = field_spec(name)
    note = f" ({spec.allowed_note})" if spec.allowed_note else ""
    unit = f" {spec.unit}" if spec.unit and spec.unit not in ("years", "months", "hours") else ""
    if kind is FieldKind.CHOICE:
        return ", ".join(member.value for member in field_choices(name) or ())
    if kind is FieldKind.BOOLEAN:
        return "true or false (leave empty for unknown)"
    if kind is FieldKind.TEXT:
        return f"free text up to {field_constraint(name, 'max_length')} characters{note}"
    low, high = field_constraint(name, "ge"), field_constraint(name, "le")
    above = field_constraint(name, "gt")
    step = field_constraint(name, "multiple_of")
    noun = "a whole number" if kind is FieldKind.WHOLE_NUMBER else "a number"
    if low is not None and high is not None:
        span = f"{noun} from {low} to {high}"
    elif above is not None:
        span = f"{noun} above {above}"
    else:
        span = noun
    steps = f" in steps of {step}" if step else ""
    unit_words = f" {spec.unit}" if spec.unit in ("years", "months", "hours") else ""
    return f"{span}{steps}{unit_words}{unit}{note}"


def what_if_values(name: str) -> tuple[object, ...]:
    """The values what-if tries for a field: declared ones, else every choice."""
    spec = field_spec(name)
    if spec.what_if is not None:
        return spec.what_if
    kind = field_kind(name)
    if kind is FieldKind.BOOLEAN:
        return (True, False)
    if kind is FieldKind.CHOICE:
        return tuple(member.value for member in field_choices(name) or ())
    return ()


def sins_item_range_for(fields: Mapping[str, Any]) -> tuple[int, int]:
    """The SINS totals raw input allows, from its level and whichever items it gives."""
    from rules.scores import sins_item_range  # scores imports this module

    given = {name: fields[name] for name in ("level", *SINS_ITEM_FIELDS) if name in fields}
    return sins_item_range(Patient.model_validate({**given, "histology": "other"}))


# Each check across fields (a model validator), with the fields it reads: shown as the
# problem's field, and re-run on its own when other fields are wrong (rules.problems).
CROSS_FIELD_CHECKS: dict[str, tuple[str, ...]] = {
    "kps/ecog": ("kps", "ecog"),
    "sins_total": ("level", "sins_total", *SINS_ITEM_FIELDS),
    "frankel/rapidly_progressive_deficit": ("frankel", "rapidly_progressive_deficit"),
    **{f"escc_grade/{name}": ("escc_grade", name) for name in COMPRESSION_FIELDS},
}


def glance_parts(patient: Patient) -> list[str]:
    """The case's key inputs as a clinician would jot them: ['T8', 'lung', 'KPS 40']."""
    parts = []
    for name in INPUT_FIELDS:
        prefix, value = field_spec(name).glance, getattr(patient, name)
        if prefix is not None and value is not None:
            shown = value.value if isinstance(value, StrEnum) else value
            parts.append(f"{prefix}{str(shown).replace('_', ' ')}")
    return parts


@cache
def _typed_what_if_values(name: str) -> tuple[object, ...]:
    """The what-if values as the model holds them (choices as their members)."""
    choices = {member.value: member for member in field_choices(name) or ()}
    return tuple(choices.get(str(raw), raw) for raw in what_if_values(name))


def _candidate_values(patient: Patient, name: str) -> tuple[object, ...]:
    """The what-if values of an unknown field within the ranges the model checks across
    fields (KPS beside ECOG, a SINS total beside its items)."""
    pair = field_spec(name).pairs_with
    if pair is not None and getattr(patient, pair) is not None:
        return ()  # the other scale already says it
    values = _typed_what_if_values(name)
    if name != "sins_total":
        return values
    from rules.scores import sins_item_range  # scores imports this module

    low, high = sins_item_range(patient)
    # Each what-if total stands for its SINS band; moved into the range the given items
    # allow, it still lands in its band whenever that band is reachable at all.
    return tuple(dict.fromkeys(min(max(int(str(value)), low), high) for value in values))


def with_value(patient: Patient, name: str, value: object) -> Patient:
    """``patient.model_copy(update={name: value})``, not re-validated either, without the
    generic copying of every attribute: the decisive search makes one per candidate value."""
    variant = Patient.__new__(Patient)
    object.__setattr__(variant, "__dict__", {**patient.__dict__, name: value})
    object.__setattr__(variant, "__pydantic_fields_set__", patient.model_fields_set | {name})
    object.__setattr__(variant, "__pydantic_extra__", None)  # extra="forbid"
    object.__setattr__(variant, "__pydantic_private__", None)  # no private attributes
    return variant


def consistent_variants(patient: Patient, name: str) -> list[Patient]:
    """The patient with an unknown field set to each of its what-if values that the model's
    checks across fields would accept (copies, not re-validated: the hot path of what-if
    and the decisive search)."""
    variants = (with_value(patient, name, value) for value in _candidate_values(patient, name))
    return [variant for variant in variants if not _contradicts_itself(variant)]


def is_consistent(variant: Patient) -> bool:
    """Whether a variant built without validation passes the model's checks across fields
    (a SINS total within what the items allow, no worsening at Frankel E, nothing
    compressing at Bilsky 0)."""
    return _sins_total_outside_items(variant) is None and not _contradicts_itself(variant)


def consistent_values(patient: Patient, name: str) -> tuple[object, ...]:
    """The values of ``consistent_variants``."""
    return tuple(getattr(variant, name) for variant in consistent_variants(patient, name))


def _check_every_field_has_a_spec() -> None:
    for name, info in Patient.model_fields.items():
        specs = [item for item in info.metadata if isinstance(item, FieldSpec)]
        if len(specs) != 1:
            raise TypeError(f"field {name!r} needs exactly one FieldSpec, has {len(specs)}")
        kind = field_kind(name)
        if kind in (FieldKind.WHOLE_NUMBER, FieldKind.NUMBER) and specs[0].what_if is None:
            raise TypeError(f"numeric field {name!r} needs what-if values at its thresholds")


_check_every_field_has_a_spec()
