"""Runs the rule table for one patient: needs, ceilings, reasons, verdicts, order, alerts.

``how_verdicts_are_derived()`` is the one description of that procedure; the
rule book and the README show it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from functools import cache
from operator import attrgetter
from pathlib import Path
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict

from evidence import Reference, registry
from rules.catalog import (
    APPROACH_LABELS,
    INVASIVENESS_ORDER,
    RULES,
    AlertLevel,
    Approach,
    CapsVerdict,
    Direction,
    FloorsVerdict,
    GivesReason,
    RaisesAlert,
    SetsNeed,
    Stance,
    Verdict,
)
from rules.decision import (
    ALERT_ROWS,
    CAPS,
    CLAUSES,
    NEED_ROWS,
    RULE_BY_ID,
    RULED_OUT,
    VERDICT_BANDS,
    VERDICT_BELOW_BANDS,
    Decision,
    clear_memos,
    decide,
    facts_mask,
    first_failing_words,
    first_options,
    resetting,
)
from rules.facts import (
    EsccClass,
    Fact,
    FactValues,
    Fitness,
    derive_facts,
    may_decide_now,
    presumptions,
    rederive_facts,
)
from rules.patient import (
    INPUT_FIELDS,
    OPTIONAL_FIELDS,
    Alignment,
    Collapse,
    Pain,
    Patient,
    Posterolateral,
    consistent_values,
    consistent_variants,
    field_spec,
    is_consistent,
    with_value,
)
from rules.scores import (
    TOKUHASHI_1_YEAR_OR_MORE,
    TOMITA_LONG_TERM,
    BilskyResult,
    ScoreBands,
    ScoreResult,
    bilsky,
    inputs_settled_elsewhere,
    sins,
    sins_band,
    tokuhashi,
    tokuhashi_band,
    tomita,
    tomita_band,
)

VERDICT_LABELS: dict[Verdict, str] = {
    Verdict.SUGGESTED: "Suggested",
    Verdict.CONSIDER: "Consider",
    Verdict.CAUTION: "Caution",
    Verdict.NOT_SUGGESTED: "Not suggested",
    Verdict.OUT_OF_SCOPE: "Out of scope",
}
# The unknown inputs whose values the pathway says may decide the first option.
DECISIVE_CANDIDATES: tuple[str, ...] = tuple(
    name for name in INPUT_FIELDS if field_spec(name).may_decide
)
SOURCE_FILES = ("catalog.py", "decision.py", "engine.py", "facts.py", "scores.py", "patient.py")


class Reason(BaseModel):
    """A row that fired for an option, as shown under it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rule: str
    direction: Direction
    stance: Stance | None
    weight: int
    condition: str
    text: str
    citations: tuple[str, ...]
    ceiling: Verdict | None = None


class OptionAssessment(BaseModel):
    """One option with its verdict and the reasons behind it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    approach: Approach
    label: str
    verdict: Verdict
    ceiling: Verdict | None
    deciding_rule: str | None
    net_score: int
    needs_met: int
    summary: str
    reasons: tuple[Reason, ...]


class NeedResult(BaseModel):
    """One of the four assessments: its value and what it came from."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    value: str
    rule: str
    source: tuple[str, ...]
    presumed: tuple[str, ...] = ()


class Needs(BaseModel):
    """The NOMS assessments as gates."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    decompression: NeedResult
    stabilisation: NeedResult
    cement_candidate: NeedResult
    fitness: NeedResult
    tumour_class: str


class Alert(BaseModel):
    """Something the clinician must read before the options."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    level: AlertLevel
    code: str
    text: str
    citations: tuple[str, ...] = ()


