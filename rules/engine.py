"""Runs the rule table for one patient: needs, ceilings, reasons, verdicts, order, alerts.

``how_verdicts_are_derived()`` is the one description of that procedure; the
rule book and the README show it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict

from evidence import Reference, registry
from rules.catalog import (
    APPROACH_LABELS,
    CEMENTING,
    DECOMPRESSING,
    INVASIVENESS_ORDER,
    OPEN_MAJOR,
    RULES,
    STABILISING,
    VERDICT_RANK,
    AlertLevel,
    Approach,
    CapsVerdict,
    Direction,
    FloorsVerdict,
    GivesReason,
    RaisesAlert,
    Rule,
    SetsNeed,
    Stance,
    Verdict,
    satisfies,
)
from rules.facts import (
    FACT_VALUES,
    NEED_FACTS,
    ROUTE_FACTS,
    CementCandidacy,
    DecompressingRoutes,
    DecompressionNeed,
    Fact,
    FactValues,
    StabilisationNeed,
    derive_facts,
    may_decide_now,
    presumptions,
    rederive_facts,
)
from rules.patient import (
    INPUT_FIELDS,
    OPTIONAL_FIELDS,
    Patient,
    consistent_values,
    consistent_variants,
    field_spec,
)
from rules.scores import (
    BilskyResult,
    ScoreResult,
    bilsky,
    inputs_settled_elsewhere,
    sins,
    tokuhashi,
    tomita,
)

VERDICT_LABELS: dict[Verdict, str] = {
    Verdict.SUGGESTED: "Suggested",
    Verdict.CONSIDER: "Consider",
    Verdict.CAUTION: "Caution",
    Verdict.NOT_SUGGESTED: "Not suggested",
    Verdict.OUT_OF_SCOPE: "Out of scope",
}
# (lowest net evidence weight, verdict), checked from the top; below the last: not suggested.
VERDICT_BANDS: tuple[tuple[int, Verdict], ...] = (
    (2, Verdict.SUGGESTED),
    (0, Verdict.CONSIDER),
    (-2, Verdict.CAUTION),
)
VERDICT_BELOW_BANDS = Verdict.NOT_SUGGESTED
# The unknown inputs whose values the pathway says may decide the first option.
DECISIVE_CANDIDATES: tuple[str, ...] = tuple(
    name for name in INPUT_FIELDS if field_spec(name).may_decide
)
SOURCE_FILES = ("catalog.py", "engine.py", "facts.py", "scores.py", "patient.py")


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
            "is provisional until it is given.",
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


def verdict_for(net_score: int) -> Verdict:
    """Map a net evidence weight to a verdict through the bands."""
    for lowest, verdict in VERDICT_BANDS:
        if net_score >= lowest:
            return verdict
    return VERDICT_BELOW_BANDS


NEED_ROWS: dict[Fact, tuple[Rule, ...]] = {
    need: tuple(r for r in RULES if isinstance(r.effect, SetsNeed) and r.effect.need is need)
    for need in NEED_FACTS
}
ALERT_ROWS: tuple[Rule, ...] = tuple(r for r in RULES if isinstance(r.effect, RaisesAlert))
RULE_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}


def _fact_bits() -> dict[Fact, dict[object, int]]:
    """One bit for each value every fact can take, unknown (``None``) included."""
    bits: dict[Fact, dict[object, int]] = {}
    position = 0
    for fact in Fact:
        domain = FACT_VALUES[fact]
        values: tuple[object, ...] = (True, False) if domain is bool else tuple(domain)
        bits[fact] = {}
        for value in (None, *values):
            bits[fact][value] = 1 << position
            position += 1
    return bits


# Facts as bits: every fact has exactly one value, so a set of facts is one integer with
# one bit per fact. A row's mask holds the bits of every value its clauses rule out, built
# from ``catalog.satisfies`` (the one definition of each test); the row holds when the
# facts have none of those bits. One AND a row keeps the decisive search fast.
FACT_BITS: dict[Fact, dict[object, int]] = _fact_bits()


def _ruled_out(rule: Rule) -> int:
    mask = 0
    for clause in rule.when:
        for value, bit in FACT_BITS[clause.fact].items():
            if not satisfies(value, clause.test, clause.values):
                mask |= bit
    return mask


RULED_OUT: dict[str, int] = {rule.id: _ruled_out(rule) for rule in RULES}
CLAUSE_WORDS: dict[str, tuple[str, ...]] = {
    rule.id: tuple(clause.in_words() for clause in rule.when) for rule in RULES
}


def facts_mask(facts: FactValues) -> int:
    """The facts as bits (a fact missing from ``facts`` is unknown)."""
    mask = 0
    get = facts.get
    for fact, bits in FACT_BITS.items():
        mask |= bits[get(fact)]
    return mask


# Every bit of each fact: to change a fact's value in a mask.
ALL_BITS: dict[Fact, int] = {fact: sum(bits.values()) for fact, bits in FACT_BITS.items()}


def _resetting(mask: int, changed: FactValues) -> int:
    """The mask with each changed fact set to its new value."""
    for fact, value in changed.items():
        mask = (mask & ~ALL_BITS[fact]) | FACT_BITS[fact][value]
    return mask


def holds(rule_id: str, facts: FactValues) -> bool:
    """Whether every clause of the row holds: the same meaning as ``Rule.applies``.

    ``tests/test_catalog.py`` proves it agrees with the table's own meaning.
    """
    return not facts_mask(facts) & RULED_OUT[rule_id]


def first_failing_words(rule_id: str, facts: FactValues) -> str | None:
    """The first clause of the row that does not hold, in words: the trace's 'decided by'."""
    rule = RULE_BY_ID[rule_id]
    for clause, words in zip(rule.when, CLAUSE_WORDS[rule_id], strict=True):
        if not satisfies(facts.get(clause.fact), clause.test, clause.values):
            return words
    return None


