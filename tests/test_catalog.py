"""Evidence integrity of the rule table: every rule cites, and every citation holds."""

from __future__ import annotations

from collections import Counter

import pytest

from evidence import Verification, registry
from rules import RULES, Approach, Rule
from rules.catalog import FACT_WORDS, Strength, rules_for
from rules.facts import Facts


def rule_param(rule: Rule) -> object:
    return pytest.param(rule, id=rule.id)


ALL_RULES = [rule_param(rule) for rule in RULES]


@pytest.mark.parametrize("rule", ALL_RULES)
def test_every_rule_cites_at_least_one_reference(rule: Rule) -> None:
    assert len(rule.evidence) >= 1


@pytest.mark.parametrize("rule", ALL_RULES)
def test_every_cited_id_resolves_in_the_registry(rule: Rule) -> None:
    references = registry()
    unknown = [reference_id for reference_id in rule.evidence if reference_id not in references]
    assert unknown == []


@pytest.mark.parametrize("rule", ALL_RULES)
def test_no_rule_rests_only_on_unresolved_records(rule: Rule) -> None:
    statuses = {registry()[reference_id].verification for reference_id in rule.evidence}
    assert statuses - {Verification.UNRESOLVED}


@pytest.mark.parametrize("rule", ALL_RULES)
def test_every_clause_tests_a_fact_that_exists_and_has_words(rule: Rule) -> None:
    for clause in rule.when:
        assert clause.fact in Facts.model_fields, clause.fact
        assert clause.fact in FACT_WORDS, clause.fact


@pytest.mark.parametrize("rule", ALL_RULES)
def test_every_rule_has_explanatory_text_and_a_readable_condition(rule: Rule) -> None:
    assert rule.text.strip()
    assert rule.condition_in_words().strip()


@pytest.mark.parametrize("option", list(Approach))
def test_every_option_has_at_least_one_always_applying_rule(option: Approach) -> None:
    assert any(not rule.when for rule in rules_for(option))


@pytest.mark.parametrize("option", list(Approach))
def test_every_option_has_a_reason_for_and_a_reason_against(option: Approach) -> None:
    directions = {rule.direction.value for rule in rules_for(option)}
    assert {"for", "against"} <= directions


def test_rule_ids_are_unique() -> None:
    duplicates = [rule_id for rule_id, count in Counter(r.id for r in RULES).items() if count > 1]
    assert duplicates == []


def test_scope_rules_exist_for_exactly_the_four_operations() -> None:
    scoped = {rule.option for rule in RULES if rule.strength is Strength.SCOPE}
    assert scoped == set(Approach) - {Approach.NON_OPERATIVE}


def test_unresolved_seed_citation_appears_only_beside_another_record() -> None:
    citing = [rule for rule in RULES if "pmid23248755_unresolved" in rule.evidence]
    assert citing, "the seed's unresolved citation should still be shown where it applies"
    for rule in citing:
        others = [
            reference_id
            for reference_id in rule.evidence
            if registry()[reference_id].verification is not Verification.UNRESOLVED
        ]
        assert others, rule.id