class TraceEntry(BaseModel):
    """One row as evaluated: whether it fired, and the clause that stopped it if not."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rule: str
    fired: bool
    decided_by: str | None


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
    needs: Needs
    provisional: bool
    provisional_reasons: tuple[str, ...]
    decisive_missing_inputs: tuple[str, ...]
    alerts: tuple[Alert, ...]
    scores: Scores
    bilsky: BilskyResult
    facts: dict[str, str | bool | None]
    options: tuple[OptionAssessment, ...]
    missing_inputs: tuple[MissingInput, ...]
    trace: tuple[TraceEntry, ...]
    citations: dict[str, Reference]


class Evaluation(NamedTuple):
    """The core of an assessment, without alerts, citations or the decisive search."""

    scores: Scores
    facts: FactValues
    options: tuple[OptionAssessment, ...]
    fired: frozenset[str]
    trial_exclusions: tuple[str, ...]
    tie_decided_top: bool
    base_facts: FactValues  # the derived facts alone, before needs and routes


def how_verdicts_are_derived() -> str:
    """The verdict procedure in words, from the engine's own band table."""
    bands = []
    upper: int | None = None
    for lowest, verdict in VERDICT_BANDS:
        span = f"{lowest} or more" if upper is None else f"{lowest} to {upper}"
        bands.append(f"{span}: {VERDICT_LABELS[verdict].lower()}")
        upper = lowest - 1
    bands.append(f"{upper} or less: {VERDICT_LABELS[VERDICT_BELOW_BANDS].lower()}")
    order = ", ".join(APPROACH_LABELS[a].split(" (")[0] for a in INVASIVENESS_ORDER)
    weights = ", ".join(
        f"{stance.value.removeprefix('for_')} {stance.weight}"
        for stance in Stance
        if stance.value.startswith("for_")
    )
    return "\n".join(
        (
            "1. Needs first (NOMS): the fitness, decompression, stabilisation and cement rows "
            "are read in order and the first that holds sets each need.",
            "2. Gates: every ceiling row that holds caps its options; the lowest cap wins. "
            "Floors lift an option to at least their verdict, but never above a cap.",
            f"3. Reasons: the weight of the reasons for minus the reasons against ({weights}; "
            "notes 0) gives a verdict: " + "; ".join(bands) + ". The verdict is that, capped by "
            "the ceiling and lifted by any floor.",
            "4. Order: verdict; then options that meet every need (urgent or indicated "
            "decompression, needed stabilisation, cement candidate), then some, then none; then "
            f"net weight; last, the less invasive first ({order}). A tie decided only by "
            "invasiveness makes the result provisional.",
            "5. An unknown input that could change the first option is named, and the result "
            "is provisional until it is given; so is the result when the unrecorded cement "
            "items, taken together as a painful compression fracture, could change it.",
        )
    )


@cache
def rules_version() -> str:
    """A content hash of the rule table, the scoring tables and the curated evidence."""
    return version_of(registry().content_hash)


def version_of(evidence_hash: str) -> str:
    """The rules version for this code and table with the given evidence content hash."""
    digest = hashlib.sha256()
    here = Path(__file__).parent
    for name in SOURCE_FILES:
        digest.update((here / name).read_bytes())
    digest.update(evidence_hash.encode())
    digest.update(json.dumps([rule.model_dump(mode="json") for rule in RULES]).encode())
    return f"rules-{digest.hexdigest()[:12]}"


@cache
def _reason(rule_id: str) -> Reason:
    rule = RULE_BY_ID[rule_id]
    effect = rule.effect
    if isinstance(effect, GivesReason):
        return Reason(
            rule=rule.id,
            direction=effect.stance.direction,
            stance=effect.stance,
            weight=abs(effect.stance.weight),
            condition=rule.condition_in_words(),
            text=rule.text,
            citations=rule.evidence,
        )
    if not isinstance(effect, CapsVerdict | FloorsVerdict):  # the table is typed; never happens
        raise TypeError(rule.id)
    return Reason(
        rule=rule.id,
        direction=Direction.AGAINST if isinstance(effect, CapsVerdict) else Direction.FOR,
        stance=None,
        weight=0,
        condition=rule.condition_in_words(),
        text=rule.text,
        citations=rule.evidence,
        ceiling=effect.verdict if isinstance(effect, CapsVerdict) else None,
    )


DIRECTION_ORDER = {Direction.FOR: 0, Direction.AGAINST: 1, Direction.NOTE: 2}


def _option(option: Approach, decision: Decision) -> OptionAssessment:
    deciding = decision.deciding[option]
    reasons: list[Reason] = []
    if deciding is not None:
        reasons.append(_reason(deciding))
    reasons.extend(
        _reason(rule_id)
        for rule_id, _, options, _ in CAPS
        if option in options and rule_id in decision.fired and rule_id != deciding
    )
    reasons.extend(
        sorted(
            (_reason(rid) for rid in decision.reason_rules[option]),
            key=lambda r: (DIRECTION_ORDER[r.direction], -r.weight),
        )
    )
    verdict = decision.verdicts[option]
    cap = decision.caps.get(option)
    return OptionAssessment.model_construct(  # built from the table's own typed values
        approach=option,
        label=APPROACH_LABELS[option],
        verdict=verdict,
        ceiling=None if cap is None else cap[0],
        deciding_rule=deciding,
        net_score=decision.nets[option],
        needs_met=decision.needs_met[option],
        summary=_summary(verdict, deciding, reasons),
        reasons=tuple(reasons),
    )


