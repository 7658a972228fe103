"""Records that must never change after the fact: the access log, consents and their
withdrawals, emergency accesses and their reviews, an appointment's history, intake's
events. The database refuses UPDATE, DELETE and (SQLite) INSERT OR REPLACE; PostgreSQL
also TRUNCATE; and ``check_append_only`` fails unless the application's role may only
SELECT and INSERT them."""

import datetime as dt
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from perhekeskus.access import db
from perhekeskus.access.models import AccessEvent, BreakGlass, BreakGlassReview, Consent, ConsentWithdrawal
from perhekeskus.access.services import consent_record
from perhekeskus.allocation.models import Proposal, ProposalEvent
from perhekeskus.intake import services as intake_services
from perhekeskus.intake.models import IntakeEvent
from perhekeskus.people.models import Person
from perhekeskus.people.roles import ADMINISTRATOR
from perhekeskus.scheduling import services
from perhekeskus.scheduling.models import AppointmentChange

from ..conftest import on_postgres
from ..factories import FamilyFactory, OrganisationFactory, WorkTypeFactory, local, make_person, make_user, make_worker


def _rows():
    """One row of every append-only table."""
    user = make_user("kirjaaja", ADMINISTRATOR)
    family = FamilyFactory()
    child = make_person(family, first="Aino")
    guardian = make_person(family, first="Anna", role=Person.Role.GUARDIAN, born=dt.date(1980, 1, 1))
    consent = consent_record(actor=user, person=child, given_by=guardian)
    withdrawal = ConsentWithdrawal.objects.create(consent=consent, recorded_by=user)
    grant = BreakGlass.objects.create(
        user=user, family=family, reason="Kiireellinen tilanne", expires_at=timezone.now() + dt.timedelta(hours=4)
    )
    review = BreakGlassReview.objects.create(grant=grant, reviewed_by=user, note="ok")
    event = AccessEvent.objects.create(
        user_id=user.pk, username=user.username, action="view", object_type="family", object_id=family.pk,
        family_id=family.pk, basis="role:administrator", channel="page",
    )  # fmt: skip
    appointment = services.appointment_book(
        actor=None,
        worker=make_worker(),
        work_type=WorkTypeFactory(),
        start=local(2026, 9, 14, 9),
        end=local(2026, 9, 14, 10),
        confirm_outside_shift=True,
    )
    change = AppointmentChange.objects.get(appointment=appointment)
    org = OrganisationFactory(answers_for_municipalities="Varkaus")
    contact = intake_services.contact_record(
        actor=None, channel="phone", organisation=org, message="Huoli", phone="0401234567"
    )
    intake_event = IntakeEvent.objects.filter(contact=contact).first()
    proposal = Proposal.objects.create(created_by=user)
    proposal_event = ProposalEvent.objects.create(proposal=proposal, actor=user, action="requested")
    return [event, consent, withdrawal, grant, review, change, intake_event, proposal_event]


@pytest.mark.django_db
def test_every_append_only_table_refuses_update_and_delete():
    rows = _rows()
    assert {r._meta.db_table for r in rows} == set(db.append_only_tables())
    for row in rows:
        model = type(row)
        for attempt in (
            lambda: model.objects.filter(pk=row.pk).update(id=row.pk),
            lambda: model.objects.filter(pk=row.pk).delete(),
        ):
            with pytest.raises(DatabaseError), transaction.atomic():
                attempt()
        assert model.objects.filter(pk=row.pk).exists(), model


@pytest.mark.django_db
def test_insert_or_replace_cannot_rewrite_a_row_on_sqlite():
    if connection.vendor != "sqlite":
        pytest.skip("INSERT OR REPLACE is SQLite's; PostgreSQL has no REPLACE (ON CONFLICT DO UPDATE is an UPDATE)")
    event = _rows()[0]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT OR REPLACE INTO access_accessevent (id, at, user_id, username, action, object_type, "
            "object_id, family_id, basis, channel, path) "
            "VALUES (%s, %s, NULL, 'x', 'view', 'family', 1, NULL, 'forged', 'page', '')",
            [event.pk, "2026-01-01 00:00:00"],
        )
    event.refresh_from_db()
    assert event.basis == "role:administrator"


