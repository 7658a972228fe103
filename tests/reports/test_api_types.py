"""The typed reports API: each report's rows and totals hold exactly the fields its
catalogue entry declares (the schema's per-report row types), each value of the type its
kind says, for every report and every grouping it offers; the selector's columns are all
declared, with the same kinds, so a column added to a report without its declaration
fails here, not in another system."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from perhekeskus.people.roles import MANAGER
from perhekeskus.reports import selectors
from perhekeskus.reports.catalog import REPORTS
from tests.factories import make_user

from .conftest import JAN_PARAMS
from .test_reports import JAN

pytestmark = pytest.mark.django_db

TYPES = {
    "int": (int,),
    "year": (int,),
    "hours": (int, float),
    "pct": (int, float),
    "num": (int, float),
    "eur": (str,),
    "text": (str,),
    "key": (str,),
    "month": (str,),
}


def test_every_column_kind_has_its_api_type():
    assert set(TYPES) == set(selectors.COLUMN_KINDS)


def test_every_report_declares_its_fields():
    for report in REPORTS.values():
        assert report.fields, report.key
        names = [name for name, _kind in report.fields]
        assert len(names) == len(set(names)), report.key
        assert all(kind in TYPES for _name, kind in report.fields), report.key


@pytest.mark.parametrize("key", list(REPORTS))
def test_each_report_answers_in_its_declared_types(region, key):
    report = REPORTS[key]
    boss = make_user("johtaja-tyypit", MANAGER)
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(boss)
    declared = dict(report.fields)
    for group in report.groups or ("",):
        params = {**JAN_PARAMS, **({"group": group} if group else {})}
        # the selector's own columns are all declared, with the same kind
        table = report.run(boss, selectors.Filters(start=JAN.start, end=JAN.end, group=group))
        assert {c.key: c.kind for c in table.columns}.items() <= declared.items(), (key, group)
        for row in table.rows:
            assert {k for k in row if not k.startswith("_")} <= set(declared), (key, group)
        body = api.get(f"/api/reports/{key}/", params).json()
        assert body["key"] == key
        assert [c["key"] for c in body["columns"]] == [c.key for c in table.columns]
        for row in [*body["rows"], *([body["totals"]] if body["totals"] else [])]:
            assert list(row) == list(declared), (key, group)  # every field, in order
            for name, value in row.items():
                if value is None:
                    continue
                assert isinstance(value, TYPES[declared[name]]) and not isinstance(value, bool), (key, name, value)
                if declared[name] == "eur":
                    assert Decimal(value).as_tuple().exponent == -2, (key, name, value)
        assert all(isinstance(v, str) for v in body["totals_labels"].values())


def test_an_unknown_report_is_404_and_the_schema_lists_the_keys():
    api = APIClient()
    api.force_authenticate(make_user("johtaja-avain", MANAGER))
    assert api.get("/api/reports/nosuch/").status_code == 404
    schema = api.get("/api/schema/?format=json").json()
    params = schema["paths"]["/api/reports/{id}/"]["get"]["parameters"]
    path_id = next(p for p in params if p["name"] == "id" and p["in"] == "path")
    assert set(path_id["schema"]["enum"]) == set(REPORTS)
    typed = schema["components"]["schemas"]["TypedReport"]
    assert set(typed["discriminator"]["mapping"]) == set(REPORTS)
    row = schema["components"]["schemas"]["FamilyCostRow"]["properties"]
    assert row["total"]["type"] == "string" and row["total"]["format"] == "decimal"
    assert row["realised_hours"]["type"] == "number"