def _summary(verdict: Verdict, deciding: str | None, reasons: list[Reason]) -> str:
    """The gate that set the verdict, else the heaviest reason pointing the verdict's way."""
    if deciding is not None:
        return RULE_BY_ID[deciding].text
    wanted = (
        Direction.FOR if verdict in (Verdict.SUGGESTED, Verdict.CONSIDER) else Direction.AGAINST
    )
    ranked = sorted(
        (r for r in reasons if r.direction is wanted and r.ceiling is None),
        key=lambda r: -r.weight,
    )
    if ranked:
        return ranked[0].text
    return "No reason for or against holds for this patient."


SCORE_CACHE_SIZE = 512
ScoreFunction = Callable[[Patient], ScoreResult]
# Each score with the feeds that name it: a field that feeds a score is one it reads.
SCORES: tuple[tuple[ScoreFunction, frozenset[str]], ...] = (
    (sins, frozenset({"SINS", "SINS location"})),
    (tokuhashi, frozenset({"revised Tokuhashi"})),
    (tomita, frozenset({"Tomita"})),
)
SCORE_READS: tuple[tuple[str, ...], ...] = tuple(
    tuple(name for name in INPUT_FIELDS if feeds & set(field_spec(name).feeds))
    for _, feeds in SCORES
)
SCORE_INPUTS = tuple(dict.fromkeys(name for reads in SCORE_READS for name in reads))
_scores_seen: tuple[dict[tuple[object, ...], ScoreResult], ...] = tuple({} for _ in SCORES)


SCORE_READ_SETS: tuple[frozenset[str], ...] = tuple(frozenset(reads) for reads in SCORE_READS)
# Each score's memo key: the inputs it reads, as one tuple (every score reads several).
SCORE_KEYS: tuple[Callable[[Patient], tuple[object, ...]], ...] = tuple(
    attrgetter(*reads) for reads in SCORE_READS
)


def _score(index: int, patient: Patient) -> ScoreResult:
    """One score, memoised on the inputs it reads."""
    seen = _scores_seen[index]
    key = SCORE_KEYS[index](patient)
    found = seen.get(key)
    if found is None:
        if len(seen) >= SCORE_CACHE_SIZE:
            seen.clear()
        found = seen[key] = SCORES[index][0](patient)
    return found


def scores_of(patient: Patient) -> Scores:
    """SINS, revised Tokuhashi and Tomita, each memoised on the inputs it reads."""
    return Scores(sins=_score(0, patient), tokuhashi=_score(1, patient), tomita=_score(2, patient))


def _bands(scores: Scores) -> ScoreBands:
    return ScoreBands(scores.sins.band, scores.tokuhashi.band, scores.tomita.band)


def _variant_bands(variant: Patient, base: ScoreBands, changed: str) -> ScoreBands:
    """The bands of a patient that differs from ``base``'s in ``changed`` alone: only the
    scores reading it are worked out again, and only as far as their band."""
    sins_reads, tokuhashi_reads, tomita_reads = SCORE_READ_SETS
    return ScoreBands(
        sins_band(variant) if changed in sins_reads else base.sins,
        tokuhashi_band(variant) if changed in tokuhashi_reads else base.tokuhashi,
        tomita_band(variant) if changed in tomita_reads else base.tomita,
    )


def clear_caches() -> None:
    """Forget memoised scores and decisions (tests start clean; mutants are really run)."""
    for seen in _scores_seen:
        seen.clear()
    _candidates_seen.clear()
    clear_memos()


class Ranking(NamedTuple):
    """What a batch row and the decisive search need: scores, the derived facts, and each
    option's verdict in order (no reasons built)."""

    scores: Scores
    base_facts: FactValues
    order: tuple[Approach, ...]
    verdicts: dict[Approach, Verdict]
    tie_decided_top: bool


def _decided(patient: Patient) -> tuple[Scores, FactValues, tuple[str, ...], Decision]:
    scores = scores_of(patient)
    base, exclusions = derive_facts(patient, _bands(scores))
    return scores, base, exclusions, decide(base)


def rank(patient: Patient) -> Ranking:
    """The options in order with their verdicts: ``evaluate`` without the reasons."""
    scores, base, _, decision = _decided(patient)
    return Ranking(scores, base, decision.order, decision.verdicts, decision.tie_decided_top)


