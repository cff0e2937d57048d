"""The answer first, real links, deep links, printing and axe-core, in a real browser."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from app_pages.patient_form import field_label
from app_pages.render import ANSWER_KEY, announcement
from app_pages.session_notice import SESSION_MARKER
from evidence import registry
from rules import APPROACH_LABELS, Approach, Patient, assess
from rules.case_library import case_by_slug
from rules.whatif import what_if
from tests.conftest import load_seed
from tests.test_app_batch import SMALL_FILE
from tests.test_browser import LOAD_MS, _card_order, _fill, _submit, wait_for_script

pytestmark = pytest.mark.browser

SEED = "seed_thoracic_lung_unfit"
# Room the fixed top bar takes; the answer block is scrolled to just below it (app.css).
TOP_BAR_PX = 100
SERIOUS = ("serious", "critical")


def _page(browser: Browser, url: str, width: int = 1440, height: int = 900) -> Page:
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.goto(url)
    expect(page.locator("h1").first).to_be_visible(timeout=LOAD_MS)
    wait_for_script(page)
    return page


def _settle(page: Page) -> None:
    """Wait for the run to end and the reveal script (it polls every 100 ms) to act."""
    wait_for_script(page)
    page.wait_for_timeout(600)


def _box(page: Page, selector: str) -> dict[str, float]:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return {"top": box["y"], "bottom": box["y"] + box["height"]}


def _assessed(browser: Browser, url: str, width: int, height: int) -> Page:
    page = _page(browser, url, width, height)
    _fill(page, load_seed(SEED))
    _submit(page)
    expect(page.locator(f".st-key-{ANSWER_KEY}")).to_be_visible(timeout=LOAD_MS)
    _settle(page)
    return page


# --- the answer first -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("width", "height"),
    [
        pytest.param(1440, 900, id="desktop_1440x900"),
        pytest.param(820, 1180, id="tablet_820x1180"),
        pytest.param(390, 844, id="phone_390x844"),
    ],
)
def test_after_assess_the_alerts_and_ranking_are_in_view_and_announced(
    browser: Browser, app_url: str, screenshots: Path, width: int, height: int
) -> None:
    expected = assess(Patient.model_validate(load_seed(SEED)))
    assert expected.alerts
    page = _assessed(browser, app_url, width, height)
    # The Assess button sits at the bottom of a long form: without the reveal the answer
    # block would be far above the view. Now it starts just under the top bar.
    answer = _box(page, f".st-key-{ANSWER_KEY}")
    assert 0 <= answer["top"] <= TOP_BAR_PX, answer
    heading = page.get_by_role("heading", name="Result", exact=True)
    expect(heading).to_be_in_viewport()
    expect(page.locator("[data-testid=stAlert]").filter(has_text=expected.alerts[0].text[:30]))
    first_alert = page.locator(f".st-key-{ANSWER_KEY} [data-testid=stAlert]").first
    expect(first_alert).to_be_in_viewport()
    if width >= 820:  # a phone scrolls on past the alerts to the ranking
        ranking = page.locator(f".st-key-{ANSWER_KEY} ol li").first
        expect(ranking).to_contain_text(expected.options[0].label)
        expect(ranking).to_be_in_viewport()
    live = page.locator("#app-live-region")
    expect(live).to_have_text(announcement(expected))
    expect(live).to_have_attribute("aria-live", "polite")
    focused = page.evaluate("document.activeElement.className")
    assert f"st-key-{ANSWER_KEY}" in focused
    page.screenshot(path=str(screenshots / f"assess_answer_{width}x{height}.png"))
    page.context.close()


def test_after_assess_the_next_tab_goes_into_the_answer_not_back_to_the_form(
    browser: Browser, app_url: str
) -> None:
    expected = assess(Patient.model_validate(load_seed(SEED)))
    first_source = registry()[expected.alerts[0].citations[0]]
    page = _assessed(browser, app_url, 1440, 900)
    page.keyboard.press("Tab")
    # Reading order: the first link in the answer is the first alert's first source.
    focused = page.evaluate(
        "() => [document.activeElement.closest('.st-key-assessment_answer') !== null,"
        " document.activeElement.getAttribute('href')]"
    )
    assert focused == [True, first_source.url]
    page.context.close()


def test_the_top_options_reasons_start_within_one_screen_of_its_name(
    browser: Browser, app_url: str
) -> None:
    expected = assess(Patient.model_validate(load_seed(SEED)))
    top = expected.options[0]
    page = _assessed(browser, app_url, 1440, 900)
    card = f".st-key-option_card_{top.approach.value}"
    name = _box(page, f"{card} h3")
    first_reason = _box(page, f"{card} li")
    assert 0 < first_reason["top"] - name["top"] < 900 / 2
    page.context.close()


def test_an_empty_submit_brings_the_problems_into_view(browser: Browser, app_url: str) -> None:
    page = _page(browser, app_url)
    _submit(page)
    problems = page.locator(".st-key-assess_problems_box")
    expect(problems).to_contain_text("nothing was assessed", timeout=LOAD_MS)
    _settle(page)
    expect(problems).to_be_in_viewport()
    expect(page.locator("#app-live-region")).to_contain_text("Not assessed")
    page.context.close()


# --- links ------------------------------------------------------------------------------------


def test_every_reference_with_a_pmid_or_doi_is_a_real_link_in_the_evidence_library(
    browser: Browser, app_url: str
) -> None:
    page = _page(browser, f"{app_url}/evidence_library")
    table = page.locator("[data-testid=stTable]").first
    checked = 0
    for reference in registry().values():
        target = reference.pubmed_url or reference.doi_url
        if target is None:
            continue
        link = table.locator(f"a[href='{target}']")
        expect(link).to_have_count(1)
        expect(link).to_have_text(registry().labels[reference.id])
        checked += 1
    assert checked == sum(1 for r in registry().values() if r.pmid or r.doi)
    expect(table).not_to_contain_text("None")
    page.context.close()


def test_every_citation_on_the_cards_links_to_pubmed_else_the_doi(
    browser: Browser, app_url: str
) -> None:
    expected = assess(Patient.model_validate(load_seed(SEED)))
    page = _assessed(browser, app_url, 1440, 900)
    for option in expected.options:
        card = page.locator(f".st-key-option_card_{option.approach.value}")
        for reason in option.reasons:
            for reference_id in reason.citations:
                reference = registry()[reference_id]
                target = reference.pubmed_url or reference.doi_url
                if target is None:
                    continue
                link = card.locator(f"a[href='{target}']").first
                expect(link).to_have_text(registry().labels[reference_id])
    page.context.close()


# --- deep links -------------------------------------------------------------------------------


def _address(page: Page) -> tuple[str, dict[str, list[str]]]:
    """The page's path and query, without the constant session mark (app_pages.session_notice)."""
    address = urlsplit(page.url)
    query = parse_qs(address.query)
    query.pop(SESSION_MARKER, None)
    return address.path, query


