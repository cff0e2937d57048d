"""Hypothesis strategies over the whole input space of the clinical core.

``patients()`` draws every field of ``Patient``; each optional field may be None
(unknown). Values respect the model's constraints, and KPS and ECOG, when both
are drawn, agree under ``KPS_RANGE_BY_ECOG``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, TypeVar

from hypothesis import strategies as st
from pydantic import ValidationError

from rules.patient import (
    CASE_LABEL_MAX_LENGTH,
    IDENTIFIER_PATTERN,
    KPS_RANGE_BY_ECOG,
    MAX_EXTRASPINAL_BONE_METASTASES,
    MAX_VERTEBRAL_BODIES,
    Alignment,
    BoneLesion,
    Collapse,
    CompressionSite,
    EsccGrade,
    Frankel,
    Histology,
    Level,
    Pain,
    Patient,
    Posterolateral,
    PrimaryGrowth,
    PriorRadiation,
    Radiosensitivity,
    VisceralMetastases,
)

T = TypeVar("T")
Choice = TypeVar("Choice", bound=StrEnum)


def _model_accepts_kps(kps: int) -> bool:
    try:
        Patient.model_validate({"level": "T8", "histology": "other", "kps": kps})
    except ValidationError:
        return False
    return True


# Every KPS the model itself accepts (steps of 10 within its bounds).
ALL_KPS: tuple[int, ...] = tuple(kps for kps in range(0, 101, 10) if _model_accepts_kps(kps))
ALBUMIN_MIN_G_DL, ALBUMIN_MAX_G_DL = 1.0, 6.0
SURVIVAL_MAX_MONTHS = 240.0


def unknown_or(strategy: st.SearchStrategy[T]) -> st.SearchStrategy[T | None]:
    """The value, or None for an input the clinician left unknown."""
    return st.one_of(st.none(), strategy)


def choice(enum: type[Choice]) -> st.SearchStrategy[Choice | None]:
    """Any member of a choice, or unknown."""
    return unknown_or(st.sampled_from(list(enum)))


@st.composite
def performance_status(draw: st.DrawFn) -> tuple[int | None, int | None]:
    """(kps, ecog): each possibly unknown, in agreement when both are given."""
    ecog = draw(unknown_or(st.sampled_from(sorted(KPS_RANGE_BY_ECOG))))
    allowed = ALL_KPS if ecog is None else KPS_RANGE_BY_ECOG[ecog]
    kps = draw(unknown_or(st.sampled_from(allowed)))
    return kps, ecog


def case_labels() -> st.SearchStrategy[str | None]:
    """Free teaching labels that never look like a patient identifier."""
    return unknown_or(
        st.text(max_size=CASE_LABEL_MAX_LENGTH).filter(
            lambda text: IDENTIFIER_PATTERN.search(text) is None
        )
    )


@st.composite
def patient_fields(draw: st.DrawFn) -> dict[str, Any]:
    """A raw input dictionary covering every field of Patient."""
    kps, ecog = draw(performance_status())
    fields: dict[str, Any] = {
        "level": draw(st.sampled_from(list(Level))),
        "histology": draw(st.sampled_from(list(Histology))),
        "kps": kps,
        "ecog": ecog,
        "frankel": draw(choice(Frankel)),
        "escc_grade": draw(choice(EsccGrade)),
        "compression_site": draw(choice(CompressionSite)),
        "pain": draw(choice(Pain)),
        "bone_lesion": draw(choice(BoneLesion)),
        "alignment": draw(choice(Alignment)),
        "collapse": draw(choice(Collapse)),
        "posterolateral": draw(choice(Posterolateral)),
        "vertebral_metastases": draw(unknown_or(st.integers(1, MAX_VERTEBRAL_BODIES))),
        "extraspinal_bone_metastases": draw(
            unknown_or(st.integers(0, MAX_EXTRASPINAL_BONE_METASTASES))
        ),
        "visceral_metastases": draw(choice(VisceralMetastases)),
        "primary_growth": draw(choice(PrimaryGrowth)),
        "radiosensitivity": draw(choice(Radiosensitivity)),
        "hypervascular": draw(unknown_or(st.booleans())),
        "prior_radiation": draw(choice(PriorRadiation)),
        "cachexia": draw(unknown_or(st.booleans())),
        "albumin_g_dl": draw(
            unknown_or(
                st.floats(min_value=ALBUMIN_MIN_G_DL, max_value=ALBUMIN_MAX_G_DL, allow_nan=False)
            )
        ),
        "expected_survival_months": draw(
            unknown_or(
                st.floats(
                    min_value=0.0,
                    max_value=SURVIVAL_MAX_MONTHS,
                    exclude_min=True,
                    allow_nan=False,
                )
            )
        ),
        "rapidly_progressive_deficit": draw(unknown_or(st.booleans())),
        "case_label": draw(case_labels()),
    }
    missing = set(Patient.model_fields) - set(fields)
    if missing:  # a new Patient field must be drawn here too
        raise AssertionError(f"patients() does not draw {sorted(missing)}")
    return fields


def patients() -> st.SearchStrategy[Patient]:
    """Valid patients over the whole input space, through the model's own validation."""
    return patient_fields().map(Patient.model_validate)
