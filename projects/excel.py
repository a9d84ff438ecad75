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
REVIEW_HEADER = "审核状态"  # of the latest report, shown, never imported
# The period a row's report goes to (2025年第四季度); the export writes its reporting period. A
# row for a closed period is refused on import, never written to another period.
PERIOD_HEADER = "填报期"
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
    ExportColumn("period", PERIOD_HEADER, 14),
    ExportColumn("status", "状态", 10),
    ExportColumn("percent_complete", "完成进度", 10, "percent"),
    ExportColumn("latest_progress", "最新进展", 36),
    ExportColumn("latest_problems", "存在问题", 28),
    ExportColumn("review_state", REVIEW_HEADER, 10),
    ExportColumn("reason", REASON_HEADER, 16),
    ExportColumn("last_reported_at", "最近填报", 12, "date"),
    ExportColumn("version", VERSION_HEADER, 8, "key"),
]
HEADERS = [c.header for c in ANNEX_COLUMNS]


QUARTERS = "一二三四"


def period_label(period) -> str:
    """``2025年第四季度``: a period as the official tables name it."""
    return f"{period.year}年第{QUARTERS[period.quarter - 1]}季度"


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
            "grid": add({"border": 1}),
        }  # fmt: skip
        column = {"font_name": "宋体", "font_size": 10, "valign": "vcenter"}
        self.formats.update({
            "column_text": add({**column, "text_wrap": True}),
            "column_money": add({**column, "num_format": "#,##0.00"}),
            "column_percent": add({**column, "num_format": "0%"}),
            "column_date": add({**column, "num_format": "yyyy-mm-dd"}),
        })  # fmt: skip

    def add_annex(self, title: str, sheet_name: str, rows: Iterable[tuple]) -> int:
        """One 附表 sheet: merged title, header, one row per project (a tuple in
        ``ANNEX_COLUMNS`` order, see ``exports.export_values``); returns the row count."""
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
            # A cell left empty takes its column's font, wrap and number format when typed in.
            style = self.formats.get(f"column_{column.kind}", self.formats["column_text"])
            sheet.set_column(index, index, column.width, style, options)
        sheet.set_row(0, 30)
        sheet.merge_range(0, 0, 0, last, title, self.formats["title"])
        sheet.set_row(1, 32)
        for index, header in enumerate(HEADERS):
            sheet.write_string(1, index, header, self.formats["header"])
        count = self._write_rows(sheet, rows)
        if count:
            # The table's grid over the rows, empty cells included: empty cells are not written
            # (two in five at 10,000 projects; writing them was what kept the export slower than
            # a bare dump), so their borders come from one conditional format on the range.
            sheet.conditional_format(2, 0, count + 1, last, {
                "type": "formula", "criteria": "=TRUE", "format": self.formats["grid"],
            })  # fmt: skip
        status_column = HEADERS.index("状态")
        sheet.data_validation(2, status_column, max(count + 1, 2) + 500, status_column, {
            "validate": "list", "source": self.status_labels,
            "error_message": "请从下拉列表中选择状态。",
        })  # fmt: skip
        return count

    def _write_rows(self, sheet, rows: Iterable[tuple]) -> int:
        """Each row (a tuple in ``ANNEX_COLUMNS`` order) from the third on; returns the count.

        The export's hot loop, held to a bare openpyxl dump of the same tuples: each column's
        kind and format are looked up once, and the cells go through XlsxWriter's own
        ``_write_*`` methods (the public ones only add the "A1" notation parsing)."""
        f = self.formats
        text, quoted, key, percent, date = f["text"], f["quoted"], f["key"], f["percent"], f["date"]
        kinds = [(c.kind, f.get(c.kind)) for c in ANNEX_COLUMNS]
        kinds[[c.field for c in ANNEX_COLUMNS].index("version")] = ("number", key)  # hidden
        write_string, write_number = sheet._write_string, sheet._write_number
        write_datetime = sheet._write_datetime
        combine, midnight, localtime = dt.datetime.combine, dt.time(), timezone.localtime
        count = 0
        for count, row in enumerate(rows, start=1):
            at = count + 1
            for index, value in enumerate(row):
                if value is None or value == "":
                    continue  # its border from the grid, its style from its column
                kind, style = kinds[index]
                if kind == "text":
                    if len(value) > EXCEL_CELL:  # older text than today's limits: cut, marked
                        value = clip(value, EXCEL_CELL)
                    write_string(at, index, value, quoted if value.startswith(FORMULA_STARTS)
                                 else text)  # fmt: skip
                elif kind in ("money", "number"):
                    write_number(at, index, float(value), style)
                elif kind == "percent":
                    write_number(at, index, value / 100, percent)
                elif kind == "date":
                    if isinstance(value, dt.datetime):
                        value = localtime(value).date()
                    write_datetime(at, index, combine(value, midnight), date)
                else:  # the key
                    write_string(at, index, value, key)
        return count

    def close(self) -> None:
        self.book.close()


