import os

import pytest
from django.utils import translation
from hypothesis import settings as hypothesis_settings

from perhekeskus.people.roles import ADMINISTRATOR, COORDINATOR, MANAGER, WORKER

from .factories import FamilyFactory, UnitFactory, WorkTypeFactory, make_user, make_worker

# CI explores the same examples every run (a red CI must mean a real regression); local
# runs draw new examples each time, so they keep finding new cases.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


@pytest.fixture(autouse=True)
def _english_by_default(settings):
    """Service messages are asserted in English unless a test switches language."""
    settings.LANGUAGE_CODE = "fi"
    with translation.override("en"):
        yield


@pytest.fixture
def no_public_holidays(monkeypatch):
    """A weekly series leaves out public holidays (intake.clocks.holidays_between). Tests
    of allocation and recurring visits that run on today's calendar use this to run as
    if there were none, so that Christmas in their horizon does not change the weeks they
    expect; tests of the holidays themselves set their own dates."""
    from perhekeskus.intake import clocks

    monkeypatch.setattr(clocks, "holidays_between", lambda first, last: frozenset())


@pytest.fixture
def unit(db):
    return UnitFactory(name="Perhetyö")


@pytest.fixture
def work_type(db):
    return WorkTypeFactory(name="Tehostettu perhetyö")


@pytest.fixture
def worker(unit):
    return make_worker("Päivi Perhetyöntekijä", unit=unit)


@pytest.fixture
def pair_worker(unit):
    return make_worker("Seppo Sosiaalityöntekijä", unit=unit, profession="social_worker")


@pytest.fixture
def family(db):
    return FamilyFactory(name="Perhe Miettinen")


@pytest.fixture
def coordinator(db):
    return make_user("koordinaattori", COORDINATOR)


@pytest.fixture
def manager(db):
    return make_user("johtaja", MANAGER)


@pytest.fixture
def admin_user(db):
    return make_user("yllapito", ADMINISTRATOR)


@pytest.fixture
def worker_user(worker):
    user = make_user("paivi", WORKER)
    worker.user = user
    worker.save()
    return user


def on_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql"))


@pytest.fixture(autouse=True)
def _access_log_triggers(request):
    """The append-only triggers (access/db.py) are in place in every test. Django empties a
    transactional test's database at teardown (row by row on SQLite, TRUNCATE on
    PostgreSQL), which the triggers rightly refuse; they are lifted for that teardown only."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None and not {"db", "transactional_db", "live_server"} & set(request.fixturenames):
        yield
        return
    from django.db import connection

    from perhekeskus.access import db as access_db

    request.getfixturevalue("_django_db_helper")  # set up before, so torn down after us
    blocker = request.getfixturevalue("django_db_blocker")
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    with blocker.unblock():
        access_db.install(connection)
    yield
    if transactional:
        with blocker.unblock():
            access_db.remove(connection)
