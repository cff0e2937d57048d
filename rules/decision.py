"""The rule table compiled for speed, and the decision it makes for one set of facts.

Facts are bits: every fact has exactly one value, so a set of facts is one integer with
one bit per (fact, value). Each row's mask holds the bits of every value its clauses rule
out, built from ``catalog.satisfies`` (the one definition of each test): the row holds when
the facts have none of those bits. ``decide`` runs needs, ceilings, floors, reasons,
verdicts and the order on those masks; the engine builds the shown result on top of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import reduce
from operator import or_
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from rules.catalog import (
    CEMENTING,
    DECOMPRESSING,
    INVASIVENESS_ORDER,
    OPEN_MAJOR,
    RULES,
    STABILISING,
    VERDICT_RANK,
    Approach,
    CapsVerdict,
    Clause,
    FloorsVerdict,
    GivesReason,
    RaisesAlert,
    Rule,
    SetsNeed,
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
)

# (lowest net evidence weight, verdict), checked from the top; below the last: not suggested.
VERDICT_BANDS: tuple[tuple[int, Verdict], ...] = (
    (2, Verdict.SUGGESTED),
    (0, Verdict.CONSIDER),
    (-2, Verdict.CAUTION),
)
VERDICT_BELOW_BANDS = Verdict.NOT_SUGGESTED


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


def _clause_ruled_out(clause: Clause) -> int:
    mask = 0
    for value, bit in FACT_BITS[clause.fact].items():
        if not satisfies(value, clause.test, clause.values):
            mask |= bit
    return mask


# Each row's clauses as (the bits it rules out, the clause in words); a row's mask is the
# union of its clauses' masks.
CLAUSES: dict[str, tuple[tuple[int, str], ...]] = {
    rule.id: tuple((_clause_ruled_out(clause), clause.in_words()) for clause in rule.when)
    for rule in RULES
}
RULED_OUT: dict[str, int] = {
    rule_id: reduce(or_, (mask for mask, _ in clauses), 0) for rule_id, clauses in CLAUSES.items()
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


def resetting(mask: int, changed: FactValues) -> int:
    """The mask with each changed fact set to its new value."""
    for fact, value in changed.items():
        mask = (mask & ~ALL_BITS[fact]) | FACT_BITS[fact][value]
    return mask


def holds(rule_id: str, facts: FactValues) -> bool:
    """Whether every clause of the row holds: the same meaning as ``Rule.applies``.

    ``tests/test_catalog.py`` proves it agrees with the table's own meaning.
    """
    return not facts_mask(facts) & RULED_OUT[rule_id]


def first_failing_words(rule_id: str, mask: int) -> str | None:
    """The first clause of the row that does not hold for facts given as bits, in words: the
    trace's 'decided by'."""
    for ruled_out, words in CLAUSES[rule_id]:
        if mask & ruled_out:
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


# Decisions for the patients shown (a page rerun asks again for the same facts); cleared when
# full, so memory stays bounded.
DECISION_CACHE_SIZE = 128
_decisions: dict[int, Decision] = {}


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


def clear_memos() -> None:
    """Forget memoised decisions and first options."""
    _decisions.clear()
    _firsts.clear()


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


# --- many fact sets at once --------------------------------------------------------------
# The same procedure as ``_decide`` over many sets of facts at once, for the decisive
# search: it needs only the first option of each candidate. A set of facts is the bit
# position of each fact's value (one row of a matrix); a stage of the table (at most 64
# rows) is a lookup from each bit to the stage's rows that bit rules out, as one 64-bit
# word, so the rows a set of facts rules out are the OR of its facts' words: numpy does that
# for every candidate in one call.
# ``tests/test_decision.py`` proves it gives ``_decide``'s first option on any facts.

BIT_COUNT = sum(len(bits) for bits in FACT_BITS.values())
FACT_COLUMN: dict[Fact, int] = {fact: index for index, fact in enumerate(FACT_BITS)}
STAGE_MAX_ROWS = 64
Positions = NDArray[np.int64]
Words = NDArray[np.uint64]
Ints = NDArray[np.int64]
Flags = NDArray[np.bool_]


