"""The decision on facts as bits: many fact sets at once agree with one at a time."""

from __future__ import annotations

import os
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules import Approach, Patient, decision
from rules.decision import SLICE_SIZE, _decide, facts_mask, first_options
from rules.engine import _bands, _candidate_masks, scores_of
from rules.facts import BASE_FACTS, FACT_VALUES, Fact, derive_facts
from tests.strategies import patient_fields


@st.composite
def base_facts(draw: st.DrawFn) -> dict[Fact, object]:
    """Any combination of the facts derive_facts sets, each possibly unknown."""
    values: dict[Fact, object] = {}
    for fact in BASE_FACTS:
        domain = FACT_VALUES[fact]
        choices: list[object] = [None, True, False] if domain is bool else [None, *domain]
        values[fact] = draw(st.sampled_from(choices))
    return values


# Under mutation testing (mutmut sets MUTANT_UNDER_TEST) fewer examples keep each mutant's
# run short; the full suite tries 400.
EXAMPLES = 60 if os.environ.get("MUTANT_UNDER_TEST") else 400


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(base_facts(), min_size=1, max_size=12))
def test_first_options_of_many_fact_sets_equal_each_decision_alone(
    fact_sets: list[dict[Fact, object]],
) -> None:
    masks = [facts_mask(facts) for facts in fact_sets]
    assert first_options(masks) == [_decide(mask).order[0] for mask in masks]


def test_no_fact_sets_give_no_first_options() -> None:
    assert first_options([]) == []


def test_a_moribund_patient_with_no_other_facts_gets_non_operative_care_first() -> None:
    facts = dict.fromkeys(BASE_FACTS) | {Fact.PERFORMANCE: "moribund"}
    assert first_options([facts_mask(facts)]) == [Approach.NON_OPERATIVE]


def _random_facts(rng: random.Random) -> dict[Fact, object]:
    facts: dict[Fact, object] = {}
    for fact in BASE_FACTS:
        domain = FACT_VALUES[fact]
        choices: list[object] = [None, True, False] if domain is bool else [None, *domain]
        facts[fact] = rng.choice(choices)
    return facts


def test_more_fact_sets_than_one_numpy_pass_takes_keep_their_order() -> None:
    # Seeded fact sets, more than two passes' worth: every set's first option is its own.
    rng = random.Random(20261129)
    fact_sets = [_random_facts(rng) for _ in range(2 * SLICE_SIZE + 7)]
    masks = [facts_mask(facts) for facts in fact_sets]
    firsts = first_options(masks)
    assert firsts == [_decide(mask).order[0] for mask in masks]
    assert len(set(firsts)) > 2  # the sets differ in what comes first


def test_first_options_stay_right_when_their_memo_fills_and_is_cleared(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = random.Random(7)
    fact_sets = [_random_facts(rng) for _ in range(30)]
    masks = [facts_mask(facts) for facts in fact_sets]
    expected = [_decide(mask).order[0] for mask in masks]
    monkeypatch.setattr(decision, "FIRST_OPTION_CACHE_SIZE", 25)
    assert first_options(masks[:20]) == expected[:20]  # 20 remembered
    assert first_options(masks[10:]) == expected[10:]  # 10 more would pass 25: cleared
    assert first_options(masks) == expected  # 30 at once: more than it keeps
    assert first_options(masks[::-1]) == expected[::-1]


@settings(max_examples=EXAMPLES, deadline=None)
@given(patient_fields())
def test_first_options_equal_each_decision_for_a_patient_and_its_candidates(
    fields: dict[str, object],
) -> None:
    # Facts derived from patients (and the decisive search's candidate values) meet needs
    # together as random facts seldom do: ties that the needs met, or C21, must break.
    patient = Patient.model_validate(fields)
    masks = [mask for _, mask in _candidate_masks(patient, None)]
    masks.append(facts_mask(derive_facts(patient, _bands(scores_of(patient)))[0]))
    decision.clear_memos()
    assert first_options(masks) == [_decide(mask).order[0] for mask in masks]
