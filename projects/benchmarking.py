"""The measurements both benchmark commands make of the Excel export and import."""

import datetime as dt
import io
import time
import tracemalloc

from django.conf import settings
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook

from plan.periods import reporting_period

from .excel import HEADERS
from .exports import annexes_workbook, export_values
from .imports import BadFile, apply_preview, build_preview, open_workbook

FLOOD = settings.BASE_DIR / "tests" / "projects" / "data" / "flood.xlsx"


def timed(step):
    """``(result, seconds, peak bytes of Python allocations)`` of calling ``step``.

    Two calls: one timed, one traced. tracemalloc hooks every allocation and slowed these
    allocation-heavy loops two to three times, so a time taken under it measured the tracer."""
    started = time.perf_counter()
    result = step()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    try:
        step()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return result, seconds, peak


def seconds(step) -> float:
    started = time.perf_counter()
    step()
    return time.perf_counter() - started


def _naive(value):
    return value.replace(tzinfo=None) if isinstance(value, dt.datetime) else value


def bare_export(projects) -> bytes:
    """The floor for the library: the plainest openpyxl write-only loop over the same rows as
    the export, fetched the same way (``export_values``: one ``values_list`` cursor, no model
    objects), values only, one sheet, no styles. Both sides include the fetch, so the ratio
    compares the writers."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("projects")
    with translation.override("zh-hans"):
        for _annex, row in export_values(projects):
            sheet.append([_naive(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def measure_excel(plan, annexes, projects, user) -> dict:
    """Time and peak memory of the styled export, the bare loop and the import preview (of the
    untouched export, and of one with every row changed). Peaks are tracemalloc's: Python's own
    allocations, not the process's resident memory (which adds the interpreter, Django and the
    C libraries: measure that in a fresh process, ``resource.getrusage``)."""
    content, export_s, export_peak = timed(lambda: annexes_workbook(annexes, projects))
    _, bare_s, bare_peak = timed(lambda: bare_export(projects))
    # The ratio's two sides, alternated, best of three each: on a shared machine one run of
    # either moved by half its time.
    for _run in range(2):
        export_s = min(export_s, seconds(lambda: annexes_workbook(annexes, projects)))
        bare_s = min(bare_s, seconds(lambda: bare_export(projects)))
    today = timezone.localdate()
    period = reporting_period(today, plan.start_year, plan.end_year)

    def preview():
        book = open_workbook(content)
        try:
            return build_preview(book, user=user, plan=plan, period=period, today=today)
        finally:
            book.close()

    result, import_s, import_peak = timed(preview)

    # Confirm a change on every row: the builder of each project and its percent complete (a
    # new report for the period, with its history), edited in the file.
    exported = content
    book = load_workbook(io.BytesIO(content))
    column = HEADERS.index("建设单位") + 1
    percent = HEADERS.index("完成进度") + 1
    for sheet in book.worksheets:
        for row in range(3, sheet.max_row + 1):
            sheet.cell(row=row, column=column).value = f"改{row}"
            sheet.cell(row=row, column=percent).value = 1.0  # 100 %: never lower than before
    edited = io.BytesIO()
    book.save(edited)
    content = edited.getvalue()
    changed, changed_s, changed_peak = timed(preview)
    started = time.perf_counter()
    written = apply_preview(changed, user=user, plan=plan, period=period, today=today)
    confirm_s = time.perf_counter() - started

    def flood():
        try:
            open_workbook(FLOOD.read_bytes())
        except BadFile:
            return True
        return False

    refused, flood_s, flood_peak = timed(flood)
    return {
        "content": exported, "preview": result,
        "export": (export_s, export_peak), "bare": (bare_s, bare_peak),
        "import": (import_s, import_peak),
        "changed preview": (changed_s, len(changed.changes), changed_peak),
        "confirm": (confirm_s, written), "flood": (flood_s, flood_peak, refused),
    }  # fmt: skip
