"""Curated references: typed records and a read-only registry. Imports nothing from rules."""

from evidence.reference import (
    EVIDENCE_LEVELS,
    VERIFICATION_LABELS,
    Reference,
    Verification,
    distinct_labels,
)
from evidence.registry import (
    EvidenceDataError,
    Registry,
    UnknownReferenceError,
    load_registry,
    registry,
)

__all__ = [
    "EVIDENCE_LEVELS",
    "VERIFICATION_LABELS",
    "EvidenceDataError",
    "Reference",
    "Registry",
    "UnknownReferenceError",
    "Verification",
    "distinct_labels",
    "load_registry",
    "registry",
]