def test_a_case_link_opens_that_teaching_case_assessed(browser: Browser, app_url: str) -> None:
    case = case_by_slug(SEED)
    expected = assess(case.patient)
    page = _page(browser, f"{app_url}/?case={SEED}")
    first = expected.options[0].approach.value
    expect(page.locator(f".st-key-option_card_{first}")).to_be_visible(timeout=LOAD_MS)
    assert _card_order(page) == [option.approach.value for option in expected.options]
    expect(page.locator(".st-key-case_label input")).to_have_value(str(case.patient.case_label))
    assert _address(page) == ("/", {"case": [SEED]})
    page.context.close()


def test_loading_a_case_from_the_library_puts_only_its_id_in_the_address(
    browser: Browser, app_url: str
) -> None:
    page = _page(browser, f"{app_url}/case_library")
    page.locator(f".st-key-load_case_{SEED} button").click()
    expect(page.locator(f".st-key-{ANSWER_KEY}")).to_be_visible(timeout=LOAD_MS)
    wait_for_script(page)
    assert _address(page) == ("/", {"case": [SEED]})
    # Changing an input makes it another patient: the link no longer names it.
    page.locator(".st-key-case_label input").fill("Changed")
    _submit(page)
    expect(page.get_by_text("Case: Changed", exact=True)).to_be_visible(timeout=LOAD_MS)
    wait_for_script(page)
    assert _address(page) == ("/", {})
    page.context.close()


# --- teaching ---------------------------------------------------------------------------------


def test_try_this_assesses_the_case_with_the_what_if_change(browser: Browser, app_url: str) -> None:
    patient = Patient.model_validate(load_seed(SEED))
    flip = next(flip for flip in what_if(patient).flips if flip.changes_top)
    changed = assess(patient.model_copy(update={flip.field: flip.after[0]}))
    assert changed.options[0].approach is flip.top_after
    page = _assessed(browser, app_url, 1440, 900)
    page.get_by_role("tab", name="What would change this answer?").click()
    expect(page.get_by_text("With the unknowns filled in")).to_be_visible(timeout=LOAD_MS)
    wait_for_script(page)
    page.locator(".st-key-what_if_try_0").get_by_role("button", name="Try this").click()
    expect(page.locator(f".st-key-{ANSWER_KEY} ol li").first).to_contain_text(
        changed.options[0].label, timeout=LOAD_MS
    )
    assert _card_order(page) == [option.approach.value for option in changed.options]
    page.context.close()


def test_compare_with_this_compares_the_case_with_its_what_if_change(
    browser: Browser, app_url: str, screenshots: Path
) -> None:
    patient = Patient.model_validate(load_seed(SEED))
    flip = next(flip for flip in what_if(patient).flips if flip.changes_top)
    page = _assessed(browser, app_url, 1440, 900)
    page.get_by_role("tab", name="What would change this answer?").click()
    expect(page.get_by_text("With the unknowns filled in")).to_be_visible(timeout=LOAD_MS)
    wait_for_script(page)
    page.locator(".st-key-what_if_compare_0").get_by_role("button").click()
    expect(page.get_by_role("heading", name="Comparison")).to_be_visible(timeout=LOAD_MS)
    top_line = page.locator("[data-testid=stMarkdownContainer]").filter(
        has_text="Top option changes"
    )
    expect(top_line).to_contain_text(APPROACH_LABELS[flip.top_after])
    differences = page.locator(".st-key-compare_comparison [data-testid=stTable]").first
    expect(differences).to_contain_text(field_label(flip.field))
    _settle(page)
    expect(page.get_by_role("heading", name="Comparison")).to_be_in_viewport()
    page.screenshot(path=str(screenshots / "compare_with_this.png"))
    page.context.close()


