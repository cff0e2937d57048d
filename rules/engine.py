"""Evaluates every rule for a patient and turns the reasons into verdicts and an order.

``how_verdicts_are_derived()`` is the one description of that step, written
from the same tables the engine uses; the rule book and the README show it.
"""

from __future__ import annotations

import hashlib
import json
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict

from evidence import Reference, registry
from rules.catalog import (
    APPROACH_LABELS,
    RULES,
    Approach,
    Direction,
    Rule,
    Strength,
    rules_for,
)
from rules.facts import SOURCE_CLINICIAN, SOURCE_UNKNOWN, Facts, Region, derive_facts
from rules.patient import KPS_ECOG_MAPPING_NAME, KPS_RANGE_BY_ECOG, Patient
from rules.scores import (
    TOKUHASHI_1_YEAR_OR_MORE,
    TOKUHASHI_UNDER_6_MONTHS,
    TOMITA_LONG_TERM,
    TOMITA_TERMINAL_CARE,
    BilskyResult,
    ScoreResult,
    bilsky,
    sins,
    tokuhashi,
    tomita,
    tomita_growth,
)


class Verdict(StrEnum):
    """What the tool says about one option."""

    SUGGESTED = "suggested"
    CONSIDER = "consider"
    CAUTION = "caution"
    NOT_SUGGESTED = "not_suggested"
    OUT_OF_SCOPE = "out_of_scope"


STRENGTH_WEIGHTS: dict[Strength, int] = {
    Strength.INFORMATION: 0,
    Strength.SUPPORTING: 1,
    Strength.STRONG: 2,
    Strength.MAJOR: 3,
    Strength.PROHIBITIVE: 3,
    Strength.SCOPE: 0,
}
# (lowest net score, verdict), checked from the top.
VERDICT_BANDS: tuple[tuple[int, Verdict], ...] = (
    (2, Verdict.SUGGESTED),
    (0, Verdict.CONSIDER),
    (-2, Verdict.CAUTION),
)
VERDICT_BELOW_BANDS = Verdict.NOT_SUGGESTED
# Equal verdict and net score: the less invasive option comes first.
TIE_BREAK_ORDER: tuple[Approach, ...] = (
    Approach.NON_OPERATIVE,
    Approach.ENDOSCOPIC_TRANSPEDICULAR,
    Approach.PERCUTANEOUS_POSTERIOR_FIXATION,
    Approach.POSTERIOR_ONLY,
    Approach.ANTERIOR_ANTEROLATERAL,
)
VERDICT_ORDER: tuple[Verdict, ...] = tuple(Verdict)
VERDICT_RANK: dict[Verdict, int] = {
    verdict: len(VERDICT_ORDER) - index for index, verdict in enumerate(VERDICT_ORDER)
}
VERDICT_LABELS: dict[Verdict, str] = {
    Verdict.SUGGESTED: "Suggested",
    Verdict.CONSIDER: "Consider",
    Verdict.CAUTION: "Caution",
    Verdict.NOT_SUGGESTED: "Not suggested",
    Verdict.OUT_OF_SCOPE: "Out of scope",
}

# What each optional input feeds, for the list of missing inputs.
INPUT_USES: dict[str, tuple[str, ...]] = {
    "kps": ("revised Tokuhashi", "fitness for open surgery"),
    "ecog": ("revised Tokuhashi", "fitness for open surgery"),
    "frankel": ("revised Tokuhashi", "neurological deficit"),
    "escc_grade": ("Bilsky grade", "need for decompression"),
    "compression_site": ("choice of anterior or posterior access",),
    "pain": ("SINS",),
    "bone_lesion": ("SINS",),
    "alignment": ("SINS",),
    "collapse": ("SINS",),
    "posterolateral": ("SINS",),
    "vertebral_metastases": ("revised Tokuhashi", "Tomita"),
    "extraspinal_bone_metastases": ("revised Tokuhashi", "Tomita"),
    "visceral_metastases": ("revised Tokuhashi", "Tomita"),
    "primary_growth": ("Tomita",),
    "radiosensitivity": ("NOMS oncologic assessment",),
    "hypervascular": ("embolisation planning",),
    "prior_radiation": ("wound healing",),
    "cachexia": ("wound healing", "fitness for open surgery"),
    "albumin_g_dl": ("wound healing",),
    "expected_survival_months": ("expected survival",),
    "rapidly_progressive_deficit": ("emergency alert",),
}
SOURCE_FILES = ("catalog.py", "engine.py", "facts.py", "scores.py", "patient.py")


class AlertLevel(StrEnum):
    """How urgent an alert is."""

    EMERGENCY = "emergency"
    WARNING = "warning"
    INFO = "info"


