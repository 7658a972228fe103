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


WIDTHS = [390, 1440]


@pytest.fixture(params=WIDTHS, ids=lambda w: f"{w}px")
def screen(request, browser):
    """A fresh Finnish context on a 390 px phone or a 1440 px desktop; yields (page,
    check, width) where check(label) asserts the page state is accessible (no serious or
    critical axe-core violation) and fits the screen (on the desktop also at 200 % zoom).
    After the test: no Content-Security-Policy error, no pop-up dialog, and at least one
    state checked."""
    width = request.param
    context = browser.new_context(
        viewport={"width": width, "height": 844 if width < 800 else 900},
        is_mobile=width < 800,
        has_touch=width < 800,
        locale="fi-FI",
        timezone_id="Europe/Helsinki",
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    csp = []
    page.on("console", lambda m: csp.append(m.text) if "Content Security Policy" in m.text else None)
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    states = []

    def check(label: str) -> None:
        page.wait_for_load_state()
        bad = serious(page)
        assert bad == [], f"{label} at {width}px: {bad}"
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= width + 1, f"{label} at {width}px scrolls sideways ({wide}px)"
        if width > 800:  # the desktop at 200 % zoom: half as many CSS pixels
            page.set_viewport_size({"width": width // 2, "height": 900})
            for _ in range(20):  # a chart redraws itself for the new width a frame or two later
                zoomed = page.evaluate("document.documentElement.scrollWidth")
                if zoomed <= width // 2 + 1:
                    break
                page.wait_for_timeout(100)
            page.set_viewport_size({"width": width, "height": 900})
            assert zoomed <= width // 2 + 1, f"{label} at 200 % zoom scrolls sideways ({zoomed}px)"
        states.append(label)

    yield page, check, width
    context.close()
    assert csp == [], csp
    assert dialogs == [], f"pop-ups instead of the page: {dialogs}"
    assert states, "the journey checked no page state"
