"""Whatever a hand-edited or crafted URL holds, the calendar pages answer without a
server error (a bad value falls back to a default or is refused with 400/404)."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from perhekeskus.people.roles import COORDINATOR

from ..factories import FamilyFactory, WorkTypeFactory, make_user, make_worker

values = st.one_of(
    st.text(max_size=30),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(["2026-02-30", "0001-01-01", "9999-12-31", "2026-03-29T03:30", "1e9", "", "-1", "ids"]),
)


class PageParameterFuzz(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = make_user("koordinaattori", COORDINATOR)
        cls.worker = make_worker("Päivi Perhetyöntekijä")
        cls.family = FamilyFactory()
        WorkTypeFactory()

    @given(date=values, view=values, offset=values, limit=values, ids=values, start=values, q=values)
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    def test_no_server_error(self, date, view, offset, limit, ids, start, q):
        self.client.force_login(self.user)
        urls = [
            ("/resources/", {"date": date, "view": view, "q": q, "unit": offset}),
            ("/resources/rows/", {"date": date, "view": view, "offset": offset, "limit": limit, "ids": ids}),
            (f"/workers/{self.worker.pk}/calendar/", {"date": date, "view": view}),
            (f"/families/{self.family.pk}/calendar/", {"show": view}),
            ("/appointments/new/", {"worker": offset, "start": start}),
            ("/families/search/", {"q": q}),
            ("/families/persons/", {"family": offset}),
        ]
        for url, params in urls:
            response = self.client.get(url, params)
            assert response.status_code < 500, (url, params, response.status_code)
