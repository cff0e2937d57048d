"""The rule table: what it refuses at import, and what every shipped row carries."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from evidence import Verification, load_registry, registry
from rules import RULES, Approach, Rule
from rules.catalog import (
    ALERT_ORDER,
    CapsVerdict,
    Clause,
    GivesReason,
    RaisesAlert,
    SetsNeed,
    Stance,
    Test,
    Verdict,
    check_table,
    one_of,
    true,
)
from rules.decision import holds
from rules.engine import version_of
from rules.facts import FACT_VALUES, Fact, FrankelGroup

ALL_RULES = [pytest.param(rule, id=rule.id) for rule in RULES]
A_REASON = GivesReason(option=Approach.POSTERIOR_ONLY, stance=Stance.FOR_SUPPORTING)


def row(**fields: Any) -> Rule:
    base: dict[str, Any] = {
        "id": "example_row",
        "effect": A_REASON,
        "text": "An example.",
        "evidence": ("patchell2005_rct",),
    }
    return Rule.model_validate({**base, **fields})


# --- refusals ------------------------------------------------------------------------------


def test_a_clause_value_its_fact_can_never_take_is_refused_naming_the_value() -> None:
    with pytest.raises(ValidationError, match="level can never be L9"):
        Clause(fact=Fact.LEVEL, test=Test.ONE_OF, values=("L9",))


def test_a_compression_site_that_does_not_exist_is_refused() -> None:
    with pytest.raises(ValidationError, match="compression_site can never be ventral"):
        Clause(fact=Fact.COMPRESSION_SITE, test=Test.ONE_OF, values=("ventral",))


def test_a_true_false_fact_tested_with_one_of_is_refused() -> None:
    with pytest.raises(ValidationError, match="has_deficit is true/false"):
        Clause(fact=Fact.HAS_DEFICIT, test=Test.ONE_OF, values=("yes",))


def test_a_choice_fact_tested_as_true_is_refused() -> None:
    with pytest.raises(ValidationError, match="level is a choice"):
        Clause(fact=Fact.LEVEL, test=Test.TRUE)


def test_an_unknown_fact_name_is_refused() -> None:
    with pytest.raises(ValidationError):
        Clause.model_validate({"fact": "has_wings", "test": "true"})


def test_direction_and_strength_are_one_field_that_has_no_prohibitive_for() -> None:
    with pytest.raises(ValidationError):
        GivesReason.model_validate({"option": "posterior_only", "stance": "for_prohibitive"})


def test_an_unknown_evidence_id_is_refused_naming_the_rule() -> None:
    with pytest.raises(ValidationError, match="rule example_row: unknown evidence made_up_2099"):
        row(evidence=("made_up_2099",))


def test_a_row_resting_only_on_an_unresolved_record_is_refused() -> None:
    with pytest.raises(ValidationError, match="only on unresolved"):
        row(evidence=("pmid23248755_unresolved",))


def test_a_row_without_evidence_is_refused() -> None:
    with pytest.raises(ValidationError):
        row(evidence=())


def test_a_threshold_placeholder_naming_no_constant_is_refused() -> None:
    with pytest.raises(ValidationError, match="names no constant KPS_LIMIT"):
        row(text="KPS {KPS_LIMIT} or less")


def test_a_threshold_placeholder_is_filled_from_its_constant() -> None:
    assert row(text="KPS {UNFIT_MAX_KPS} or less").text == "KPS 40 or less"


def test_a_generated_looking_id_is_refused() -> None:
    with pytest.raises(ValidationError):
        row(id="Posterior-Only {x}")


def test_a_need_value_the_need_cannot_take_is_refused() -> None:
    with pytest.raises(ValidationError, match="can never be maybe"):
        SetsNeed(need=Fact.FITNESS, value="maybe")


def test_a_table_with_a_repeated_id_is_refused() -> None:
    with pytest.raises(ValueError, match="appears twice"):
        check_table((*RULES, RULES[-1]))


def test_a_table_whose_need_has_no_closing_default_is_refused() -> None:
    without_default = tuple(rule for rule in RULES if rule.id != "fitness_unknown")
    with pytest.raises(ValueError, match="need fitness: the last row must hold always"):
        check_table(without_default)


def test_a_fact_that_is_a_reason_both_for_and_against_one_option_is_refused() -> None:
    clause = one_of(Fact.FRANKEL_GROUP, FrankelGroup.INTACT)
    pro = row(id="pro", when=(clause,))
    con = row(
        id="con",
        when=(clause,),
        effect=GivesReason(option=Approach.POSTERIOR_ONLY, stance=Stance.AGAINST_STRONG),
    )
    with pytest.raises(ValueError, match="already a reason for posterior_only"):
        check_table((*RULES, pro, con))


# --- the shipped table ----------------------------------------------------------------------


def test_every_rule_id_is_written_out_literally_in_the_source() -> None:
    source = (Path(__file__).parent.parent / "rules" / "catalog.py").read_text(encoding="utf-8")
    missing = [rule.id for rule in RULES if f'id="{rule.id}"' not in source]
    assert missing == []


@pytest.mark.parametrize("rule", ALL_RULES)
def test_no_row_rests_only_on_unresolved_records(rule: Rule) -> None:
    statuses = {registry()[reference_id].verification for reference_id in rule.evidence}
    assert statuses - {Verification.UNRESOLVED}


def test_the_table_has_every_ceiling_c1_to_c21_except_c20_which_is_a_reason() -> None:
    codes = {rule.effect.code for rule in RULES if isinstance(rule.effect, CapsVerdict)}
    expected = {f"C{n}" for n in range(1, 22)} - {"C15", "C16", "C20"}
    assert expected <= codes
    assert "percutaneous_fixation_l4_corpectomy_hard" in {rule.id for rule in RULES}


def test_alerts_are_rows_in_the_pathway_order() -> None:
    pathway_order = [
        "time_critical",
        "examine_neurology",
        "moribund_supportive_care",
        "unfit_for_open_surgery",
        "fitness_unknown",
        "performance_may_reflect_deficit",
        "established_paraplegia",
        "discrete_levels",
        "cauda_equina_level",
        "outside_trial",
        "age_65_or_more",
        "no_tissue_diagnosis",
        "deficit_not_explained_by_grade",
        "progression_after_radiation",
        "bleeding_risk",
        "sins_surgical_opinion",
        "en_bloc_referral",
        "prognostic_disagreement",
    ]
    shipped = [code for code in ALERT_ORDER if code in pathway_order]
    assert shipped == pathway_order
    assert all(isinstance(r.effect, RaisesAlert) for r in RULES if r.id.startswith("alert_"))


def test_every_option_has_at_least_one_reason_row() -> None:
    options = Counter(r.effect.option for r in RULES if isinstance(r.effect, GivesReason))
    missing = set(Approach) - set(options)
    # Endoscopic surgery is judged by its ceilings (C7-C9); it still has its own reasons.
    assert missing == set()


def test_panel_conventions_say_so_in_their_text() -> None:
    unsaid = [r.id for r in RULES if r.panel_convention and "panel convention" not in r.text]
    assert unsaid == []


def test_no_ceiling_lifts_an_option_to_suggested() -> None:
    lifting = [
        r.id
        for r in RULES
        if isinstance(r.effect, CapsVerdict) and r.effect.verdict is Verdict.SUGGESTED
    ]
    assert lifting == []


def test_the_rules_version_changes_when_one_reference_text_changes(tmp_path: Path) -> None:
    data = json.loads((Path(__file__).parent.parent / "evidence/data/evidence.json").read_text())
    changed = [dict(r) for r in data]
    changed[0]["key_finding"] = changed[0]["key_finding"] + " (edited)"
    original_file = tmp_path / "original.json"
    edited_file = tmp_path / "edited.json"
    original_file.write_text(json.dumps(data), encoding="utf-8")
    edited_file.write_text(json.dumps(changed), encoding="utf-8")
    original = version_of(load_registry(original_file).content_hash)
    assert original == version_of(load_registry(original_file).content_hash)
    assert original != version_of(load_registry(edited_file).content_hash)


def test_true_clause_holds_only_when_the_fact_is_settled_true() -> None:
    clause = true(Fact.HAS_DEFICIT)
    assert clause.holds({Fact.HAS_DEFICIT: True})
    assert not clause.holds({Fact.HAS_DEFICIT: None})
    assert not clause.holds({Fact.HAS_DEFICIT: False})


@st.composite
def fact_values(draw: st.DrawFn) -> dict[Fact, object]:
    """Any combination of fact values, each possibly unknown."""
    values: dict[Fact, object] = {}
    for fact, domain in FACT_VALUES.items():
        choices: list[object] = [None, True, False] if domain is bool else [None, *domain]
        values[fact] = draw(st.sampled_from(choices))
    return values


@settings(max_examples=300, deadline=None)
@given(fact_values())
def test_the_engines_fast_check_agrees_with_the_tables_own_meaning(
    facts: dict[Fact, object],
) -> None:
    for rule in RULES:
        assert holds(rule.id, facts) is rule.applies(facts), rule.id
