"""An assessment as a CDS Hooks card: summary, indicator, Markdown reasons, source, link."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from cds_service.hooks import (
    OVERRIDE_REASONS,
    SUMMARY_MAX_LENGTH,
    Card,
    Indicator,
    Link,
    Source,
)
from evidence import EVIDENCE_LEVELS, Reference
from rules import (
    APPROACH_SHORT_LABELS,
    DISCLAIMER,
    VERDICT_LABELS,
    AlertLevel,
    Assessment,
    OptionAssessment,
)
from rules.markdown import escape_markdown

APP_LINK_LABEL = "Open the spinal metastasis approach tool"
STRONGER_DESIGNS: tuple[str, ...] = tuple(EVIDENCE_LEVELS)  # strongest design first


def fit_summary(text: str) -> str:
    """The summary cut to the specification's limit, with an ellipsis when cut."""
    if len(text) <= SUMMARY_MAX_LENGTH:
        return text
    return text[: SUMMARY_MAX_LENGTH - 1].rstrip() + "…"


def indicator(assessment: Assessment) -> Indicator:
    """critical: a time-critical alert; warning: provisional, or the first option is capped."""
    if any(alert.level is AlertLevel.EMERGENCY for alert in assessment.alerts):
        return "critical"
    if assessment.provisional or assessment.options[0].ceiling is not None:
        return "warning"
    return "info"


def strongest_reference(
    option: OptionAssessment, citations: dict[str, Reference]
) -> Reference | None:
    """The best-supported record behind an option: checked records first, then by design."""
    ids = list(dict.fromkeys(cid for reason in option.reasons for cid in reason.citations))

    def strength(position_and_id: tuple[int, str]) -> tuple[bool, int, int]:
        position, reference_id = position_and_id
        reference = citations[reference_id]
        design = reference.design or ""
        rank = (
            STRONGER_DESIGNS.index(design) if design in STRONGER_DESIGNS else len(STRONGER_DESIGNS)
        )
        return (not reference.verification.is_checked, rank, position)

    if not ids:
        return None
    _, best = min(enumerate(ids), key=strength)
    return citations[best]


def card_source(assessment: Assessment) -> Source:
    """The strongest citation of the first option, labelled with its level and checking."""
    reference = strongest_reference(assessment.options[0], assessment.citations)
    if reference is None:
        return Source(label=f"Spinal metastasis approach rules ({assessment.rules_version})")
    label = f"{reference.short_label}: {reference.level_of_evidence}"
    if not reference.verification.is_checked:
        label += f" ({reference.verification_label})"
    return Source(label=label, url=reference.url)


def _reference_labels(citation_ids: Sequence[str], citations: dict[str, Reference]) -> str:
    if not citation_ids:
        return ""
    return " [" + "; ".join(citations[cid].short_label for cid in citation_ids) + "]"


def card_detail(assessment: Assessment) -> str:
    """The reasons in Markdown: alerts, what makes it provisional, the first option, the rest."""
    top = assessment.options[0]
    lines = [f"**{DISCLAIMER}**", ""]
    if assessment.patient.case_label:
        lines += [f"Case: {escape_markdown(assessment.patient.case_label)}", ""]
    for alert in assessment.alerts:
        lines.append(f"- **{alert.level.value.capitalize()}:** {alert.text}")
    if assessment.alerts:
        lines.append("")
    if assessment.provisional:
        lines += ["**Provisional:** " + "; ".join(assessment.provisional_reasons) + ".", ""]
    lines += [f"**First option: {top.label}** ({VERDICT_LABELS[top.verdict].lower()})", ""]
    for reason in top.reasons:
        lines.append(
            f"- {reason.direction.value.capitalize()}: {reason.text}"
            + _reference_labels(reason.citations, assessment.citations)
        )
    lines += ["", "**Other options**", ""]
    lines += [
        f"- {option.label}: {VERDICT_LABELS[option.verdict].lower()}"
        for option in assessment.options[1:]
    ]
    lines += ["", f"Rules version `{assessment.rules_version}`."]
    return "\n".join(lines)


def app_link(app_url: str) -> Link:
    """The link to the full tool, where the clinician can see every option and score."""
    return Link(label=APP_LINK_LABEL, url=app_url, type="absolute")


def assessment_card(assessment: Assessment, card_uuid: UUID, app_url: str) -> Card:
    """The card for one assessment."""
    top = assessment.options[0]
    patient = assessment.patient
    flag = {"critical": "Urgent: ", "warning": "Provisional: " if assessment.provisional else ""}
    level = indicator(assessment)
    summary = (
        f"{flag.get(level, '')}{patient.level.value} {patient.histology.value.replace('_', ' ')} "
        f"metastasis: first option {APPROACH_SHORT_LABELS[top.approach].lower()} "
        f"({VERDICT_LABELS[top.verdict].lower()})"
    )
    return Card(
        uuid=card_uuid,
        summary=fit_summary(summary),
        indicator=level,
        detail=card_detail(assessment),
        source=card_source(assessment),
        links=(app_link(app_url),),
        overrideReasons=OVERRIDE_REASONS,
    )


def needs_input_card(
    missing: Sequence[str], rules_version: str, card_uuid: UUID, app_url: str
) -> Card:
    """The one card when a required input is missing: what to record, not an error."""
    fields = " and ".join(missing)
    return Card(
        uuid=card_uuid,
        summary=fit_summary(f"Spinal metastasis approach: record the {fields} to get options"),
        indicator="info",
        detail="\n".join(
            (
                f"**{DISCLAIMER}**",
                "",
                f"The options need the {fields} of the index lesion. Record each as an "
                "Observation coded in `urn:spine-metastasis:input` with the code "
                + ", ".join(f"`{name}`" for name in missing)
                + ", or open the tool and enter them there.",
            )
        ),
        source=Source(label=f"Spinal metastasis approach rules ({rules_version})"),
        links=(app_link(app_url),),
        overrideReasons=OVERRIDE_REASONS,
    )
