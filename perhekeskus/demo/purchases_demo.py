"""Demo purchased services (ostopalvelut): family rehabilitation, children's
psychotherapy and professional family care bought from private providers by the
wellbeing area, for about one family in twelve, spread over the past year. Names of
organisations and services only; no real company."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from perhekeskus.network.models import Organisation, Service
from perhekeskus.people.models import Family
from perhekeskus.reports.models import PurchasedService

PROVIDERS = [
    # provider, service, level, sector, unit, (units min, max), unit price, lump sums (EUR), share of purchases
    ("Perhekuntoutus Kaarna Oy", "Perhekuntoutus", "specialised", "social", None, None, None, (4800, 9600), 0.3),
    ("Terapiapalvelut Virta Oy", "Lasten psykoterapia", "specialised", "health", "visit", (8, 40), "95.00", None, 0.4),
    (
        "Perhehoito Kotiranta Oy",
        "Ammatillinen perhehoito",
        "specialised",
        "social",
        "day",
        (10, 90),
        "185.00",
        None,
        0.1,
    ),
    ("Kotiapu Lähde Oy", "Ostettu kotipalvelu", "early_support", "social", "hour", (6, 60), "52.00", None, 0.2),
]


def generate_purchases(rnd, today: dt.date, family_share: float = 1 / 12) -> int:
    purchaser = Organisation.objects.filter(kind=Organisation.Kind.WELLBEING_AREA).order_by("pk").first()
    if purchaser is None:
        return 0
    family_ids = list(Family.objects.order_by("pk").values_list("pk", flat=True))
    chosen = rnd.sample(family_ids, max(1, round(len(family_ids) * family_share)))
    offers = []
    for name, service_name, level, sector, unit, span, price, lump, share in PROVIDERS:
        provider, _ = Organisation.objects.get_or_create(name=name, defaults={"kind": Organisation.Kind.PRIVATE})
        service, _ = Service.objects.get_or_create(
            organisation=provider, name=service_name, defaults={"level": level, "sector": sector}
        )
        offers.append((provider, service, unit, span, price, lump, share))
    rows = []
    for family_id in chosen:
        provider, service, unit, span, price, lump, _share = rnd.choices(offers, weights=[o[-1] for o in offers])[0]
        start = today - dt.timedelta(days=rnd.randint(10, 360))
        end = min(start + dt.timedelta(days=rnd.choice([30, 60, 90, 180])), today + dt.timedelta(days=60))
        if lump:
            lump_sum = Decimal(rnd.randrange(lump[0], lump[1], 100))
            rows.append(
                PurchasedService(
                    purchaser=purchaser, provider=provider, service=service, family_id=family_id,
                    start_date=start, end_date=end, lump_sum=lump_sum, amount=lump_sum,
                    invoice_reference=f"OS-{start:%Y}-{len(rows) + 1:05d}",
                )
            )  # fmt: skip
        else:
            units, unit_price = Decimal(rnd.randint(*span)), Decimal(price)
            rows.append(
                PurchasedService(
                    purchaser=purchaser, provider=provider, service=service, family_id=family_id,
                    start_date=start, end_date=end, units=units, unit=unit, unit_price=unit_price,
                    amount=PurchasedService.total(units, unit_price, None),
                    invoice_reference=f"OS-{start:%Y}-{len(rows) + 1:05d}",
                )
            )  # fmt: skip
    PurchasedService.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
