"""A small hand-made region whose report answers are worked out by hand in the tests.

January 2026 (times local, Helsinki). Organisations A (wellbeing area) and B (NGO), a
private provider P. Workers w1, w2 in unit A1 (service SA, early support); w3 in unit B1
(service SB, promotion). Shifts: w1 5-6 Jan 8-16 (16 h), w2 and w3 5 Jan 8-16 (8 h each).

  a1 w1       F1 WA direct 60 €/h  5 Jan 9:00-11:00 home  realised 9:00-11:30 (2.5 h), person p1
  a2 w1 + w3  F1 WA direct 60 €/h  5 Jan 12:00-13:00 unit realised as planned
  a3 w2       F2 WA direct         5 Jan 9:00-10:30       cancelled by the client
  a4 w3       F2 WB direct 40 €/h  5 Jan 14:00-15:00 home realised 14:00-14:30, person p2
  a5 w1       -  WA meeting 0 €    6 Jan 9:00-10:00       planned
  a6 w1       -  WA travel 0 €     6 Jan 10:00-10:30      planned
  a7 w2       F1 WA direct         5 Jan 13:00-15:00      planned (not yet realised)
  a8 w3       F1 WB direct         5 Jan 10:00-11:00 unit realised as planned

Purchases (purchaser A): F1 lump sum 1,000 € from 10 Jan; F2 10 visits x 95 € from
20 Jan; F1 lump sum 500 € from 5 Feb (outside January). All of service SP (specialised).
F2 has an address non-disclosure order. F1: responsible worker and own worker named.
A service need of F1: received 2 Jan 10:00, first help 5 Jan 10:00, closed 20 Jan 10:00.
"""

import datetime as dt
import importlib
from decimal import Decimal
from types import SimpleNamespace

import pytest

from perhekeskus.intake.models import NeedSource, ServiceNeed
from perhekeskus.network.models import Organisation, Service
from perhekeskus.people.models import NamedWorker
from perhekeskus.people.services import person_set_address_non_disclosure
from perhekeskus.reports.models import PopulationYear, PurchasedService
from perhekeskus.scheduling.services import appointment_book, appointment_cancel, appointment_realise
from tests.factories import (
    FamilyFactory,
    OrganisationFactory,
    ServiceFactory,
    UnitFactory,
    WorkTypeFactory,
    add_shifts,
    local,
    make_person,
    make_worker,
)

JAN_PARAMS = {"start": "2026-01-01", "end": "2026-01-31"}


def _population():
    """The Varkaus rows of migration reports/0002 (a transactional test elsewhere may have
    emptied the table since migrating)."""
    migration = importlib.import_module("perhekeskus.reports.migrations.0002_population_varkaus")
    for year, total, a, b, c, d in migration.VARKAUS:
        PopulationYear.objects.update_or_create(
            municipality="Varkaus", year=year,
            defaults={"total": total, "age_0_6": a, "age_7_12": b, "age_13_15": c, "age_16_18": d},
        )  # fmt: skip