def _positions(masks: Sequence[int]) -> Positions:
    """(set of facts, fact): the bit position of each fact's value."""
    width = (BIT_COUNT + 7) // 8
    raw = np.frombuffer(b"".join(mask.to_bytes(width, "little") for mask in masks), np.uint8)
    bits = np.unpackbits(raw.reshape(len(masks), width), axis=1, bitorder="little")
    _, columns = np.nonzero(bits[:, :BIT_COUNT])  # row by row, each fact's bit in fact order
    return columns.reshape(len(masks), len(FACT_BITS)).astype(np.int64)


def _position(bit: int) -> int:
    """The position of a single-bit mask."""
    return bit.bit_length() - 1


class _Stage(NamedTuple):
    """Rows of the table checked together: each bit's word of the rows it rules out."""

    ruled_out_by_bit: Words
    size: int


def _stage(ruled_out: Sequence[int]) -> _Stage:
    if len(ruled_out) > STAGE_MAX_ROWS:
        raise ValueError(f"a stage of {len(ruled_out)} rows is over {STAGE_MAX_ROWS}")
    table = np.zeros(BIT_COUNT, dtype=np.uint64)
    for row, mask in enumerate(ruled_out):
        for position in range(BIT_COUNT):
            if mask >> position & 1:
                table[position] |= np.uint64(1 << row)
    return _Stage(table, len(ruled_out))


def _holding(positions: Positions, stage: _Stage) -> Flags:
    """(set of facts, row): whether the stage's row holds (no fact's value rules it out)."""
    ruled_out = np.bitwise_or.reduce(stage.ruled_out_by_bit[positions], axis=1)
    shifts = np.arange(stage.size, dtype=np.uint64)
    holding: Flags = (ruled_out[:, None] >> shifts[None, :]) & np.uint64(1) == 0
    return holding


RANK_OF_OPTION_NONE = 99  # no ceiling on the option: above every verdict's rank
NO_FLOOR = -99
NOT_SUGGESTED_RANK = VERDICT_RANK[Verdict.NOT_SUGGESTED]
OPTION_INDEX: dict[Approach, int] = {option: index for index, option in enumerate(APPROACHES)}


def _option_ranks(rows: Sequence[tuple[tuple[Approach, ...], Verdict]], absent: int) -> Ints:
    """(row, option): the verdict rank a row sets on each option it names, else ``absent``."""
    table = np.full((len(rows), len(APPROACHES)), absent, dtype=np.int64)
    for index, (options, verdict) in enumerate(rows):
        for option in options:
            table[index, OPTION_INDEX[option]] = VERDICT_RANK[verdict]
    return table


class _NeedStage(NamedTuple):
    rows: _Stage
    column: int  # the need's column among the facts
    values: Ints  # the bit position of each row's value
    wanting: Flags  # whether each row's value asks an option to meet it


def _need_stage(need: Fact, wanted: frozenset[str]) -> _NeedStage:
    rows = NEED_ROW_VALUES[need]
    return _NeedStage(
        rows=_stage([ruled_out for _, ruled_out, _ in rows]),
        column=FACT_COLUMN[need],
        values=np.array([_position(FACT_BITS[need][value]) for _, _, value in rows]),
        wanting=np.array([value in wanted for _, _, value in rows], dtype=np.bool_),
    )


def _meets(options: tuple[Approach, ...]) -> Flags:
    return np.array([option in options for option in APPROACHES], dtype=np.bool_)


NEED_WANTS: dict[Fact, tuple[frozenset[str], Flags]] = {
    Fact.DECOMPRESSION: (
        frozenset({DecompressionNeed.URGENT, DecompressionNeed.INDICATED}),
        _meets(DECOMPRESSING),
    ),
    Fact.STABILISATION: (frozenset({StabilisationNeed.NEEDED}), _meets(STABILISING)),
    Fact.CEMENT_CANDIDATE: (frozenset({CementCandidacy.YES}), _meets(CEMENTING)),
}
NEED_STAGES: tuple[tuple[_NeedStage, Flags | None], ...] = tuple(
    (
        _need_stage(need, NEED_WANTS[need][0] if need in NEED_WANTS else frozenset()),
        NEED_WANTS[need][1] if need in NEED_WANTS else None,
    )
    for need in NEED_ROW_VALUES
)
FIRST_CAP_ROWS = _stage([ruled_out for _, ruled_out, _, _ in FIRST_PASS_CAPS])
FIRST_CAP_RANKS = _option_ranks([(o, v) for _, _, o, v in FIRST_PASS_CAPS], RANK_OF_OPTION_NONE)
ROUTE_CAP_ROWS = _stage([ruled_out for _, ruled_out, _, _ in ROUTE_CAPS])
ROUTE_CAP_RANKS = _option_ranks([(o, v) for _, _, o, v in ROUTE_CAPS], RANK_OF_OPTION_NONE)
FLOOR_ROWS = _stage([ruled_out for _, ruled_out, _, _, _ in FLOORS])
FLOOR_RANKS = _option_ranks([((option,), verdict) for _, _, option, verdict, _ in FLOORS], NO_FLOOR)
FLOOR_FIRST = np.array([first for *_, first in FLOORS], dtype=np.bool_)
REASONS_FLAT = [(row, option) for option in APPROACHES for row in REASON_ROWS[option]]
REASON_ROWS_ALL = _stage([ruled_out for (_, ruled_out, _), _ in REASONS_FLAT])


