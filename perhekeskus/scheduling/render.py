"""HTML of the resource view's rows, built directly.

A week of the whole region is tens of thousands of entries; Django's template engine
spends ~1 ms per row-entry loop there, so these rows are written with escaped f-strings
instead (about a hundred times faster). Everything user-entered goes through escape()."""

from __future__ import annotations

from html import escape

from django.urls import reverse
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from perhekeskus.access.policy import BUSY, FULL
from perhekeskus.people.models import Profession

from .models import WorkClass
from .selectors import Row
from .timeline import Frame, pos_class

CLOCK = [f"{m // 60:02d}:{m % 60:02d}" for m in range(1440)]  # minute of day -> "HH:MM"


def _url_pattern(name: str) -> tuple[str, str]:
    url = reverse(name, args=[999999999])
    head, tail = url.split("999999999")
    return head, tail


def resource_rows_html(
    rows: list[Row],
    frame: Frame,
    *,
    modes: dict[int, str],
    own_ids: frozenset[int] | set[int] = frozenset(),
) -> SafeString:
    """``modes`` per worker id (policy.row_mode): FULL shows the client in the day view
    and lets the user book and move; KEY shows families by their pseudonymous key, with
    no address or notes (managers); BUSY shows time and work class only, with no link.
    Entries in ``own_ids`` (the user's own appointments) are always shown in full."""
    detailed = frame.days == 1  # the day view shows client details; the week view only the work
    detail_head, detail_tail = _url_pattern("scheduling:appointment_detail")
    cal_head, cal_tail = _url_pattern("scheduling:worker_calendar")
    week_param = f"?view=week&amp;date={frame.first_day.isoformat()}"
    t_note, t_with, t_cancelled = _("Note"), _("with"), _("cancelled")
    t_absent = _("Absent")
    place, fixed = frame.place_ts, frame._fixed_offset
    t_tip = _("Shifts %(s)s h, booked %(b)s h")
    separator = get_format("DECIMAL_SEPARATOR")
    work_classes = {k: str(v) for k, v in WorkClass.choices}

    def num(hours: float) -> str:
        return f"{hours:.1f}".replace(".", separator)

    professions = dict(Profession.choices)
    book_attr, drag_attr = ' data-book="1"', ' draggable="true"'
    attr_cache: dict[tuple[str, str, str, bool], tuple[str, str, str]] = {}
    out: list[str] = []
    for row in rows:
        w = row.worker
        row_mode = modes.get(w.pk, BUSY)
        can_book = row_mode == FULL
        out.append(
            f'<div class="tl-row" role="listitem" id="row-{w.pk}" data-worker="{w.pk}">'
            f'<div class="tl-name"><a href="{cal_head}{w.pk}{cal_tail}{week_param}">'
            f"{escape(w.last_name)} {escape(w.first_name)}</a>"
            f"<small>{escape(str(professions.get(w.profession, w.profession)))} · {escape(w.unit.name)}</small></div>"
            f'<div class="tl-track days-{frame.days}" data-worker="{w.pk}"{book_attr if can_book else ""}>'
            # the keyboard's way in: one cursor a row (timeline.js moves it by the half hour;
            # the entries' own links are left out of the tab order)
            f'<button type="button" class="tl-cursor" tabindex="-1" data-name="{escape(w.name)}"'
            f' aria-label="{escape(w.name)}"></button>'
        )
        for s, e in row.shifts:
            for left, width in frame.place(s, e):
                out.append(f'<div class="tl-shift {pos_class(left, width)}"></div>')
        for s, e in row.absences:
            for left, width in frame.place(s, e):
                out.append(f'<div class="tl-absence {pos_class(left, width)}" title="{t_absent}"></div>')
        for entry in row.entries:
            boxes = place(entry.start_ts, entry.end_ts)
            if not boxes:
                continue
            if fixed is None:
                s_min = (entry.start_ts + frame._offset(entry.start_ts)) % 86400 // 60
                e_min = (entry.end_ts + frame._offset(entry.end_ts)) % 86400 // 60
            else:
                s_min, e_min = (entry.start_ts + fixed) % 86400 // 60, (entry.end_ts + fixed) % 86400 // 60
            aid = entry.appointment_id
            mode = FULL if aid in own_ids else row_mode
            label = ""
            if mode == BUSY:
                title = f"{CLOCK[s_min]}–{CLOCK[e_min]} {work_classes.get(entry.work_class, '')}"
                if detailed:
                    label = escape(work_classes.get(entry.work_class, ""))
            else:
                title = f"{CLOCK[s_min]}–{CLOCK[e_min]} {entry.work_type}"
                if detailed:
                    family = entry.family_name if mode == FULL else entry.family_key
                    if family:
                        title += f" · {family}"
                    if mode == FULL and entry.address and not entry.family_protected:
                        title += f" · {entry.address}"
                    if mode == FULL and entry.notes_to_heed:
                        title = f"{title} · {t_note}: {entry.notes_to_heed}"
                    label = escape(entry.work_type + (f" · {family}" if family else ""))
                if entry.others:
                    title += f" · {t_with} {', '.join(entry.others)}"
            if entry.status == "cancelled":
                title += f" · {t_cancelled}"
            key = (entry.work_class, entry.status, entry.role, mode, can_book)
            attrs = attr_cache.get(key)
            if attrs is None:
                classes = f"tl-entry wc-{escape(entry.work_class)} st-{escape(entry.status)}"
                if entry.role == "pair":
                    classes += " is-pair"
                # the class attribute stays open: each box adds its position classes
                if mode == BUSY:  # no link: the entry is someone else's work
                    attrs = (f'<span class="{classes} is-busy', "", "</span>")
                else:
                    drag = can_book and entry.status == "planned" and entry.role == "primary"
                    attrs = (
                        f'<a class="{classes}',
                        f' href="{detail_head}{{}}{detail_tail}" tabindex="-1"'
                        f' data-id="{{}}"{drag_attr if drag else ""}',
                        "</a>",
                    )
                attr_cache[key] = attrs
            head, tail, close = attrs
            rest = tail.format(aid, aid) if tail else ""
            title = escape(title)
            for left, width in boxes:
                out.append(f'{head} {pos_class(left, width)}"{rest} title="{title}">{label}{close}')
        tip = t_tip % {"s": num(row.shift_hours), "b": num(row.booked_hours)}
        out.append(f'</div><div class="tl-free" title="{escape(tip)}">{num(row.free_hours)}</div></div>')
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped
