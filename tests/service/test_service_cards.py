"""Cards: the strongest source, honest labels for unchecked records, limits and escaping."""

from __future__ import annotations

from uuid import UUID

from cds_service.cards import (
    assessment_card,
    card_source,
    fit_summary,
    needs_input_card,
    strongest_reference,
)
from evidence import registry
from rules import Assessment, Patient, assess
from rules.markdown import escape_markdown

CARD_UUID = UUID("33333333-3333-4333-8333-333333333333")


def _assessment(**inputs: object) -> Assessment:
    return assess(Patient.model_validate({"level": "T8", "histology": "lung", **inputs}))


def _with_citations(assessment: Assessment, *ids: str) -> Assessment:
    top = assessment.options[0]
    reason = top.reasons[0].model_copy(update={"citations": ids})
    option = top.model_copy(update={"reasons": (reason,)})
    return assessment.model_copy(
        update={"options": (option, *assessment.options[1:]), "citations": dict(registry())}
    )


def test_a_checked_record_beats_a_stronger_design_taken_as_cited() -> None:
    # tomita2001: retrospective cohort, as cited; li2025: case report, verified.
    assessment = _with_citations(
        _assessment(), "tomita2001_surgical_strategy", "li2025_endoscopic_transpedicular"
    )
    best = strongest_reference(assessment.options[0], assessment.citations)
    assert best is not None
    assert best.id == "li2025_endoscopic_transpedicular"


def test_an_unchecked_source_says_so_and_links_its_doi() -> None:
    # hofstetter2011: a case series taken as cited, with a DOI and no PMID.
    source = card_source(_with_citations(_assessment(), "hofstetter2011_posterior_corpectomy_cage"))
    assert source.label == (
        "Hofstetter 2011: Level IV (case series) (not verified: taken as cited by another source)"
    )
    assert source.url == "https://doi.org/10.3171/2010.11.SPINE09956"


def test_an_option_without_citations_names_the_rules_as_source() -> None:
    assessment = _with_citations(_assessment())
    assert card_source(assessment).label == (
        f"Spinal metastasis approach rules ({assessment.rules_version})"
    )
    assert card_source(assessment).url is None


def test_a_long_summary_is_cut_below_140_characters() -> None:
    cut = fit_summary("x" * 200)
    assert len(cut) == 139
    assert cut.endswith("…")
    assert fit_summary("short") == "short"


def test_free_text_cannot_inject_markdown_or_html() -> None:
    # The one escape of rules.markdown: no link (brackets escaped, the colon broken by a
    # zero-width space), no HTML, no emphasis.
    assert escape_markdown("[click](javascript:x) <b>*hi*</b>") == (
        "\\[click\\](javascript:\u200bx) \\<b\\>\\*hi\\*\\</b\\>"
    )


def test_the_case_label_is_shown_escaped() -> None:
    card = assessment_card(
        _assessment(case_label="Board case [A] <x>"), CARD_UUID, "http://localhost:8501"
    )
    assert r"Case: Board case \[A\] \<x\>" in card.detail


def test_needs_input_card_names_each_missing_code() -> None:
    card = needs_input_card(("histology",), "rules-x", CARD_UUID, "http://localhost:8501")
    assert card.summary == "Spinal metastasis approach: record the histology to get options"
    assert "`histology`" in card.detail
    assert card.indicator == "info"
