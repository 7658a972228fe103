"""One number, one value: the page, its chart, the CSV, the XLSX and the API give each
report number at the same shown precision, rounded half away from zero once after summing
(docs/metrics.md)."""

import csv
import io

import pytest
from openpyxl import load_workbook
from rest_framework.test import APIClient

from perhekeskus.people.roles import MANAGER
from perhekeskus.reports.selectors import precise, rounded
from perhekeskus.scheduling.services import appointment_book, appointment_realise
from tests.factories import local, make_user

from .conftest import JAN_PARAMS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        (27.55, "hours", 27.6),
        (2.675, "eur", 2.68),  # round() gives 2.67: the float is 2.67499...
        (-0.25, "hours", -0.3),
        (0.8333333, "pct", 0.8),
        (12, "int", 12),
        (3.5, "int", 4),
        ("F1", "key", "F1"),
        (None, "hours", None),
    ],
)
def test_precise_rounds_half_away_from_zero(value, kind, expected):
    assert precise(value, kind) == expected
    if isinstance(value, float):
        assert float(rounded(value, 1)) == float(rounded(-value, 1)) * -1  # symmetric about zero


def test_page_exports_and_api_agree_on_a_number_with_more_decimals(region, client):
    # 20 minutes more for F2: 0.5 h + 1/3 h = 0.8333 h, shown as 0.8 everywhere
    extra = appointment_book(
        actor=None,
        worker=region.w3,
        work_type=region.wb,
        start=local(2026, 1, 5, 16, 0),
        end=local(2026, 1, 5, 16, 20),
        family=region.f2,
        confirm_outside_shift=True,
    )
    appointment_realise(actor=None, appointment=extra)
    boss = make_user("johtaja", MANAGER)
    client.force_login(boss)
    client.cookies["django_language"] = "fi"
    page = client.get("/reports/family_hours/", JAN_PARAMS).content.decode()
    table = page[page.index("<table") :]
    row = table[table.index(region.f2.key) :]
    assert ">0,8<" in row[: row.index("</tr>")]
    assert "0.83" not in page  # the chart draws the table's number too
    api = APIClient(HTTP_ACCEPT_LANGUAGE="fi")
    api.force_authenticate(boss)
    body = api.get("/api/reports/family_hours/", JAN_PARAMS).json()
    assert {r["family"]: r["realised_hours"] for r in body["rows"]}[region.f2.key] == 0.8
    book = load_workbook(io.BytesIO(client.get("/reports/family_hours/", {**JAN_PARAMS, "format": "xlsx"}).content))
    rows = [list(r) for r in book.active.iter_rows(values_only=True)]
    f2 = next(r for r in rows if r and r[0] == region.f2.key)
    assert f2[1] == 0.8
    exported = client.get("/reports/family_hours/", {**JAN_PARAMS, "format": "csv"}).content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(exported), delimiter=";"))
    assert next(line for line in lines if line[0] == region.f2.key)[1] == "0.8"
    # the totals: 5.5 + 0.8333 = 6.3333 h, rounded once after summing
    assert lines[-1][1] == "6.3" and body["totals"]["realised_hours"] == 6.3


def test_family_keys_stay_text_in_a_spreadsheet():
    from perhekeskus.people.models import KEY_FIRST, _family_key

    keys = {_family_key() for _ in range(2000)}
    assert len(keys) == 2000
    for key in keys:
        assert len(key) == 10 and key[0] in KEY_FIRST and key[0] != "E"
        with pytest.raises(ValueError):
            float(key)  # never a number ("304255E523" was 3.04E+528)
