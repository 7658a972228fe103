"""The travel model (docs/allocation.md): how long it takes to get from one place to
another, as a ``TravelMatrix``.

- ``HaversineMatrix`` (the default): the great-circle distance times a detour factor per
  mode (about 1.35 by car, 1.3 on foot or by bike: roads and paths are not straight),
  divided by a speed per mode, plus a parking allowance by car for each arrival.
- ``OsrmMatrix``: an OSRM-compatible routing server's ``/table`` API when ``OSRM_URL`` is
  set, each answer cached; when the server cannot be reached or answers nonsense, the
  straight-line estimate is used instead and ``fallback_used`` says so (and the logs
  say it without any address: only the number of points).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import urllib.request
from typing import Protocol

from django.conf import settings
from django.core.cache import cache

log = logging.getLogger(__name__)

DETOUR = {"car": 1.35, "walk": 1.3, "bike": 1.3}
SPEED_KMH = {"car": 45.0, "walk": 4.5, "bike": 15.0}
PARKING_MIN = {"car": 3.0, "walk": 0.0, "bike": 1.0}

Point = tuple[float, float]  # (latitude, longitude)


def haversine_km(a: Point, b: Point) -> float:
    r = 6371.0
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    dp, dl = p2 - p1, math.radians(b[1] - a[1])
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(min(1.0, h)))


class TravelMatrix(Protocol):
    """Travel between points: minutes and kilometres, row = from, column = to."""

    fallback_used: bool

    def table(self, points: list[Point], mode: str = "car") -> tuple[list[list[float]], list[list[float]]]:
        """(minutes, km) for every ordered pair of points."""
        ...


def detour(mode: str) -> float:
    """Road (or path) distance over straight line: by car ``TRAVEL_DETOUR_FACTOR``."""
    return settings.TRAVEL_DETOUR_FACTOR if mode == "car" else DETOUR.get(mode, DETOUR["car"])


def road_km(a: Point, b: Point, mode: str = "car") -> float:
    """The straight-line estimate of the distance travelled between two points."""
    return haversine_km(a, b) * detour(mode)


def straight_minutes(a: Point, b: Point, mode: str = "car") -> float:
    """The straight-line estimate of the travel time: road km / speed + parking on
    arrival (none for the same place)."""
    mode = mode if mode in SPEED_KMH else "car"
    d = road_km(a, b, mode)
    return 60.0 * d / SPEED_KMH[mode] + (PARKING_MIN[mode] if d > 0.05 else 0.0)


class HaversineMatrix:
    fallback_used = False

    def table(self, points, mode="car"):
        mode = mode if mode in DETOUR else "car"
        n = len(points)
        minutes = [[0.0] * n for _ in range(n)]
        km = [[0.0] * n for _ in range(n)]
        for i in range(n):
            for j in range(n):
                if i != j:
                    km[i][j] = road_km(points[i], points[j], mode)
                    minutes[i][j] = straight_minutes(points[i], points[j], mode)
        return minutes, km


class OsrmMatrix:
    """An OSRM-compatible ``/table`` service; the straight line when it fails."""

    PROFILES = {"car": "driving", "walk": "foot", "bike": "bike"}

    def __init__(self, url: str, timeout: float = 3.0, fallback: HaversineMatrix | None = None):
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.fallback = fallback or HaversineMatrix()
        self.fallback_used = False

    def _key(self, points, mode) -> str:
        raw = json.dumps([self.url, mode, [(round(a, 5), round(b, 5)) for a, b in points]])
        return "osrm:" + hashlib.sha256(raw.encode()).hexdigest()

    def table(self, points, mode="car"):
        if len(points) < 2:
            return self.fallback.table(points, mode)
        key = self._key(points, mode)
        hit = cache.get(key)
        if hit is not None:
            return hit
        coords = ";".join(f"{lon:.6f},{lat:.6f}" for lat, lon in points)
        url = f"{self.url}/table/v1/{self.PROFILES.get(mode, 'driving')}/{coords}?annotations=duration,distance"
        try:
            with urllib.request.urlopen(url, timeout=self.timeout) as response:  # noqa: S310 (configured URL)
                data = json.loads(response.read().decode())
            if data.get("code") != "Ok":
                raise ValueError(data.get("code"))
            durations, distances = data["durations"], data["distances"]
            n = len(points)
            if len(durations) != n or any(len(r) != n for r in durations):
                raise ValueError("shape")
            parking = PARKING_MIN.get(mode, 0.0)
            minutes = [
                [0.0 if i == j else (durations[i][j] or 0.0) / 60.0 + parking for j in range(n)] for i in range(n)
            ]
            km = [[(distances[i][j] or 0.0) / 1000.0 for j in range(n)] for i in range(n)]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning(
                "OSRM table failed for %d points (%s); straight-line estimate used", len(points), type(exc).__name__
            )
            self.fallback_used = True
            return self.fallback.table(points, mode)
        cache.set(key, (minutes, km), 24 * 3600)
        return minutes, km


def default_matrix() -> TravelMatrix:
    url = getattr(settings, "OSRM_URL", "")
    return OsrmMatrix(url) if url else HaversineMatrix()