# ---------------------------------------------------------------------------------------------
# The printed 附表: A4 landscape, body text at 10 pt printed at 100 %, rows as high as their text.
#
# The editable export carries every column a clerk edits (16 of them, about 271 characters wide):
# fitted to one page wide it prints at about 41 %, 4 pt text. The printed 附表 carries the columns
# a bureau files, sized so that they fit A4 landscape at (nearly) full size: the printable width
# (297 mm less 2 x 10 mm) is about 785 pt, and LibreOffice prints a column of width w about
# 7.6 w pt wide (measured: 134 units printed at 77 %, body text at 7.7 pt); 114 units print at
# about 90 %, 10 pt text at 9 pt or more (tests/projects/test_annex_print.py measures the PDF).

PRINT_FONT_PT = 10
PRINT_LINE_PT = 14  # a wrapped 10 pt CJK line, measured about 13.2 pt in LibreOffice
PRINT_MAX_ROW_PT = 409  # the tallest row a sheet has
PRINT_COLUMNS = [
    ExportColumn("order", "序号", 4, "number"),
    ExportColumn("name", "项目名称", 16),
    ExportColumn("unit", "责任单位", 10),
    ExportColumn("total_investment", "总投资", 9, "money"),
    ExportColumn("investment_completed", "已完成投资", 9, "money"),
    ExportColumn("status", "状态", 6),
    ExportColumn("percent_complete", "完成进度", 6, "percent"),
    ExportColumn("latest_progress", "最新进展", 32),
    ExportColumn("latest_problems", "存在问题", 22),
]
MORE = "…（全文见系统）"