def test_compare_with_a_changed_copy_starts_from_the_current_case(
    browser: Browser, app_url: str
) -> None:
    page = _assessed(browser, app_url, 1440, 900)
    page.locator(".st-key-assess_to_compare").get_by_role("button").first.click()
    expect(page.get_by_role("heading", name="Compare two scenarios")).to_be_visible(timeout=LOAD_MS)
    for side in ("a", "b"):
        expect(page.locator(f".st-key-compare_{side}_level input")).to_have_value("T8")
    page.context.close()


# --- printing ---------------------------------------------------------------------------------


def test_printing_the_assess_page_gives_the_result_without_the_form(
    browser: Browser, app_url: str, screenshots: Path
) -> None:
    page = _assessed(browser, app_url, 1440, 900)
    page.emulate_media(media="print")
    expect(page.locator("[data-testid=stForm]")).to_be_hidden()
    expect(page.locator("[data-testid=stHeader]")).to_be_hidden()
    expect(page.get_by_role("heading", name="Result", exact=True)).to_be_visible()
    pdf = page.pdf(format="A4")
    (screenshots / "assess_print.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF")
    page.context.close()


# --- axe-core ---------------------------------------------------------------------------------


def _after_assess(page: Page) -> None:
    _fill(page, load_seed(SEED))
    _submit(page)
    expect(page.locator(f".st-key-{ANSWER_KEY}")).to_be_visible(timeout=LOAD_MS)


def _what_if_tab(page: Page) -> None:
    _after_assess(page)
    page.get_by_role("tab", name="What would change this answer?").click()
    expect(page.get_by_text("With the unknowns filled in")).to_be_visible(timeout=LOAD_MS)


def _compared(page: Page) -> None:
    _after_assess(page)
    wait_for_script(page)
    page.locator(".st-key-assess_to_compare").get_by_role("button").first.click()
    expect(page.get_by_role("heading", name="Compare two scenarios")).to_be_visible(timeout=LOAD_MS)
    wait_for_script(page)
    page.locator(".st-key-compare_submit button").click()
    expect(page.get_by_role("heading", name="Comparison")).to_be_visible(timeout=LOAD_MS)


def _quiz_revealed(page: Page) -> None:
    choice = APPROACH_LABELS[Approach.POSTERIOR_ONLY]
    page.locator(".st-key-quiz_best").get_by_text(choice, exact=True).click()
    expect(page.get_by_role("radio", name=choice)).to_be_checked()
    wait_for_script(page)
    page.locator(".st-key-quiz_reveal button").click()
    expect(page.get_by_text("Score this session: your first choice")).to_be_visible(timeout=LOAD_MS)


def _batch_reviewed(page: Page, upload: Path) -> None:
    page.locator(".st-key-batch_upload input[type=file]").set_input_files(str(upload))
    expect(page.locator(".st-key-batch_upload")).to_contain_text(upload.name, timeout=LOAD_MS)
    wait_for_script(page)
    page.locator(".st-key-batch_run button").click()
    expect(page.get_by_text("Verdicts per option")).to_be_visible(timeout=LOAD_MS)


STATES: dict[str, tuple[str, Any]] = {
    "assess_empty": ("", None),
    "assess_result": ("", _after_assess),
    "assess_what_if": ("", _what_if_tab),
    "compare_result": ("", _compared),
    "case_library": ("case_library", None),
    "quiz_revealed": ("quiz", _quiz_revealed),
    "batch_result": ("batch", _batch_reviewed),
    "evidence_library": ("evidence_library", None),
    "rule_book": ("rule_book", None),
    "about": ("about", None),
}


@pytest.mark.parametrize("state", list(STATES))
@pytest.mark.parametrize("width", [1440, 390])
def test_axe_finds_no_serious_or_critical_violation(
    browser: Browser, app_url: str, tmp_path: Path, state: str, width: int
) -> None:
    path, action = STATES[state]
    page = _page(browser, f"{app_url}/{path}", width, 900)
    if action is _batch_reviewed:
        upload = tmp_path / "cases.csv"
        upload.write_text(SMALL_FILE, encoding="utf-8")
        action(page, upload)
    elif action is not None:
        action(page)
    _settle(page)
    violations = Axe().run(page).response["violations"]
    serious = [
        (violation["id"], violation["impact"], [node["target"] for node in violation["nodes"]])
        for violation in violations
        if violation["impact"] in SERIOUS
    ]
    assert serious == []
    page.context.close()
