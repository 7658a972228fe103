"""Real Chromium (Debian's /usr/bin/chromium) driven by Playwright against live_server.

Without Chromium the browser tests are skipped, and they fail instead when
REQUIRE_BROWSER=1 (CI sets it), so a missing browser can never pass for a run."""

import os
import shutil

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"Chromium is required (REQUIRE_BROWSER=1) but {CHROMIUM} is missing")
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A page of a fresh context. Every journey also checks the Content-Security-Policy:
    a script, style or handler the policy blocks (an inline one that came back) is a
    console error, and any such error fails the test that caused it."""
    context = browser.new_context(
        viewport={"width": 1440, "height": 900}, locale="fi-FI", timezone_id="Europe/Helsinki"
    )
    pg = context.new_page()
    pg.set_default_timeout(15000)
    violations = []
    pg.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    yield pg
    context.close()
    assert violations == [], violations


def login(page, base_url, username, password="salasana-testi-123"):
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def serious(page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now, each with its
    first node (what every browser journey asserts is empty)."""
    from axe_playwright_python.sync_playwright import Axe

    return [
        f"{v['id']} ({len(v['nodes'])}): {v['help']} at {v['nodes'][0]['target']}"
        for v in Axe().run(page).response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
