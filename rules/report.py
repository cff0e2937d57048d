"""A readable Markdown summary of an assessment, stamped with the rules version."""

from __future__ import annotations

from datetime import date

from rules.engine import VERDICT_LABELS, Assessment
from rules.markdown import escape_markdown
from rules.patient import INPUT_FIELDS, Patient, field_spec
from rules.scores import ScoreResult

UNKNOWN = "unknown"

DISCLAIMER = (
    "Research and teaching prototype, not for clinical decisions. It does not replace the "
    "judgement of a multidisciplinary spine oncology team."
)


def score_line(score: ScoreResult) -> str:
    """One line: total or range, and band or possible bands."""
    if score.total is not None:
        value = f"{score.total}"
    else:
        value = f"unknown (possible {score.min}-{score.max})"
    band = score.band or f"not settled ({' / '.join(score.possible_bands)})"
    return f"{score.name}: {value}; band: {band}"


NEED_HEADINGS: tuple[tuple[str, str], ...] = (
    ("decompression", "Neurologic and oncologic: decompression"),
    ("stabilisation", "Mechanical: stabilisation"),
    ("cement_candidate", "Mechanical: cement candidate"),
    ("fitness", "Systemic: fitness"),
)


def field_name(name: str) -> str:
    """An input as the form labels it ('Bilsky ESCC grade'), never its code name."""
    return field_spec(name).label


def value_text(name: str, value: object) -> str:
    """An input value in words: its declared label ('C - motor useless'), else the value."""
    if value is None:
        return UNKNOWN
    labels = field_spec(name).choice_labels
    shown = labels.get(value, labels.get(getattr(value, "value", value)))
    if shown is not None:
        return shown
    if isinstance(value, float):
        return f"{value:g}"
    return str(getattr(value, "value", value)).replace("_", " ")


def input_lines(patient: Patient) -> list[tuple[str, str]]:
    """The known inputs as (label, value in words), in the form's order; no case label."""
    return [
        (field_name(name), value_text(name, getattr(patient, name)))
        for name in INPUT_FIELDS
        if name != "case_label" and getattr(patient, name) is not None
    ]


def provisional_text(assessment: Assessment) -> str | None:
    """ "Provisional: ..." naming the decisive unknown inputs, or None when the answer is firm."""
    if not assessment.provisional:
        return None
    parts: list[str] = []
    if assessment.decisive_missing_inputs:
        parts.append(
            "the first option could change once these are known: "
            + ", ".join(field_name(name) for name in assessment.decisive_missing_inputs)
        )
    decisive_reasons = {
        f"{name} is unknown and could change the first option"
        for name in assessment.decisive_missing_inputs
    }
    parts.extend(r for r in assessment.provisional_reasons if r not in decisive_reasons)
    return "Provisional: " + "; ".join(parts) + "."


def need_lines(assessment: Assessment) -> list[tuple[str, str]]:
    """The four NOMS assessments as (heading, one line of value and what it came from)."""
    needs = assessment.needs
    lines: list[tuple[str, str]] = []
    for name, heading in NEED_HEADINGS:
        need = getattr(needs, name)
        detail = "; ".join(need.source)
        if name == "decompression":
            detail += f"; tumour class {needs.tumour_class}"
        if name == "stabilisation":
            detail += f"; {score_line(assessment.scores.sins)}"
        if need.presumed:
            detail += f"; presumed: {', '.join(need.presumed)}"
        lines.append((heading, f"{need.value.replace('_', ' ')} ({detail})"))
    return lines


def to_markdown(assessment: Assessment, today: date | None = None) -> str:
    """The assessment as Markdown, the answer first.

    Order: whether it is provisional, alerts, the ranking, each option's reasons, the four
    NOMS assessments, the inputs in words, then the scores with their working and references.
    """
    stamp = (today or date.today()).isoformat()
    patient = assessment.patient
    lines = [
        "# Spinal metastasis: surgical approach options",
        "",
        f"> {DISCLAIMER}",
        "",
        f"Rules version: `{assessment.rules_version}` · generated {stamp}",
    ]
    if patient.case_label:
        lines.append(f"Case: {escape_markdown(patient.case_label)}")
    provisional = provisional_text(assessment)
    if provisional is not None:
        lines += ["", f"**{provisional}**"]
    if assessment.alerts:
        lines += ["", "## Alerts", ""]
        lines += [f"- **{alert.level.value.upper()}**: {alert.text}" for alert in assessment.alerts]
    lines += ["", "## Options, best first", ""]
    lines += [
        f"{rank}. {option.label}: **{VERDICT_LABELS[option.verdict]}**"
        for rank, option in enumerate(assessment.options, 1)
    ]
    numbers = {reference_id: n for n, reference_id in enumerate(assessment.citations, 1)}
    lines += ["", "## Why", ""]
    for rank, option in enumerate(assessment.options, 1):
        lines.append(f"### {rank}. {option.label}: {VERDICT_LABELS[option.verdict]}")
        lines.append("")
        for reason in option.reasons:
            marks = ",".join(str(numbers[c]) for c in reason.citations)
            lines.append(f"- ({reason.direction.value}) {reason.text} [{marks}]")
        lines.append("")
    lines += ["## Assessments (NOMS)", ""]
    lines += [f"- **{heading}**: {text}" for heading, text in need_lines(assessment)]
    lines += ["", "## Inputs", ""]
    lines += [f"- {label}: {escape_markdown(value)}" for label, value in input_lines(patient)]
    if assessment.missing_inputs:
        lines += ["", "Unknown:", ""]
        lines += [
            f"- {field_name(item.field)} (feeds {', '.join(item.used_by)})"
            for item in assessment.missing_inputs
        ]
    lines += ["", "## Scores and their working", ""]
    scores = assessment.scores
    for score in (scores.sins, scores.tokuhashi, scores.tomita):
        lines.append(f"### {score_line(score)}")
        lines.append("")
        lines += [f"- {text}" for text in component_lines(score)]
        lines.append(f"- Source quality: {score.source_quality}")
        lines.append("")
    if assessment.bilsky.grade is not None:
        lines.append(bilsky_line(assessment))
    lines += ["", "## References", ""]
    for reference_id, number in numbers.items():
        reference = assessment.citations[reference_id]
        link = f" {reference.link_kind}: <{reference.url}>" if reference.url else ""
        lines.append(
            f"{number}. {reference.vancouver()}{link} "
            f"[{reference.verification.value}; {reference.level_of_evidence}]"
        )
    lines += ["", f"_{DISCLAIMER}_", ""]
    return "\n".join(lines)


def component_lines(score: ScoreResult) -> list[str]:
    """A score's working, one line per component: 'Pain: mechanical -> 3'."""
    lines: list[str] = []
    for component in score.components:
        points = (
            f"{component.points}"
            if component.points is not None
            else f"unknown ({component.min}-{component.max})"
        )
        lines.append(f"{component.name}: {component.category or UNKNOWN} → {points}")
    return lines


def bilsky_line(assessment: Assessment) -> str:
    """The Bilsky reading in one sentence (call only when a grade is given)."""
    bilsky = assessment.bilsky
    return f"Bilsky ESCC {bilsky.grade} ({bilsky.definition}): {bilsky.group}. {bilsky.meaning}"
