"""Annex tables as official-looking 附表 workbooks; the generic, formula-safe helpers are in
``plan.spreadsheets``."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import xlsxwriter
from django.utils import timezone

from plan.spreadsheets import FORMULA_STARTS
from plan.textlimits import EXCEL_CELL, clip

# ---------------------------------------------------------------------------------------------
# Annex tables as official-looking 附表 workbooks (XlsxWriter, constant memory).
#
# Why XlsxWriter: openpyxl's write-only mode, the only one of its modes that streams, has no
# merged cells and no data validation; XlsxWriter's constant_memory mode has both, writes row by
# row, and measured faster (LIBRARIES.md; `manage.py benchmark_excel` prints the figures).
# openpyxl stays the reader.

KEY_HEADER = "项目编号"  # the hidden key column: rows are matched on it, never on names
# The hidden version column: the project's version when it was exported. The import rebuilds
# what the row said then from the history, so it can tell the file's edits from the dashboard's.
VERSION_HEADER = "导出版本"
# Where a lower percent than the last report needs a reason, as in the form.
REASON_HEADER = "进度下降原因"
KEY_PREFIX = "P"


@dataclass(frozen=True)
class ExportColumn:
    field: str
    header: str
    width: float
    kind: str = "text"  # text, money, percent, date, number, key


ANNEX_COLUMNS = [
    ExportColumn("order", "序号", 6, "number"),
    ExportColumn("key", KEY_HEADER, 10, "key"),
    ExportColumn("name", "项目名称", 30),
    ExportColumn("builder", "建设单位", 18),
    ExportColumn("unit", "责任单位", 14),
    ExportColumn("location", "建设地点", 14),
    ExportColumn("content", "建设内容", 30),
    ExportColumn("total_investment", "总投资（万元）", 14, "money"),
    ExportColumn("investment_completed", "已完成投资（万元）", 14, "money"),
    ExportColumn("planned_start", "计划开工", 12, "date"),
    ExportColumn("planned_end", "计划完工", 12, "date"),
    ExportColumn("status", "状态", 10),
    ExportColumn("percent_complete", "完成进度", 10, "percent"),
    ExportColumn("latest_progress", "最新进展", 36),
    ExportColumn("latest_problems", "存在问题", 28),
    ExportColumn("reason", REASON_HEADER, 16),
    ExportColumn("last_reported_at", "最近填报", 12, "date"),
    ExportColumn("version", VERSION_HEADER, 8, "key"),
]
HEADERS = [c.header for c in ANNEX_COLUMNS]


def project_key(pk: int) -> str:
    return f"{KEY_PREFIX}{pk:06d}"


def parse_key(value) -> int | None:
    text = str(value or "").strip().upper()
    if text.startswith(KEY_PREFIX) and text[1:].isdigit():
        return int(text[1:])
    return None


class AnnexWorkbook:
    """A workbook of annex sheets, written row by row into a file-like object."""

    def __init__(self, output, status_labels: list[str], exported_at: dt.datetime | None = None):
        self.book = xlsxwriter.Workbook(
            output,
            {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
             "strings_to_numbers": False, "default_date_format": "yyyy-mm-dd"},
        )  # fmt: skip
        self.status_labels = status_labels
        # The export's time, read back by the import to name rows changed in the dashboard since.
        self.exported_at = exported_at or timezone.now()
        self.book.set_properties({"created": self.exported_at})
        add = self.book.add_format
        base = {"font_name": "宋体", "font_size": 10, "border": 1, "valign": "vcenter"}
        self.formats = {
            "title": add({"font_name": "黑体", "font_size": 16, "bold": True, "align": "center",
                          "valign": "vcenter"}),
            "header": add({**base, "bold": True, "align": "center", "text_wrap": True,
                           "bg_color": "#D9E1F2"}),
            "text": add({**base, "text_wrap": True}),
            "quoted": add({**base, "text_wrap": True, "quote_prefix": True}),
            "number": add({**base, "align": "center"}),
            "key": add({**base, "font_color": "#808080"}),
            "money": add({**base, "num_format": "#,##0.00"}),
            "percent": add({**base, "num_format": "0%"}),
            "date": add({**base, "num_format": "yyyy-mm-dd"}),
        }  # fmt: skip

    def add_annex(self, title: str, sheet_name: str, rows: Iterable[dict]) -> int:
        """One 附表 sheet: merged title, header, one row per project; returns the row count."""
        sheet = self.book.add_worksheet(sheet_name[:31])
        last = len(ANNEX_COLUMNS) - 1
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.fit_to_pages(1, 0)  # the width on one page, as many pages down as it takes
        sheet.repeat_rows(0, 1)  # title and header on every printed page
        sheet.freeze_panes(2, 0)
        sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
        sheet.set_footer("&C第 &P 页，共 &N 页")
        for index, column in enumerate(ANNEX_COLUMNS):
            options = {"hidden": True} if column.kind == "key" else {}
            sheet.set_column(index, index, column.width, None, options)
        sheet.set_row(0, 30)
        sheet.merge_range(0, 0, 0, last, title, self.formats["title"])
        sheet.set_row(1, 32)
        for index, header in enumerate(HEADERS):
            sheet.write_string(1, index, header, self.formats["header"])
        count = 0
        for count, row in enumerate(rows, start=1):
            self._write_row(sheet, count + 1, row)
        status_column = HEADERS.index("状态")
        sheet.data_validation(2, status_column, max(count + 1, 2) + 500, status_column, {
            "validate": "list", "source": self.status_labels,
            "error_message": "请从下拉列表中选择状态。",
        })  # fmt: skip
        return count

    def _write_row(self, sheet, row_index: int, row: dict) -> None:
        f = self.formats
        for index, column in enumerate(ANNEX_COLUMNS):
            value = row.get(column.field)
            if value is None or value == "":
                sheet.write_blank(row_index, index, None, f["text"])
            elif column.field == "version":
                sheet.write_number(row_index, index, value, f["key"])
            elif column.kind in ("money", "number"):
                sheet.write_number(row_index, index, float(value), f[column.kind])
            elif column.kind == "percent":
                sheet.write_number(row_index, index, value / 100, f["percent"])
            elif column.kind == "date":
                if isinstance(value, dt.datetime):
                    value = timezone.localtime(value).date()
                sheet.write_datetime(row_index, index, dt.datetime.combine(value, dt.time()),
                                     f["date"])  # fmt: skip
            else:
                # A cell holds 32,767 characters: older text than today's limits is cut, marked.
                text = clip(str(value), EXCEL_CELL)
                style = "quoted" if text.startswith(FORMULA_STARTS) else (
                    "key" if column.kind == "key" else "text")  # fmt: skip
                sheet.write_string(row_index, index, text, f[style])

    def close(self) -> None:
        self.book.close()
