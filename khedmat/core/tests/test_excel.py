"""The one Excel helper: every property a clerk relies on, read back with openpyxl."""
import datetime as dt
import io

from django.utils import translation
from openpyxl import load_workbook

from khedmat.core import excel
from khedmat.core.excel import DATE, DATETIME, DECIMAL, INTEGER, PERCENT, RIALS, Column
from khedmat.core.jalali import TEHRAN


def _book(columns, rows, title="برگه"):
    with translation.override("fa"):
        book = excel.ExcelBook()
        book.sheet(title, columns, rows)
        return load_workbook(io.BytesIO(book.to_bytes()))


def test_sheet_is_right_to_left_with_a_bold_frozen_filtered_header():
    sheet = _book([Column("نام"), Column("مبلغ (ریال)", RIALS)], [("الف", 2_500_000), ("ب", 10)]).active
    assert sheet.sheet_view.rightToLeft
    assert all(cell.font.bold for cell in sheet[1])
    assert not sheet.cell(2, 1).font.bold
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:B3"


def test_rials_percentages_and_counts_have_their_number_formats():
    sheet = _book([Column("مبلغ", RIALS), Column("سهم", PERCENT), Column("تعداد", INTEGER), Column("میانگین", DECIMAL)],
                  [(2_500_000, 12.5, 3, 7.25), (None, None, None, 4)]).active
    amount, share, count, mean = (sheet.cell(2, i) for i in range(1, 5))
    assert amount.value == 2_500_000 and amount.number_format == "#,##0"
    assert share.value == 0.125 and share.number_format == "0.0%"
    assert count.number_format == "#,##0" and mean.number_format == "#,##0.0"
    assert sheet.cell(3, 1).value is None and sheet.cell(3, 4).number_format == "#,##0"  # a count among means


def test_a_date_column_is_jalali_text_plus_a_real_sortable_date():
    instant = dt.datetime(2026, 12, 3, 20, 45, tzinfo=dt.UTC)  # 00:15 on 1405/09/13 in Tehran
    sheet = _book([Column("تاریخ", DATE), Column("زمان", DATETIME)], [(dt.date(2026, 12, 3), instant)]).active
    headers = [cell.value for cell in sheet[1]]
    assert headers == ["تاریخ", "تاریخ (میلادی)", "زمان", "زمان (میلادی)"]
    assert sheet.cell(2, 1).value == "۱۴۰۵/۰۹/۱۲"
    assert sheet.cell(2, 2).is_date and sheet.cell(2, 2).value.date() == dt.date(2026, 12, 3)
    assert sheet.cell(2, 2).number_format == "yyyy-mm-dd"
    assert sheet.cell(2, 3).value == "۱۴۰۵/۰۹/۱۳ ۰۰:۱۵"
    assert sheet.cell(2, 4).value == instant.astimezone(TEHRAN).replace(tzinfo=None)
    assert sheet.cell(2, 4).number_format == "yyyy-mm-dd hh:mm"
    assert sheet.auto_filter.ref == "A1:D2"


def test_a_cell_can_carry_its_own_kind_in_a_mixed_column():
    sheet = _book([Column("شاخص"), Column("مقدار")], [("سهم", excel.percent(40)), ("مبلغ", excel.rials(1_000_000)),
                                                      ("متن", "—")]).active
    assert (sheet.cell(2, 2).value, sheet.cell(2, 2).number_format) == (0.4, "0.0%")
    assert (sheet.cell(3, 2).value, sheet.cell(3, 2).number_format) == (1_000_000, "#,##0")
    assert sheet.cell(4, 2).value == "—"


def test_titles_excel_refuses_are_made_safe():
    book = _book([Column("a")], [], title="۱۴۰۵/۰۹/۱۲: گزارش بسیار بسیار بسیار طولانی")
    assert book.active.title == "۱۴۰۵-۰۹-۱۲- گزارش بسیار بسیار بسیار طو"[:31]
    assert book.active.auto_filter.ref == "A1:A1"