# The table's effects as plain tuples with each row's mask, read once: the hot path never
# inspects a model.
NEED_ROW_VALUES: dict[Fact, tuple[tuple[str, int, str], ...]] = {
    need: tuple(
        (r.id, RULED_OUT[r.id], r.effect.value) for r in rows if isinstance(r.effect, SetsNeed)
    )
    for need, rows in NEED_ROWS.items()
}
CAPS: tuple[tuple[str, int, tuple[Approach, ...], Verdict], ...] = tuple(
    (r.id, RULED_OUT[r.id], r.effect.options, r.effect.verdict)
    for r in RULES
    if isinstance(r.effect, CapsVerdict)
)
# Ceilings that test which routes are left run in a second pass, after the others.
ROUTE_CAP_IDS = frozenset(r.id for r in RULES if any(c.fact in ROUTE_FACTS for c in r.when))
FIRST_PASS_CAPS = tuple(cap for cap in CAPS if cap[0] not in ROUTE_CAP_IDS)
ROUTE_CAPS = tuple(cap for cap in CAPS if cap[0] in ROUTE_CAP_IDS)
FLOORS: tuple[tuple[str, int, Approach, Verdict, bool], ...] = tuple(
    (r.id, RULED_OUT[r.id], r.effect.option, r.effect.verdict, r.effect.first)
    for r in RULES
    if isinstance(r.effect, FloorsVerdict)
)
REASON_ROWS: dict[Approach, tuple[tuple[str, int, int], ...]] = {
    option: tuple(
        (r.id, RULED_OUT[r.id], r.effect.stance.weight)
        for r in RULES
        if isinstance(r.effect, GivesReason) and r.effect.option is option
    )
    for option in Approach
}
APPROACHES: tuple[Approach, ...] = tuple(Approach)
POSITION: dict[Approach, int] = {
    approach: index for index, approach in enumerate(INVASIVENESS_ORDER)
}


def _setting(mask: int, fact: Fact, value: object) -> int:
    """The mask with an unknown fact set to ``value``."""
    bits = FACT_BITS[fact]
    return (mask & ~bits[None]) | bits[value]


def _ceilings(
    rows: tuple[tuple[str, int, tuple[Approach, ...], Verdict], ...],
    mask: int,
    fired: list[str],
    caps: dict[Approach, tuple[Verdict, str]],
) -> dict[Approach, tuple[Verdict, str]]:
    """Lower ``caps`` by every row that holds; the lowest ceiling (first in the table) wins."""
    for rule_id, ruled_out, options, verdict in rows:
        if mask & ruled_out:
            continue
        fired.append(rule_id)
        for option in options:
            held = caps.get(option)
            if held is None or VERDICT_RANK[verdict] < VERDICT_RANK[held[0]]:
                caps[option] = (verdict, rule_id)
    return caps


