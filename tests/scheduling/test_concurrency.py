"""Many parallel bookings of the same worker and slot: exactly one wins.

PostgreSQL's exclusion constraint is what guarantees this; the test runs on PostgreSQL
(``make test`` runs the suite there too, and CI requires it)."""

import threading

import pytest
from django.db import close_old_connections, connection

from perhekeskus.scheduling import services
from perhekeskus.scheduling.models import Appointment, Participant

from ..conftest import on_postgres
from ..factories import WorkTypeFactory, local, make_worker

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(not on_postgres(), reason="needs PostgreSQL: real concurrent transactions"),
]


@pytest.mark.django_db(transaction=True)
def test_parallel_bookings_of_one_slot():
    worker = make_worker("Kiia Kiireinen")
    pair = make_worker("Pekka Pari")
    work_type = WorkTypeFactory()
    n = 12
    barrier = threading.Barrier(n)
    results: list[str] = []
    lock = threading.Lock()

    def attempt(i):
        close_old_connections()
        try:
            barrier.wait()
            # half book the worker, half invite the same worker as a work pair of the other
            kwargs = {"worker": worker, "pair": None} if i % 2 else {"worker": pair, "pair": worker}
            services.appointment_book(
                actor=None,
                work_type=work_type,
                start=local(2026, 9, 14, 9),
                end=local(2026, 9, 14, 10, 30),
                confirm_outside_shift=True,
                **kwargs,
            )
            outcome = "ok"
        except services.BookingConflict as exc:
            outcome = "conflict: " + " ".join(exc.messages)
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("ok") == 1, results
    conflicts = [r for r in results if r.startswith("conflict")]
    assert len(conflicts) == n - 1
    assert all("Kiia Kiireinen" in c or "Pekka Pari" in c for c in conflicts)
    assert Appointment.objects.count() == 1
    assert Participant.objects.filter(resource=worker.resource).count() == 1
