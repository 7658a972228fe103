"""The meeting places' programme: a weekly rule in Helsinki wall-clock time across both
DST changes, cancelled and moved occurrences, and the iCalendar feed read back by
icalendar and recurring-ical-events with exactly the same occurrences."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
from django.core.exceptions import ValidationError
from icalendar import Calendar

from perhekeskus.network import programme
from perhekeskus.network.models import MeetingPlace, ProgrammeChange, ProgrammeItem
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
HKI = ZoneInfo("Europe/Helsinki")


@pytest.fixture
def cafe(db):
    place = MeetingPlace.objects.create(
        name_fi="Perhekahvila Satama", name_sv="Familjecafé Hamnen", name_en="Harbour family café",
        organiser=OrganisationFactory(name="Seurakunta"), municipality="Kemi", address="Satamakatu 1",
    )  # fmt: skip
    return ProgrammeItem.objects.create(
        place=place, kind="family_cafe", title_fi="Perhekahvila", title_sv="Familjecafé", title_en="Family café",
        rule="FREQ=WEEKLY;BYDAY=WE", first_date=dt.date(2026, 3, 1), start_time=dt.time(17), end_time=dt.time(19),
    )  # fmt: skip


def test_a_weekly_event_keeps_its_wall_clock_time_across_both_dst_changes(cafe):
    # spring: 29.3.2026 clocks go forward; autumn: 25.10.2026 back
    spring = programme.occurrences([cafe], dt.date(2026, 3, 18), dt.date(2026, 4, 8))
    autumn = programme.occurrences([cafe], dt.date(2026, 10, 14), dt.date(2026, 11, 4))
    for o in spring + autumn:
        assert o.start.astimezone(HKI).time() == dt.time(17) and o.start.weekday() == 2
        assert o.end - o.start == dt.timedelta(hours=2)
    # the UTC hour changes with the offset: 15:00 UTC in winter, 14:00 UTC in summer
    assert [o.start.astimezone(dt.UTC).hour for o in spring] == [15, 15, 14, 14]
    assert [o.start.astimezone(dt.UTC).hour for o in autumn] == [14, 14, 15, 15]


def test_cancelled_and_moved_occurrences(cafe):
    ProgrammeChange.objects.create(item=cafe, date=dt.date(2026, 12, 23), cancelled=True, note="Joulutauko")
    ProgrammeChange.objects.create(
        item=cafe, date=dt.date(2026, 12, 9), new_date=dt.date(2026, 12, 10), new_start_time=dt.time(16),
        new_end_time=dt.time(18), note="Torstaina",
    )  # fmt: skip
    got = programme.occurrences([cafe], dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert [(o.start.date().day, o.start.hour, o.moved) for o in got] == [
        (2, 17, False), (10, 16, True), (16, 17, False), (30, 17, False),
    ]  # fmt: skip
    # an item's last date ends it
    cafe.last_date = dt.date(2026, 12, 16)
    cafe.save()
    assert [o.start.day for o in programme.occurrences([cafe], dt.date(2026, 12, 1), dt.date(2026, 12, 31))] == [
        2,
        10,
        16,
    ]


def test_the_ical_feed_gives_the_same_occurrences_to_a_calendar_program(cafe):
    ProgrammeChange.objects.create(item=cafe, date=dt.date(2026, 10, 28), cancelled=True)
    ProgrammeChange.objects.create(
        item=cafe, date=dt.date(2026, 4, 1), new_start_time=dt.time(18), new_end_time=dt.time(20)
    )
    feed = programme.ical([cafe], name="Satama", language="sv")
    cal = Calendar.from_ical(feed)
    assert cal.walk("VTIMEZONE") and str(cal.walk("VTIMEZONE")[0]["TZID"]) == "Europe/Helsinki"
    start, end = dt.date(2026, 3, 1), dt.date(2026, 12, 31)
    theirs = sorted(
        (e["DTSTART"].dt.astimezone(dt.UTC), e["DTEND"].dt.astimezone(dt.UTC))
        for e in recurring_ical_events.of(cal).between(start, end + dt.timedelta(days=1))
    )
    ours = [(o.start.astimezone(dt.UTC), o.end.astimezone(dt.UTC)) for o in programme.occurrences([cafe], start, end)]
    assert theirs == ours and len(ours) == 43
    summaries = {str(e["SUMMARY"]) for e in cal.walk("VEVENT")}
    assert summaries == {"Familjecafé"}


def test_a_bad_rule_is_refused_in_the_users_language(cafe):
    cafe.rule = "EVERY WEDNESDAY"
    with pytest.raises(ValidationError) as exc:
        cafe.full_clean()
    assert "rule" in exc.value.message_dict
