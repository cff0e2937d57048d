"""End to end in a real browser: Playwright drives Debian chromium against `streamlit run`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from app_pages.patient_form import FIELDS, choice_label
from app_pages.render import BANNER
from evidence import registry
from rules import VERDICT_LABELS, Patient, assess
from tests.conftest import load_seed

pytestmark = pytest.mark.browser

VIEWPORT: ViewportSize = {"width": 1600, "height": 1000}
LOAD_MS = 30_000
PAGES = (
    pytest.param("evidence_library", "Evidence library", id="evidence_library"),
    pytest.param("rule_book", "Rule book", id="rule_book"),
    pytest.param("about", "About this prototype", id="about"),
)


def wait_for_script(page: Page) -> None:
    """Wait until the app has finished its current run.

    A click that lands while a rerun is still drawing can act on widgets that the rerun
    is about to replace, so interactions that depend on the last one wait for this first.
    """
    app = page.locator("[data-testid=stApp]")
    expect(app).to_have_attribute("data-test-connection-state", "CONNECTED", timeout=LOAD_MS)
    expect(app).to_have_attribute("data-test-script-state", "notRunning", timeout=LOAD_MS)


def _open(browser: Browser, url: str) -> Page:
    page = browser.new_context(viewport=VIEWPORT).new_page()
    page.goto(url)
    expect(page.locator("[data-testid=stForm]")).to_be_visible(timeout=LOAD_MS)
    wait_for_script(page)
    return page


def _fill(page: Page, values: dict[str, Any]) -> None:
    """Fill widgets by key: Streamlit gives each keyed widget the class st-key-<key>."""
    for name, value in values.items():
        spec = FIELDS[name]
        field = page.locator(f".st-key-{name} input")
        if spec.is_select:
            shown = choice_label(spec)(value)
            field.click()
            field.fill(shown)
            page.get_by_role("option", name=shown, exact=True).click()
            expect(field).to_have_value(shown)
        else:
            field.fill(str(value))


def _submit(page: Page) -> None:
    page.locator(".st-key-assess_submit button").click()


CONTENT_HEIGHT = (
    "() => Math.max(...Array.from(document.querySelectorAll("
    "'[data-testid=stMain], [data-testid=stMainBlockContainer]'), e => e.scrollHeight))"
)
SETTLE_POLLS = 40
SETTLE_MS = 250


def _settled_height(page: Page) -> int:
    """The content height once it has stopped changing (the script has finished drawing)."""
    heights: list[int] = []
    for _ in range(SETTLE_POLLS):
        heights.append(int(page.evaluate(CONTENT_HEIGHT)))
        if len(heights) >= 3 and len(set(heights[-3:])) == 1:
            break
        page.wait_for_timeout(SETTLE_MS)
    return heights[-1]


def _full_page_screenshot(page: Page, path: Path) -> None:
    """Streamlit scrolls inside its main block, so grow the viewport to the content first."""
    page.set_viewport_size({"width": VIEWPORT["width"], "height": _settled_height(page) + 80})
    page.set_viewport_size({"width": VIEWPORT["width"], "height": _settled_height(page) + 80})
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(VIEWPORT)


def _card_order(page: Page) -> list[str]:
    classes: list[str] = page.locator("[class*='st-key-option_card_']").evaluate_all(
        "cards => cards.map(card => Array.from(card.classList)"
        ".find(name => name.startsWith('st-key-option_card_')))"
    )
    return [name.removeprefix("st-key-option_card_") for name in classes]


def test_seed_thoracic_case_shows_ranked_cards_with_evidence_links(
    browser: Browser, app_url: str, screenshots: Path
) -> None:
    data = load_seed("seed_thoracic_lung_unfit")
    expected = assess(Patient.model_validate(data))
    page = _open(browser, app_url)
    _fill(page, data)
    _submit(page)
    first = expected.options[0].approach.value
    expect(page.locator(f".st-key-option_card_{first}")).to_be_visible(timeout=LOAD_MS)

    assert _card_order(page) == [option.approach.value for option in expected.options]
    assert len(_card_order(page)) == 7
    top = expected.options[0]
    top_card = page.locator(f".st-key-option_card_{first}")
    expect(top_card).to_contain_text(VERDICT_LABELS[top.verdict])
    cited = next(
        registry()[reference_id]
        for reason in top.reasons
        for reference_id in reason.citations
        if registry()[reference_id].pubmed_url
    )
    link = top_card.locator(f"a[href='{cited.pubmed_url}']").first
    expect(link).to_have_text(cited.short_label)
    expect(page.get_by_text(BANNER).first).to_be_visible()
    _full_page_screenshot(page, screenshots / "assess_seed_thoracic.png")
    page.context.close()


def test_two_sessions_do_not_see_each_others_inputs(browser: Browser, app_url: str) -> None:
    marker = "Isolation check zebra"
    session_a = _open(browser, app_url)
    _fill(session_a, {"case_label": marker, "level": "L2", "histology": "breast"})
    _submit(session_a)
    expect(session_a.get_by_text(f"Case: {marker}", exact=True)).to_be_visible(timeout=LOAD_MS)

    session_b = _open(browser, app_url)
    expect(session_b.locator(".st-key-case_label input")).to_have_value("")
    expect(session_b.locator(".st-key-level input")).to_have_value("")
    expect(session_b.locator("[class*='st-key-option_card_']")).to_have_count(0)
    assert marker not in session_b.content()
    # Session A still has its own result.
    expect(session_a.locator(".st-key-case_label input")).to_have_value(marker)
    session_a.context.close()
    session_b.context.close()


@pytest.mark.parametrize(("path", "title"), PAGES)
def test_page_renders_in_the_browser_with_the_disclaimer(
    browser: Browser, app_url: str, screenshots: Path, path: str, title: str
) -> None:
    page = browser.new_context(viewport=VIEWPORT).new_page()
    page.goto(f"{app_url}/{path}")
    expect(page.get_by_role("heading", name=title)).to_be_visible(timeout=LOAD_MS)
    expect(page.get_by_text(BANNER).first).to_be_visible()
    expect(page.locator("[data-testid=stException]")).to_have_count(0)
    _full_page_screenshot(page, screenshots / f"{path}.png")
    page.context.close()


BILSKY_DECIDES = {
    "level": "T8",
    "histology": "lung",
    "frankel": "C",
    "kps": 90,
    "pain": "mechanical",
    "collapse": "over_50_percent",
}


@pytest.mark.parametrize("width", [1280, 820, 390])
def test_provisional_notice_names_the_bilsky_grade_at_every_width(
    browser: Browser, app_url: str, screenshots: Path, width: int
) -> None:
    assert "escc_grade" in assess(Patient.model_validate(BILSKY_DECIDES)).decisive_missing_inputs
    page = browser.new_context(viewport={"width": width, "height": 1000}).new_page()
    page.goto(app_url)
    expect(page.locator("[data-testid=stForm]")).to_be_visible(timeout=LOAD_MS)
    wait_for_script(page)
    _fill(page, BILSKY_DECIDES)
    _submit(page)
    notice = page.get_by_text("Provisional result.")
    expect(notice).to_be_visible(timeout=LOAD_MS)
    expect(notice.locator("xpath=..")).to_contain_text("Bilsky ESCC grade")
    expect(page.get_by_text(BANNER).first).to_be_visible()
    wait_for_script(page)
    page.screenshot(path=str(screenshots / f"assess_provisional_{width}.png"))
    page.context.close()


def test_a_moribund_patient_sees_posterior_only_not_suggested(
    browser: Browser, app_url: str
) -> None:
    page = _open(browser, app_url)
    _fill(page, {"level": "T8", "histology": "lung", "frankel": "D", "kps": 10})
    _submit(page)
    card = page.locator(".st-key-option_card_posterior_only")
    expect(card).to_be_visible(timeout=LOAD_MS)
    expect(card).to_contain_text("Not suggested")
    expect(card).to_contain_text("moribund")
    page.context.close()


def test_rule_book_draws_the_pathway_diagram(browser: Browser, app_url: str) -> None:
    page = browser.new_context(viewport=VIEWPORT).new_page()
    page.goto(f"{app_url}/rule_book")
    chart = page.locator("[data-testid=stGraphVizChart] svg")
    expect(chart).to_be_visible(timeout=LOAD_MS)
    expect(chart).to_contain_text("DECOMPRESSION")
    expect(chart).to_contain_text("Posterior-only")
    expect(page.get_by_role("heading", name="Alerts", exact=False).first).to_be_visible()
    page.context.close()
