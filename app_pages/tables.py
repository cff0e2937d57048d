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
    evidence_grade,
    link_target,
    reference_name,
)
from evidence import Reference, Verification, registry
from rules import (
    APPROACH_LABELS,
    APPROACH_SHORT_LABELS,
    RULES,
    VERDICT_LABELS,
    Approach,
    Direction,
    Rule,
)
from rules.catalog import CapsVerdict, FloorsVerdict, GivesReason, RaisesAlert, SetsNeed
from rules.markdown import escape_markdown

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


def rule_options(rule: Rule) -> tuple[Approach, ...]:
    """The options a row bears on: a reason's or floor's option, a ceiling's options."""
    effect = rule.effect
    if isinstance(effect, CapsVerdict):
        return effect.options
    if isinstance(effect, GivesReason | FloorsVerdict):
        return (effect.option,)
    return ()


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
        options = tuple(
            dict.fromkeys(
                APPROACH_LABELS[option] for rule in rules for option in rule_options(rule)
            )
        )
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
    words = VERIFICATION_STYLE[verification][1]
    return words if verification.is_checked else f"⚠ {words}"


def library_records(rows: Iterable[ReferenceRow]) -> list[dict[str, str]]:
    """Rows as Markdown cells for st.table: real links (PubMed, else DOI, else the curated
    source marked 'other source'), design and verification beside them; blank, never 'None'.
    """
    references = registry()
    return [
        {
            "Reference": citation_link(references[row.id]),
            "Year": str(row.year) if row.year else "",
            "Evidence": escape_markdown(row.grade),
            "Verification": verification_words(row.verification),
            "Title": escape_markdown(row.title),
            "Cited for": escape_markdown("; ".join(row.options)),
        }
        for row in sorted(rows, key=lambda row: (row.label.lower(), row.year or 0))
    ]


@dataclass(frozen=True)
class RuleSection:
    """A titled part of the rule book: rows of one kind, in the order the engine reads them."""

    title: str
    caption: str
    rules: tuple[Rule, ...]


def _ceiling_number(rule: Rule) -> int:
    effect = rule.effect
    return int(effect.code.lstrip("C")) if isinstance(effect, CapsVerdict) else 0


def _need_rows(rules: tuple[Rule, ...]) -> list[tuple[Rule, SetsNeed]]:
    return [(rule, rule.effect) for rule in rules if isinstance(rule.effect, SetsNeed)]


def _ceiling_rows(rules: tuple[Rule, ...]) -> list[tuple[Rule, CapsVerdict]]:
    rows = [(rule, rule.effect) for rule in rules if isinstance(rule.effect, CapsVerdict)]
    return sorted(rows, key=lambda pair: _ceiling_number(pair[0]))


def rule_sections(rules: tuple[Rule, ...] = RULES) -> list[RuleSection]:
    """The table grouped by kind: needs (per need, in order), ceilings, floors, reasons, alerts."""
    sections: list[RuleSection] = []
    need_rows = _need_rows(rules)
    for need in dict.fromkeys(effect.need for _, effect in need_rows):
        sections.append(
            RuleSection(
                f"Need: {need.value.replace('_', ' ')}",
                "Read in order; the first row that holds sets the need.",
                tuple(rule for rule, effect in need_rows if effect.need is need),
            )
        )
    sections.append(
        RuleSection(
            "Ceilings (gates)",
            "Every row that holds caps its options; the lowest cap wins.",
            tuple(rule for rule, _ in _ceiling_rows(rules)),
        )
    )
    sections.append(
        RuleSection(
            "Floors",
            "Lift an option to at least their verdict, never above a ceiling.",
            tuple(r for r in rules if isinstance(r.effect, FloorsVerdict)),
        )
    )
    for option in Approach:
        sections.append(
            RuleSection(
                f"Reasons: {APPROACH_LABELS[option]}",
                "Weighed: supporting 1, strong 2, major 3; notes 0.",
                tuple(r for r in rules if r.effect.kind == "reason" and r.effect.option is option),
            )
        )
    sections.append(
        RuleSection(
            "Alerts",
            "Shown before the options, in this order.",
            tuple(r for r in rules if isinstance(r.effect, RaisesAlert)),
        )
    )
    return sections


def effect_words(rule: Rule) -> str:
    """What a row does, as a Markdown cell."""
    effect = rule.effect
    if isinstance(effect, SetsNeed):
        return f"{effect.need.value.replace('_', ' ')} = **{effect.value.replace('_', ' ')}**"
    if isinstance(effect, CapsVerdict):
        options = ", ".join(APPROACH_SHORT_LABELS[o] for o in effect.options)
        below = (
            f"; ranked below {APPROACH_SHORT_LABELS[effect.ranks_below]}"
            if effect.ranks_below
            else ""
        )
        return (
            f"**{effect.code}**: {escape_markdown(options)} at most "
            f"**{VERDICT_LABELS[effect.verdict].lower()}**{escape_markdown(below)}"
        )
    if isinstance(effect, FloorsVerdict):
        first = ", put first" if effect.first else ""
        return (
            f"**{effect.code}**: {escape_markdown(APPROACH_SHORT_LABELS[effect.option])} at "
            f"least **{VERDICT_LABELS[effect.verdict].lower()}**{first}"
        )
    if isinstance(effect, GivesReason):
        direction = DIRECTION_WORDS[effect.stance.direction]
        size = effect.stance.value.split("_")[-1]
        return direction if effect.stance.direction is Direction.NOTE else f"{direction} ({size})"
    return f"**{effect.level.value}**: {escape_markdown(effect.code.replace('_', ' '))}"


