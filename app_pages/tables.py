"""Static tables for the evidence library and the rule book, built from ``rules`` and ``evidence``.

Pure functions of the shipped rule table and reference registry: no patient data, so the
pages may cache them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from app_pages.render import (
    VERIFICATION_STYLE,
    citation_link,
    escape_markdown,
    evidence_grade,
    link_target,
    reference_name,
)
from evidence import Reference, Verification, registry
from rules import APPROACH_LABELS, RULES, Approach, Direction, Rule

NO_DESIGN = "design not stated"
DIRECTION_WORDS: dict[Direction, str] = {
    Direction.FOR: ":green[**for**]",
    Direction.AGAINST: ":red[**against**]",
    Direction.NOTE: ":gray[note]",
}


@dataclass(frozen=True)
class ReferenceRow:
    """One reference as the library lists it."""

    id: str
    label: str
    title: str
    journal: str
    year: int | None
    design: str
    grade: str
    verification: Verification
    key_finding: str
    options: tuple[str, ...]
    rules: tuple[str, ...]
    pubmed: str | None
    doi: str | None
    other_link: str | None

    def matches(self, text: str) -> bool:
        """Whether the search text occurs in any descriptive field (case-insensitive)."""
        needle = text.strip().lower()
        if not needle:
            return True
        haystack = " ".join(
            (self.id, self.label, self.title, self.journal, self.design, self.key_finding)
        )
        return needle in haystack.lower()


def rules_citing(references: Iterable[str], rules: Iterable[Rule] = RULES) -> dict[str, list[Rule]]:
    """For each reference id, the rules whose evidence includes it, in table order."""
    citing: dict[str, list[Rule]] = {reference_id: [] for reference_id in references}
    for rule in rules:
        for reference_id in rule.evidence:
            citing.setdefault(reference_id, []).append(rule)
    return citing


def reference_rows(references: Mapping[str, Reference] | None = None) -> list[ReferenceRow]:
    """Every curated reference, with the options and rules that cite it."""
    references = references if references is not None else registry()
    citing = rules_citing(references)
    rows: list[ReferenceRow] = []
    for reference_id, reference in references.items():
        rules = citing.get(reference_id, [])
        options = tuple(dict.fromkeys(APPROACH_LABELS[rule.option] for rule in rules))
        pubmed, doi = reference.pubmed_url, reference.doi_url
        rows.append(
            ReferenceRow(
                id=reference_id,
                label=reference_name(reference),
                title=reference.title or "",
                journal=reference.journal or "",
                year=reference.year,
                design=reference.design or NO_DESIGN,
                grade=evidence_grade(reference),
                verification=reference.verification,
                key_finding=reference.key_finding,
                options=options,
                rules=tuple(rule.id for rule in rules),
                pubmed=pubmed,
                doi=doi,
                other_link=None if pubmed or doi else link_target(reference),
            )
        )
    return rows


def filter_rows(
    rows: Iterable[ReferenceRow],
    text: str = "",
    options: Collection[str] = (),
    designs: Collection[str] = (),
    verifications: Collection[Verification] = (),
    years: tuple[int, int] | None = None,
) -> list[ReferenceRow]:
    """Rows matching every filter given; an empty filter lets everything through.

    A year range drops references without a year unless it spans every year.
    """
    return [
        row
        for row in rows
        if row.matches(text)
        and (not options or any(option in options for option in row.options))
        and (not designs or row.design in designs)
        and (not verifications or row.verification in verifications)
        and (years is None or (row.year is not None and years[0] <= row.year <= years[1]))
    ]


def year_span(rows: Iterable[ReferenceRow]) -> tuple[int, int]:
    """The earliest and latest publication year among the rows."""
    years = [row.year for row in rows if row.year is not None]
    return min(years), max(years)


def verification_words(verification: Verification) -> str:
    """The verification status in words for a plain table cell (no Markdown)."""
    words = VERIFICATION_STYLE[verification][2]
    return words if verification.is_checked else f"⚠ {words}"


def library_records(rows: Iterable[ReferenceRow]) -> list[dict[str, object]]:
    """Rows as records for st.dataframe (links stay URLs for LinkColumn)."""
    return [
        {
            "Reference": row.label,
            "Year": row.year,
            "Verification": verification_words(row.verification),
            "PubMed": row.pubmed,
            "DOI": row.doi,
            "Other source": row.other_link,
            "Evidence": row.grade,
            "Title": row.title,
            "Options citing it": "; ".join(row.options),
            "Key finding": row.key_finding,
            "Rules citing it": "; ".join(row.rules),
            "Id": row.id,
        }
        for row in sorted(rows, key=lambda row: (row.label.lower(), row.year or 0))
    ]


def rule_records(
    option: Approach, references: Mapping[str, Reference] | None = None
) -> list[dict[str, str]]:
    """The rules of one option as Markdown cells for st.table, in table order."""
    references = references if references is not None else registry()
    records: list[dict[str, str]] = []
    for rule in RULES:
        if rule.option is not option:
            continue
        evidence = "; ".join(
            f"{citation_link(references[reference_id])} "
            f"({escape_markdown(evidence_grade(references[reference_id]))}"
            + (
                ""
                if references[reference_id].verification.is_checked
                else f", **{VERIFICATION_STYLE[references[reference_id].verification][2]}**"
            )
            + ")"
            for reference_id in rule.evidence
        )
        records.append(
            {
                "Direction": DIRECTION_WORDS[rule.direction],
                "Strength": rule.strength.value,
                "When": escape_markdown(rule.condition_in_words()),
                "Explanation": escape_markdown(rule.text),
                "Evidence": evidence,
                "Rule": f"`{rule.id}`",
            }
        )
    return records
