"""A readable Markdown summary of an assessment, stamped with the rules version."""

from __future__ import annotations

from datetime import date

from rules.engine import VERDICT_LABELS, Assessment
from rules.scores import ScoreResult

DISCLAIMER = (
    "Research and teaching prototype, not for clinical decisions. It does not replace the "
    "judgement of a multidisciplinary spine oncology team."
)


def _escape(text: str) -> str:
    """Free text as one inert line: control characters become spaces, Markdown is escaped."""
    text = "".join(character if character.isprintable() else " " for character in text)
    text = " ".join(text.split())
    for character in "\\`*_{}[]<>()#+!|":
        text = text.replace(character, "\\" + character)
    return text


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


def provisional_text(assessment: Assessment) -> str | None:
    """ "Provisional: ..." naming the decisive unknown inputs, or None when the answer is firm."""
    if not assessment.provisional:
        return None
    parts: list[str] = []
    if assessment.decisive_missing_inputs:
        parts.append(
            "the first option could change once these are known: "
            + ", ".join(assessment.decisive_missing_inputs)
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
    """The assessment as Markdown.

    Order: whether it is provisional, the four NOMS assessments, alerts, the options
    best first, then scores with working, inputs and references.
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
        lines.append(f"Case: {_escape(patient.case_label)}")
    provisional = provisional_text(assessment)
    if provisional is not None:
        lines += ["", f"**{provisional}**"]
    lines += ["", "## Assessments (NOMS)", ""]
    lines += [f"- **{heading}**: {text}" for heading, text in need_lines(assessment)]
    if assessment.alerts:
        lines += ["", "## Alerts", ""]
        lines += [f"- **{alert.level.value.upper()}**: {alert.text}" for alert in assessment.alerts]
    numbers = {reference_id: n for n, reference_id in enumerate(assessment.citations, 1)}
    lines += ["", "## Options, best first", ""]
    for rank, option in enumerate(assessment.options, 1):
        lines.append(f"### {rank}. {option.label}: {VERDICT_LABELS[option.verdict]}")
        lines.append("")
        for reason in option.reasons:
            marks = ",".join(str(numbers[c]) for c in reason.citations)
            lines.append(f"- ({reason.direction.value}) {reason.text} [{marks}]")
        lines.append("")
    lines += ["## Scores", ""]
    scores = assessment.scores
    for score in (scores.sins, scores.tokuhashi, scores.tomita):
        lines.append(f"### {score_line(score)}")
        lines.append("")
        for component in score.components:
            points = (
                f"{component.points}"
                if component.points is not None
                else f"unknown ({component.min}-{component.max})"
            )
            lines.append(f"- {component.name}: {component.category or 'unknown'} → {points}")
        lines.append(f"- Source quality: {score.source_quality}")
        lines.append("")
    if assessment.bilsky.grade is not None:
        lines.append(
            f"Bilsky ESCC {assessment.bilsky.grade} ({assessment.bilsky.definition}): "
            f"{assessment.bilsky.group}. {assessment.bilsky.meaning}"
        )
    lines += ["", "## Inputs", ""]
    for field, value in patient.model_dump(mode="json", exclude={"case_label"}).items():
        lines.append(f"- {field}: {'unknown' if value is None else value}")
    lines.append("")
    if assessment.missing_inputs:
        lines += ["## Missing inputs", ""]
        lines += [
            f"- {item.field} (feeds {', '.join(item.used_by)})"
            for item in assessment.missing_inputs
        ]
        lines.append("")
    lines += ["## References", ""]
    for reference_id, number in numbers.items():
        reference = assessment.citations[reference_id]
        link = f" <{reference.url}>" if reference.url else ""
        lines.append(
            f"{number}. {reference.vancouver()}{link} "
            f"[{reference.verification.value}; {reference.level_of_evidence}]"
        )
    lines += ["", f"_{DISCLAIMER}_", ""]
    return "\n".join(lines)