def _route_facts(caps: dict[Approach, tuple[Verdict, str]]) -> dict[Fact, object]:
    def still_open(option: Approach) -> bool:
        cap = caps.get(option)
        return cap is None or VERDICT_RANK[cap[0]] > VERDICT_RANK[Verdict.NOT_SUGGESTED]

    if any(still_open(option) for option in OPEN_MAJOR):
        routes = DecompressingRoutes.OPEN
    elif still_open(Approach.ENDOSCOPIC_TRANSPEDICULAR):
        routes = DecompressingRoutes.ENDOSCOPIC_ONLY
    else:
        routes = DecompressingRoutes.NONE
    both = still_open(Approach.POSTERIOR_ONLY) and still_open(Approach.ANTERIOR_ANTEROLATERAL)
    return {Fact.DECOMPRESSING_ROUTES: routes.value, Fact.ANTERIOR_AND_POSTERIOR_OPEN: both}


def _needs_met(facts: FactValues) -> dict[Approach, int]:
    """For each option: 2 when it meets every need the patient has, 1 some, 0 none (or no
    needs)."""
    wanted = []
    if facts[Fact.DECOMPRESSION] in (DecompressionNeed.URGENT, DecompressionNeed.INDICATED):
        wanted.append(DECOMPRESSING)
    if facts[Fact.STABILISATION] == StabilisationNeed.NEEDED:
        wanted.append(STABILISING)
    if facts[Fact.CEMENT_CANDIDATE] == CementCandidacy.YES:
        wanted.append(CEMENTING)
    met = {}
    for option in APPROACHES:
        meets = [option in meeting for meeting in wanted]
        met[option] = 0 if not any(meets) else (2 if all(meets) else 1)
    return met


# C21: (ceiling row, the options it holds down, the option they must rank below).
RANKS_BELOW: tuple[tuple[str, tuple[Approach, ...], Approach], ...] = tuple(
    (r.id, r.effect.options, r.effect.ranks_below)
    for r in sorted(RULES, key=lambda rule: rule.id)
    if isinstance(r.effect, CapsVerdict) and r.effect.ranks_below is not None
)


class Decision(NamedTuple):
    """What the table decides from one set of facts; shared, so never mutated."""

    facts: FactValues
    fired: frozenset[str]
    caps: dict[Approach, tuple[Verdict, str]]
    reason_rules: dict[Approach, tuple[str, ...]]
    nets: dict[Approach, int]
    verdicts: dict[Approach, Verdict]
    deciding: dict[Approach, str | None]
    needs_met: dict[Approach, int]
    order: tuple[Approach, ...]
    tie_decided_top: bool


# Full decisions for the patients shown (few, large); first options for the decisive
# search (many, one small integer key each). Both are cleared when full: bounded memory.
DECISION_CACHE_SIZE = 512
TOP_CACHE_SIZE = 65536
_decisions: dict[int, Decision] = {}
_tops: dict[int, Approach] = {}


def decide(base_facts: FactValues) -> Decision:
    """Needs, ceilings, floors, reasons, verdicts and order for these facts (memoised)."""
    mask = facts_mask(base_facts)
    found = _decisions.get(mask)
    if found is None:
        if len(_decisions) >= DECISION_CACHE_SIZE:
            _decisions.clear()
        decided = _decide(mask)
        found = _decisions[mask] = decided._replace(facts={**base_facts, **decided.facts})
    return found


def first_option(base_facts: FactValues) -> Approach:
    """The first option for these facts (memoised apart from whole decisions)."""
    return _first_option(facts_mask(base_facts))


def _first_option(mask: int) -> Approach:
    found = _tops.get(mask)
    if found is None:
        if len(_tops) >= TOP_CACHE_SIZE:
            _tops.clear()
        decided = _decisions.get(mask)
        decided = decided if decided is not None else _decide(mask)
        found = _tops[mask] = decided.order[0]
    return found


