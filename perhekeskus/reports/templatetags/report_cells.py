"""Formatting of report numbers in the user's language (decimal comma and grouping in
Finnish and Swedish)."""

import datetime as dt

from django import template
from django.utils import formats

register = template.Library()

DECIMALS = {"hours": 1, "eur": 2, "pct": 1, "num": 1, "int": 0}


@register.filter
def cell(row: dict, column) -> str:
    value = row.get(column.key) if isinstance(row, dict) else None
    if value is None or value == "":
        return "–" if column.kind in DECIMALS else ""
    if isinstance(value, bool):
        return "✓" if value else "–"
    if column.kind == "month" and isinstance(value, dt.date):
        return formats.date_format(value, "YEAR_MONTH_FORMAT")
    if isinstance(value, dt.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if column.kind == "year":
        return str(value)
    if column.kind in DECIMALS and isinstance(value, int):
        return formats.number_format(value, 0, use_l10n=True, force_grouping=True)
    if column.kind in DECIMALS and isinstance(value, float):
        return formats.number_format(value, DECIMALS[column.kind], use_l10n=True, force_grouping=True)
    return str(value)


@register.filter
def get_link(row: dict):
    return row.get("_link") if isinstance(row, dict) else None