def text_lines(text: str, width: float) -> int:
    """How many printed lines ``text`` takes in a wrapped column of ``width`` (Excel's units),
    counting a CJK character as two units' worth of width and anything else as one."""
    per_line = max(1.0, (width * 7.0 - 6) / (PRINT_FONT_PT * 1.05))  # CJK glyphs in a line
    lines = 0
    for paragraph in str(text).split("\n"):
        wide = sum(1.0 if ord(ch) > 0x2E7F else 0.55 for ch in paragraph)
        lines += max(1, int(-(-wide // per_line)))
    return lines


def fit_text(text: str, width: float, max_lines: int) -> str:
    """``text``, cut (marked) where it would need more than ``max_lines`` lines."""
    if text_lines(text, width) <= max_lines:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits with the mark
        middle = (low + high + 1) // 2
        if text_lines(text[:middle] + MORE, width) <= max_lines:
            low = middle
        else:
            high = middle - 1
    return text[:low] + MORE


class AnnexPrintBook:
    """One annex as the 附表 a bureau prints, stamps and files (XlsxWriter, constant memory)."""

    def __init__(self, output):
        self.book = xlsxwriter.Workbook(
            output,
            {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
             "strings_to_numbers": False},
        )  # fmt: skip
        add = self.book.add_format
        base = {"font_name": "宋体", "font_size": PRINT_FONT_PT, "border": 1, "valign": "top",
                "text_wrap": True}  # fmt: skip
        self.formats = {
            "title": add({"font_name": "黑体", "font_size": 16, "bold": True, "align": "center",
                          "valign": "vcenter"}),
            "caption": add({"font_name": "宋体", "font_size": PRINT_FONT_PT, "valign": "vcenter"}),
            "caption_right": add({"font_name": "宋体", "font_size": PRINT_FONT_PT,
                                  "align": "right", "valign": "vcenter"}),
            "header": add({**base, "bold": True, "align": "center", "valign": "vcenter"}),
            "text": add(base),
            "quoted": add({**base, "quote_prefix": True}),
            "number": add({**base, "align": "center"}),
            "money": add({**base, "num_format": "#,##0.00"}),
            "percent": add({**base, "num_format": "0%", "align": "center"}),
            "total": add({**base, "bold": True, "align": "center"}),
            "total_money": add({**base, "bold": True, "num_format": "#,##0.00"}),
            "sign": add({"font_name": "宋体", "font_size": PRINT_FONT_PT + 1,
                         "valign": "bottom"}),
        }  # fmt: skip

    def add_annex(self, title: str, sheet_name: str, rows, *, as_of: str, exported_on: dt.date,
                  unit_name: str | None = None) -> int:  # fmt: skip
        """The sheet: title, caption (money unit, as-of period, export date), header, the rows,
        a 合计 row, and on a unit's export the lines for its seal; returns the last row's index."""
        sheet = self.book.add_worksheet(sheet_name[:31])
        f = self.formats
        last = len(PRINT_COLUMNS) - 1
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
        sheet.center_horizontally()
        sheet.fit_to_pages(1, 0)  # never cut a column; at these widths the scale stays 100 %
        sheet.repeat_rows(0, 2)  # title, caption and header on every printed page
        sheet.set_footer("&C第 &P 页，共 &N 页")
        for index, column in enumerate(PRINT_COLUMNS):
            sheet.set_column(index, index, column.width)
        sheet.set_row(0, 30)
        sheet.merge_range(0, 0, 0, last, title, f["title"])
        sheet.set_row(1, 20)
        sheet.merge_range(1, 0, 1, 4, "单位：万元", f["caption"])
        sheet.merge_range(
            1, 5, 1, last, f"数据截至 {as_of}　导出日期 {exported_on:%Y年%m月%d日}",
            f["caption_right"],
        )  # fmt: skip
        sheet.set_row(2, 20)
        for index, column in enumerate(PRINT_COLUMNS):
            sheet.write_string(2, index, column.header, f["header"])
        totals = {"total_investment": 0.0, "investment_completed": 0.0}
        row_index = 2
        max_lines = (PRINT_MAX_ROW_PT - 4) // PRINT_LINE_PT
        for row in rows:
            row_index += 1
            lines = 1
            for index, column in enumerate(PRINT_COLUMNS):
                value = row.get(column.field)
                if value is None or value == "":
                    sheet.write_blank(row_index, index, None, f["text"])
                elif column.kind == "money":
                    totals[column.field] += float(value)
                    sheet.write_number(row_index, index, float(value), f["money"])
                elif column.kind == "number":
                    sheet.write_number(row_index, index, float(value), f["number"])
                elif column.kind == "percent":
                    sheet.write_number(row_index, index, value / 100, f["percent"])
                else:
                    text = fit_text(str(value), column.width, max_lines)
                    lines = max(lines, text_lines(text, column.width))
                    style = "quoted" if text.startswith(FORMULA_STARTS) else "text"
                    sheet.write_string(row_index, index, text, f[style])
            # Row heights from the text, so nothing runs into the row below.
            sheet.set_row(row_index, min(PRINT_MAX_ROW_PT, lines * PRINT_LINE_PT + 4))
        row_index += 1
        sheet.set_row(row_index, 20)
        sheet.merge_range(row_index, 0, row_index, 2, "合计", f["total"])
        for index, column in enumerate(PRINT_COLUMNS):
            if column.field in totals:
                sheet.write_number(row_index, index, totals[column.field], f["total_money"])
            elif index > 2:
                sheet.write_blank(row_index, index, None, f["text"])
        if unit_name is not None:
            row_index += 2
            sheet.set_row(row_index, 36)
            sheet.merge_range(row_index, 0, row_index, 4, f"填报单位（盖章）：{unit_name}",
                              f["sign"])  # fmt: skip
            sheet.merge_range(row_index, 5, row_index, 7, "填报人：", f["sign"])
            sheet.write_string(row_index, 8, "联系电话：", f["sign"])
            row_index += 1
            sheet.set_row(row_index, 36)
            sheet.merge_range(row_index, 5, row_index, 8, "填报日期：　　年　　月　　日",
                              f["sign"])  # fmt: skip
        return row_index

    def close(self) -> None:
        self.book.close()
