"""Words a user reads instead of codes: language names in the reader's language, an empty
choice that says what it means (not "---------"), families told apart where one is chosen
(members with birth years, address, own worker), and an empty day that points to the next
working day."""

import datetime as dt

import pytest
from django.utils import translation

from perhekeskus.access import selectors as access_selectors
from perhekeskus.people.models import Language, NamedWorker
from perhekeskus.people.roles import COORDINATOR, WORKER
from perhekeskus.scheduling import selectors

from ..factories import FamilyFactory, add_shifts, make_person, make_user, make_worker

pytestmark = pytest.mark.django_db


def test_language_names_follow_the_reader():
    fi = Language.objects.get_or_create(code="fi", defaults={"name": "suomi"})[0]
    so = Language.objects.get_or_create(code="so", defaults={"name": "somali"})[0]
    expected = {"fi": ("Suomi", "Somali"), "sv": ("Finska", "Somaliska"), "en": ("Finnish", "Somali")}
    for lang, names in expected.items():
        with translation.override(lang):
            assert (str(fi), str(so)) == names


def test_no_dashes_for_an_empty_choice(client):
    client.force_login(make_user("koordinaattori", COORDINATOR))
    for url in ("/resources/", "/appointments/new/", "/allocation/absences/"):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="fi").content.decode()
        assert "---------" not in page, url
    assert ">Kaikki</option>" in client.get("/resources/").content.decode()  # a filter left empty shows all


def test_families_are_told_apart_by_members_address_and_own_worker():
    nurse = make_worker("Nea Neuvola", profession="public_health_nurse")
    a = FamilyFactory(name="Perhe Vuori", address="Koivukatu 1", municipality="Varkaus")
    b = FamilyFactory(name="Perhe Vuori", address="Mäntytie 9", municipality="Varkaus")
    make_person(a, first="Hanna", role="guardian", born=dt.date(1988, 1, 1))
    make_person(a, first="Aino", born=dt.date(2020, 5, 1))
    make_person(b, first="Ville", born=dt.date(2012, 5, 1))
    NamedWorker.objects.create(family=a, worker=nurse, role="own_worker", start_date=dt.date(2024, 1, 1))
    labelled = {f.pk: f for f in access_selectors.with_members([a, b])}
    assert labelled[a.pk].members_label == "Hanna 1988, Aino 2020"
    assert labelled[a.pk].own_worker_label == "Nea Neuvola" and labelled[b.pk].own_worker_label == ""
    assert labelled[b.pk].members_label == "Ville 2012"


def test_family_search_finds_a_member_by_first_name(client):
    w = make_worker("Päivi Perhetyöntekijä", user=make_user("paivi", WORKER))
    family = FamilyFactory(name="Perhe Virtanen", address="Koulukatu 3")
    make_person(family, first="Eetu", born=dt.date(2019, 3, 1))
    NamedWorker.objects.create(family=family, worker=w, role="own_worker", start_date=dt.date(2024, 1, 1))
    client.force_login(w.user)
    options = client.post("/families/search/", {"q": "Eetu"}).content.decode()
    assert "Perhe Virtanen: Eetu 2019 · Koulukatu 3" in options and "omatyöntekijä Päivi Perhetyöntekijä" in options


def test_next_working_day_after_an_empty_one():
    w = make_worker()
    day = dt.date(2026, 9, 14)
    add_shifts(w, day + dt.timedelta(days=3), 1)
    after = dt.datetime.combine(day, dt.time(23, 59), tzinfo=selectors.HELSINKI)
    assert selectors.next_working_day(worker=w, after=after) == day + dt.timedelta(days=3)
    assert selectors.next_working_day(worker=w, after=after + dt.timedelta(days=5)) is None
