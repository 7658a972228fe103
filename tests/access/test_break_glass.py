"""Emergency access (break-glass): a worker opens a family outside the rules only with
a reason; it lasts BREAK_GLASS_HOURS, is logged as such, and waits for a manager."""

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from perhekeskus.access.models import AccessEvent, BreakGlass, BreakGlassReview
from perhekeskus.people.roles import MANAGER

from ..factories import FamilyFactory, OrganisationFactory, UnitFactory, make_person, make_user, make_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def family(db):
    family = FamilyFactory(name="Perhe Hätä")
    make_person(family, first="Helmi")
    return family


def test_opening_needs_a_reason_and_gives_access_for_a_while(client, worker_user, family):
    client.force_login(worker_user)
    assert client.get(f"/families/{family.pk}/calendar/").status_code == 404
    # the search is a POST: neither the name nor the reason ever stands in an address
    assert client.get("/emergency/").status_code == 200
    r = client.post("/emergency/", {"q": "Hätä", "reason": "lyhyt"})
    assert "Perhe Hätä" not in r.content.decode()  # no reason of 10 characters: no results
    r = client.post("/emergency/", {"q": "Hätä", "reason": "Virka-apupyyntö illalla, omat työntekijät poissa"})
    assert "Perhe Hätä" in r.content.decode()
    assert AccessEvent.objects.filter(basis="break_glass_search", family_id=family.pk).exists()
    r = client.post(f"/emergency/{family.pk}/open/", {"reason": "lyhyt"})
    assert BreakGlass.objects.count() == 0 and r.status_code == 302
    r = client.post(f"/emergency/{family.pk}/open/", {"reason": "Virka-apupyyntö illalla, omat työntekijät poissa"})
    assert r.status_code == 302 and r["Location"] == f"/families/{family.pk}/calendar/"
    grant = BreakGlass.objects.get()
    assert grant.user == worker_user and not BreakGlassReview.objects.filter(grant=grant).exists()
    assert grant.expires_at - grant.at == dt.timedelta(hours=4)
    html = client.get(f"/families/{family.pk}/calendar/").content.decode()
    assert "Helmi" in html and "Katselet perhettä hätäkäytöllä" in html  # the banner, in Finnish
    assert AccessEvent.objects.filter(object_type="family", family_id=family.pk, basis="break_glass").exists()
    # after the time is up, the family is closed again (the grant itself never changes)
    later = timezone.now() + dt.timedelta(hours=4, minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert client.get(f"/families/{family.pk}/calendar/").status_code == 404


def test_a_manager_reviews_emergency_accesses_within_their_scope(client, family):
    org, other = OrganisationFactory(), OrganisationFactory()
    mine = make_worker("Oma Työntekijä", unit=UnitFactory(organisation=org), user=make_user("oma"))
    theirs = make_worker("Muu Työntekijä", unit=UnitFactory(organisation=other), user=make_user("muu"))
    now = timezone.now()
    for w in (mine, theirs):
        BreakGlass.objects.create(
            user=w.user, family=family, reason="Kiireellinen tilanne", at=now, expires_at=now + dt.timedelta(hours=4)
        )
    manager = make_user("esihenkilo", MANAGER, organisation=org)
    client.force_login(manager)
    html = client.get("/emergency/reviews/").content.decode()
    assert "Oma Työntekijä" in html and "Muu Työntekijä" not in html
    assert family.key in html and "Perhe Hätä" not in html  # the key, never the name
    other_grant = BreakGlass.objects.get(user=theirs.user)
    assert client.post(f"/emergency/reviews/{other_grant.pk}/", {"review_note": "ok"}).status_code == 404
    grant = BreakGlass.objects.get(user=mine.user)
    client.post(f"/emergency/reviews/{grant.pk}/", {"review_note": "Perusteltu"})
    review = BreakGlassReview.objects.get(grant=grant)
    assert review.reviewed_by == manager and review.note == "Perusteltu"
    assert "Oma Työntekijä" not in client.get("/emergency/reviews/").content.decode()
    assert "Perusteltu" in client.get("/emergency/reviews/?show=reviewed").content.decode()


def test_workers_cannot_review_and_managers_cannot_break_glass(client, worker_user, manager):
    client.force_login(worker_user)
    assert client.get("/emergency/reviews/").status_code == 403
    client.force_login(manager)
    assert client.get("/emergency/").status_code == 403
