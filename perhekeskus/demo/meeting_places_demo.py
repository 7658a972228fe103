"""The demo's family meeting places and their weekly programme, modelled on the Kemi
handbook's list (seeds/004: a family café of a parish, an NGO's peer groups, the
wellbeing area's open play group) and placed in the demo region's municipalities. Names
are made up; no real person is named. Texts in Finnish, Swedish and English."""

from __future__ import annotations

import datetime as dt
import random

from perhekeskus.network.models import MeetingPlace, Organisation, ProgrammeChange, ProgrammeItem, VisitorCount
from perhekeskus.network.programme import occurrences

PLACES = [
    # (organiser kind, municipality, address, name fi/sv/en, accessibility fi/sv/en, programme)
    (
        "parish",
        "Varkaus",
        "Kirkkokatu 2",
        ("Perhekahvila Kirkkokatu", "Familjecafé Kyrkogatan", "Church Street family café"),
        (
            "Esteetön sisäänkäynti pihan puolelta, invapysäköinti.",
            "Tillgänglig ingång från gården, handikapparkering.",
            "Step-free entrance from the yard, accessible parking.",
        ),
        [
            ("family_cafe", ("Perhekahvila", "Familjecafé", "Family café"), "FREQ=WEEKLY;BYDAY=WE", (9, 30), (11, 30)),
            (
                "theme_evening",
                ("Isä-lapsi-ilta", "Pappa-barn-kväll", "Dads and kids evening"),
                "FREQ=MONTHLY;BYDAY=1TH",
                (17, 30),
                (19, 0),
            ),
        ],
    ),
    (
        "ngo",
        "Varkaus",
        "Kauppakatu 29",
        ("Olohuone Kauppakatu", "Vardagsrummet Handelsgatan", "Market Street living room"),
        ("Toinen kerros, hissi.", "Andra våningen, hiss.", "Second floor, lift."),
        [
            (
                "peer_group",
                ("Vauvaperheiden vertaisryhmä", "Kamratgrupp för babyfamiljer", "Peer group for baby families"),
                "FREQ=WEEKLY;BYDAY=TU",
                (10, 0),
                (11, 30),
            ),
            (
                "peer_group",
                (
                    "Erityislasten vanhempien ryhmä",
                    "Grupp för föräldrar till barn med särskilda behov",
                    "Group for parents of children with special needs",
                ),
                "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO",
                (18, 0),
                (19, 30),
            ),
        ],
    ),
    (
        "wellbeing_area",
        "Leppävirta",
        "Kirkonkyläntie 10",
        ("Perheiden olohuone Leppävirta", "Familjernas vardagsrum Leppävirta", "Family living room Leppävirta"),
        (
            "Esteetön, lastenvaunuille tilaa eteisessä.",
            "Tillgängligt, plats för barnvagnar i hallen.",
            "Step-free, room for prams in the hall.",
        ),
        [
            (
                "play_group",
                ("Avoin leikkiryhmä", "Öppen lekgrupp", "Open play group"),
                "FREQ=WEEKLY;BYDAY=TH",
                (9, 0),
                (11, 0),
            )
        ],
    ),
]


def generate_meeting_places(rnd: random.Random, today: dt.date) -> int:
    """The places, their programme from three months back, a Christmas break and one
    moved occurrence, and visitor counts for the past occurrences. Returns the places."""
    made = 0
    for kind, town, address, names, access, items in PLACES:
        organiser = Organisation.objects.filter(kind=kind).order_by("pk").first() or Organisation.objects.first()
        if organiser is None:
            continue
        place = MeetingPlace.objects.create(
            name_fi=names[0], name_sv=names[1], name_en=names[2], organiser=organiser, municipality=town,
            address=address, postal_code="78200" if town == "Varkaus" else "79100",
            accessibility_fi=access[0], accessibility_sv=access[1], accessibility_en=access[2],
        )  # fmt: skip
        made += 1
        for item_kind, titles, rule, start, end in items:
            item = ProgrammeItem.objects.create(
                place=place, kind=item_kind, title_fi=titles[0], title_sv=titles[1], title_en=titles[2], rule=rule,
                first_date=today - dt.timedelta(weeks=13), start_time=dt.time(*start), end_time=dt.time(*end),
            )  # fmt: skip
            future = occurrences([item], today, today + dt.timedelta(weeks=8), changes=[])
            for o in future:
                if dt.date(o.date.year, 12, 24) <= o.date <= dt.date(o.date.year, 12, 31):
                    ProgrammeChange.objects.create(item=item, date=o.date, cancelled=True, note="Joulutauko")
            if len(future) > 2 and item_kind == "family_cafe":
                ProgrammeChange.objects.create(
                    item=item, date=future[1].date, new_start_time=dt.time(12), new_end_time=dt.time(14),
                    note="Iltapäivällä",
                )  # fmt: skip
            past = occurrences([item], today - dt.timedelta(weeks=13), today - dt.timedelta(days=1), changes=[])
            VisitorCount.objects.bulk_create(
                VisitorCount(item=item, date=o.date, adults=rnd.randint(3, 14), children=rnd.randint(2, 20))
                for o in past
            )
    return made
