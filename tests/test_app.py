"""The Streamlit app, driven headless with AppTest, and its pure rendering helpers."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis.strategies import text
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Widget

from app_pages.patient_form import (
    FIELDS,
    GROUPS,
    UNKNOWN,
    choice_label,
    choices,
    default_state,
    form_values,
    patient_state,
    problem_sentence,
    problems_by_field,
)
from app_pages.render import (
    BANNER,
    FRIENDLY_ERROR,
    NEED_NAMES,
    PRIVACY,
    announcement,
    assessment_json,
    card_summary,
    citation_markdown,
    download_name,
    gate_markdown,
    gate_reasons,
    link_target,
    missing_by_use,
    provisional_markdown,
    ranking_markdown,
    score_value,
    verdict_badge,
)
from app_pages.tables import (
    filter_rows,
    pathway_dot,
    reference_rows,
    rule_options,
    rule_records,
    rule_sections,
    rules_citing,
)
from evidence import Reference, Verification, registry
from rules import (
    APPROACH_LABELS,
    INPUT_FIELDS,
    RULES,
    AlertLevel,
    Approach,
    InputProblem,
    Patient,
    assess,
    parse_patient,
    to_markdown,
)
from rules.case_library import teaching_cases
from rules.markdown import MARKDOWN_SPECIALS, WORD_BREAK, escape_markdown
from tests.conftest import ROOT, load_seed
from tests.test_review_findings import SINS_TOTAL_ONLY

APP = str(ROOT / "app.py")
PAGES = (
    "app_pages/assess.py",
    "app_pages/evidence_library.py",
    "app_pages/rule_book.py",
    "app_pages/about.py",
)
SEEDS = (
    pytest.param("seed_thoracic_lung_unfit", id="seed_thoracic_lung_unfit"),
    pytest.param("seed_lumbar_sarcoma_frail", id="seed_lumbar_sarcoma_frail"),
)
# A link target may hold balanced parentheses, as DOIs such as 10.1016/S1470-2045(11)70008-0 do.
CITATION_LINK = re.compile(
    r"\]\((https://(?:pubmed\.ncbi\.nlm\.nih\.gov|doi\.org)/(?:[^()\s]|\([^()\s]*\))+)\)"
)
CARD_TITLE = re.compile(r"^### (\d+)\. (.+) :\w+-badge\[[^\]]*\]$")
TIMEOUT = 60
# Motor deficit, fit, mechanical pain and collapse: whether the cord is compressed decides.
BILSKY_DECIDES: dict[str, object] = {
    "level": "T8",
    "histology": "lung",
    "frankel": "C",
    "kps": 90,
    "pain": "mechanical",
    "collapse": "over_50_percent",
}


def _app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=TIMEOUT).run()


def _widget(at: AppTest, key: str) -> Widget:
    node = at.get_by_key(key)
    assert isinstance(node, Widget), key
    return node


def _fill(at: AppTest, values: dict[str, Any]) -> AppTest:
    for name, value in values.items():
        _widget(at, name).set_value(value)
    return at


def _submit(at: AppTest) -> AppTest:
    return at.button(key="assess_submit").click().run()


def _markdown(at: AppTest) -> list[str]:
    return [str(element.value) for element in at.markdown]


def _card_order(at: AppTest) -> list[str]:
    titles = [CARD_TITLE.match(text) for text in _markdown(at)]
    found = [match for match in titles if match]
    assert [int(match.group(1)) for match in found] == list(range(1, len(found) + 1))
    return [match.group(2) for match in found]


def _assert_healthy(at: AppTest) -> None:
    assert not at.exception, [exception.value for exception in at.exception]
    assert FRIENDLY_ERROR not in [str(error.value) for error in at.error]


# --- pages ----------------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_without_exception_and_shows_the_disclaimer(page: str) -> None:
    at = _app()
    at.switch_page(page).run()
    _assert_healthy(at)
    assert BANNER in [str(warning.value) for warning in at.warning]
    assert PRIVACY in [str(caption.value) for caption in at.caption]


def test_evidence_library_lists_every_reference_with_links() -> None:
    at = _app()
    at.switch_page("app_pages/evidence_library.py").run()
    _assert_healthy(at)
    table = at.table[0].value
    assert len(table) == len(registry())
    cells = "\n".join(table["Reference"])
    for reference in registry().values():
        label = registry().labels[reference.id]
        if reference.pubmed_url:
            assert f"]({reference.pubmed_url}) :small[(PubMed)]" in cells, reference.id
        elif reference.doi_url:
            assert f"]({reference.doi_url}) :small[(DOI)]" in cells, reference.id
        elif reference.url:
            assert f"]({reference.url.split()[0]}) :small[(other source)]" in cells, label
    assert "None" not in table.to_string()


def test_evidence_library_search_narrows_the_table() -> None:
    at = _app()
    at.switch_page("app_pages/evidence_library.py").run()
    at.text_input(key="evidence_search").set_value("Patchell").run()
    references = list(at.table[0].value["Reference"])
    assert any(cell.startswith("[Patchell 2005](") for cell in references)
    assert len(references) < len(registry())


def test_rule_book_shows_every_rule_the_version_and_the_verdict_procedure() -> None:
    at = _app()
    at.switch_page("app_pages/rule_book.py").run()
    _assert_healthy(at)
    shown = sum(len(table.value) for table in at.table)
    assert shown == len(RULES)
    text = "\n".join(_markdown(at))
    assert "rules-" in text
    assert "net weight" in text
    headings = [str(element.value) for element in at.header]
    alerts = [rule for rule in RULES if rule.effect.kind == "alert"]
    assert f"Alerts ({len(alerts)})" in headings
    assert any(heading.startswith("Ceilings") for heading in headings)


def test_rule_book_draws_the_pathway_from_the_rule_table() -> None:
    at = _app()
    at.switch_page("app_pages/rule_book.py").run()
    _assert_healthy(at)
    charts = at.get("graphviz_chart")
    assert len(charts) == 1
    dot = pathway_dot()
    for option in Approach:
        assert f'"o_{option.value}"' in dot
    for need in ("fitness", "decompression", "stabilisation", "cement_candidate"):
        assert f'"n_{need}"' in dot
    codes = {rule.effect.code for rule in RULES if rule.effect.kind == "ceiling"}
    assert all(f'"c_{code}"' in dot for code in codes)


def test_about_page_gives_the_score_accuracy_figures_with_sources() -> None:
    at = _app()
    at.switch_page("app_pages/about.py").run()
    text = "\n".join(_markdown(at))
    for figure in ("63%", "0.79", "0.69", "0.67", "0.54"):
        assert figure in text
    for reference_id in ("zoccali2016_tokuhashi_pitfalls", "schoenfeld2022_nesms_prospective"):
        assert f"]({registry()[reference_id].pubmed_url})" in text


# --- the assess page --------------------------------------------------------------------------


def test_a_fresh_form_is_all_unknown() -> None:
    at = _app()
    for name, value in default_state().items():
        assert _widget(at, name).value == value, name
    assert not [match for match in map(CARD_TITLE.match, _markdown(at)) if match]


@pytest.mark.parametrize("seed", SEEDS)
def test_seed_case_shows_the_options_in_the_core_order(seed: str) -> None:
    data = load_seed(seed)
    expected = assess(Patient.model_validate(data))
    at = _submit(_fill(_app(), data))
    _assert_healthy(at)
    order = _card_order(at)
    assert order == [option.label for option in expected.options]
    assert len(order) == len(Approach) == 7
    for option in expected.options:
        assert at.get_by_key(f"option_card_{option.approach.value}")


@pytest.mark.parametrize("seed", SEEDS)
def test_seed_case_cites_its_evidence_as_pubmed_or_doi_links(seed: str) -> None:
    data = load_seed(seed)
    expected = assess(Patient.model_validate(data))
    at = _submit(_fill(_app(), data))
    links = {link for text in _markdown(at) for link in CITATION_LINK.findall(text)}
    assert links
    known = {
        url
        for reference in expected.citations.values()
        for url in (reference.pubmed_url, reference.doi_url)
        if url
    }
    assert links <= known


def test_seed_case_shows_scores_with_unknown_ranges_and_the_bilsky_reading() -> None:
    data = load_seed("seed_thoracic_lung_unfit")
    expected = assess(Patient.model_validate(data))
    at = _submit(_fill(_app(), data))
    text = "\n".join(_markdown(at))
    assert "unknown (possible " in text
    assert expected.bilsky.group
    assert expected.bilsky.group in text
    component_tables = [table.value for table in at.table]
    assert any("Points" in table.columns for table in component_tables)


def test_case_label_is_shown_as_plain_text() -> None:
    label = "Teaching *case* [x](https://example.org) <b>"
    at = _fill(_app(), {"level": "T8", "histology": "lung", "case_label": label})
    at = _submit(at)
    assert f"Case: {label}" in [str(text.value) for text in at.text]
    assert not any("example.org)" in text and "[x]" in text for text in _markdown(at))


def test_contradictory_kps_and_ecog_show_a_field_error_not_an_exception() -> None:
    at = _fill(_app(), {"level": "T8", "histology": "lung", "kps": 90, "ecog": 3})
    at = _submit(at)
    _assert_healthy(at)
    errors = [str(error.value) for error in at.error]
    assert any("kps" in error and "ecog" in error for error in errors)
    assert not _card_order(at)


def test_an_out_of_range_number_is_named_in_plain_language() -> None:
    at = _fill(_app(), {"level": "T8", "histology": "lung", "expected_survival_months": -1.0})
    at = _submit(at)
    _assert_healthy(at)
    errors = [str(error.value) for error in at.error]
    assert any("expected_survival_months" in error and "months" in error for error in errors)


def test_a_failure_while_rendering_shows_a_friendly_message_and_logs_no_detail(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def script() -> None:
        from app_pages.render import friendly_errors

        with friendly_errors("a test"):
            raise RuntimeError("detail typed by a user")

    at = AppTest.from_function(script, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert [str(error.value) for error in at.error] == [FRIENDLY_ERROR]
    assert "RuntimeError" in caplog.text
    assert "detail typed by a user" not in caplog.text


def test_missing_required_fields_are_named() -> None:
    at = _submit(_app())
    _assert_healthy(at)
    errors = "\n".join(str(error.value) for error in at.error)
    assert "level" in errors
    assert "histology" in errors


def test_an_identifier_in_the_case_label_is_rejected_without_repeating_it() -> None:
    at = _fill(_app(), {"level": "T8", "histology": "lung", "case_label": "**12345678**"})
    at = _submit(at)
    errors = [str(error.value) for error in at.error]
    assert any("case_label" in error and "patient identifier" in error for error in errors)
    assert not any("12345678" in error for error in errors)


def test_the_result_survives_reruns_and_a_visit_to_another_page() -> None:
    data = load_seed("seed_thoracic_lung_unfit")
    at = _submit(_fill(_app(), data))
    before = _card_order(at)
    at.run()
    assert _card_order(at) == before
    at.switch_page("app_pages/rule_book.py").run()
    at.switch_page("app_pages/assess.py").run()
    assert _card_order(at) == before
    assert _widget(at, "level").value == data["level"]
    assert _widget(at, "kps").value == data["kps"]


def test_new_case_clears_the_form_and_the_result() -> None:
    at = _submit(_fill(_app(), load_seed("seed_thoracic_lung_unfit")))
    at.button(key="assess_new_case").click().run()
    assert not _card_order(at)
    assert _widget(at, "level").value is None
    assert _widget(at, "case_label").value == ""


def test_a_rapidly_progressive_deficit_shows_an_emergency_error() -> None:
    data = {"level": "T8", "histology": "lung", "rapidly_progressive_deficit": True}
    expected = assess(Patient.model_validate(data))
    emergency = [alert for alert in expected.alerts if alert.level is AlertLevel.EMERGENCY]
    assert emergency
    at = _submit(_fill(_app(), data))
    _assert_healthy(at)
    errors = [str(error.value) for error in at.error]
    assert any(escape_markdown(emergency[0].text) in error for error in errors)


def test_a_moribund_patient_is_not_suggested_posterior_only_surgery() -> None:
    at = _fill(_app(), {"level": "T8", "histology": "lung", "frankel": "D", "kps": 10})
    at = _submit(at)
    _assert_healthy(at)
    card = at.get_by_key("option_card_posterior_only")
    titles = [str(element.value) for element in card.markdown]
    assert any("Not suggested" in title and "Posterior-only" in title for title in titles)
    assert any("moribund" in title.lower() for title in titles)


def test_a_missing_bilsky_grade_that_could_change_the_answer_is_named_first() -> None:
    data = BILSKY_DECIDES
    assert "escc_grade" in assess(Patient.model_validate(data)).decisive_missing_inputs
    at = _submit(_fill(_app(), data))
    _assert_healthy(at)
    warnings = [str(warning.value) for warning in at.main.warning]
    notices = [index for index, text in enumerate(warnings) if "Provisional result" in text]
    assert notices, warnings
    assert "Bilsky ESCC grade" in warnings[notices[0]]
    # It comes before every alert: only the banner is above it.
    assert warnings[: notices[0]] == [BANNER]


def test_the_noms_summary_shows_each_need_with_its_source() -> None:
    data = {"level": "T8", "histology": "lung", "frankel": "D", "kps": 10}
    expected = assess(Patient.model_validate(data))
    at = _submit(_fill(_app(), data))
    tables = [table.value for table in at.table if "Assessment" in table.value.columns]
    assert tables
    needs = tables[0]
    assert list(needs["Assessment"]) == [name for _, name in NEED_NAMES]
    assert "moribund" in needs["Result"].iloc[-1]
    assert expected.needs.fitness.source[0] in needs["From"].iloc[-1]


# --- the form, pure -----------------------------------------------------------------------------


def test_the_form_has_a_widget_for_every_patient_field_and_nothing_else() -> None:
    assert set(FIELDS) == set(INPUT_FIELDS)
    assert sum(len(group.fields) for group in GROUPS) == len(INPUT_FIELDS)


def test_every_field_has_grading_help() -> None:
    assert all(spec.help.strip() for spec in FIELDS.values())


def test_optional_choices_start_with_unknown_and_required_ones_do_not() -> None:
    for spec in FIELDS.values():
        if not spec.is_select:
            continue
        offered = choices(spec)
        assert (offered[0] == UNKNOWN) is not spec.is_required, spec.name


def test_every_choice_is_one_the_core_accepts() -> None:
    for spec in FIELDS.values():
        if not spec.is_select:
            continue
        for value in choices(spec):
            if value == UNKNOWN:
                continue
            data: dict[str, object] = {"level": "T8", "histology": "lung", spec.name: value}
            assert isinstance(parse_patient(data), Patient), (spec.name, value)


def test_choice_labels_are_readable() -> None:
    spec = FIELDS["collapse"]
    assert choice_label(spec)(UNKNOWN) == UNKNOWN
    assert "_" not in choice_label(spec)("no_collapse_over_50_percent_involved")
    assert choice_label(FIELDS["cachexia"])(True) == "yes"


def test_form_values_leave_unknowns_out() -> None:
    state = default_state() | {"level": "T8", "histology": "lung", "case_label": "  "}
    assert form_values(state) == {"level": "T8", "histology": "lung"}


@pytest.mark.parametrize("seed", SEEDS)
def test_patient_state_round_trips_through_the_form(seed: str) -> None:
    patient = Patient.model_validate(load_seed(seed))
    assert parse_patient(form_values(patient_state(patient))) == patient


def test_a_problem_naming_two_fields_is_shown_under_both() -> None:
    problem = InputProblem(field="kps/ecog", message="disagree")
    assert problems_by_field([problem]) == {"kps": ["disagree"], "ecog": ["disagree"]}
    assert "kps" in problem_sentence(problem)
    assert "ecog" in problem_sentence(problem)


# --- rendering, pure ----------------------------------------------------------------------------


def _reference(verification: Verification, **fields: Any) -> Reference:
    base: dict[str, Any] = {
        "id": "doe2020_example",
        "authors": "Doe J, Roe R",
        "title": "An example",
        "journal": "Spine",
        "year": 2020,
        "volume": None,
        "issue": None,
        "pages": None,
        "pmid": "123",
        "doi": None,
        "design": "case series",
        "key_finding": "Something.",
        "verification": verification,
        "source_url": None,
        "notes": None,
    }
    return Reference.model_validate(base | fields)


def test_citation_links_author_year_to_pubmed() -> None:
    text = citation_markdown(_reference(Verification.VERIFIED))
    assert text.startswith("[Doe 2020](https://pubmed.ncbi.nlm.nih.gov/123/)")
    assert "case series" in text
    assert "Level IV" in text


@pytest.mark.parametrize(
    ("verification", "words"),
    [(Verification.AS_CITED, "not verified"), (Verification.UNRESOLVED, "unresolved")],
)
def test_unchecked_references_look_different_from_verified_ones(
    verification: Verification, words: str
) -> None:
    verified = citation_markdown(_reference(Verification.VERIFIED))
    unchecked = citation_markdown(_reference(verification))
    assert words in unchecked
    assert words not in verified
    assert "-badge[" in unchecked
    assert "-badge[" not in verified


def test_link_target_drops_the_curators_note_after_an_address() -> None:
    reference = _reference(
        Verification.VERIFIED, pmid=None, source_url="http://example.org/table (a note)"
    )
    assert link_target(reference) == "http://example.org/table"
    assert link_target(_reference(Verification.AS_CITED, pmid=None)) is None


def test_escape_markdown_neutralises_links_emphasis_and_html() -> None:
    escaped = escape_markdown("*a* [b](c) <i> $x$ ~y~")
    assert escaped == r"\*a\* \[b\](c) \<i\> \$x\$ \~y\~"


@given(text())
def test_escape_markdown_backslashes_every_special_character_and_keeps_the_rest(
    plain: str,
) -> None:
    escaped = escape_markdown(plain)
    # Read back: a backslash always starts a pair, whose second character is the original;
    # a zero-width space is only ever added (any in the input is not printable).
    original, index = [], 0
    while index < len(escaped):
        if escaped[index] == "\\":
            assert escaped[index + 1] in MARKDOWN_SPECIALS
            original.append(escaped[index + 1])
            index += 2
        else:
            assert escaped[index] not in MARKDOWN_SPECIALS
            if escaped[index] != WORD_BREAK:
                original.append(escaped[index])
            index += 1
    shown_plain = "".join(c if c.isprintable() else " " for c in plain)
    assert "".join(original) == shown_plain
    assert re.search(r":[^\s\u200b]", escaped) is None  # no :icon:, :emoji: or https://
    assert re.search(r"(?i)www\.", escaped) is None


@pytest.mark.parametrize(
    ("hostile", "escaped"),
    [
        pytest.param(":material/warning:", ":\u200bmaterial/warning:", id="icon"),
        pytest.param(":smile:", ":\u200bsmile:", id="emoji"),
        pytest.param(":red[colour]", ":\u200bred\\[colour\\]", id="colour"),
        pytest.param(
            "![x](https://evil.example/x.png)",
            "\\!\\[x\\](https:\u200b//evil.example/x.png)",
            id="image",
        ),
        pytest.param("see www.evil.example", "see www\u200b.evil.example", id="www_link"),
        pytest.param("a@evil.example", "a\\@evil.example", id="email_link"),
        pytest.param("one\n- two\r\x1b[2J", "one - two  \\[2J", id="line_breaks_and_escapes"),
        pytest.param("kps: 40", "kps: 40", id="a_colon_before_a_space_stays"),
    ],
)
def test_escape_markdown_defuses_streamlit_icons_colours_and_autolinks(
    hostile: str, escaped: str
) -> None:
    assert escape_markdown(hostile) == escaped


def test_ranking_lists_every_option_best_first_with_its_verdict() -> None:
    assessment = assess(Patient.model_validate(load_seed("seed_thoracic_lung_unfit")))
    lines = ranking_markdown(assessment.options).splitlines()
    assert len(lines) == len(Approach)
    first = assessment.options[0]
    assert lines[0].startswith(f"1. {verdict_badge(first.verdict)}")


def test_a_score_with_missing_inputs_shows_its_possible_range() -> None:
    assessment = assess(Patient.model_validate({"level": "T8", "histology": "lung"}))
    sins = assessment.scores.sins
    assert score_value(sins) == f"unknown (possible {sins.min}-{sins.max})"


def test_missing_inputs_are_grouped_by_what_they_feed() -> None:
    assessment = assess(Patient.model_validate({"level": "T8", "histology": "lung"}))
    grouped = missing_by_use(assessment, {name: spec.label for name, spec in FIELDS.items()})
    assert "Pain" in grouped["SINS, cement candidacy"]
    assert sum(map(len, grouped.values())) == len(assessment.missing_inputs)


def test_downloads_are_stamped_with_the_rules_version() -> None:
    assessment = assess(Patient.model_validate(load_seed("seed_thoracic_lung_unfit")))
    assert json.loads(assessment_json(assessment))["rules_version"] == assessment.rules_version
    assert assessment.rules_version in to_markdown(assessment)
    name = download_name(assessment, "json", now=datetime(2026, 11, 29, 14, 5))
    assert name == f"spinal-metastasis-options-2026-11-29-1405-{assessment.rules_version}.json"
    assert "Seed" not in name


# --- static tables --------------------------------------------------------------------------------


def test_every_reference_has_a_library_row_with_the_options_citing_it() -> None:
    rows = {row.id: row for row in reference_rows()}
    assert set(rows) == set(registry())
    citing = rules_citing(registry())
    for reference_id, row in rows.items():
        assert set(row.options) == {
            APPROACH_LABELS[option]
            for rule in citing[reference_id]
            for option in rule_options(rule)
        }


def test_library_filters_combine() -> None:
    rows = reference_rows()
    endoscopic = APPROACH_LABELS[Approach.ENDOSCOPIC_TRANSPEDICULAR]
    shown = filter_rows(rows, options=[endoscopic], designs=["case report"])
    assert [row.id for row in shown] == ["li2025_endoscopic_transpedicular"]
    assert filter_rows(rows, verifications=[Verification.UNRESOLVED])
    assert all(
        row.year is not None and 2020 <= row.year <= 2025
        for row in filter_rows(rows, years=(2020, 2025))
    )


def test_rule_book_rows_cover_every_rule_once() -> None:
    shown = [row["Rule"] for section in rule_sections() for row in rule_records(section.rules)]
    assert sorted(shown) == sorted(f"`{rule.id}`" for rule in RULES)


def test_rule_book_ceilings_run_c1_to_c21() -> None:
    ceilings = next(section for section in rule_sections() if section.title.startswith("Ceil"))
    numbers = [int(rule.effect.code[1:]) for rule in ceilings.rules]  # type: ignore[union-attr]
    assert numbers == sorted(numbers)
    assert numbers[0] == 1


def test_a_gate_that_set_the_verdict_is_shown_first_with_its_code() -> None:
    assessment = assess(Patient.model_validate({"level": "T8", "histology": "lung", "kps": 10}))
    option = next(o for o in assessment.options if o.approach is Approach.POSTERIOR_ONLY)
    gates = gate_reasons(option)
    assert gates[0].rule == option.deciding_rule
    line = gate_markdown(option, gates[0], assessment.citations)
    assert line.startswith("- **Sets the verdict** (C")
    assert "caps at not suggested" in line


def test_the_provisional_notice_names_inputs_by_their_form_labels() -> None:
    data = BILSKY_DECIDES
    assessment = assess(Patient.model_validate(data))
    notice = provisional_markdown(assessment, {n: f.label for n, f in FIELDS.items()})
    assert notice is not None
    assert "**Bilsky ESCC grade**" in notice
    assert "escc_grade" not in notice
    settled = assess(Patient.model_validate(load_seed("seed_thoracic_lung_unfit")))
    if not settled.provisional:
        assert provisional_markdown(settled, {}) is None


# --- quality bars ---------------------------------------------------------------------------------


def _ui_sources() -> list[Path]:
    return [ROOT / "app.py", *sorted((ROOT / "app_pages").glob("*.py"))]


def test_raw_html_is_only_the_fixed_style_and_reveal_script_and_the_address_holds_no_input() -> (
    None
):
    for path in _ui_sources():
        source = path.read_text(encoding="utf-8")
        for banned in ("unsafe_allow_html", "components.v1"):
            assert banned not in source, f"{path.name} uses {banned}"
        if path.name != "render.py":
            assert "st.html" not in source, path.name
        # Query parameters: the teaching case id, and a constant session mark; never an input.
        uses = re.findall(r"query_params(\S*)", source)
        allowed: tuple[str, ...] = (".get(SESSION_MARKER", "[SESSION_MARKER]")
        if path.name != "session_notice.py":
            allowed = (".get(CASE_PARAM", ".pop(CASE_PARAM", "=")
        assert all(use.startswith(allowed) for use in uses), (path.name, uses)
    notice = (ROOT / "app_pages" / "session_notice.py").read_text(encoding="utf-8")
    assert re.findall(r"st\.query_params\[[^]]*\] = (\w+)", notice) == ["SESSION_MARKER_VALUE"]


def test_caches_hold_only_static_data() -> None:
    for path in _ui_sources():
        source = path.read_text(encoding="utf-8")
        for match in re.finditer(r"@st\.cache_(?:data|resource)\s*\ndef \w+\(([^)]*)\)", source):
            argument = match.group(1).strip()
            assert argument in ("", "option: Approach"), f"{path.name} caches on {argument!r}"
        if path.name in ("assess.py", "patient_form.py", "render.py"):
            assert "cache_" not in source, path.name


# --- cards and the answer -------------------------------------------------------------------------


def test_a_card_summary_names_the_deciding_gate_and_the_weights_never_a_bullet() -> None:
    assessment = assess(Patient.model_validate(load_seed("seed_thoracic_lung_unfit")))
    top = assessment.options[0]
    # Worked from the seed: non-operative care is capped at consider by C10 and has no
    # weighed reason for or against (only a note), so its net weight is 0.
    assert top.deciding_rule == "c10_radiotherapy_beside_endoscopic_only"
    assert card_summary(top) == (
        "Consider, capped by gate C10. Weighed reasons: 0 for, 0 against (net +0)."
    )
    for case in teaching_cases():
        for option in assess(case.patient).options:
            summary = card_summary(option)
            assert all(reason.text not in summary for reason in option.reasons), case.slug


def test_the_announcement_says_the_first_option_its_verdict_and_the_alerts() -> None:
    assessment = assess(Patient.model_validate(load_seed("seed_thoracic_lung_unfit")))
    assert announcement(assessment) == (
        "Result ready. First option: Non-operative care (radiotherapy, systemic and "
        "supportive care), consider. The result is provisional. 2 alerts above the options."
    )


def test_a_provisional_notice_without_decisive_inputs_states_its_reason_plainly() -> None:
    # A SINS total without items at T11, Bilsky 0: only the painful-fracture reason holds.
    notice = provisional_markdown(assess(Patient.model_validate(SINS_TOTAL_ONLY)), {})
    assert notice == (
        "**Provisional result.**  \n"
        "Cement candidacy is unknown (pain, collapse, alignment, posterolateral not "
        "recorded): a painful compression fracture would change the first option."
    )
