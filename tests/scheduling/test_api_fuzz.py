"""Schemathesis generates requests from the real OpenAPI schema at /api/schema/ and
sends them to the application (in-process WSGI, real database): no request may end in a
server error, and every answer must be one the schema documents, in the documented shape.

Two of schemathesis's checks do not apply here and are left out: `ignored_auth` (every
request carries a valid token, so garbled credentials in other places are ignored by
design) and `positive_data_acceptance` (schema-valid ids of objects that do not exist are
rightly refused with 400)."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance

from ..factories import add_shifts, local, make_person, make_user


@pytest.fixture
def keep_test_connection():
    """Requests made straight through the WSGI app (not Django's test client) close the
    database connection when they finish, which would end the test's transaction;
    detach that signal as Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(db, keep_test_connection, worker, pair_worker, work_type, family):
    from perhekeskus.scheduling import services
    from perhekeskus.wsgi import application

    make_person(family)
    add_shifts(worker, local(2026, 9, 14).date(), 5)
    services.appointment_book(
        actor=None,
        worker=worker,
        work_type=work_type,
        family=family,
        start=local(2026, 9, 14, 9),
        end=local(2026, 9, 14, 10),
        pair=pair_worker,
        confirm_outside_shift=True,
    )
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def api_token(db):
    """A system's token with the resource coordinator's role for the whole region, as an
    administrator issues it (the same path as the page)."""
    from perhekeskus.access.services import api_token_issue
    from perhekeskus.people.roles import ADMINISTRATOR, COORDINATOR

    _token, raw = api_token_issue(actor=make_user("yllapito", ADMINISTRATOR), name="Fuzz", roles=[COORDINATOR], days=1)
    return raw


@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_answers_every_generated_request_within_its_schema(case, api_token):
    # each request in a savepoint: a failure rolls back only its own work, so on
    # PostgreSQL one server error is reported once instead of aborting the transaction
    # under every later request ("current transaction is aborted")
    with transaction.atomic():
        case.call_and_validate(
            headers={"Authorization": f"Bearer {api_token}", "Accept-Encoding": "identity"},
            excluded_checks=[ignored_auth, positive_data_acceptance],
        )