class Alert(BaseModel):
    """Something the clinician must read before the options."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    level: AlertLevel
    code: str
    text: str
    citations: tuple[str, ...] = ()


class Reason(BaseModel):
    """A fired rule, as shown under an option."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rule: str
    direction: Direction
    strength: Strength
    weight: int
    condition: str
    text: str
    citations: tuple[str, ...]


class OptionAssessment(BaseModel):
    """One option with its verdict and the reasons behind it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    approach: Approach
    label: str
    verdict: Verdict
    net_score: int
    summary: str
    reasons: tuple[Reason, ...]


class MissingInput(BaseModel):
    """An optional input that was left unknown, and what it feeds."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    field: str
    used_by: tuple[str, ...]


class Scores(BaseModel):
    """The three scores with their working."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sins: ScoreResult
    tokuhashi: ScoreResult
    tomita: ScoreResult


class Assessment(BaseModel):
    """Everything the tool says about one patient."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rules_version: str
    patient: Patient
    alerts: tuple[Alert, ...]
    scores: Scores
    bilsky: BilskyResult
    facts: Facts
    options: tuple[OptionAssessment, ...]
    missing_inputs: tuple[MissingInput, ...]
    citations: dict[str, Reference]


def how_verdicts_are_derived() -> str:
    """The verdict procedure in words, generated from the weight and band tables."""
    weights = ", ".join(
        f"{strength.value} {weight}"
        for strength, weight in STRENGTH_WEIGHTS.items()
        if weight and strength is not Strength.PROHIBITIVE
    )
    bands: list[str] = []
    upper: int | None = None
    for lowest, verdict in VERDICT_BANDS:
        span = f"{lowest} or more" if upper is None else f"{lowest} to {upper}"
        bands.append(f"net score {span}: {VERDICT_LABELS[verdict].lower()}")
        upper = lowest - 1
    bands.append(f"net score {upper} or less: {VERDICT_LABELS[VERDICT_BELOW_BANDS].lower()}")
    order = ", ".join(APPROACH_LABELS[approach].split(" (")[0] for approach in TIE_BREAK_ORDER)
    return "\n".join(
        (
            "1. Every rule whose condition holds gives its option a reason. Conditions test "
            "settled facts, so an unknown input does not fire a rule; the one exception is a "
            "clause written 'not known that ...', which also holds when the fact is unknown "
            "(for example 'not known that the tumour is radiosensitive').",
            "2. A scope reason (cervical or sacral level) makes an operation out of scope; "
            "only that reason is shown.",
            "3. Otherwise the net score is the weight of the reasons for minus the weight of the "
            f"reasons against ({weights}, prohibitive {STRENGTH_WEIGHTS[Strength.PROHIBITIVE]}; "
            "notes weigh nothing).",
            "4. " + "; ".join(bands).capitalize() + ".",
            "5. A prohibitive reason against (such as open surgery for a patient who cannot "
            "tolerate it) makes the option not suggested whatever else holds.",
            "6. Options are ordered by verdict, then net score, then the less invasive first: "
            f"{order}. Out-of-scope options come last.",
            "A reason against added, or a reason for lost, can only lower the net score, so a "
            "verdict never improves when the facts get worse for that option.",
        )
    )


@cache
def rules_version() -> str:
    """A content hash of the rules, scores and references: changes when any of them does."""
    digest = hashlib.sha256()
    here = Path(__file__).parent
    for name in SOURCE_FILES:
        digest.update((here / name).read_bytes())
    digest.update(registry().content_hash.encode())
    digest.update(json.dumps([rule.model_dump(mode="json") for rule in RULES]).encode())
    return f"rules-{digest.hexdigest()[:12]}"


def verdict_for(net_score: int) -> Verdict:
    """Map a net score to a verdict through the bands."""
    for lowest, verdict in VERDICT_BANDS:
        if net_score >= lowest:
            return verdict
    return VERDICT_BELOW_BANDS


def _reason(rule: Rule) -> Reason:
    weight = 0 if rule.direction is Direction.NOTE else STRENGTH_WEIGHTS[rule.strength]
    return Reason(
        rule=rule.id,
        direction=rule.direction,
        strength=rule.strength,
        weight=weight,
        condition=rule.condition_in_words(),
        text=rule.text,
        citations=rule.evidence,
    )


def _summary(verdict: Verdict, reasons: tuple[Reason, ...]) -> str:
    """The one reason that most explains the verdict."""
    wanted = (
        Direction.FOR if verdict in (Verdict.SUGGESTED, Verdict.CONSIDER) else Direction.AGAINST
    )
    ranked = sorted(
        (reason for reason in reasons if reason.direction is wanted),
        key=lambda reason: -reason.weight,
    )
    if ranked:
        return ranked[0].text
    notes = [reason for reason in reasons if reason.direction is Direction.NOTE]
    return notes[0].text if notes else reasons[0].text


