"""The teaching pages (case library, what-if, compare, quiz, PDF report), driven with AppTest."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Widget

from app_pages.compare import (
    input_difference_records,
    need_records,
    one_sided_reasons,
    prefix,
    verdict_changes,
    verdict_records,
)
from app_pages.patient_form import FIELDS, default_state, patient_state
from app_pages.quiz import (
    QuizAnswer,
    agreement_markdown,
    quiz_label,
    ranking_records,
    repeated,
    score_markdown,
)
from app_pages.render import BANNER, FRIENDLY_ERROR, verdict_badge
from app_pages.scenarios import CASE_PARAM, changed_state
from app_pages.what_if import (
    TABS_KEY,
    WHAT_IF_TAB,
    fill_records,
    fill_summary,
    flip_markdown,
    option_name,
    sorted_flips,
    values_words,
)
from rules import APPROACH_LABELS, Approach, Patient, Verdict, assess
from rules.case_library import case_by_slug, teaching_cases
from rules.whatif import Flip, what_if
from tests.conftest import ROOT, load_seed

APP = str(ROOT / "app.py")
TIMEOUT = 60
NEW_PAGES = ("app_pages/case_library.py", "app_pages/compare.py", "app_pages/quiz.py")
LOADED_CASES = (
    pytest.param("seed_thoracic_lung_unfit", id="seed_thoracic_lung_unfit"),
    pytest.param("hypervascular_renal", id="hypervascular_renal"),
    pytest.param("cervical_out_of_scope", id="cervical_out_of_scope"),
)
# What and when in a download's name: date and time to the minute.
STAMP = r"\d{4}-\d{2}-\d{2}-\d{4}"
CARD_TITLE = re.compile(r"^### (\d+\. .+) :\w+-badge\[[^\]]*\]$")
SEED_1 = "seed_thoracic_lung_unfit"
SEED_2 = "seed_lumbar_sarcoma_frail"


def _app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=TIMEOUT).run()


def _load_case(slug: str) -> AppTest:
    """Click a case's load button in the library; the app switches to Assess by itself."""
    at = _app()
    at.switch_page("app_pages/case_library.py").run()
    at.button(key=f"load_case_{slug}").click().run()
    assert "Assess a spinal metastasis" in [str(title.value) for title in at.title]
    # AppTest re-requests the page it was last told to switch to on every run; follow the
    # app's own switch so the next run (a click on the Assess form) happens on Assess.
    return at.switch_page("app_pages/assess.py")


def _widget(at: AppTest, key: str) -> Widget:
    node = at.get_by_key(key)
    assert isinstance(node, Widget), key
    return node


def _markdown(at: AppTest) -> list[str]:
    return [str(element.value) for element in at.markdown]


def _assert_healthy(at: AppTest) -> None:
    assert not at.exception, [exception.value for exception in at.exception]
    assert FRIENDLY_ERROR not in [str(error.value) for error in at.error]


def _option_cards(at: AppTest) -> list[str]:
    """The option cards shown, as their titles ('1. label'), best first."""
    return [match.group(1) for match in map(CARD_TITLE.match, _markdown(at)) if match]


def _submit_seed(name: str) -> AppTest:
    at = _app()
    for field, value in load_seed(name).items():
        _widget(at, field).set_value(value)
    return at.button(key="assess_submit").click().run()


def _open_what_if(at: AppTest) -> AppTest:
    """Select the lazy what-if tab, as a click on it would."""
    at.session_state[TABS_KEY] = WHAT_IF_TAB
    return at.run()


def _patient(name: str) -> Patient:
    return Patient.model_validate(load_seed(name))


# --- pages --------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", NEW_PAGES)
def test_every_teaching_page_renders_and_shows_the_disclaimer(page: str) -> None:
    at = _app()
    at.switch_page(page).run()
    _assert_healthy(at)
    assert BANNER in [str(warning.value) for warning in at.warning]


def test_case_library_lists_every_case_with_its_teaching_point_and_evidence_links() -> None:
    at = _app()
    at.switch_page("app_pages/case_library.py").run()
    text = "\n".join(_markdown(at))
    for case in teaching_cases():
        assert at.button(key=f"load_case_{case.slug}")
        assert case.teaching_point.split(";")[0].split(":")[0][:40] in text
    assert "](https://pubmed.ncbi.nlm.nih.gov/" in text


# --- case library -> assess -----------------------------------------------------------------------