def evidence_cell(rule: Rule, references: Mapping[str, Reference]) -> str:
    """The row's evidence as links with design and level, unverified records flagged."""
    cells = []
    for reference_id in rule.evidence:
        reference = references[reference_id]
        flag = (
            ""
            if reference.verification.is_checked
            else f", **{VERIFICATION_STYLE[reference.verification][1]}**"
        )
        cells.append(
            f"{citation_link(reference)} ({escape_markdown(evidence_grade(reference))}{flag})"
        )
    return "; ".join(cells)


def rule_records(
    rules: Iterable[Rule], references: Mapping[str, Reference] | None = None
) -> list[dict[str, str]]:
    """Rows of the rule book as Markdown cells for st.table, in the order given."""
    references = references if references is not None else registry()
    return [
        {
            "Effect": effect_words(rule),
            "When": escape_markdown(rule.condition_in_words()),
            "Explanation": escape_markdown(rule.text)
            + (" :gray[(panel convention)]" if rule.panel_convention else ""),
            "Evidence": evidence_cell(rule, references),
            "Rule": f"`{rule.id}`",
        }
        for rule in rules
    ]


# --- the pathway as a picture -------------------------------------------------------------


def _dot_text(text: str) -> str:
    """Text inside a quoted DOT label: quotes escaped; ``\\n`` left as DOT's line break."""
    return text.replace('"', '\\"')


def pathway_dot(rules: tuple[Rule, ...] = RULES) -> str:
    """The pathway as a Graphviz digraph, built from the rule table.

    Facts read by the need rows -> the four needs with their possible values -> the
    ceilings (by code, with the verdicts they cap to) -> the seven options.
    """
    need_rows = _need_rows(rules)
    needs: dict[str, list[str]] = {}
    for _, effect in need_rows:
        values = needs.setdefault(effect.need.value, [])
        if effect.value not in values:
            values.append(effect.value)
    facts = {clause.fact.value for rule, _ in need_rows for clause in rule.when} - needs.keys()
    lines = [
        "digraph pathway {",
        '  rankdir=LR; nodesep=0.15; ranksep=0.9; node [fontname="Helvetica", fontsize=10];',
        '  edge [color="#888888", arrowsize=0.6];',
        '  subgraph cluster_inputs { label="Inputs (derived facts)"; style=dashed;',
    ]
    lines += [
        f'    "f_{f}" [label="{_dot_text(f.replace("_", " "))}", shape=plaintext];'
        for f in sorted(facts)
    ]
    lines.append("  }")
    lines.append('  subgraph cluster_needs { label="1. Needs (NOMS)"; style=rounded;')
    for need, values in needs.items():
        shown = "\\n".join(v.replace("_", " ") for v in values)
        label = f"{need.replace('_', ' ').upper()}\\n----\\n{shown}"
        lines.append(
            f'    "n_{need}" [label="{_dot_text(label)}", shape=box, '
            'style="rounded,filled", fillcolor="#e8f0fe"];'
        )
    lines.append("  }")
    edges: set[tuple[str, str]] = set()
    for rule, effect in need_rows:
        for clause in rule.when:
            source = clause.fact.value
            kind = "n" if source in needs else "f"
            if source != effect.need.value:
                edges.add((f"{kind}_{source}", f"n_{effect.need.value}"))
    ceilings: dict[str, list[tuple[Rule, CapsVerdict]]] = {}
    for rule, cap in _ceiling_rows(rules):
        ceilings.setdefault(cap.code, []).append((rule, cap))
    lines.append('  subgraph cluster_ceilings { label="2. Ceilings (gates)"; style=rounded;')
    for code, rows in ceilings.items():
        verdicts = dict.fromkeys(VERDICT_LABELS[cap.verdict].lower() for _, cap in rows)
        label = f"{code}\\nat most {' / '.join(verdicts)}"
        lines.append(
            f'    "c_{code}" [label="{_dot_text(label)}", shape=box, '
            'style=filled, fillcolor="#fdecea"];'
        )
        for rule, cap in rows:
            for clause in rule.when:
                source = clause.fact.value
                if source in needs:
                    edges.add((f"n_{source}", f"c_{code}"))
            for option in cap.options:
                edges.add((f"c_{code}", f"o_{option.value}"))
    lines.append("  }")
    lines.append(
        '  subgraph cluster_options { label="3. Options (reasons weighed, ranked)"; style=rounded;'
    )
    for option in Approach:
        lines.append(
            f'    "o_{option.value}" [label="{_dot_text(APPROACH_SHORT_LABELS[option])}", '
            'shape=box, style="rounded,filled", fillcolor="#e6f4ea"];'
        )
    lines.append("  }")
    lines += [f'  "{a}" -> "{b}";' for a, b in sorted(edges)]
    lines.append("}")
    return "\n".join(lines)
