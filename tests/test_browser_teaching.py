"""The teaching pages end to end in a real browser (Playwright driving Debian chromium)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from app_pages.patient_form import FIELDS, choice_label, patient_state
from app_pages.quiz import quiz_label
from app_pages.render import BANNER
from app_pages.what_if import option_name
from rules import APPROACH_LABELS, Approach, assess
from rules.case_library import case_by_slug
from rules.whatif import what_if as what_if_analysis
from tests.test_browser import (
    LOAD_MS,
    VIEWPORT,
    _card_order,
    _full_page_screenshot,
    wait_for_script,
)

pytestmark = pytest.mark.browser

SEED_1 = "seed_thoracic_lung_unfit"
SEED_2 = "seed_lumbar_sarcoma_frail"


def _open(browser: Browser, url: str, heading: str) -> Page:
    page = browser.new_context(viewport=VIEWPORT).new_page()
    page.goto(url)
    expect(page.get_by_role("heading", name=heading)).to_be_visible(timeout=LOAD_MS)
    expect(page.get_by_text(BANNER).first).to_be_visible()
    wait_for_script(page)
    return page


def _choose(page: Page, key: str, shown: str) -> None:
    """Pick an option of the selectbox with this widget key by the text it shows."""
    field = page.locator(f".st-key-{key} input")
    field.click()
    field.fill(shown)
    page.get_by_role("option", name=shown, exact=True).click()
    expect(field).to_have_value(shown)
    wait_for_script(page)


def test_a_case_loads_from_the_library_into_the_assess_form_and_shows_what_if(
    browser: Browser, app_url: str, screenshots: Path
) -> None:
    case = case_by_slug(SEED_1)
    expected = assess(case.patient)
    page = _open(browser, f"{app_url}/case_library", "Case library")
    expect(page.locator(f".st-key-case_{SEED_1}")).to_contain_text(case.title)
    _full_page_screenshot(page, screenshots / "case_library.png")

    page.locator(f".st-key-load_case_{SEED_1} button").click()
    expect(page.get_by_role("heading", name="Assess a spinal metastasis")).to_be_visible(
        timeout=LOAD_MS
    )
    for name, value in patient_state(case.patient).items():
        if value is None or value == "":
            continue
        expect(page.locator(f".st-key-{name} input")).to_have_value(
            choice_label(FIELDS[name])(value) if name != "case_label" else str(value)
        )
    page.locator(".st-key-assess_submit button").click()
    top = expected.options[0].approach.value
    expect(page.locator(f".st-key-option_card_{top}")).to_be_visible(timeout=LOAD_MS)
    assert _card_order(page) == [option.approach.value for option in expected.options]

    page.get_by_role("tab", name="What would change this answer?").click()
    what_if = page.get_by_role("tabpanel", name="What would change this answer?")
    expect(what_if.get_by_text("Changes that move the top option")).to_be_visible()
    kps_flip = next(
        flip
        for flip in what_if_analysis(case.patient).flips
        if flip.field == "kps" and flip.top_after is not expected.options[0].approach
    )
    expect(what_if).to_contain_text("KPS 40 → ")
    expect(what_if).to_contain_text(f"{option_name(kps_flip.top_after)} comes first")
    expect(what_if).to_contain_text("With the unknowns filled in")
    _full_page_screenshot(page, screenshots / "what_if.png")
    page.context.close()


def test_compare_shows_cachexia_yes_and_no_side_by_side(
    browser: Browser, app_url: str, screenshots: Path
) -> None:
    page = _open(browser, f"{app_url}/compare", "Compare two scenarios")
    _choose(page, "compare_case", case_by_slug(SEED_2).title)
    page.locator(".st-key-compare_load button").click()
    yes = choice_label(FIELDS["cachexia"])(True)
    expect(page.locator(".st-key-compare_b_cachexia input")).to_have_value(yes, timeout=LOAD_MS)
    _choose(page, "compare_b_cachexia", choice_label(FIELDS["cachexia"])(False))
    page.locator(".st-key-compare_submit button").click()
    expect(page.get_by_role("heading", name="Comparison")).to_be_visible(timeout=LOAD_MS)
    with_cachexia = assess(case_by_slug(SEED_2).patient)
    without = assess(case_by_slug(SEED_2).patient.model_copy(update={"cachexia": False}))
    same_top = with_cachexia.options[0].approach is without.options[0].approach
    expect(
        page.get_by_text("Same top option" if same_top else "Top option changes")
    ).to_be_visible()
    differences = page.locator("[data-testid=stTable]").first
    expect(differences).to_contain_text("Cachexia")
    needs = page.locator("[data-testid=stTable]").nth(1)
    expect(needs).to_contain_text("fitness for surgery")
    expect(needs).to_contain_text(with_cachexia.needs.fitness.value.replace("_", " "))
    expect(page.locator("[data-testid=stException]")).to_have_count(0)
    _full_page_screenshot(page, screenshots / "compare.png")
    page.context.close()


def test_quiz_reveals_the_tools_answer_beside_the_learners(
    browser: Browser, app_url: str, screenshots: Path
) -> None:
    case = case_by_slug(SEED_1)
    top = assess(case.patient).options[0]
    page = _open(browser, f"{app_url}/quiz", "Quiz")
    _choose(page, "quiz_case", quiz_label(case))
    expect(page.get_by_role("heading", name=quiz_label(case))).to_be_visible()
    expect(page.get_by_text(case.title)).to_have_count(0)  # the title would give it away
    expect(page.locator("[class*='st-key-option_card_']")).to_have_count(0)
    choice = APPROACH_LABELS[Approach.POSTERIOR_ONLY]
    page.locator(".st-key-quiz_best").get_by_text(choice, exact=True).click()
    expect(page.get_by_role("radio", name=choice)).to_be_checked()
    wait_for_script(page)
    page.locator(".st-key-quiz_reveal button").click()
    expect(page.get_by_text("The tool puts first:")).to_be_visible(timeout=LOAD_MS)
    expect(page.get_by_text(case.teaching_point)).to_be_visible()
    expect(page.locator(f".st-key-option_card_{top.approach.value}")).to_be_visible()
    _full_page_screenshot(page, screenshots / "quiz.png")
    page.context.close()