@pytest.mark.parametrize("slug", LOADED_CASES)
def test_loading_a_case_fills_the_assess_form_and_submitting_gives_the_core_top_option(
    slug: str,
) -> None:
    case = case_by_slug(slug)
    at = _load_case(slug)
    _assert_healthy(at)
    for name, value in patient_state(case.patient).items():
        assert _widget(at, name).value == value, name

    at.button(key="assess_submit").click().run()
    _assert_healthy(at)
    expected = assess(case.patient)
    cards = _option_cards(at)
    assert len(cards) == len(expected.options)
    for card, option in zip(cards, expected.options, strict=True):
        assert card.endswith(option.label)


def test_a_loaded_case_replaces_the_previous_result() -> None:
    at = _submit_seed(SEED_1)
    at.switch_page("app_pages/case_library.py").run()
    at.button(key="load_case_cervical_out_of_scope").click().run()
    assert "Assess a spinal metastasis" in [str(title.value) for title in at.title]
    assert _widget(at, "level").value == "C5"
    assert _widget(at, "kps").value == "unknown"
    assert "Case: C5 breast metastasis" in [str(text.value) for text in at.text]


def test_quiz_me_on_it_opens_the_quiz_on_that_case() -> None:
    at = _app()
    at.switch_page("app_pages/case_library.py").run()
    at.button(key="quiz_case_hypervascular_renal").click().run()
    _assert_healthy(at)
    assert _widget(at, "quiz_case").value == "hypervascular_renal"
    case = case_by_slug("hypervascular_renal")
    subheaders = [str(s.value) for s in at.header]
    assert quiz_label(case) in subheaders
    assert case.title not in subheaders  # hidden until the answer is revealed


# --- what-if on the assess page ------------------------------------------------------------------


def test_what_if_after_seed_1_lists_every_kps_change_of_the_top_option() -> None:
    patient = _patient(SEED_1)
    kps_flips = [flip for flip in what_if(patient).flips if flip.field == "kps"]
    assert kps_flips, "the core no longer changes seed 1's first option on KPS"
    # A fitter patient opens open surgery: a higher KPS never puts non-operative care first.
    assert all(
        flip.top_after is not Approach.NON_OPERATIVE for flip in kps_flips if min(flip.after) >= 50
    )

    at = _submit_seed(SEED_1)
    _assert_healthy(at)
    assert "What would change this answer?" not in [str(s.value) for s in at.header]
    at = _open_what_if(at)
    _assert_healthy(at)
    assert "What would change this answer?" in [str(s.value) for s in at.header]
    shown = "\n".join(_markdown(at))
    for flip in kps_flips:
        assert flip_markdown(flip) in shown
    assert "**KPS** 40 → " in shown
    assert "With the unknowns filled in" in [str(s.value) for s in at.header]
    fill_table = at.table[-1].value
    assert list(fill_table["Option"]) == [
        option_name(option.approach) for option in assess(patient).options
    ]


def test_what_if_says_when_there_are_too_many_combinations_and_names_the_unknowns() -> None:
    at = _open_what_if(_load_case("incomplete_record"))
    _assert_healthy(at)
    infos = [str(info.value) for info in at.info]
    assert any("Too many combinations" in info and "Pain" in info for info in infos)


Deferred = tuple[Callable[[], Any], str | None, str | None]


