"""Common free time of several workers: the slot search of the network meeting on one
call (docs/network-meeting.md). Pure functions over epoch seconds, so that a property
test can check them against a brute-force search.

A worker is *free* at an instant when it lies in one of their shifts, inside working
hours, outside every absence and outside every active booking of theirs. A slot
``[t, t + duration)`` is *common* when every worker is free throughout it. Starts lie on
a grid of ``step`` seconds from the epoch (15 minutes: Helsinki's offset is whole hours,
so the grid is the same quarter hours on the wall clock).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .selectors import merge_intervals, subtract_intervals

Span = tuple[int, int]


@dataclass(frozen=True)
class Slot:
    start: int
    end: int
    reserved: bool  # inside one of the network's reserved slots


def intersect(a: Sequence[Span], b: Sequence[Span]) -> list[Span]:
    """The intersection of two ordered, disjoint interval lists."""
    out: list[Span] = []
    i = j = 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if lo < hi:
            out.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def free_spans(*, available: Iterable[Span], busy: Iterable[Span]) -> list[Span]:
    """One worker's free time: available time (shifts inside working hours, less
    absences) less their bookings; ordered and disjoint."""
    return subtract_intervals(merge_intervals(list(available)), busy)


def common_spans(per_worker: Sequence[Sequence[Span]]) -> list[Span]:
    """The time every worker is free (nobody: nothing)."""
    if not per_worker:
        return []
    common = merge_intervals(list(per_worker[0]))
    for spans in per_worker[1:]:
        common = intersect(common, merge_intervals(list(spans)))
        if not common:
            break
    return common


def _ceil(t: int, step: int) -> int:
    return -(-t // step) * step


def earliest_starts(spans: Sequence[Span], *, duration: int, step: int, after: int, limit: int) -> list[Span]:
    """The first ``limit`` slots of ``duration`` that fit in ``spans``, one per span (the
    earliest start of each), starting at or after ``after`` on the grid."""
    out: list[Span] = []
    for lo, hi in spans:
        t = _ceil(max(lo, after), step)
        if t + duration <= hi:
            out.append((t, t + duration))
            if len(out) >= limit:
                break
    return out


def propose(
    per_worker_free: Sequence[Sequence[Span]],
    *,
    reserved: Sequence[Span],
    duration: int,
    after: int,
    step: int = 900,
    limit: int = 5,
) -> list[Slot]:
    """The proposals: first the earliest slots inside the reserved slots (one per
    reserved occurrence), then the earliest common free slots anywhere (one per free
    span), each list in time order, without repeating a slot. Every proposed slot is free
    for every worker, so booking it cannot double-book anyone."""
    common = common_spans(per_worker_free)
    inside = intersect(common, merge_intervals(list(reserved))) if reserved else []
    first = [
        Slot(s, e, True) for s, e in earliest_starts(inside, duration=duration, step=step, after=after, limit=limit)
    ]
    seen = {(s.start, s.end) for s in first}
    rest = [
        Slot(s, e, False)
        for s, e in earliest_starts(common, duration=duration, step=step, after=after, limit=limit + len(first))
        if (s, e) not in seen
    ][:limit]
    return first + rest
