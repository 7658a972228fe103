"""Property: whatever sequence of bookings is tried, the service accepts exactly those that
overlap nothing accepted before, and the accepted ones never overlap."""

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from perhekeskus.scheduling import services
from perhekeskus.scheduling.models import Participant

from ..factories import WorkTypeFactory, local, make_worker

slots = st.lists(
    st.tuples(st.integers(0, 40), st.integers(1, 12), st.booleans()), min_size=1, max_size=15
)  # (start in 15-minute steps from 8:00, length in steps, pair the second worker?)


class OverlapProperty(TestCase):
    @given(slots)
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    def test_accepts_exactly_the_non_overlapping(self, attempts):
        a, b = make_worker("Aino Aalto"), make_worker("Bertta Berg")
        wt = WorkTypeFactory()
        base = local(2026, 9, 14, 8)
        accepted: dict[int, list[tuple]] = {a.resource_id: [], b.resource_id: []}
        for start_step, length, with_pair in attempts:
            s = base + dt.timedelta(minutes=15 * start_step)
            e = s + dt.timedelta(minutes=15 * length)
            who = [a.resource_id] + ([b.resource_id] if with_pair else [])
            expected_ok = all(e <= s2 or s >= e2 for r in who for s2, e2 in accepted[r])
            try:
                services.appointment_book(
                    actor=None,
                    worker=a,
                    work_type=wt,
                    start=s,
                    end=e,
                    pair=b if with_pair else None,
                    confirm_outside_shift=True,
                )
                ok = True
            except services.BookingConflict:
                ok = False
            assert ok == expected_ok
            if ok:
                for r in who:
                    accepted[r].append((s, e))
        for r in accepted:
            spans = sorted(Participant.objects.filter(resource_id=r, active=True).values_list("start", "end"))
            assert all(spans[i][1] <= spans[i + 1][0] for i in range(len(spans) - 1))