def _reason_weights() -> Ints:
    """(reason row, option): the row's signed weight on its option, else 0."""
    table = np.zeros((len(REASONS_FLAT), len(APPROACHES)), dtype=np.int64)
    for index, ((_, _, weight), option) in enumerate(REASONS_FLAT):
        table[index, OPTION_INDEX[option]] = weight
    return table


REASON_WEIGHTS = _reason_weights()
ROUTE_POSITIONS = np.array(
    [_position(FACT_BITS[Fact.DECOMPRESSING_ROUTES][route]) for route in DecompressingRoutes]
)
BOTH_POSITIONS = np.array(
    [_position(FACT_BITS[Fact.ANTERIOR_AND_POSTERIOR_OPEN][value]) for value in (False, True)]
)
ROUTE_INDEX = {route: index for index, route in enumerate(DecompressingRoutes)}
OPEN_MAJOR_COLUMNS = [OPTION_INDEX[option] for option in OPEN_MAJOR]
# C21 rows: (column among the caps of their pass, which pass, held-down columns, anchor).
CAP_COLUMN = {rule_id: ("first", index) for index, (rule_id, *_) in enumerate(FIRST_PASS_CAPS)}
CAP_COLUMN |= {rule_id: ("route", index) for index, (rule_id, *_) in enumerate(ROUTE_CAPS)}
POSITIONS = np.array([POSITION[option] for option in APPROACHES], dtype=np.int64)
NET_BOUND = int(np.abs(REASON_WEIGHTS).sum(axis=0).max())


# Sets of facts per numpy pass: enough to spread numpy's per-call cost thin, few enough that
# a pass's arrays (about 2.5 kB a set) stay small and the same size for every batch.
SLICE_SIZE = 512


# First options already worked out, by facts' bits: a page rerun and a repeated patient ask
# again for the same candidates. Cleared when full (about 0.7 MB), so memory stays bounded.
FIRST_OPTION_CACHE_SIZE = 4096
_firsts: dict[int, Approach] = {}


def first_options(masks: Sequence[int]) -> list[Approach]:
    """The first option for each set of facts given as bits (as ``_decide`` orders them)."""
    unknown = list(dict.fromkeys(mask for mask in masks if mask not in _firsts))
    if len(_firsts) + len(unknown) > FIRST_OPTION_CACHE_SIZE:
        _firsts.clear()
        unknown = list(dict.fromkeys(masks))
    found = {
        mask: first
        for start in range(0, len(unknown), SLICE_SIZE)
        for mask, first in zip(
            unknown[start : start + SLICE_SIZE],
            _first_options(unknown[start : start + SLICE_SIZE]),
            strict=True,
        )
    }
    if len(unknown) <= FIRST_OPTION_CACHE_SIZE:
        _firsts.update(found)
    return [found[mask] if mask in found else _firsts[mask] for mask in masks]