@cache
def _reason_table() -> dict[str, Reason]:
    """Each rule's reason, built once: a reason depends on its rule alone."""
    return {rule.id: _reason(rule) for rule in RULES}


def assess_option(option: Approach, facts: Facts) -> OptionAssessment:
    """Evaluate one option's rules and derive its verdict."""
    reason_of = _reason_table()
    fired = [rule for rule in rules_for(option) if rule.applies(facts)]
    scope = [rule for rule in fired if rule.strength is Strength.SCOPE]
    if scope:
        reasons = tuple(reason_of[rule.id] for rule in scope)
        return OptionAssessment(
            approach=option,
            label=APPROACH_LABELS[option],
            verdict=Verdict.OUT_OF_SCOPE,
            net_score=0,
            summary=reasons[0].text,
            reasons=reasons,
        )
    order = {Direction.FOR: 0, Direction.AGAINST: 1, Direction.NOTE: 2}
    reasons = tuple(
        sorted(
            (reason_of[rule.id] for rule in fired), key=lambda r: (order[r.direction], -r.weight)
        )
    )
    net = sum(r.weight for r in reasons if r.direction is Direction.FOR) - sum(
        r.weight for r in reasons if r.direction is Direction.AGAINST
    )
    verdict = verdict_for(net)
    if any(rule.strength is Strength.PROHIBITIVE for rule in fired):
        verdict = Verdict.NOT_SUGGESTED
    return OptionAssessment(
        approach=option,
        label=APPROACH_LABELS[option],
        verdict=verdict,
        net_score=net,
        summary=_summary(verdict, reasons),
        reasons=reasons,
    )


def _rank(options: list[OptionAssessment]) -> tuple[OptionAssessment, ...]:
    position = {approach: index for index, approach in enumerate(TIE_BREAK_ORDER)}
    return tuple(
        sorted(
            options,
            key=lambda o: (-VERDICT_RANK[o.verdict], -o.net_score, position[o.approach]),
        )
    )


def _alerts(patient: Patient, facts: Facts, scores: Scores) -> tuple[Alert, ...]:
    alerts: list[Alert] = []
    if patient.rapidly_progressive_deficit:
        alerts.append(
            Alert(
                level=AlertLevel.EMERGENCY,
                code="rapidly_progressive_deficit",
                text=(
                    "Rapidly progressive neurological deficit: treat as an emergency and involve "
                    "the spine team now. This tool is not for time-critical decisions."
                ),
                citations=("patchell2005_rct",),
            )
        )
    if facts.region in (Region.CERVICAL, Region.SACRAL):
        alerts.append(
            Alert(
                level=AlertLevel.WARNING,
                code="outside_thoracolumbar_scope",
                text=(
                    f"{patient.level.value} is a {facts.region.value} level. The knowledge base "
                    "covers thoracic and lumbar levels only: the four operations are marked out "
                    "of scope and only non-operative care is weighed."
                ),
                citations=(
                    "li2025_endoscopic_transpedicular",
                    "vargaslopez2015_anterior_anterolateral",
                ),
            )
        )
    if patient.kps is None and patient.ecog is not None:
        low, high = min(KPS_RANGE_BY_ECOG[patient.ecog]), max(KPS_RANGE_BY_ECOG[patient.ecog])
        alerts.append(
            Alert(
                level=AlertLevel.INFO,
                code="kps_from_ecog",
                text=(
                    f"KPS not given: ECOG {patient.ecog} read as KPS {low}-{high} using the "
                    f"{KPS_ECOG_MAPPING_NAME}. Published mappings disagree at KPS 40-80."
                ),
                citations=("oken1982_ecog", "ma2010_kps_ecog_pps_interconversion"),
            )
        )
    thoracolumbar = facts.region in (Region.THORACIC, Region.LUMBAR)
    if facts.can_tolerate_open_surgery is None and thoracolumbar:
        alerts.append(
            Alert(
                level=AlertLevel.INFO,
                code="open_surgery_tolerance_unknown",
                text=(
                    "The inputs do not settle whether the patient can tolerate open surgery "
                    "(give performance status, cachexia and expected survival); the reasons "
                    "that depend on it are left out, so the ranking may change once it is known."
                ),
                citations=("patchell2005_rct", "li2025_endoscopic_transpedicular"),
            )
        )
    if facts.can_tolerate_open_surgery is False and thoracolumbar:
        alerts.append(
            Alert(
                level=AlertLevel.INFO,
                code="open_surgery_not_advisable",
                text=(
                    "Open surgery is counted as not advisable because of: "
                    + "; ".join(facts.open_surgery_barriers)
                    + "."
                ),
                citations=("patchell2005_rct", "li2025_endoscopic_transpedicular"),
            )
        )
    alerts.extend(_prognosis_disagreements(patient, facts, scores))
    return tuple(alerts)