def evaluate(patient: Patient) -> Evaluation:
    """Scores, facts, needs, gates, reasons and the order: everything but the extras."""
    scores, base, exclusions, decision = _decided(patient)
    options = tuple(_option(option, decision) for option in decision.order)
    return Evaluation(
        scores,
        dict(decision.facts),
        options,
        decision.fired,
        exclusions,
        decision.tie_decided_top,
        base,
    )


def _alerts(evaluation: Evaluation, needs: Needs) -> tuple[Alert, ...]:
    alerts: list[Alert] = []
    mask = facts_mask(evaluation.facts)
    for rule in ALERT_ROWS:
        if rule.id not in evaluation.fired and mask & RULED_OUT[rule.id]:
            continue
        if not isinstance(rule.effect, RaisesAlert):  # the table is typed; never happens
            raise TypeError(rule.id)
        text = rule.text
        if rule.effect.code == "unfit_for_open_surgery":
            text = f"{text}: {'; '.join(needs.fitness.source)}."
        elif rule.effect.code == "outside_trial":
            text = f"{text}: {'; '.join(evaluation.trial_exclusions)}."
        elif rule.effect.code == "en_bloc_referral":
            text = f"{text} Long survival here: {_long_survival_source(evaluation)}."
        alerts.append(
            Alert(
                level=rule.effect.level, code=rule.effect.code, text=text, citations=rule.evidence
            )
        )
    return tuple(alerts)


def _long_survival_source(evaluation: Evaluation) -> str:
    """What says the survival is long: the clinician's estimate, else the scores that do."""
    if evaluation.facts[Fact.SURVIVAL] is not None:
        return "the clinician's estimate of 12 months or more"
    scores = evaluation.scores
    saying = [
        f"{score.name} {_points(score)} ({score.band})"
        for score, long_band in (
            (scores.tokuhashi, TOKUHASHI_1_YEAR_OR_MORE),
            (scores.tomita, TOMITA_LONG_TERM),
        )
        if score.band == long_band
    ]
    return " and ".join(saying)


def _points(score: ScoreResult) -> str:
    return str(score.total) if score.total is not None else f"{score.min}-{score.max}"


def _need_result(need: Fact, facts: FactValues, presumed: tuple[str, ...] = ()) -> NeedResult:
    value = str(facts[need])
    mask = facts_mask(facts)
    rows = [r for r in NEED_ROWS[need] if not mask & RULED_OUT[r.id]]
    deciding = rows[0]
    same = [
        r.text
        for r in rows
        if isinstance(r.effect, SetsNeed) and r.effect.value == value and r.when
    ]
    source = [*same] or [deciding.text]
    if need is Fact.FITNESS and value == Fitness.UNKNOWN:
        source += [f"known higher-risk factor: {text}" for text in _higher_risk_factors(mask)]
    return NeedResult(value=value, rule=deciding.id, source=tuple(source), presumed=presumed)


def _higher_risk_factors(mask: int) -> list[str]:
    """The higher-risk criteria that hold but for the performance status they are read with
    (the pathway lists them while fitness is unknown)."""
    found = []
    for rule in NEED_ROWS[Fact.FITNESS]:
        if not isinstance(rule.effect, SetsNeed) or rule.effect.value != Fitness.HIGHER_RISK:
            continue
        others = [
            ruled_out
            for clause, (ruled_out, _) in zip(rule.when, CLAUSES[rule.id], strict=True)
            if clause.fact is not Fact.PERFORMANCE
        ]
        if others and not any(mask & ruled_out for ruled_out in others):
            found.append(rule.text)
    return found


def _needs(patient: Patient, facts: FactValues) -> Needs:
    return Needs(
        decompression=_need_result(Fact.DECOMPRESSION, facts, presumptions(patient)),
        stabilisation=_need_result(Fact.STABILISATION, facts),
        cement_candidate=_need_result(Fact.CEMENT_CANDIDATE, facts),
        fitness=_need_result(Fact.FITNESS, facts),
        tumour_class=str(facts[Fact.TUMOUR_CLASS]),
    )


def decisive_candidates(patient: Patient) -> tuple[str, ...]:
    """The unknown inputs the decisive search varies for this patient."""
    return tuple(
        name
        for name in DECISIVE_CANDIDATES
        if getattr(patient, name) is None
        and consistent_values(patient, name)
        and may_decide_now(patient, name)
    )