def _first_options(masks: Sequence[int]) -> list[Approach]:
    if not masks:
        return []
    facts = _positions(masks)
    wanted = np.zeros(len(masks), dtype=np.int64)
    met = np.zeros((len(masks), len(APPROACHES)), dtype=np.int64)
    for stage, meeting in NEED_STAGES:
        chosen = _holding(facts, stage.rows).argmax(axis=1)  # the first row that holds
        facts[:, stage.column] = stage.values[chosen]
        if meeting is not None:
            wants = stage.wanting[chosen]
            wanted += wants
            met += wants[:, None] & meeting[None, :]
    first_caps = _holding(facts, FIRST_CAP_ROWS)
    caps = np.where(first_caps[:, :, None], FIRST_CAP_RANKS[None], RANK_OF_OPTION_NONE).min(axis=1)
    still_open = caps > NOT_SUGGESTED_RANK
    endoscopic = still_open[:, OPTION_INDEX[Approach.ENDOSCOPIC_TRANSPEDICULAR]]
    routes = np.where(
        still_open[:, OPEN_MAJOR_COLUMNS].any(axis=1),
        ROUTE_INDEX[DecompressingRoutes.OPEN],
        np.where(
            endoscopic,
            ROUTE_INDEX[DecompressingRoutes.ENDOSCOPIC_ONLY],
            ROUTE_INDEX[DecompressingRoutes.NONE],
        ),
    )
    both = (
        still_open[:, OPTION_INDEX[Approach.POSTERIOR_ONLY]]
        & still_open[:, OPTION_INDEX[Approach.ANTERIOR_ANTEROLATERAL]]
    )
    facts[:, FACT_COLUMN[Fact.DECOMPRESSING_ROUTES]] = ROUTE_POSITIONS[routes]
    facts[:, FACT_COLUMN[Fact.ANTERIOR_AND_POSTERIOR_OPEN]] = BOTH_POSITIONS[both.astype(np.int64)]
    route_caps = _holding(facts, ROUTE_CAP_ROWS)
    caps = np.minimum(
        caps,
        np.where(route_caps[:, :, None], ROUTE_CAP_RANKS[None], RANK_OF_OPTION_NONE).min(axis=1),
    )
    floors = _holding(facts, FLOOR_ROWS)
    floor_by_row = np.where(floors[:, :, None], FLOOR_RANKS[None], NO_FLOOR)
    floor = floor_by_row.max(axis=1)
    chosen_floor = (floor_by_row == floor[:, None, :]) & (floor_by_row > NO_FLOOR)
    first_place = chosen_floor.any(axis=1) & FLOOR_FIRST[chosen_floor.argmax(axis=1)]
    nets = _holding(facts, REASON_ROWS_ALL).astype(np.int64) @ REASON_WEIGHTS
    verdicts = np.full(nets.shape, VERDICT_RANK[VERDICT_BELOW_BANDS], dtype=np.int64)
    for lowest, verdict in reversed(VERDICT_BANDS):
        verdicts = np.where(nets >= lowest, VERDICT_RANK[verdict], verdicts)
    verdicts = np.minimum(np.maximum(verdicts, floor), caps)
    held_below = []
    for rule_id, options, anchor in RANKS_BELOW:
        which, column = CAP_COLUMN[rule_id]
        fired = (first_caps if which == "first" else route_caps)[:, column]
        anchor_column = OPTION_INDEX[anchor]
        for option in options:
            column_of_option = OPTION_INDEX[option]
            lower = fired & (verdicts[:, column_of_option] > verdicts[:, anchor_column])
            verdicts[:, column_of_option] = np.where(
                lower, verdicts[:, anchor_column], verdicts[:, column_of_option]
            )
            held_below.append((fired, column_of_option, anchor_column))
    needs_met = np.where(met == 0, 0, np.where(met == wanted[:, None], 2, 1))
    keys = (
        ((-verdicts * 2 + (~first_place).astype(np.int64)) * 3 + (2 - needs_met))
        * (2 * NET_BOUND + 1)
        + (NET_BOUND - nets)
    ) * len(APPROACHES) + POSITIONS[None, :]
    order = np.argsort(keys, axis=1)
    tops = [APPROACHES[index] for index in order[:, 0]]
    for fired, option_column, anchor_column in held_below:
        place = np.argsort(order, axis=1)  # each option's place in its row's order
        ahead = fired & (place[:, option_column] < place[:, anchor_column])
        for row in np.flatnonzero(ahead):
            ranked = list(order[row])
            if ranked.index(option_column) < ranked.index(anchor_column):
                ranked.remove(option_column)
                ranked.insert(ranked.index(anchor_column) + 1, option_column)
                order[row] = ranked
                tops[row] = APPROACHES[ranked[0]]
    return tops