def _prognosis_disagreements(patient: Patient, facts: Facts, scores: Scores) -> list[Alert]:
    citations = ("zoccali2016_tokuhashi_pitfalls", "schoenfeld2022_nesms_prospective")
    found: list[Alert] = []
    band = scores.tokuhashi.band
    months = patient.expected_survival_months
    if facts.survival_source == SOURCE_CLINICIAN and band is not None and months is not None:
        estimate_short = facts.survival_under_6_months
        if (band == TOKUHASHI_UNDER_6_MONTHS) != bool(estimate_short) or (
            band == TOKUHASHI_1_YEAR_OR_MORE and not facts.survival_12_months_or_more
        ):
            found.append(
                Alert(
                    level=AlertLevel.WARNING,
                    code="survival_estimate_disagrees_with_tokuhashi",
                    text=(
                        f"The clinician's estimate ({months:g} months) disagrees with the "
                        f"revised Tokuhashi band ({band}). The rules use the clinician's "
                        "estimate; prognostic scores are often wrong for an individual."
                    ),
                    citations=citations,
                )
            )
    tomita = scores.tomita.band
    if (
        facts.survival_source == SOURCE_CLINICIAN
        and months is not None
        and (
            (tomita == TOMITA_TERMINAL_CARE and facts.survival_under_6_months is False)
            or (tomita == TOMITA_LONG_TERM and facts.survival_under_6_months is True)
        )
    ):
        found.append(
            Alert(
                level=AlertLevel.WARNING,
                code="survival_estimate_disagrees_with_tomita",
                text=(
                    f"The clinician's estimate ({months:g} months) disagrees with the Tomita "
                    f"band ({tomita}). The rules use the clinician's estimate; the Tomita "
                    "bands come from a secondary source."
                ),
                citations=citations,
            )
        )
    if (band == TOKUHASHI_1_YEAR_OR_MORE and tomita == TOMITA_TERMINAL_CARE) or (
        band == TOKUHASHI_UNDER_6_MONTHS and tomita == TOMITA_LONG_TERM
    ):
        found.append(
            Alert(
                level=AlertLevel.WARNING,
                code="tokuhashi_disagrees_with_tomita",
                text=(
                    f"The prognostic scores disagree: revised Tokuhashi says {band}, Tomita "
                    f"says {tomita}. Weigh both against the clinical picture."
                ),
                citations=citations,
            )
        )
    return found


def _missing_inputs(patient: Patient, facts: Facts) -> tuple[MissingInput, ...]:
    skip: set[str] = set()
    if patient.kps is not None or patient.ecog is not None:
        skip |= {"kps", "ecog"}
    if facts.radiosensitivity_source != SOURCE_UNKNOWN:
        skip.add("radiosensitivity")
    if facts.hypervascular_source != SOURCE_UNKNOWN:
        skip.add("hypervascular")
    if tomita_growth(patient) is not None:
        skip.add("primary_growth")
    return tuple(
        MissingInput(field=field, used_by=uses)
        for field, uses in INPUT_USES.items()
        if field not in skip and getattr(patient, field) is None
    )


def _citations(
    options: tuple[OptionAssessment, ...],
    scores: Scores,
    bilsky_result: BilskyResult,
    alerts: tuple[Alert, ...],
) -> dict[str, Reference]:
    ids: list[str] = []
    for option in options:
        for reason in option.reasons:
            ids.extend(reason.citations)
    for score in (scores.sins, scores.tokuhashi, scores.tomita):
        ids.extend(score.citations)
    ids.extend(bilsky_result.citations)
    for alert in alerts:
        ids.extend(alert.citations)
    references = registry()
    return {reference_id: references[reference_id] for reference_id in dict.fromkeys(ids)}


class Evaluation(NamedTuple):
    """The scores, facts and ranked options, without alerts, citations or missing inputs."""

    scores: Scores
    facts: Facts
    options: tuple[OptionAssessment, ...]


def evaluate(patient: Patient) -> Evaluation:
    """The core of an assessment, for callers that run many (what-if, batch)."""
    scores = Scores(sins=sins(patient), tokuhashi=tokuhashi(patient), tomita=tomita(patient))
    facts = derive_facts(patient, scores.sins, scores.tokuhashi, scores.tomita)
    return Evaluation(scores, facts, _rank([assess_option(option, facts) for option in Approach]))


def assess(patient: Patient) -> Assessment:
    """The whole assessment of one patient: scores, facts, alerts and ranked options."""
    scores, facts, options = evaluate(patient)
    alerts = _alerts(patient, facts, scores)
    bilsky_result = bilsky(patient)
    return Assessment(
        rules_version=rules_version(),
        patient=patient,
        alerts=alerts,
        scores=scores,
        bilsky=bilsky_result,
        facts=facts,
        options=options,
        missing_inputs=_missing_inputs(patient, facts),
        citations=_citations(options, scores, bilsky_result, alerts),
    )
