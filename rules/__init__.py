"""The clinical core: patient model, scores, rule table and engine. Never imports streamlit."""

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