# Candidates already worked out, by patient: an app rerun, a what-if pass or a repeated
# service call asks again for the same patient. Cleared when full, so memory stays bounded.
CANDIDATE_CACHE_SIZE = 256
_candidates_seen: dict[Patient, list[tuple[str, int]]] = {}


def _candidate_masks(patient: Patient, facts: FactValues | None) -> list[tuple[str, int]]:
    """(input, the facts as bits) for every value the decisive search tries, memoised.

    Each candidate value re-derives only the facts that read the input
    (``facts.rederive_facts``)."""
    found = _candidates_seen.get(patient)
    if found is None:
        if len(_candidates_seen) >= CANDIDATE_CACHE_SIZE:
            _candidates_seen.clear()
        found = _candidates_seen[patient] = _work_out_candidates(patient, facts)
    return found


def _work_out_candidates(patient: Patient, facts: FactValues | None) -> list[tuple[str, int]]:
    base = _bands(scores_of(patient))
    if facts is None:
        facts, _ = derive_facts(patient, base)
    mask = facts_mask(facts)
    candidates = []
    for name in DECISIVE_CANDIDATES:
        if getattr(patient, name) is not None or not may_decide_now(patient, name):
            continue
        for variant in consistent_variants(patient, name):
            changed = rederive_facts(facts, variant, _variant_bands(variant, base, name), name)
            candidates.append((name, resetting(mask, changed)))
    fracture = _as_painful_fracture(patient, facts)
    if fracture is not None:
        bands = base
        for name in FRACTURE_ITEMS:
            bands = _variant_bands(fracture, bands, name)
        candidates.append((PAINFUL_FRACTURE, facts_mask(derive_facts(fracture, bands)[0])))
    return candidates


# Cement candidacy needs several SINS items at once (mechanical pain, a fracture, alignment
# and posterolateral columns that allow cement), so no one of them alone can make a patient
# a candidate: the search also tries the unrecorded ones together as a painful fracture.
PAINFUL_FRACTURE = "a painful compression fracture"
FRACTURE_ITEMS = ("pain", "collapse", "alignment", "posterolateral")
FRACTURE_VALUES: tuple[tuple[object, ...], ...] = tuple(
    (Pain.MECHANICAL, collapse, alignment, side)
    for collapse in (Collapse.UNDER_50_PERCENT, Collapse.OVER_50_PERCENT)
    for alignment in (Alignment.NORMAL, Alignment.DE_NOVO_DEFORMITY)
    for side in (Posterolateral.NONE, Posterolateral.UNILATERAL)
)


def _as_painful_fracture(patient: Patient, facts: FactValues) -> Patient | None:
    """The patient with its unrecorded cement items set as a painful compression fracture
    (the first such setting the model accepts), when only they leave cement candidacy open:
    Bilsky 0-1b, not compressed by bone."""
    unrecorded = [name for name in FRACTURE_ITEMS if getattr(patient, name) is None]
    if (
        not unrecorded
        or facts[Fact.ESCC_CLASS] is not EsccClass.LOW_GRADE
        or facts[Fact.IS_COMPRESSED_BY_BONE]
    ):
        return None
    for values in FRACTURE_VALUES:
        fracture = patient
        for name, value in zip(FRACTURE_ITEMS, values, strict=True):
            if name in unrecorded:
                fracture = with_value(fracture, name, value)
        if is_consistent(fracture):
            return fracture
    return None


def decisive_inputs_of_many(
    cases: Sequence[tuple[Patient, Approach, FactValues | None]],
) -> list[tuple[str, ...]]:
    """For each (patient, first option, derived facts if known): the unknown inputs one of
    whose values changes the first option. One vectorised pass answers every candidate of
    every case (``decision.first_options``), so a batch asks in chunks."""
    return [tuple(name for name in moved if name != PAINFUL_FRACTURE) for moved in _moved_by(cases)]


def _moved_by(
    cases: Sequence[tuple[Patient, Approach, FactValues | None]],
) -> list[tuple[str, ...]]:
    """For each case: the candidates (inputs, or ``PAINFUL_FRACTURE``) that move its first
    option."""
    candidates = [_candidate_masks(patient, facts) for patient, _, facts in cases]
    firsts = first_options([mask for found in candidates for _, mask in found])
    answers = []
    start = 0
    for (_, top, _), found in zip(cases, candidates, strict=True):
        own = firsts[start : start + len(found)]
        start += len(found)
        moved = {name for (name, _), first in zip(found, own, strict=True) if first is not top}
        tried = dict.fromkeys(name for name, _ in found)
        answers.append(tuple(name for name in tried if name in moved))
    return answers