@pytest.mark.django_db
def test_upsert_is_refused_like_an_update():
    event = _rows()[0]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO access_accessevent (id, at, user_id, username, action, object_type, object_id, family_id, "
            "basis, channel, path) VALUES (%s, %s, NULL, 'x', 'view', 'family', 1, NULL, 'forged', 'page', '') "
            "ON CONFLICT (id) DO UPDATE SET basis = 'forged'",
            [event.pk, timezone.now()],
        )
    event.refresh_from_db()
    assert event.basis == "role:administrator"


@pytest.mark.django_db
def test_a_withdrawal_cannot_be_undone_and_a_person_with_consents_cannot_be_deleted():
    family = FamilyFactory()
    child = make_person(family, first="Aino")
    guardian = make_person(family, first="Anna", role=Person.Role.GUARDIAN, born=dt.date(1980, 1, 1))
    admin = make_user("kirjaaja", ADMINISTRATOR)
    consent = consent_record(actor=admin, person=child, given_by=guardian)
    ConsentWithdrawal.objects.create(consent=consent, recorded_by=admin)
    with pytest.raises(DatabaseError), transaction.atomic():
        ConsentWithdrawal.objects.filter(consent=consent).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        Consent.objects.filter(pk=consent.pk).update(valid_until=dt.date(2099, 1, 1))
    assert Consent.objects.filter(pk=consent.pk, withdrawal__isnull=False).exists()
    from django.db.models import ProtectedError

    with pytest.raises((ProtectedError, DatabaseError)), transaction.atomic():
        child.delete()
    assert Person.objects.filter(pk=child.pk).exists()


@pytest.mark.django_db
def test_check_append_only_on_sqlite_finds_a_missing_trigger():
    if connection.vendor != "sqlite":
        pytest.skip("the PostgreSQL form is test_check_append_only_with_two_roles")
    call_command("check_append_only")
    with connection.cursor() as cursor:
        cursor.execute('DROP TRIGGER "access_consent_no_update"')
    with pytest.raises(CommandError, match="access_consent lacks its trigger access_consent_no_update"):
        call_command("check_append_only")
    db.install_table(connection, "access_consent")


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_truncate_is_refused_on_postgresql():
    if not on_postgres():
        pytest.skip("needs PostgreSQL")
    _rows()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE access_accessevent")
    assert AccessEvent.objects.exists()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_check_append_only_with_two_roles():
    """The role that runs the migrations owns the tables and fails the check; an
    application role that may only SELECT and INSERT passes, and really cannot UPDATE,
    DELETE or TRUNCATE the log."""
    if not on_postgres():
        pytest.skip("needs PostgreSQL")
    import psycopg

    event = _rows()[0]
    with pytest.raises(CommandError, match="owns access_accessevent|superuser"):
        call_command("check_append_only")
    role = f"pk_app_{uuid.uuid4().hex[:10]}"
    settings_dict = connection.settings_dict
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" LOGIN')
        cursor.execute(f'GRANT CONNECT ON DATABASE "{settings_dict["NAME"]}" TO "{role}"')
        cursor.execute(f'GRANT USAGE ON SCHEMA public TO "{role}"')
        cursor.execute(f'GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA public TO "{role}"')
        cursor.execute(f'GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO "{role}"')
    try:
        with (
            psycopg.connect(
                host=settings_dict["HOST"] or "127.0.0.1",
                port=settings_dict["PORT"] or 5432,
                dbname=settings_dict["NAME"],
                user=role,
                autocommit=True,
            ) as app,
            app.cursor() as cursor,
        ):
            assert db.privileges_problems(cursor) == []
            cursor.execute(
                "INSERT INTO access_accessevent (at, username, action, object_type, object_id, basis, channel, path) "
                "VALUES (now(), 'app', 'view', 'family', 1, 'role:administrator', 'page', '')"
            )
            for statement in (
                f"UPDATE access_accessevent SET basis = 'forged' WHERE id = {event.pk}",
                f"DELETE FROM access_accessevent WHERE id = {event.pk}",
                "TRUNCATE access_accessevent",
                "ALTER TABLE access_accessevent DISABLE TRIGGER ALL",
            ):
                with pytest.raises(psycopg.Error):
                    cursor.execute(statement)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP OWNED BY "{role}"')
            cursor.execute(f'DROP ROLE "{role}"')
    event.refresh_from_db()
    assert event.basis == "role:administrator"
