"""One curated reference as a typed record, with its links and Vancouver rendering."""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum
from string import ascii_lowercase

from pydantic import BaseModel, ConfigDict, Field, computed_field

PUBMED_URL = "https://pubmed.ncbi.nlm.nih.gov/{pmid}/"
DOI_URL = "https://doi.org/{doi}"
VANCOUVER_AUTHOR_LIMIT = 6
# A label taken from a title keeps its first few words.
TITLE_WORDS = 4
INITIALS = re.compile(r"^[A-Z]{1,3}$")
ET_AL = re.compile(r"\s+et al\.?$")
ACRONYM = re.compile(r"\(([A-Z]{2,})\)")


class Verification(StrEnum):
    """How far the curators could check a record against a stored source."""

    VERIFIED = "verified"
    PARTIAL = "partial"
    AS_CITED = "as_cited"
    UNRESOLVED = "unresolved"

    @property
    def is_checked(self) -> bool:
        """True only when the bibliographic record was checked against a source."""
        return self in (Verification.VERIFIED, Verification.PARTIAL)


VERIFICATION_LABELS: dict[Verification, str] = {
    Verification.VERIFIED: "verified against a stored source",
    Verification.PARTIAL: "partly verified: some fields as cited",
    Verification.AS_CITED: "not verified: taken as cited by another source",
    Verification.UNRESOLVED: "unresolved: the record could not be identified",
}

# Simplified Oxford-style hierarchy. A systematic review is only as strong as
# the studies it pools, so it is not given a single level.
EVIDENCE_LEVELS: dict[str, str] = {
    "RCT": "Level I (randomised trial)",
    "systematic review/meta-analysis": "Level I-III (depends on the pooled studies)",
    "prospective cohort": "Level II (prospective cohort)",
    "retrospective cohort": "Level III (retrospective cohort)",
    "case series": "Level IV (case series)",
    "case report": "Level IV (single case report)",
    "narrative review": "Level V (narrative review)",
    "consensus/classification": "Consensus or classification",
    "guideline": "Guideline (graded by its own panel)",
}
UNGRADED_LEVEL = "Not graded (design not stated)"


class Reference(BaseModel):
    """A curated bibliographic record; fields, never preformatted strings."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    authors: str | None
    title: str | None
    journal: str | None
    year: int | None
    volume: str | None
    issue: str | None
    pages: str | None
    pmid: str | None
    doi: str | None
    design: str | None
    key_finding: str
    verification: Verification
    source_url: str | None
    notes: str | None
    cited_in_seeds: bool = Field(default=False)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def pubmed_url(self) -> str | None:
        """PubMed address when the record carries a PMID."""
        return PUBMED_URL.format(pmid=self.pmid) if self.pmid else None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def doi_url(self) -> str | None:
        """DOI resolver address when the record carries a DOI."""
        return DOI_URL.format(doi=self.doi) if self.doi else None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def url(self) -> str | None:
        """Best single link: PubMed, else DOI, else the curators' first source page."""
        sources = (self.source_url or "").split()
        first_source = next((part for part in sources if part.startswith("http")), None)
        return self.pubmed_url or self.doi_url or first_source

    @property
    def link_kind(self) -> str | None:
        """Where ``url`` goes: 'PubMed', 'DOI' or 'other source' (never passed off as PubMed)."""
        if self.pubmed_url:
            return "PubMed"
        if self.doi_url:
            return "DOI"
        return "other source" if self.url else None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def level_of_evidence(self) -> str:
        """A level-of-evidence label derived from the study design."""
        if self.design is None:
            return UNGRADED_LEVEL
        return EVIDENCE_LEVELS.get(self.design, UNGRADED_LEVEL)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def verification_label(self) -> str:
        """Plain-language meaning of the verification status."""
        return VERIFICATION_LABELS[self.verification]

    @property
    def short_label(self) -> str:
        """'Surname Year' ('NICE 2023' for a body); else title words, 'PMID n' or the id."""
        if self.authors:
            name = first_author_name(self.authors)
        elif self.journal:
            name = self.journal
        elif self.title:
            words = self.title.split()
            name = " ".join(words[:TITLE_WORDS]) + ("…" if len(words) > TITLE_WORDS else "")
        elif self.pmid:
            return f"PMID {self.pmid}"
        else:
            name = self.id.replace("_", " ").capitalize()
        return f"{name} {self.year}" if self.year else name

    def vancouver(self) -> str:
        """Render the record in Vancouver style, leaving out what is unknown."""
        parts: list[str] = []
        if self.authors:
            names = [name.strip() for name in self.authors.split(",") if name.strip()]
            if len(names) > VANCOUVER_AUTHOR_LIMIT:
                names = [*names[:VANCOUVER_AUTHOR_LIMIT], "et al"]
            parts.append(", ".join(names).removesuffix(".") + ".")
        if self.title:
            parts.append(self.title.rstrip(".") + ".")
        source = ""
        if self.journal:
            source = self.journal.rstrip(".") + "."
        if self.year:
            source += f" {self.year}"
            if self.volume:
                source += f";{self.volume}"
                if self.issue:
                    source += f"({self.issue})"
            if self.pages:
                source += f":{self.pages}"
            source += "."
        if source:
            parts.append(source.strip())
        if self.doi:
            parts.append(f"doi:{self.doi}.")
        if self.pmid:
            parts.append(f"PMID: {self.pmid}.")
        return " ".join(parts)


def first_author_name(authors: str) -> str:
    """The first author as cited: a surname without initials, or a body's acronym.

    'Vargas López AJ, ...' -> 'Vargas López'; 'National Institute ... (NICE)' -> 'NICE';
    'AO Foundation (Surgery Reference)' -> 'AO Foundation'.
    """
    first = ET_AL.sub("", authors.split(",")[0].strip())
    acronym = ACRONYM.search(first)
    if acronym:
        return acronym.group(1)
    words = first.split(" (")[0].split()
    if len(words) > 1 and INITIALS.match(words[-1]):
        words = words[:-1]
    return " ".join(words)


def distinct_labels(references: Iterable[Reference]) -> dict[str, str]:
    """Short labels by id, made distinct: two 'Laufer 2013' become 'Laufer 2013a' and 'b'.

    Letters follow the order of the ids, so a label does not depend on the file's order.
    """
    by_label: dict[str, list[str]] = {}
    for reference in references:
        by_label.setdefault(reference.short_label, []).append(reference.id)
    labels: dict[str, str] = {}
    for label, ids in by_label.items():
        if len(ids) == 1:
            labels[ids[0]] = label
            continue
        for letter, reference_id in zip(ascii_lowercase, sorted(ids), strict=False):
            labels[reference_id] = f"{label}{letter}"
    return labels
