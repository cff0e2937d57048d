"""Markdown and PDF reports carry the options, references, rules version and disclaimer."""

from __future__ import annotations

import io
from datetime import date

from pypdf import PdfReader

from rules import DISCLAIMER, VERDICT_LABELS, Patient, assess, to_markdown
from rules.case_library import case_by_slug
from rules.pdf_report import TITLE, latin_1, pdf_report

TODAY = date(2026, 11, 21)


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_pdf_opens_and_holds_options_references_and_rules_version() -> None:
    assessment = assess(case_by_slug("seed_lumbar_sarcoma_frail").patient)
    data = pdf_report(assessment, TODAY)
    assert data.startswith(b"%PDF")
    text = " ".join(_pdf_text(data).split())
    assert assessment.rules_version in text
    assert "2026-11-21" in text
    assert "References" in text
    for option in assessment.options:
        assert option.label.split(" (")[0] in text
    li = assessment.citations["li2025_endoscopic_transpedicular"]
    assert "Li N" in text
    assert li.pmid is not None
    assert li.pmid in text
    assert "not for clinical decisions" in text
    assert " ".join(DISCLAIMER.split()) in text
    # Each record is marked with its verification status (unresolved ones as such).
    for record in assessment.citations.values():
        assert f"[{record.verification.value};" in text


def test_pdf_says_provisional_without_a_grade_and_summarises_the_noms_assessments() -> None:
    # T8 lung, Frankel C, KPS 90: fit (KPS 70 or more, nothing else recorded against it).
    # With no Bilsky grade the decompression need is unknown (decompression_unknown_without_grade),
    # and a grade of 2-3 (urgent) against 0-1b (none) decides between an open operation and none.
    patient = Patient.model_validate(
        {"level": "T8", "histology": "lung", "frankel": "C", "kps": 90}
    )
    assert patient.escc_grade is None
    assessment = assess(patient)
    text = " ".join(_pdf_text(pdf_report(assessment, TODAY)).split())
    assert " ".join(DISCLAIMER.split()) in text
    assert assessment.rules_version in text
    assert "Provisional:" in text
    assert "Bilsky ESCC grade" in text
    assert "escc_grade" not in text
    assert "Assessments (NOMS)" in text
    for heading in (
        "Neurologic and oncologic: decompression",
        "Mechanical: stabilisation",
        "Mechanical: cement candidate",
        "Systemic: fitness",
    ):
        assert heading in text
    assert "Systemic: fitness fit (" in text
    assert "Neurologic and oncologic: decompression unknown (" in text


def test_pdf_shows_the_provisional_line_exactly_when_provisional() -> None:
    assessment = assess(case_by_slug("seed_lumbar_sarcoma_frail").patient)
    text = " ".join(_pdf_text(pdf_report(assessment, TODAY)).split())
    assert ("Provisional:" in text) is assessment.provisional


def test_pdf_links_point_to_pubmed_or_doi() -> None:
    assessment = assess(case_by_slug("seed_thoracic_lung_unfit").patient)
    reader = PdfReader(io.BytesIO(pdf_report(assessment, TODAY)))
    uris = {
        annotation.get_object()["/A"]["/URI"]
        for page in reader.pages
        for annotation in page.get("/Annots", [])
        if "/A" in annotation.get_object()
    }
    assert "https://pubmed.ncbi.nlm.nih.gov/40576769/" in uris


def test_markdown_summary_is_stamped_and_lists_options_in_order() -> None:
    assessment = assess(case_by_slug("seed_thoracic_lung_unfit").patient)
    text = to_markdown(assessment, TODAY)
    assert assessment.rules_version in text
    assert DISCLAIMER in text
    positions = [
        text.index(f"{option.label}: {VERDICT_LABELS[option.verdict]}")
        for option in assessment.options
    ]
    assert positions == sorted(positions)
    assert "https://pubmed.ncbi.nlm.nih.gov/40576769/" in text


def test_markdown_escapes_free_text() -> None:
    patient = Patient.model_validate(
        {"level": "T8", "histology": "lung", "case_label": "[click](http://x) **bold**"}
    )
    text = to_markdown(assess(patient), TODAY)
    assert "[click](http://x)" not in text
    assert "\\[click\\]" in text


def test_markdown_keeps_a_label_with_control_characters_on_one_inert_line() -> None:
    # The model refuses such a label; a copy that skipped validation must still not inject.
    patient = Patient.model_validate({"level": "T8", "histology": "lung"})
    hostile = patient.model_copy(update={"case_label": "a\n- injected\x1b[2J\rb"})
    text = to_markdown(assess(hostile), TODAY)
    (line,) = [line for line in text.splitlines() if line.startswith("Case: ")]
    assert line == "Case: a - injected \\[2J b"
    assert "\x1b" not in text
    assert "\r" not in text


def test_latin_1_folding_keeps_meaning_of_arrows_and_dashes() -> None:
    assert latin_1("a \u2192 b \u2013 c \u2265 3") == "a -> b - c >= 3"
    assert latin_1("Müller") == "Müller"


def test_pdf_puts_the_ranking_and_reasons_before_the_noms_inputs_and_score_working() -> None:
    assessment = assess(case_by_slug("seed_thoracic_lung_unfit").patient)
    text = " ".join(_pdf_text(pdf_report(assessment, TODAY)).split())
    order = ["Options, best first", "Why", "Assessments (NOMS)", "Inputs", "Scores and their"]
    positions = [text.index(heading) for heading in order]
    assert positions == sorted(positions)
    top = assessment.options[0]
    assert text.index(f"1. {top.label}") < text.index("Assessments (NOMS)")


def test_pdf_names_inputs_by_their_labels_and_values_in_words() -> None:
    assessment = assess(case_by_slug("seed_thoracic_lung_unfit").patient)
    text = " ".join(_pdf_text(pdf_report(assessment, TODAY)).split())
    # frankel C, escc_grade 2 in the case file: read as the form shows them.
    assert "Frankel grade: C - motor useless" in text
    assert "Bilsky ESCC grade: 2 - cord compressed, CSF still seen" in text
    for code in ("escc_grade", "frankel:", "compression_site"):
        assert code not in text


def test_pdf_prints_a_chinese_and_a_spanish_case_label_and_carries_a_title() -> None:
    label = "病例 脊柱转移 · José Muñoz"
    patient = Patient.model_validate({"level": "T8", "histology": "lung", "case_label": label})
    data = pdf_report(assess(patient), TODAY)
    reader = PdfReader(io.BytesIO(data))
    assert label in reader.pages[0].extract_text()
    assert reader.metadata is not None
    assert reader.metadata.title == f"{TITLE} - {label} (2026-11-21)"
