"""The read-only registry of curated references, loaded once from the shipped data."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path

from evidence.reference import Reference, distinct_labels

DATA_FILE = Path(__file__).with_name("data") / "evidence.json"


class UnknownReferenceError(KeyError):
    """Raised when an evidence id is not in the curated registry."""

    def __init__(self, reference_id: str) -> None:
        super().__init__(reference_id)
        self.reference_id = reference_id

    def __str__(self) -> str:
        return f"unknown evidence id {self.reference_id!r}: not in the curated registry"


class Registry(Mapping[str, Reference]):
    """Curated references by id; lookups of unknown ids fail naming the id."""

    def __init__(self, references: list[Reference], content_hash: str) -> None:
        self._by_id = {reference.id: reference for reference in references}
        if len(self._by_id) != len(references):
            raise ValueError("duplicate evidence ids in the curated data")
        self.content_hash = content_hash
        self.labels = distinct_labels(references)

    def __getitem__(self, reference_id: str) -> Reference:
        try:
            return self._by_id[reference_id]
        except KeyError:
            raise UnknownReferenceError(reference_id) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_id)

    def __len__(self) -> int:
        return len(self._by_id)


def load_registry(path: Path = DATA_FILE) -> Registry:
    """Read and validate the curated evidence file."""
    raw = path.read_bytes()
    references = [Reference.model_validate(item) for item in json.loads(raw)]
    return Registry(references, hashlib.sha256(raw).hexdigest())


@cache
def registry() -> Registry:
    """The shipped registry, loaded once per process."""
    return load_registry()