def _decide(mask: int) -> Decision:
    """The decision for facts given as bits; its ``facts`` are the needs and routes it sets."""
    facts: FactValues = {}
    fired: list[str] = []
    for need, rows in NEED_ROW_VALUES.items():
        for rule_id, ruled_out, value in rows:
            if not mask & ruled_out:
                facts[need] = value
                mask = _setting(mask, need, value)
                fired.append(rule_id)
                break
    caps = _ceilings(FIRST_PASS_CAPS, mask, fired, {})
    for fact, route_value in _route_facts(caps).items():
        facts[fact] = route_value
        mask = _setting(mask, fact, route_value)
    caps = _ceilings(ROUTE_CAPS, mask, fired, dict(caps))
    floors: dict[Approach, tuple[Verdict, str, bool]] = {}
    for rule_id, ruled_out, option, floor_verdict, first_place in FLOORS:
        if not mask & ruled_out:
            fired.append(rule_id)
            held = floors.get(option)
            if held is None or VERDICT_RANK[floor_verdict] > VERDICT_RANK[held[0]]:
                floors[option] = (floor_verdict, rule_id, first_place)
    reason_rules: dict[Approach, tuple[str, ...]] = {}
    nets: dict[Approach, int] = {}
    verdicts: dict[Approach, Verdict] = {}
    deciding: dict[Approach, str | None] = {}
    for option in APPROACHES:
        ids = []
        net = 0
        for rule_id, ruled_out, weight in REASON_ROWS[option]:
            if not mask & ruled_out:
                ids.append(rule_id)
                net += weight
        fired.extend(ids)
        reason_rules[option] = tuple(ids)
        verdict, decided_by = verdict_for(net), None
        floor = floors.get(option)
        if floor is not None and VERDICT_RANK[floor[0]] > VERDICT_RANK[verdict]:
            verdict, decided_by = floor[0], floor[1]
        cap = caps.get(option)
        if cap is not None and VERDICT_RANK[cap[0]] <= VERDICT_RANK[verdict]:
            verdict, decided_by = cap[0], cap[1]
        nets[option], verdicts[option], deciding[option] = net, verdict, decided_by
    fired_rows = frozenset(fired)
    below = [
        (option, anchor, rule_id)
        for rule_id, options, anchor in RANKS_BELOW
        if rule_id in fired_rows
        for option in options
    ]
    for option, anchor, rule_id in below:  # C21: no better than the option it ranks below
        if VERDICT_RANK[verdicts[option]] > VERDICT_RANK[verdicts[anchor]]:
            verdicts[option], deciding[option] = verdicts[anchor], rule_id
    needs_met = _needs_met(facts)
    first = {option for option, floor in floors.items() if floor[2]}

    def key(option: Approach) -> tuple[int, int, int, int, int]:
        return (
            -VERDICT_RANK[verdicts[option]],
            0 if option in first else 1,
            -needs_met[option],
            -nets[option],
            POSITION[option],
        )

    order = sorted(APPROACHES, key=key)
    for option, anchor, _ in below:
        if order.index(option) < order.index(anchor):
            order.remove(option)
            order.insert(order.index(anchor) + 1, option)
    tie = key(order[0])[:4] == key(order[1])[:4]
    return Decision(
        facts=facts,
        fired=fired_rows,
        caps=caps,
        reason_rules=reason_rules,
        nets=nets,
        verdicts=verdicts,
        deciding=deciding,
        needs_met=needs_met,
        order=tuple(order),
        tie_decided_top=tie,
    )


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
    return OptionAssessment(
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
ScoreTriple = tuple[ScoreResult, ScoreResult, ScoreResult]


def _score(index: int, patient: Patient) -> ScoreResult:
    """One score, memoised on the inputs it reads."""
    seen = _scores_seen[index]
    key = tuple(getattr(patient, name) for name in SCORE_READS[index])
    found = seen.get(key)
    if found is None:
        if len(seen) >= SCORE_CACHE_SIZE:
            seen.clear()
        found = seen[key] = SCORES[index][0](patient)
    return found


def _score_triple(
    patient: Patient, base: ScoreTriple | None = None, changed: str = ""
) -> ScoreTriple:
    """SINS, revised Tokuhashi and Tomita; with ``base``, only those reading ``changed`` anew."""
    sins_result, tokuhashi_result, tomita_result = (
        _score(index, patient) if base is None or changed in reads else base[index]
        for index, reads in enumerate(SCORE_READ_SETS)
    )
    return sins_result, tokuhashi_result, tomita_result


def scores_of(patient: Patient) -> Scores:
    """SINS, revised Tokuhashi and Tomita, each memoised on the inputs it reads."""
    sins_result, tokuhashi_result, tomita_result = _score_triple(patient)
    return Scores(sins=sins_result, tokuhashi=tokuhashi_result, tomita=tomita_result)


def clear_caches() -> None:
    """Forget memoised scores and decisions (tests start clean; mutants are really run)."""
    for seen in _scores_seen:
        seen.clear()
    _decisions.clear()
    _tops.clear()


def top_option(patient: Patient) -> Approach:
    """The first option only: the lean path of the decisive search."""
    return first_option(derive_facts(patient, *_score_triple(patient))[0])


def evaluate(patient: Patient) -> Evaluation:
    """Scores, facts, needs, gates, reasons and the order: everything but the extras."""
    scores = scores_of(patient)
    base, exclusions = derive_facts(patient, scores.sins, scores.tokuhashi, scores.tomita)
    decision = decide(base)
    options = tuple(_option(option, decision) for option in decision.order)
    return Evaluation(
        scores, dict(decision.facts), options, decision.fired, exclusions, decision.tie_decided_top
    )


def _alerts(evaluation: Evaluation, needs: Needs) -> tuple[Alert, ...]:
    alerts: list[Alert] = []
    for rule in ALERT_ROWS:
        if rule.id not in evaluation.fired and not holds(rule.id, evaluation.facts):
            continue
        if not isinstance(rule.effect, RaisesAlert):  # the table is typed; never happens
            raise TypeError(rule.id)
        text = rule.text
        if rule.effect.code == "unfit_for_open_surgery":
            text = f"{text}: {'; '.join(needs.fitness.source)}."
        elif rule.effect.code == "outside_trial":
            text = f"{text}: {'; '.join(evaluation.trial_exclusions)}."
        alerts.append(
            Alert(
                level=rule.effect.level, code=rule.effect.code, text=text, citations=rule.evidence
            )
        )
    return tuple(alerts)


def _need_result(need: Fact, facts: FactValues, presumed: tuple[str, ...] = ()) -> NeedResult:
    value = str(facts[need])
    rows = [r for r in NEED_ROWS[need] if r.applies(facts)]
    deciding = rows[0]
    same = [
        r.text
        for r in rows
        if isinstance(r.effect, SetsNeed) and r.effect.value == value and r.when
    ]
    return NeedResult(
        value=value, rule=deciding.id, source=tuple(same) or (deciding.text,), presumed=presumed
    )


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


def decisive_inputs(patient: Patient, top: Approach) -> tuple[str, ...]:
    """The unknown inputs one of whose values changes the first option.

    Each candidate value re-derives only the facts that read the input and updates the
    facts' bits for those alone (``facts.rederive_facts``)."""
    base = _score_triple(patient)
    facts, _ = derive_facts(patient, *base)
    mask = facts_mask(facts)
    found = []
    for name in DECISIVE_CANDIDATES:
        if getattr(patient, name) is not None or not may_decide_now(patient, name):
            continue
        for variant in consistent_variants(patient, name):
            changed = rederive_facts(facts, variant, _score_triple(variant, base, name), name)
            if _first_option(_resetting(mask, changed)) is not top:
                found.append(name)
                break
    return tuple(found)


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
    return [
        {
            "rule": rule.id,
            "fired": rule.id in fired,
            "decided_by": None if rule.id in fired else first_failing_words(rule.id, facts),
        }
        for rule in RULES
    ]


def provisional_reasons(
    patient: Patient, evaluation: Evaluation
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The decisive unknown inputs, and every reason the answer is provisional, in words."""
    decisive = decisive_inputs(patient, evaluation.options[0].approach)
    reasons = [f"{name} is unknown and could change the first option" for name in decisive]
    if evaluation.tie_decided_top:
        reasons.append("the first two options tie on the evidence; invasiveness alone orders them")
    if patient.tissue_diagnosis is False:
        reasons.append("no tissue diagnosis: the tumour class is presumed")
    return decisive, tuple(reasons)


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
