"""The clinical core: patient model, scores, rule table and engine. Never imports streamlit.

The names below load on first use (PEP 562), so ``import rules`` itself reads no data:
``python -m rules`` can then report missing or corrupt curated evidence in one line.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rules.catalog import (
        APPROACH_LABELS,
        APPROACH_SHORT_LABELS,
        RULES,
        AlertLevel,
        Approach,
        Direction,
        Rule,
        Stance,
        Verdict,
    )
    from rules.engine import (
        VERDICT_LABELS,
        Alert,
        Assessment,
        MissingInput,
        NeedResult,
        Needs,
        OptionAssessment,
        Reason,
        assess,
        how_verdicts_are_derived,
        rules_version,
    )
    from rules.patient import INPUT_FIELDS, OPTIONAL_FIELDS, Patient
    from rules.problems import InputProblem, parse_patient
    from rules.report import DISCLAIMER, to_markdown
    from rules.scores import BilskyResult, ScoreResult

# Where the public names are defined, searched in this order.
_SOURCES = (
    "rules.catalog",
    "rules.engine",
    "rules.patient",
    "rules.problems",
    "rules.report",
    "rules.scores",
)

__all__ = [
    "APPROACH_LABELS",
    "APPROACH_SHORT_LABELS",
    "DISCLAIMER",
    "INPUT_FIELDS",
    "OPTIONAL_FIELDS",
    "RULES",
    "VERDICT_LABELS",
    "Alert",
    "AlertLevel",
    "Approach",
    "Assessment",
    "BilskyResult",
    "Direction",
    "InputProblem",
    "MissingInput",
    "NeedResult",
    "Needs",
    "OptionAssessment",
    "Patient",
    "Reason",
    "Rule",
    "ScoreResult",
    "Stance",
    "Verdict",
    "assess",
    "how_verdicts_are_derived",
    "parse_patient",
    "rules_version",
    "to_markdown",
]


def __getattr__(name: str) -> Any:
    """A public name, imported from the module that defines it the first time it is asked for."""
    if name in __all__:
        for source in _SOURCES:
            module = importlib.import_module(source)
            if hasattr(module, name):
                value = getattr(module, name)
                globals()[name] = value
                return value
    raise AttributeError(f"module 'rules' has no attribute {name!r}")
