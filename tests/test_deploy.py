"""The shipped reverse-proxy configuration (deploy/nginx), tested in front of the real app.

`make test` installs Debian's nginx (`make nginx`) the way it installs chromium.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, FilePayload, expect

from tests.conftest import ROOT
from tests.test_app_batch import SMALL_FILE
from tests.test_browser import wait_for_script

CHECK_SCRIPT = ROOT / "deploy" / "nginx" / "check-proxy.sh"
LOAD_MS = 30_000
START_SECONDS = 20


def _upstream(app_url: str) -> str:
    return app_url.removeprefix("http://")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def nginx() -> str:
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if found is None:
        pytest.fail("nginx not found: run `make nginx` (as root)")
    return found


@pytest.mark.usefixtures("nginx")
def test_the_shipped_proxy_sets_the_headers_answers_one_host_and_bounds_uploads(
    app_url: str,
) -> None:
    result = subprocess.run(
        [str(CHECK_SCRIPT), "check", _upstream(app_url)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "FAIL" not in result.stdout
    assert result.stdout.count("\nok ") + result.stdout.startswith("ok ") == 10


@pytest.fixture
def proxy_url(app_url: str, nginx: str) -> Iterator[str]:
    port = _free_port()
    server = subprocess.Popen([str(CHECK_SCRIPT), "serve", _upstream(app_url), str(port)])
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("the proxy did not start")
                time.sleep(0.1)
        yield f"http://localhost:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.browser
def test_the_app_works_through_the_proxy_with_no_policy_violation(
    browser: Browser, proxy_url: str
) -> None:
    page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    console: list[str] = []

    def keep(message: ConsoleMessage) -> None:
        console.append(message.text)

    page.on("console", keep)
    page.goto(f"{proxy_url}/batch")
    expect(page.get_by_role("heading", name="Batch review")).to_be_visible(timeout=LOAD_MS)
    wait_for_script(page)
    page.locator(".st-key-batch_upload input[type=file]").set_input_files(
        files=FilePayload(name="cases.csv", mimeType="text/csv", buffer=SMALL_FILE.encode())
    )
    expect(page.locator(".st-key-batch_upload")).to_contain_text("cases.csv", timeout=LOAD_MS)
    wait_for_script(page)
    page.locator(".st-key-batch_run button").click()
    expect(page.get_by_text("Verdicts per option")).to_be_visible(timeout=LOAD_MS)
    chart = page.locator("[data-testid='stVegaLiteChart']").first
    chart.scroll_into_view_if_needed()
    expect(chart.locator("canvas, svg").first).to_be_visible(timeout=LOAD_MS)
    violations = [text for text in console if "Content Security Policy" in text]
    assert violations == []
