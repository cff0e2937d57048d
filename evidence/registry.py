"""The read-only registry of curated references, loaded once from the shipped data."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path

from pydantic import ValidationError

from evidence.reference import Reference, distinct_labels

DATA_FILE = Path(__file__).with_name("data") / "evidence.json"


class EvidenceDataError(RuntimeError):
    """The curated evidence file is missing, unreadable, or not a list of valid records.

    Not a ValueError, so a validator that reads the registry passes it on unchanged.
    """

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"curated evidence data {str(path)!r} {reason}")


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


def _first_error(error: ValidationError) -> str:
    first = error.errors(include_url=False)[0]
    where = ".".join(str(part) for part in first["loc"]) or "record"
    return f"{where}: {first['msg']}"


def load_registry(path: Path = DATA_FILE) -> Registry:
    """Read and validate the curated evidence file; ``EvidenceDataError`` says what is wrong."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise EvidenceDataError(path, "is missing; restore it from the repository") from None
    except OSError as error:
        raise EvidenceDataError(path, f"cannot be read: {error.strerror}") from None
    try:
        items = json.loads(raw)
    except json.JSONDecodeError as error:
        raise EvidenceDataError(
            path, f"is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None
    except UnicodeDecodeError:
        raise EvidenceDataError(path, "is not UTF-8 text") from None
    if not isinstance(items, list):
        raise EvidenceDataError(path, "expected a list of records at the top level")
    references: list[Reference] = []
    for number, item in enumerate(items, 1):
        try:
            references.append(Reference.model_validate(item))
        except ValidationError as error:
            name = f" (id {item.get('id')!r})" if isinstance(item, dict) else ""
            raise EvidenceDataError(
                path, f"record {number}{name} is not valid: {_first_error(error)}"
            ) from None
    try:
        return Registry(references, hashlib.sha256(raw).hexdigest())
    except ValueError as error:
        raise EvidenceDataError(path, str(error)) from None


@cache
def registry() -> Registry:
    """The shipped registry, loaded once per process."""
    return load_registry()
