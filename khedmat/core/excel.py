"""Every Excel export of the project goes through here, so that each one reads the same way in Excel:
the sheet right to left, the header row bold, frozen and with an autofilter, rials with thousands
separators, percentages as %, and each date twice — the Jalali text people read («۱۴۰۵/۰۹/۱۲») and
the Gregorian date as a real date cell (ISO format) that sorts and filters as a date.

    book = ExcelBook()
    book.sheet(_("Payments"), [Column(_("Time"), DATETIME), Column(_("Amount (rials)"), RIALS)], rows)
    return book.to_bytes()

A column's kind formats every value of it; a single cell can carry its own kind with `Typed` (a
summary sheet mixes counts, percentages and rials in one column): `percent(12.5)`, `rials(2_500_000)`.
Percentages are given in percent points (as `reporting.share` returns them: 12.5 for 12.5 %).
"""
from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from khedmat.core import jalali

TEXT, INTEGER, DECIMAL, RIALS, PERCENT, DATE, DATETIME = (
    "text", "integer", "decimal", "rials", "percent", "date", "datetime")
KINDS = (TEXT, INTEGER, DECIMAL, RIALS, PERCENT, DATE, DATETIME)
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Excel number formats (shown with the reader's own digits and separators).
NUMBER_FORMATS = {
    INTEGER: "#,##0",
    DECIMAL: "#,##0.0",
    RIALS: "#,##0",
    PERCENT: "0.0%",
    DATE: "yyyy-mm-dd",
    DATETIME: "yyyy-mm-dd hh:mm",
}
DEFAULT_WIDTHS = {TEXT: 24, INTEGER: 12, DECIMAL: 12, RIALS: 18, PERCENT: 12, DATE: 14, DATETIME: 18}


class Typed(NamedTuple):
    """One cell with its own kind (overrides its column's)."""

    value: Any
    kind: str


def percent(value) -> Typed:
    return Typed(value, PERCENT)


def rials(value) -> Typed:
    return Typed(value, RIALS)


def integer(value) -> Typed:
    return Typed(value, INTEGER)


def decimal(value) -> Typed:
    return Typed(value, DECIMAL)


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = TEXT
    width: int | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")

    @property
    def is_dated(self) -> bool:
        return self.kind in (DATE, DATETIME)


def _jalali_text(value, kind: str) -> str:
    if kind == DATETIME and isinstance(value, dt.datetime):
        return jalali.format_datetime(value)
    return jalali.format_date(value)


def _real_date(value, kind: str):
    """The Gregorian value Excel stores: a naive Tehran-local datetime, or a date."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        local = value.astimezone(jalali.TEHRAN) if value.tzinfo else value
        return local.replace(tzinfo=None, microsecond=0) if kind == DATETIME else local.date()
    return value


def _plain(value, kind: str):
    """A cell value openpyxl can store: numbers stay numbers, lazy strings become text."""
    if value is None or isinstance(value, bool):
        return value
    if kind == PERCENT and isinstance(value, int | float):
        return value / 100
    if isinstance(value, int | float):
        return value
    if isinstance(value, dt.date):
        return value
    return str(value)


class ExcelBook:
    def __init__(self):
        self._book = Workbook()
        self._book.remove(self._book.active)

    @property
    def workbook(self):
        return self._book

    def sheet(self, title, columns: Sequence[Column | str], rows: Iterable[Sequence[Any]]):
        """Add a sheet; a plain string column is a text column. Returns the openpyxl worksheet."""
        columns = [c if isinstance(c, Column) else Column(str(c)) for c in columns]
        ws = self._book.create_sheet(_safe_title(title))
        ws.sheet_view.rightToLeft = True
        header: list[str] = []
        widths: list[int] = []
        for column in columns:
            width = column.width or DEFAULT_WIDTHS[column.kind]
            if column.is_dated:
                header += [str(column.header), _("%(column)s (Gregorian)") % {"column": column.header}]
                widths += [width, DEFAULT_WIDTHS[column.kind]]
            else:
                header.append(str(column.header))
                widths.append(width)
        ws.append(header)
        bold = Font(bold=True)
        for cell in ws[1]:
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in rows:
            values: list[Any] = []
            formats: list[str | None] = []
            for column, raw in zip(columns, row, strict=True):
                kind = column.kind
                if isinstance(raw, Typed):
                    raw, kind = raw.value, raw.kind
                if kind in (DATE, DATETIME):
                    if column.is_dated:
                        values += [_jalali_text(raw, kind) if raw is not None else None, _real_date(raw, kind)]
                        formats += [None, NUMBER_FORMATS[kind]]
                    else:  # a date in a mixed column: the Jalali text alone
                        values.append(_jalali_text(raw, kind) if raw is not None else None)
                        formats.append(None)
                else:
                    values.append(_plain(raw, kind))
                    if kind == DECIMAL and isinstance(raw, int) and not isinstance(raw, bool):
                        kind = INTEGER  # a count in a column of means
                    formats.append(NUMBER_FORMATS.get(kind) if isinstance(raw, int | float) else None)
            ws.append(values)
            for cell, number_format in zip(ws[ws.max_row], formats, strict=False):
                if number_format:
                    cell.number_format = number_format
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(ws.max_row, 1)}"
        return ws

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self._book.save(buffer)
        return buffer.getvalue()


def _safe_title(title) -> str:
    """Excel refuses []:*?/\\ in sheet titles and more than 31 characters."""
    text = str(title)
    for char in "[]:*?/\\":
        text = text.replace(char, "-")
    return text[:31] or "-"


def xlsx_response(content: bytes, filename: str):
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
