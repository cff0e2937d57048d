"""A printable PDF of an assessment (fpdf2), in the Markdown report's order.

Whether it is provisional, the four NOMS assessments, alerts, the options best first,
then inputs, scores with working and references.

The built-in PDF fonts cover Latin-1 only, so text is folded to Latin-1 first;
that keeps the report free of any font file the machine might lack.
"""

from __future__ import annotations

from datetime import date

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from rules.engine import VERDICT_LABELS, Assessment
from rules.report import DISCLAIMER, need_lines, provisional_text, score_line

FONT = "Helvetica"
LINE_MM = 5.0
# Typographic characters and their Latin-1 stand-ins, written as escapes.
LATIN_1_FOLDS = {
    "\u2192": "->",  # rightwards arrow
    "\u2013": "-",  # en dash
    "\u2014": "-",  # em dash
    "\u2265": ">=",
    "\u2264": "<=",
    "\u00b7": "-",  # middle dot
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2026": "...",
}
VERDICT_COLOURS: dict[str, tuple[int, int, int]] = {
    "suggested": (22, 120, 60),
    "consider": (30, 90, 160),
    "caution": (180, 110, 0),
    "not_suggested": (170, 30, 30),
    "out_of_scope": (110, 110, 110),
}


def latin_1(text: str) -> str:
    """Fold typographic characters to Latin-1 and replace anything else."""
    for character, replacement in LATIN_1_FOLDS.items():
        text = text.replace(character, replacement)
    return text.encode("latin-1", "replace").decode("latin-1")


class _Report(FPDF):
    """Page furniture: the disclaimer and rules version on every page."""

    def __init__(self, rules_version: str, stamp: str) -> None:
        super().__init__(format="A4")
        self.rules_version = rules_version
        self.stamp = stamp
        self.set_auto_page_break(auto=True, margin=18)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(FONT, size=7)
        self.set_text_color(90, 90, 90)
        self.multi_cell(
            0,
            3.5,
            latin_1(
                f"{DISCLAIMER} Rules version {self.rules_version}, {self.stamp}. "
                f"Page {self.page_no()}."
            ),
            align="C",
        )
        self.set_text_color(0, 0, 0)


def _heading(pdf: FPDF, text: str, size: int = 13) -> None:
    pdf.ln(2)
    pdf.set_font(FONT, style="B", size=size)
    pdf.multi_cell(0, LINE_MM + 1, latin_1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, size=9)


def _line(pdf: FPDF, text: str, indent: float = 0.0) -> None:
    pdf.set_x(pdf.l_margin + indent)
    pdf.multi_cell(0, LINE_MM, latin_1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def pdf_report(assessment: Assessment, today: date | None = None) -> bytes:
    """The assessment as a PDF document."""
    stamp = (today or date.today()).isoformat()
    pdf = _Report(assessment.rules_version, stamp)
    pdf.add_page()
    pdf.set_font(FONT, style="B", size=16)
    pdf.multi_cell(
        0, 8, "Spinal metastasis: surgical approach options", new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    pdf.set_font(FONT, style="B", size=9)
    pdf.set_text_color(170, 30, 30)
    _line(pdf, DISCLAIMER)
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(FONT, size=9)
    _line(pdf, f"Rules version: {assessment.rules_version}    Date: {stamp}")
    patient = assessment.patient
    if patient.case_label:
        _line(pdf, f"Case: {patient.case_label}")

    provisional = provisional_text(assessment)
    if provisional is not None:
        pdf.ln(1)
        pdf.set_font(FONT, style="B", size=10)
        pdf.set_text_color(*VERDICT_COLOURS["caution"])
        _line(pdf, provisional)
        pdf.set_text_color(0, 0, 0)
        pdf.set_font(FONT, size=9)

    _heading(pdf, "Assessments (NOMS)")
    for heading, text in need_lines(assessment):
        pdf.set_font(FONT, style="B", size=9)
        _line(pdf, heading)
        pdf.set_font(FONT, size=9)
        _line(pdf, text, 4)

    if assessment.alerts:
        _heading(pdf, "Alerts")
        for alert in assessment.alerts:
            _line(pdf, f"{alert.level.value.upper()}: {alert.text}")

    numbers = {reference_id: n for n, reference_id in enumerate(assessment.citations, 1)}
    _heading(pdf, "Options, best first")
    for rank, option in enumerate(assessment.options, 1):
        pdf.set_font(FONT, style="B", size=10)
        pdf.set_text_color(*VERDICT_COLOURS[option.verdict.value])
        _line(pdf, f"{rank}. {option.label}: {VERDICT_LABELS[option.verdict]}")
        pdf.set_text_color(0, 0, 0)
        pdf.set_font(FONT, size=9)
        for reason in option.reasons:
            marks = ", ".join(str(numbers[c]) for c in reason.citations)
            _line(pdf, f"[{reason.direction.value}] {reason.text} [{marks}]", 4)

    _heading(pdf, "Inputs")
    known = patient.model_dump(mode="json", exclude={"case_label"}, exclude_none=True)
    _line(pdf, "; ".join(f"{field}: {value}" for field, value in known.items()))
    if assessment.missing_inputs:
        _line(pdf, "Unknown: " + ", ".join(item.field for item in assessment.missing_inputs))

    _heading(pdf, "Scores")
    scores = assessment.scores
    for score in (scores.sins, scores.tokuhashi, scores.tomita):
        pdf.set_font(FONT, style="B", size=9)
        _line(pdf, score_line(score))
        pdf.set_font(FONT, size=9)
        for component in score.components:
            points = (
                str(component.points)
                if component.points is not None
                else f"unknown ({component.min}-{component.max})"
            )
            _line(pdf, f"{component.name}: {component.category or 'unknown'} -> {points}", 4)
        _line(pdf, f"Source quality: {score.source_quality}", 4)
    if assessment.bilsky.grade is not None:
        _line(
            pdf,
            f"Bilsky ESCC {assessment.bilsky.grade} ({assessment.bilsky.definition}): "
            f"{assessment.bilsky.group}. {assessment.bilsky.meaning}",
        )

    _heading(pdf, "References")
    for reference_id, number in numbers.items():
        reference = assessment.citations[reference_id]
        status = f" [{reference.verification.value}; {reference.level_of_evidence}]"
        _line(pdf, f"{number}. {reference.vancouver()}{status}")
        if reference.url:
            pdf.set_x(pdf.l_margin + 4)
            pdf.set_text_color(30, 60, 160)
            pdf.cell(
                0,
                LINE_MM,
                latin_1(reference.url),
                link=reference.url,
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
            pdf.set_text_color(0, 0, 0)
    return bytes(pdf.output())
