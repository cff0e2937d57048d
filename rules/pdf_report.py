"""A printable PDF of an assessment (fpdf2), the answer first.

Whether it is provisional, alerts, the options ranked, each option's reasons, the four
NOMS assessments, the inputs in words, then the scores with their working and references.

Text is set in DejaVu Sans with Droid Sans Fallback for Chinese, Japanese and Korean (the
Debian packages fonts-dejavu-core and fonts-droid-fallback; ``make fonts`` installs them),
so a case label in any of those scripts prints as typed. Without those fonts the report
falls back to the built-in Helvetica, which covers Latin-1 only: text is folded to it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from rules.engine import VERDICT_LABELS, Assessment
from rules.report import (
    DISCLAIMER,
    bilsky_line,
    component_lines,
    field_name,
    input_lines,
    need_lines,
    provisional_text,
    score_line,
)

TITLE = "Spinal metastasis: surgical approach options"
FALLBACK_FONT = "Helvetica"
UNICODE_FONT = "DejaVu"
CJK_FONT = "DroidFallback"
FONT_DIR = Path("/usr/share/fonts/truetype")
UNICODE_FONT_FILES = {
    "": FONT_DIR / "dejavu" / "DejaVuSans.ttf",
    "B": FONT_DIR / "dejavu" / "DejaVuSans-Bold.ttf",
}
CJK_FONT_FILE = FONT_DIR / "droid" / "DroidSansFallbackFull.ttf"
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
    "caution": (150, 90, 0),
    "not_suggested": (170, 30, 30),
    "out_of_scope": (90, 90, 90),
}


def latin_1(text: str) -> str:
    """Fold typographic characters to Latin-1 and replace anything else."""
    for character, replacement in LATIN_1_FOLDS.items():
        text = text.replace(character, replacement)
    return text.encode("latin-1", "replace").decode("latin-1")


def unicode_fonts_present() -> bool:
    """Whether the Unicode fonts the report embeds are installed."""
    return all(path.is_file() for path in (*UNICODE_FONT_FILES.values(), CJK_FONT_FILE))


class _Report(FPDF):
    """Page furniture (the disclaimer and rules version on every page) and the fonts."""

    def __init__(self, rules_version: str, stamp: str) -> None:
        super().__init__(format="A4")
        self.rules_version = rules_version
        self.stamp = stamp
        self.set_auto_page_break(auto=True, margin=18)
        self.unicode = unicode_fonts_present()
        if self.unicode:
            for style, path in UNICODE_FONT_FILES.items():
                self.add_font(UNICODE_FONT, style, path)
            self.add_font(CJK_FONT, "", CJK_FONT_FILE)
            self.add_font(CJK_FONT, "B", CJK_FONT_FILE)
            self.set_fallback_fonts([CJK_FONT], exact_match=False)
        self.font_name = UNICODE_FONT if self.unicode else FALLBACK_FONT

    def text_of(self, text: str) -> str:
        """Text as the current fonts can draw it (folded to Latin-1 without Unicode fonts)."""
        return text if self.unicode else latin_1(text)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(self.font_name, size=7)
        self.set_text_color(90, 90, 90)
        self.multi_cell(
            0,
            3.5,
            self.text_of(
                f"{DISCLAIMER} Rules version {self.rules_version}, {self.stamp}. "
                f"Page {self.page_no()}."
            ),
            align="C",
        )
        self.set_text_color(0, 0, 0)


def _heading(pdf: _Report, text: str, size: int = 13) -> None:
    pdf.ln(2)
    pdf.set_font(pdf.font_name, style="B", size=size)
    pdf.multi_cell(
        0, LINE_MM + 1, pdf.text_of(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    pdf.set_font(pdf.font_name, size=9)


def _line(pdf: _Report, text: str, indent: float = 0.0, bold: bool = False) -> None:
    pdf.set_font(pdf.font_name, style="B" if bold else "", size=9)
    pdf.set_x(pdf.l_margin + indent)
    pdf.multi_cell(0, LINE_MM, pdf.text_of(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(pdf.font_name, size=9)


def _coloured(pdf: _Report, text: str, colour: tuple[int, int, int], size: int = 10) -> None:
    pdf.set_font(pdf.font_name, style="B", size=size)
    pdf.set_text_color(*colour)
    pdf.multi_cell(
        0, LINE_MM + 0.5, pdf.text_of(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(pdf.font_name, size=9)


def pdf_report(assessment: Assessment, today: date | None = None) -> bytes:
    """The assessment as a PDF document with title metadata, the answer first."""
    stamp = (today or date.today()).isoformat()
    pdf = _Report(assessment.rules_version, stamp)
    patient = assessment.patient
    case = f" - {patient.case_label}" if patient.case_label else ""
    pdf.set_title(pdf.text_of(f"{TITLE}{case} ({stamp})"))
    pdf.set_subject("Research and teaching prototype, not for clinical decisions")
    pdf.set_creator(f"spine-mets-approach, rules version {assessment.rules_version}")
    pdf.set_lang("en")
    pdf.add_page()
    pdf.set_font(pdf.font_name, style="B", size=16)
    pdf.multi_cell(0, 8, TITLE, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    _coloured(pdf, DISCLAIMER, (170, 30, 30), size=9)
    _line(pdf, f"Rules version: {assessment.rules_version}    Date: {stamp}")
    if patient.case_label:
        _line(pdf, f"Case: {patient.case_label}", bold=True)

    provisional = provisional_text(assessment)
    if provisional is not None:
        pdf.ln(1)
        _coloured(pdf, provisional, VERDICT_COLOURS["caution"])

    if assessment.alerts:
        _heading(pdf, "Alerts")
        for alert in assessment.alerts:
            _line(pdf, f"{alert.level.value.upper()}: {alert.text}")

    _heading(pdf, "Options, best first")
    for rank, option in enumerate(assessment.options, 1):
        _coloured(
            pdf,
            f"{rank}. {option.label}: {VERDICT_LABELS[option.verdict]}",
            VERDICT_COLOURS[option.verdict.value],
            size=9,
        )

    numbers = {reference_id: n for n, reference_id in enumerate(assessment.citations, 1)}
    _heading(pdf, "Why")
    for rank, option in enumerate(assessment.options, 1):
        _coloured(
            pdf,
            f"{rank}. {option.label}: {VERDICT_LABELS[option.verdict]}",
            VERDICT_COLOURS[option.verdict.value],
        )
        for reason in option.reasons:
            marks = ", ".join(str(numbers[c]) for c in reason.citations)
            _line(pdf, f"[{reason.direction.value}] {reason.text} [{marks}]", 4)

    _heading(pdf, "Assessments (NOMS)")
    for heading, text in need_lines(assessment):
        # One paragraph, so a page break never parts a heading from its line.
        pdf.multi_cell(
            0,
            LINE_MM,
            pdf.text_of(f"**{heading}** {text}"),
            align="L",
            markdown=True,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )

    _heading(pdf, "Inputs")
    for label, value in input_lines(patient):
        _line(pdf, f"{label}: {value}")
    if assessment.missing_inputs:
        unknown = ", ".join(field_name(item.field) for item in assessment.missing_inputs)
        _line(pdf, f"Unknown: {unknown}")

    _heading(pdf, "Scores and their working")
    scores = assessment.scores
    for score in (scores.sins, scores.tokuhashi, scores.tomita):
        _line(pdf, score_line(score), bold=True)
        for text in component_lines(score):
            _line(pdf, text, 4)
        _line(pdf, f"Source quality: {score.source_quality}", 4)
    if assessment.bilsky.grade is not None:
        _line(pdf, bilsky_line(assessment))

    _heading(pdf, "References")
    for reference_id, number in numbers.items():
        reference = assessment.citations[reference_id]
        status = f" [{reference.verification.value}; {reference.level_of_evidence}]"
        _line(pdf, f"{number}. {reference.vancouver()}{status}")
        if reference.url:
            # Which kind of address it is, so a curated source page never passes for PubMed;
            # a long address wraps instead of running off the page.
            kind = (
                "PubMed" if reference.pubmed_url else "DOI" if reference.doi_url else "Other source"
            )
            pdf.set_x(pdf.l_margin + 4)
            pdf.set_text_color(30, 60, 160)
            pdf.multi_cell(
                0,
                LINE_MM,
                pdf.text_of(f"{kind}: {reference.url}"),
                link=reference.url,
                align="L",
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
            pdf.set_text_color(0, 0, 0)
    return bytes(pdf.output())
