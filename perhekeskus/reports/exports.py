"""CSV and XLSX of a report table or of drill-down rows. Text that a spreadsheet would
run as a formula (starting with = + - @, a tab or a carriage return) is written with a
leading apostrophe, in both formats; XLSX cells are written as text or numbers, never as
formulas."""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .selectors import Table

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value) -> str:
    """Text that a spreadsheet will not run as a formula. The check reads the text in its
    compatibility form (NFKC), since spreadsheets take a full-width ＝ or ＋ for = and +."""
    text = str(value)
    return "'" + text if unicodedata.normalize("NFKC", text).startswith(FORMULA_STARTS) else text


def _cell_value(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return value
    return safe_text(value)


def _rows(table: Table):
    keys = [c.key for c in table.columns]
    yield [safe_text(c.label) for c in table.columns]
    for row in table.rows:  # numbers at the page's precision, rounded as the page rounds
        shown = table.precise_row(row)
        yield [_cell_value(shown.get(k)) for k in keys]
    if table.totals:
        shown = table.precise_row(table.totals)
        cells = [_cell_value(shown.get(k)) for k in keys]
        if cells and cells[0] in (None, ""):  # the totals row says what it is, as on the page
            cells[0] = safe_text(_("Total"))
        yield cells


def csv_response(table: Table, filename: str) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")  # Finnish spreadsheets expect semicolons
    for row in _rows(table):
        writer.writerow(["" if v is None else v for v in row])
    # a byte-order mark so that spreadsheets read the file as UTF-8 (å, ä, ö)
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response["Cache-Control"] = "no-store"
    return response


def table_response(table: Table, fmt: str, *, name: str, title: str, filters: dict[str, str]) -> HttpResponse:
    """The table as a CSV (``fmt`` "csv") or XLSX file named by the report and period:
    the same file from the page's export links and the API's ``format=``."""
    filename = f"{name}_{filters['start']}_{filters['end']}"
    if fmt == "csv":
        return csv_response(table, filename)
    return xlsx_response(table, filename, str(title), filters)


def xlsx_response(table: Table, filename: str, title: str, filters: dict[str, str]) -> HttpResponse:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=title[:31] or "report")
    bold = Font(bold=True)
    head = WriteOnlyCell(ws, value=safe_text(title))
    head.font = bold
    ws.append([head])
    ws.append([safe_text(", ".join(f"{k}={v}" for k, v in filters.items()))])
    ws.append([])
    for i, row in enumerate(_rows(table)):
        cells = []
        for value in row:
            cell = WriteOnlyCell(ws, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula
            if i == 0:
                cell.font = bold
            cells.append(cell)
        ws.append(cells)
    for note in table.notes:
        ws.append([safe_text(note)])
    out = io.BytesIO()
    wb.save(out)
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    response["Cache-Control"] = "no-store"
    return response
