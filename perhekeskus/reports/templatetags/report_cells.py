"""Formatting of report numbers in the user's language (decimal comma and grouping in
Finnish and Swedish)."""

import datetime as dt
from decimal import Decimal

from django import template
from django.utils import formats

from perhekeskus.reports.selectors import DECIMALS, rounded

register = template.Library()


def shown(value, digits: int) -> str:
    """The number as a page shows it: rounded, with the language's decimal separator and
    thousands grouping (1 436,7 in Finnish)."""
    return formats.number_format(rounded(value, digits), digits, use_l10n=True, force_grouping=True)


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
        return shown(value, 0)
    if column.kind in DECIMALS and isinstance(value, float | Decimal):
        return shown(value, DECIMALS[column.kind])
    return str(value)


@register.filter
def grouped(value) -> str:
    """A count with thousands grouping (155 548)."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return shown(value, 0)
    return "" if value is None else str(value)


@register.filter
def get_link(row: dict):
    return row.get("_link") if isinstance(row, dict) else None
