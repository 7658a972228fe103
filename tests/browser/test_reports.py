"""In real Chromium: a manager opens the reports, reads a report's chart and table, and
drills down from a number to the rows behind it (in Finnish)."""

import pytest

from perhekeskus.people.roles import MANAGER

from ..factories import make_user
from ..reports.conftest import region  # noqa: F401 (the hand-made region)
from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_drills_down_from_a_number_to_its_rows(page, live_server, region):  # noqa: F811
    make_user("johtaja", MANAGER)
    login(page, live_server.url, "johtaja")
    page.goto(f"{live_server.url}/reports/")
    page.get_by_role("link", name="Tunnit perheittäin").click()
    page.wait_for_load_state()
    page.fill("#id_start", "2026-01-01")
    page.fill("#id_end", "2026-01-31")
    page.get_by_role("button", name="Näytä").click()
    page.wait_for_load_state()
    # the chart is drawn from the page's own numbers
    assert page.evaluate("() => !!document.getElementById('report-chart').chart")
    first = page.locator("table.report tbody tr").first
    assert first.locator("th").inner_text() == region.f1.key  # most hours first
    assert "Perhe Ensimmäinen" not in page.content()
    first.locator("td a").first.click()  # realised hours of F1: 5,5
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Luvun takana olevat rivit").is_visible()
    assert "5 riviä" in page.locator(".summary").inner_text()  # a1, a2 (two workers), a7, a8
    keys = page.locator("table.report tbody tr td:nth-child(8)").all_inner_texts()
    assert keys == [region.f1.key] * 5