def decisive_inputs(
    patient: Patient, top: Approach, facts: FactValues | None = None
) -> tuple[str, ...]:
    """The unknown inputs one of whose values changes the first option."""
    return decisive_inputs_of_many([(patient, top, facts)])[0]


def _missing_inputs(patient: Patient) -> tuple[MissingInput, ...]:
    settled = inputs_settled_elsewhere(patient)
    return tuple(
        MissingInput(field=name, used_by=field_spec(name).feeds)
        for name in OPTIONAL_FIELDS
        if name not in settled and getattr(patient, name) is None and field_spec(name).feeds
    )


def _citations(
    options: tuple[OptionAssessment, ...],
    scores: Scores,
    bilsky_result: BilskyResult,
    alerts: tuple[Alert, ...],
    needs: Needs,
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
    for need in (needs.decompression, needs.stabilisation, needs.cement_candidate, needs.fitness):
        ids.extend(RULE_BY_ID[need.rule].evidence)
    references = registry()
    return {reference_id: references[reference_id] for reference_id in dict.fromkeys(ids)}


def _trace(facts: FactValues, fired: frozenset[str]) -> list[dict[str, object]]:
    """Every row: fired or not, and the first clause that stopped it (validated in one go)."""
    mask = facts_mask(facts)
    return [
        {
            "rule": rule.id,
            "fired": rule.id in fired,
            "decided_by": None if rule.id in fired else first_failing_words(rule.id, mask),
        }
        for rule in RULES
    ]


def provisional_reasons_of_many(
    cases: Sequence[tuple[Patient, Ranking]],
) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """For each (patient, ranking): the decisive unknown inputs, and every reason the answer
    is provisional, in words (one vectorised search for all of them)."""
    searched = _moved_by(
        [(patient, ranking.order[0], ranking.base_facts) for patient, ranking in cases]
    )
    answers = []
    for (patient, ranking), moved in zip(cases, searched, strict=True):
        decisive = tuple(name for name in moved if name != PAINFUL_FRACTURE)
        reasons = [f"{name} is unknown and could change the first option" for name in decisive]
        if PAINFUL_FRACTURE in moved and not set(decisive) & set(FRACTURE_ITEMS):
            unrecorded = [name for name in FRACTURE_ITEMS if getattr(patient, name) is None]
            reasons.append(
                f"cement candidacy is unknown ({', '.join(unrecorded)} not recorded): a "
                "painful compression fracture would change the first option"
            )
        if ranking.tie_decided_top:
            reasons.append(
                "the first two options tie on the evidence; invasiveness alone orders them"
            )
        if patient.tissue_diagnosis is False:
            reasons.append("no tissue diagnosis: the tumour class is presumed")
        answers.append((decisive, tuple(reasons)))
    return answers


def provisional_reasons(
    patient: Patient, evaluation: Evaluation
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The decisive unknown inputs, and every reason the answer is provisional, in words."""
    ranking = Ranking(
        evaluation.scores,
        evaluation.base_facts,
        tuple(option.approach for option in evaluation.options),
        {option.approach: option.verdict for option in evaluation.options},
        evaluation.tie_decided_top,
    )
    return provisional_reasons_of_many([(patient, ranking)])[0]


def assess(patient: Patient) -> Assessment:
    """The whole assessment of one patient."""
    evaluation = evaluate(patient)
    facts = evaluation.facts
    needs = _needs(patient, facts)
    alerts = _alerts(evaluation, needs)
    decisive, reasons = provisional_reasons(patient, evaluation)
    bilsky_result = bilsky(patient)
    return Assessment.model_validate(
        dict(  # noqa: C408 - keyword form reads as the model's fields
            rules_version=rules_version(),
            patient=patient,
            needs=needs,
            provisional=bool(reasons),
            provisional_reasons=reasons,
            decisive_missing_inputs=decisive,
            alerts=alerts,
            scores=evaluation.scores,
            bilsky=bilsky_result,
            facts={
                str(k): (v if isinstance(v, bool) or v is None else str(v))
                for k, v in facts.items()
            },
            options=evaluation.options,
            missing_inputs=_missing_inputs(patient),
            trace=_trace(facts, evaluation.fired),
            citations=_citations(
                evaluation.options, evaluation.scores, bilsky_result, alerts, needs
            ),
        )
    )
