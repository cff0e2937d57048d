"""CDS Hooks 2.0 on the wire: discovery, the hook request, cards and feedback.

Field names follow the specification (camelCase), so these models are the JSON itself.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator

SERVICE_ID = "spine-metastasis-approach"
HOOK = "patient-view"
SUMMARY_MAX_LENGTH = 139  # the specification: fewer than 140 characters
PATIENT_ID = "{{context.patientId}}"
PREFETCH_TEMPLATES: dict[str, str] = {
    "patient": f"Patient/{PATIENT_ID}",
    "conditions": f"Condition?patient={PATIENT_ID}",
    "observations": f"Observation?patient={PATIENT_ID}",
}
OVERRIDE_REASON_SYSTEM = "urn:spine-metastasis:override-reason"
Indicator = Literal["info", "warning", "critical"]


class OverrideReasonCode(StrEnum):
    """Why a clinician did not follow a card: the only reasons the feedback store keeps."""

    TUMOUR_BOARD = "tumour-board-decision"
    PATIENT_PREFERENCE = "patient-preference"
    CLINICAL_JUDGEMENT = "clinical-judgement"
    INPUTS_INCOMPLETE = "inputs-incomplete-or-wrong"


OVERRIDE_REASON_LABELS: dict[OverrideReasonCode, str] = {
    OverrideReasonCode.TUMOUR_BOARD: "The tumour board decided otherwise",
    OverrideReasonCode.PATIENT_PREFERENCE: "The patient's preference",
    OverrideReasonCode.CLINICAL_JUDGEMENT: "Clinical judgement differs",
    OverrideReasonCode.INPUTS_INCOMPLETE: "The inputs were incomplete or wrong",
}


class _Wire(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ServiceDescription(_Wire):
    """One service in the discovery answer."""

    hook: str
    id: str
    title: str
    description: str
    prefetch: dict[str, str]
    usageRequirements: str | None = None  # noqa: N815 - the specification's name


class Discovery(_Wire):
    """``GET /cds-services``."""

    services: tuple[ServiceDescription, ...]


class HookRequest(BaseModel):
    """The EHR's call; extensions and fields this service does not read are allowed."""

    model_config = ConfigDict(frozen=True, extra="allow")

    hook: Literal["patient-view"]
    hookInstance: str  # noqa: N815
    fhirServer: str | None = None  # noqa: N815
    fhirAuthorization: dict[str, Any] | None = None  # noqa: N815
    context: dict[str, Any]
    prefetch: dict[str, Any] = Field(default_factory=dict)


class Coding(_Wire):
    """A FHIR Coding as CDS Hooks carries it."""

    code: str
    system: str | None = None
    display: str | None = None


class Source(_Wire):
    """Where a card's advice comes from."""

    label: str
    url: str | None = None


class Link(_Wire):
    """A link the EHR shows on a card."""

    label: str
    url: str
    type: Literal["absolute", "smart"]


class Card(_Wire):
    """One piece of advice."""

    uuid: UUID
    summary: str = Field(max_length=SUMMARY_MAX_LENGTH)
    indicator: Indicator
    detail: str
    source: Source
    links: tuple[Link, ...]
    overrideReasons: tuple[Coding, ...]  # noqa: N815


class CardsResponse(_Wire):
    """The answer to a hook call."""

    cards: tuple[Card, ...]


OVERRIDE_REASONS: tuple[Coding, ...] = tuple(
    Coding(code=code.value, system=OVERRIDE_REASON_SYSTEM, display=label)
    for code, label in OVERRIDE_REASON_LABELS.items()
)


class OverrideReason(_Wire):
    """Why a card was overridden; the free-text comment is read but never stored."""

    reason: Coding | None = None
    userComment: str | None = None  # noqa: N815

    @model_validator(mode="after")
    def _reason_is_one_the_card_offered(self) -> Self:
        if self.reason is not None and (
            self.reason.system != OVERRIDE_REASON_SYSTEM
            or self.reason.code not in set(OverrideReasonCode)
        ):
            offered = ", ".join(code.value for code in OverrideReasonCode)
            raise ValueError(
                f"reason must be one the card offered (system {OVERRIDE_REASON_SYSTEM}, "
                f"code one of {offered})"
            )
        return self


class FeedbackEntry(BaseModel):
    """What a clinician did with one card."""

    model_config = ConfigDict(frozen=True, extra="allow")

    card: UUID
    outcome: Literal["accepted", "overridden"]
    acceptedSuggestions: tuple[dict[str, Any], ...] = ()  # noqa: N815
    overrideReason: OverrideReason | None = None  # noqa: N815
    outcomeTimestamp: datetime  # noqa: N815

    @model_validator(mode="after")
    def _override_reason_only_when_overridden(self) -> Self:
        if self.overrideReason is not None and self.outcome != "overridden":
            raise ValueError("overrideReason is given only with outcome 'overridden'")
        return self

    @property
    def override_code(self) -> OverrideReasonCode | None:
        """The coded override reason, if any."""
        reason = self.overrideReason.reason if self.overrideReason else None
        return OverrideReasonCode(reason.code) if reason else None


class FeedbackRequest(_Wire):
    """``POST .../feedback``."""

    feedback: tuple[FeedbackEntry, ...] = Field(min_length=1)


DISCOVERY = Discovery(
    services=(
        ServiceDescription(
            hook=HOOK,
            id=SERVICE_ID,
            title="Spinal metastasis approach options",
            description=(
                "Orders the seven approach options for a spinal metastasis (NOMS gates, "
                "cited reasons) from the patient's FHIR record. Research and teaching "
                "prototype, not for clinical decisions."
            ),
            prefetch=PREFETCH_TEMPLATES,
            usageRequirements=(
                "Level and histology are read from Observations coded in "
                "urn:spine-metastasis:input; see docs/CDS_HOOKS.md."
            ),
        ),
    )
)