def _deferred_downloads(monkeypatch: pytest.MonkeyPatch) -> list[Deferred]:
    """Catch the callables download buttons register, with their MIME type and file name.

    The files are built only when a button is pressed (a deferred callable), so a test runs
    the callable as a click would.
    """
    registered: list[Deferred] = []
    original = MediaFileManager.add_deferred

    def spy(
        self: MediaFileManager,
        data_callable: Callable[[], Any],
        mimetype: str | None,
        coordinates: str,
        file_name: str | None = None,
        **kwargs: Any,
    ) -> str:
        registered.append((data_callable, mimetype, file_name))
        return original(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", spy)
    return registered


def _download(registered: list[Deferred], mimetype: str) -> tuple[Any, str]:
    (entry,) = [entry for entry in registered if entry[1] == mimetype]
    build, _, filename = entry
    assert filename is not None
    return build(), filename


def test_the_pdf_report_downloads_as_a_pdf_named_with_the_rules_version(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    registered = _deferred_downloads(monkeypatch)
    at = _submit_seed(SEED_1)
    button = at.get_by_key("download_pdf")
    assert button is not None
    assert str(button.proto.label) == "Download PDF report"
    data, filename = _download(registered, "application/pdf")
    assert isinstance(data, bytes)
    assert data.startswith(b"%PDF")
    assert len(data) > 1000
    version = assess(_patient(SEED_1)).rules_version
    assert re.fullmatch(rf"spinal-metastasis-options-{STAMP}-{version}\.pdf", filename)


def test_json_and_markdown_downloads_hold_the_assessment_and_its_rules_version(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    registered = _deferred_downloads(monkeypatch)
    _submit_seed(SEED_1)
    expected = assess(_patient(SEED_1))
    data, filename = _download(registered, "application/json")
    assert json.loads(data) == expected.model_dump(mode="json")
    assert re.fullmatch(
        rf"spinal-metastasis-options-{STAMP}-{expected.rules_version}\.json", filename
    )
    data, filename = _download(registered, "text/markdown")
    assert expected.rules_version in data
    assert "not for clinical decisions" in data
    assert expected.options[0].label in data
    assert re.fullmatch(
        rf"spinal-metastasis-options-{STAMP}-{expected.rules_version}\.md", filename
    )


# --- compare ------------------------------------------------------------------------------------


def _compare_seed(name: str) -> AppTest:
    at = _app()
    at.switch_page("app_pages/compare.py").run()
    _widget(at, "compare_case").set_value(name)
    return at.button(key="compare_load").click().run()


def test_loading_a_case_into_compare_fills_both_sides_and_leaves_assess_alone() -> None:
    at = _compare_seed(SEED_2)
    expected = patient_state(case_by_slug(SEED_2).patient)
    for side in ("a", "b"):
        for name, value in expected.items():
            assert _widget(at, f"{prefix(side)}{name}").value == value, (side, name)
    at.switch_page("app_pages/assess.py").run()
    for name, value in default_state().items():
        assert _widget(at, name).value == value, name


def test_compare_cachexia_yes_against_no_shows_the_changed_verdicts() -> None:
    at = _compare_seed(SEED_2)
    _widget(at, "compare_b_cachexia").set_value(False)
    at = at.button(key="compare_submit").click().run()
    _assert_healthy(at)
    tables = [table.value for table in at.table]
    differences = next(table for table in tables if "Input" in table.columns)
    assert list(differences["Input"]) == ["Cachexia"]
    assert list(differences["Scenario A"]) == ["yes"]
    assert list(differences["Scenario B"]) == ["no"]

    with_cachexia = assess(_patient(SEED_2))
    without = assess(_patient(SEED_2).model_copy(update={"cachexia": False}))
    expected = {
        APPROACH_LABELS[change.approach] for change in verdict_changes(with_cachexia, without)
    }
    assert expected, "cachexia no longer changes any verdict for seed 2"
    verdicts = next(table for table in tables if "Change" in table.columns)
    changed = {
        row["Option"]
        for _, row in verdicts.iterrows()
        if row["Change"] and "→" in str(row["Change"])
    }
    assert {label for label in expected if any(label in option for option in changed)} == expected

    needs = next(table for table in tables if "Assessment" in table.columns)
    fitness = needs[needs["Assessment"].str.contains("fitness")].iloc[0]
    assert with_cachexia.needs.fitness.value != without.needs.fitness.value
    assert fitness["Scenario A"].startswith(":orange-background[")
    assert with_cachexia.needs.fitness.value in fitness["Scenario A"]
    assert without.needs.fitness.value in fitness["Scenario B"]


def test_copy_a_into_b_copies_every_field() -> None:
    at = _app()
    at.switch_page("app_pages/compare.py").run()
    for name, value in load_seed(SEED_1).items():
        _widget(at, f"{prefix('a')}{name}").set_value(value)
    at = at.button(key="compare_copy").click().run()
    _assert_healthy(at)
    for name in FIELDS:
        assert (
            _widget(at, f"{prefix('b')}{name}").value == _widget(at, f"{prefix('a')}{name}").value
        ), name
    assert _widget(at, f"{prefix('b')}kps").value == 40


def test_a_scenario_with_a_problem_is_named_and_nothing_is_compared() -> None:
    at = _compare_seed(SEED_2)
    _widget(at, "compare_b_ecog").set_value(0)
    _widget(at, "compare_b_kps").set_value(30)
    at = at.button(key="compare_submit").click().run()
    _assert_healthy(at)
    errors = [str(error.value) for error in at.error]
    assert any("Scenario B" in error and "kps" in error for error in errors)
    assert not any("Change" in table.value.columns for table in at.table)


def test_compare_records_list_only_what_differs() -> None:
    with_cachexia = assess(_patient(SEED_2))
    without = assess(_patient(SEED_2).model_copy(update={"cachexia": False}))
    assert [row["Input"] for row in input_difference_records(with_cachexia, without)] == [
        "Cachexia"
    ]
    assert input_difference_records(with_cachexia, with_cachexia) == []
    rows = verdict_records(with_cachexia, without)
    assert [bool(row["Change"]) for row in rows] == [
        option.verdict
        is not next(o for o in without.options if o.approach is option.approach).verdict
        for option in with_cachexia.options
    ]
    assert one_sided_reasons(with_cachexia, with_cachexia) == []
    assert one_sided_reasons(with_cachexia, without)
    needs = need_records(with_cachexia, without)
    assert len(needs) == 5  # four NOMS assessments and the tumour class
    highlighted_rows = [row["Assessment"] for row in needs if "background" in row["Scenario A"]]
    assert highlighted_rows == ["Systemic: fitness for surgery"]
    assert all("background" not in row["Scenario A"] for row in need_records(without, without))


# --- quiz ---------------------------------------------------------------------------------------


def _quiz(slug: str, best: Approach) -> AppTest:
    at = _app()
    at.switch_page("app_pages/quiz.py").run()
    _widget(at, "quiz_case").set_value(slug).run()
    _widget(at, "quiz_best").set_value(best)
    return at.button(key="quiz_reveal").click().run()


def test_quiz_hides_the_answer_until_reveal() -> None:
    at = _app()
    at.switch_page("app_pages/quiz.py").run()
    _widget(at, "quiz_case").set_value(SEED_1).run()
    assert not _option_cards(at)
    at.button(key="quiz_reveal").click().run()
    assert not _option_cards(at)
    assert any("Choose the option" in str(warning.value) for warning in at.warning)


def test_quiz_reveal_shows_the_tools_top_option_and_the_teaching_point() -> None:
    case = case_by_slug(SEED_1)
    top = assess(case.patient).options[0]
    at = _quiz(SEED_1, Approach.POSTERIOR_ONLY)
    _assert_healthy(at)
    warnings = [str(warning.value) for warning in at.warning]
    assert any("The tool puts first:" in text and top.label in text for text in warnings)
    infos = [str(info.value) for info in at.info]
    assert any(case.teaching_point in text for text in infos)
    assert case.title in [str(s.value) for s in at.header]
    assert _option_cards(at)


def test_quiz_marks_agreement_when_the_learner_picks_the_tools_top_option() -> None:
    case = case_by_slug(SEED_1)
    top = assess(case.patient).options[0]
    at = _quiz(SEED_1, top.approach)
    assert any("Same first choice" in str(success.value) for success in at.success)


def test_changing_the_quiz_case_hides_the_answer_again() -> None:
    at = _quiz(SEED_1, Approach.NON_OPERATIVE)
    assert _option_cards(at)
    _widget(at, "quiz_case").set_value(SEED_2).run()
    assert not _option_cards(at)
    assert _widget(at, "quiz_best").value is None


def test_quiz_ranking_is_compared_position_by_position() -> None:
    assessment = assess(case_by_slug(SEED_1).patient)
    tools = [option.approach for option in assessment.options]
    ranking = (tools[1], None, tools[4], tools[4], None, tools[6])
    answer = QuizAnswer(slug=SEED_1, best=tools[0], ranking=ranking)
    rows = ranking_records(answer, assessment)
    assert len(rows) == len(Approach) == 7
    assert [row["Same"] for row in rows] == ["✓", "✓", "", "", "✓", "", "✓"]
    assert rows[2]["Yours"] == "-"
    assert repeated(answer.order) == [tools[4]]
    agrees, sentence = agreement_markdown(answer, assessment)
    assert agrees
    assert verdict_badge(assessment.options[0].verdict) in sentence


# --- what-if wording, pure ------------------------------------------------------------------------


def test_neighbouring_values_are_shown_as_ranges_and_the_rest_joined_with_or() -> None:
    levels = ("C1", "C2", "C3", "C4", "C5", "C6", "C7", "S1", "S2", "S3", "S4", "S5")
    assert values_words("level", levels) == "C1\u2013C7 or S1\u2013S5"
    assert values_words("kps", (50, 60, 70)) == "50\u201370"
    assert values_words("histology", ("myeloma", "lymphoma")) == "myeloma or lymphoma"
    assert values_words("ecog", (0, 1)) == "0 or 1"
    assert values_words("expected_survival_months", (9.0, 24)) == "9 or 24"
    assert values_words("albumin_g_dl", (3.0,)) == "3.0"


def test_changes_of_the_top_option_come_first() -> None:
    flips = sorted_flips(what_if(_patient(SEED_1)).flips)
    moves = [flip.changes_top for flip in flips]
    assert moves == sorted(moves, reverse=True)
    assert moves[0]
    assert not moves[-1]


def test_a_flip_shows_each_verdict_change_with_badges_and_an_arrow() -> None:
    flip = next(flip for flip in what_if(_patient(SEED_1)).flips if flip.field == "escc_grade")
    text = flip_markdown(flip)
    # Not 0: the seed's cord is compressed from the front, which Bilsky 0 would contradict.
    assert text.startswith("- **Bilsky ESCC grade** 2 → 1a or 1b")
    for change in flip.changes:
        assert f"{verdict_badge(change.before)} → {verdict_badge(change.after)}" in text


def test_a_cleared_partner_field_is_mentioned() -> None:
    flip = next(flip for flip in what_if(_patient(SEED_1)).flips if flip.field == "ecog")
    assert flip.also_cleared == "kps"
    assert "KPS set to unknown" in flip_markdown(flip)


def test_fill_summary_covers_restricted_and_unenumerated_analyses() -> None:
    restricted = what_if(_patient(SEED_1)).unknown_fill
    assert restricted.enumerated
    assert restricted.only_decisive
    assert "restricted to the ones that change the answer on their own" in (
        fill_summary(restricted)
    )
    assert f"{restricted.combinations:,} combinations" in fill_summary(restricted)

    too_many = what_if(case_by_slug("incomplete_record").patient).unknown_fill
    assert not too_many.enumerated
    summary = fill_summary(too_many)
    assert summary.startswith(f"Too many combinations to try ({too_many.combinations:,})")
    assert "Vertebral bodies involved" in summary


def test_fill_records_give_each_options_share_of_first_places_and_verdicts() -> None:
    assessment = assess(_patient(SEED_1))
    fill = what_if(assessment.patient).unknown_fill
    order = [option.approach for option in assessment.options]
    records = fill_records(fill, order)
    assert [row["Option"] for row in records] == [option_name(approach) for approach in order]
    for approach, row in zip(order, records, strict=True):
        top = fill.top_counts.get(approach, 0)
        assert row["First in"] == f"{round(100 * top / fill.combinations)}%"
        suggested = fill.verdict_counts[approach].get(Verdict.SUGGESTED, 0)
        assert bool(row["Suggested"]) is bool(suggested)


# --- links between pages ----------------------------------------------------------------------


def test_a_case_link_fills_the_form_and_assesses_it() -> None:
    case = case_by_slug(SEED_1)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params[CASE_PARAM] = SEED_1
    at.run()
    _assert_healthy(at)
    for name, value in patient_state(case.patient).items():
        assert _widget(at, name).value == value, name
    cards = _option_cards(at)
    assert cards == [f"{rank}. {o.label}" for rank, o in enumerate(assess(case.patient).options, 1)]
    assert at.query_params[CASE_PARAM] == SEED_1


def test_an_unknown_case_link_is_dropped_and_nothing_is_assessed() -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params[CASE_PARAM] = "no_such_case"
    at.run()
    _assert_healthy(at)
    assert not _option_cards(at)
    assert CASE_PARAM not in at.query_params


def test_a_what_if_change_is_applied_as_a_widget_value_clearing_its_partner() -> None:
    patient = Patient.model_validate(load_seed(SEED_1))
    flip = next(flip for flip in what_if(patient).flips if flip.field == "escc_grade")
    state = patient_state(patient)
    changed = changed_state(state, flip)
    assert changed["escc_grade"] == flip.after[0].value  # the enum's value, as the select holds
    assert {k: v for k, v in changed.items() if k != "escc_grade"} == {
        k: v for k, v in state.items() if k != "escc_grade"
    }
    paired = Flip(
        field="ecog",
        before=3,
        after=(1,),
        also_cleared="kps",
        top_before=Approach.NON_OPERATIVE,
        top_after=Approach.POSTERIOR_ONLY,
        changes=(),
    )
    cleared = changed_state(state, paired)
    assert (cleared["ecog"], cleared["kps"]) == (1, default_state()["kps"])


def test_the_quiz_score_counts_the_first_try_at_each_case() -> None:
    assert score_markdown({}) == "Score this session: no case revealed yet."
    text = score_markdown({"a": True, "b": False, "c": True})
    assert "**2 of 3** cases" in text