@pytest.fixture
def region(db):
    _population()
    org_a = OrganisationFactory(name="Hyvinvointialue A")
    org_b = OrganisationFactory(name="Järjestö B", kind=Organisation.Kind.NGO)
    org_p = OrganisationFactory(name="Palvelu P Oy", kind=Organisation.Kind.PRIVATE)
    a1, b1 = UnitFactory(organisation=org_a, name="A1"), UnitFactory(organisation=org_b, name="B1")
    sa = ServiceFactory(organisation=org_a, name="SA", level=Service.Level.EARLY_SUPPORT)
    sb = ServiceFactory(organisation=org_b, name="SB", level=Service.Level.PROMOTION)
    sp = ServiceFactory(organisation=org_p, name="SP", level=Service.Level.SPECIALISED)
    wa = WorkTypeFactory(service=sa, name="WA direct", work_class="direct_client", default_unit_price=Decimal("60"))
    wa_meet = WorkTypeFactory(service=sa, name="WA meeting", work_class="meeting", default_unit_price=Decimal("0"))
    wa_travel = WorkTypeFactory(service=sa, name="WA travel", work_class="travel", default_unit_price=Decimal("0"))
    wb = WorkTypeFactory(service=sb, name="WB direct", work_class="direct_client", default_unit_price=Decimal("40"))
    w1 = make_worker("Aino Yksi", unit=a1, service=sa)
    w2 = make_worker("Bertta Kaksi", unit=a1, service=sa)
    w3 = make_worker("Cecilia Kolme", unit=b1, service=sb)
    add_shifts(w1, dt.date(2026, 1, 5), 2)
    add_shifts(w2, dt.date(2026, 1, 5), 1)
    add_shifts(w3, dt.date(2026, 1, 5), 1)
    f1, f2 = FamilyFactory(name="Perhe Ensimmäinen"), FamilyFactory(name="Perhe Toinen")
    p1, p2 = make_person(f1, "Eetu"), make_person(f2, "Fanni")

    def book(worker, wt, day, h0, m0, h1, m1, family=None, **kw):
        return appointment_book(
            actor=None, worker=worker, work_type=wt, start=local(2026, 1, day, h0, m0), end=local(2026, 1, day, h1, m1),
            family=family, **kw,
        )  # fmt: skip

    a1_ = book(w1, wa, 5, 9, 0, 11, 0, f1, persons=[p1], location_kind="client_home", address="Kotikatu 1")
    a2 = book(w1, wa, 5, 12, 0, 13, 0, f1, pair=w3)
    a3 = book(w2, wa, 5, 9, 0, 10, 30, f2)
    a4 = book(w3, wb, 5, 14, 0, 15, 0, f2, persons=[p2], location_kind="client_home", address="Salainen polku 2")
    a5 = book(w1, wa_meet, 6, 9, 0, 10, 0)
    a6 = book(w1, wa_travel, 6, 10, 0, 10, 30)
    a7 = book(w2, wa, 5, 13, 0, 15, 0, f1)
    a8 = book(w3, wb, 5, 10, 0, 11, 0, f1)
    appointment_realise(
        actor=None, appointment=a1_, actual_start=local(2026, 1, 5, 9), actual_end=local(2026, 1, 5, 11, 30)
    )
    appointment_realise(actor=None, appointment=a2)
    appointment_cancel(actor=None, appointment=a3, reason="client_cancelled", cancelled_by="client")
    appointment_realise(
        actor=None, appointment=a4, actual_start=local(2026, 1, 5, 14), actual_end=local(2026, 1, 5, 14, 30)
    )
    appointment_realise(actor=None, appointment=a8)
    person_set_address_non_disclosure(person=p2, value=True)

    def buy(family, start, **kw):
        amount = PurchasedService.total(kw.get("units"), kw.get("unit_price"), kw.get("lump_sum"))
        return PurchasedService.objects.create(
            purchaser=org_a, provider=org_p, service=sp, family=family, start_date=start,
            end_date=start + dt.timedelta(days=30), amount=amount, **kw,
        )  # fmt: skip

    buy(f1, dt.date(2026, 1, 10), lump_sum=Decimal("1000"))
    buy(f2, dt.date(2026, 1, 20), units=Decimal("10"), unit="visit", unit_price=Decimal("95"))
    buy(f1, dt.date(2026, 2, 5), lump_sum=Decimal("500"))
    NamedWorker.objects.create(family=f1, worker=w1, role="responsible_worker", start_date=dt.date(2025, 12, 1))
    NamedWorker.objects.create(family=f1, worker=w2, role="own_worker", start_date=dt.date(2025, 12, 1))
    ServiceNeed.objects.create(
        family=f1, service=sa, work_type=wa, source=NeedSource.values[0], received_at=local(2026, 1, 2, 10),
        status="closed", worker=w1, first_help_at=local(2026, 1, 5, 10), closed_at=local(2026, 1, 20, 10),
        outcome="completed",
    )  # fmt: skip
    return SimpleNamespace(**locals())
