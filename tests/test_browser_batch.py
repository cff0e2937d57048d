"""The Batch review page end to end in a real browser (Playwright driving Debian chromium)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from app_pages.render import BANNER
from tests.test_app_batch import SMALL_FILE
from tests.test_browser import LOAD_MS, VIEWPORT, _full_page_screenshot, wait_for_script

pytestmark = pytest.mark.browser


def test_batch_upload_reports_every_row_and_charts_the_verdicts(
    browser: Browser, app_url: str, screenshots: Path, tmp_path: Path
) -> None:
    upload = tmp_path / "cases.csv"
    upload.write_text(SMALL_FILE, encoding="utf-8")
    page = browser.new_context(viewport=VIEWPORT).new_page()
    page.goto(f"{app_url}/batch")
    expect(page.get_by_role("heading", name="Batch review")).to_be_visible(timeout=LOAD_MS)
    expect(page.get_by_text(BANNER).first).to_be_visible()
    wait_for_script(page)
    page.locator(".st-key-batch_upload input[type=file]").set_input_files(str(upload))
    expect(page.locator(".st-key-batch_upload")).to_contain_text(upload.name, timeout=LOAD_MS)
    wait_for_script(page)
    page.locator(".st-key-batch_run button").click()
    expect(page.get_by_text("Rows with errors")).to_be_visible(timeout=LOAD_MS)
    expect(page.get_by_text("Verdicts per option")).to_be_visible()
    expect(page.get_by_text("Agreement with what was done")).to_be_visible()
    expect(page.locator(".st-key-batch_download button")).to_be_visible()
    charts = page.locator("[data-testid='stVegaLiteChart']")
    expect(charts).to_have_count(2, timeout=LOAD_MS)
    charts.last.scroll_into_view_if_needed()
    expect(charts.last.locator("canvas, svg").first).to_be_visible(timeout=LOAD_MS)
    _full_page_screenshot(page, screenshots / "batch.png")
