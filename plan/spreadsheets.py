"""Spreadsheets every app writes: cells that cannot run as formulas, plain tables written in
constant memory, and the HTTP response that carries them.

Text a spreadsheet would take for a formula (starting ``=``, ``+``, ``-``, ``@``, a tab, CR, LF
or NUL; OWASP ASVS 5.0 V1.2.10) is written as a string with the quote prefix, so a name like
``=HYPERLINK(...)`` can never run on a colleague's machine, even after someone edits the cell.
"""

import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from .textlimits import EXCEL_CELL, clip

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# A zip container (an .xlsx to import, a .docx/.xlsx/.pptx as evidence) holding more parts or
# unpacking to more bytes than these is a zip bomb, not a document (OWASP ASVS 4.0.3 V12.1.2 /
# 5.0 V5.2.3). Checked from the zip's directory before any part is read.
ZIP_MAX_ENTRIES = 500
ZIP_MAX_UNPACKED = 200 * 1024 * 1024


class ZipTooLarge(ValueError):
    """The container unpacks to more parts or bytes than any document we take."""


def check_zip(source, *, max_entries=ZIP_MAX_ENTRIES, max_unpacked=ZIP_MAX_UNPACKED):
    """The entries (``ZipInfo``) of the zip ``source`` (bytes or a seekable file), after checking
    their count and their unpacked size; ``ZipTooLarge`` past either limit, ``zipfile.BadZipFile``
    for a damaged zip. Reads the directory only. The sizes a directory declares are what
    ``zipfile`` lets a reader unpack (it stops at ``file_size``), so a lying directory cannot
    smuggle more bytes past this check."""
    handle = io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
    with zipfile.ZipFile(handle) as archive:
        entries = archive.infolist()
    if len(entries) > max_entries or sum(e.file_size for e in entries) > max_unpacked:
        raise ZipTooLarge(f"{len(entries)} entries, {sum(e.file_size for e in entries)} bytes")
    return entries


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")


def safe_cell(sheet, value):
    """A write-only cell holding ``value``; user text is always a string, never a formula."""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value).replace(tzinfo=None)  # Excel has no time zones
    cell = WriteOnlyCell(sheet, value=None if isinstance(value, str) else value)
    if isinstance(value, str):
        cell.value = clip(value, EXCEL_CELL)  # never more than a cell holds
        cell.data_type = "s"  # assigned as a str, openpyxl would take "=..." for a formula
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True  # stays text even after someone edits it in Excel
    elif isinstance(value, Decimal):
        cell.number_format = "#,##0.00"
    elif isinstance(value, dt.datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    return cell


def table_workbook(title: str, headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """One sheet: a bold, frozen header row and the rows; streamed (write-only mode)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
    header = []
    for text in headers:
        cell = safe_cell(sheet, str(text))
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True)
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([safe_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(content: bytes, name: str) -> HttpResponse:
    """An .xlsx download whose Chinese file name every browser saves correctly (RFC 6266)."""
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Cache-Control"] = "no-store"
    return response


def file_name(stem: str) -> str:
    """``stem-YYYYMMDD.xlsx``, dated in Asia/Shanghai."""
    return f"{stem}-{timezone.localdate():%Y%m%d}.xlsx"
