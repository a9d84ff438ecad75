"""Spreadsheets every app writes: cells that cannot run as formulas, plain tables written in
constant memory, and the HTTP response that carries them.

Text a spreadsheet would take for a formula (starting ``=``, ``+``, ``-``, ``@``, a tab, CR, LF
or NUL; OWASP ASVS 5.0 V1.2.10) is written as a string with the quote prefix, so a name like
``=HYPERLINK(...)`` can never run on a colleague's machine, even after someone edits the cell.
"""

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils.exceptions import InvalidFileException

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


class BadFile(Exception):
    """The upload is not a workbook we can read; the message says why, for the user."""


class TooManyRows(BadFile):
    """A sheet or the file holds more rows than ``SPREADSHEET_MAX_ROWS``; refused while reading,
    ``rows_seen`` rows into the file (the cap plus one)."""

    def __init__(self, message, rows_seen: int = 0):
        super().__init__(message)
        self.rows_seen = rows_seen


def open_workbook(content: bytes):
    """A read-only workbook from uploaded bytes, or ``BadFile`` saying what is wrong.

    Every guard runs before a part is unpacked: the size, the container, the zip's directory
    (entries and unpacked bytes); defusedxml refuses entity tricks while openpyxl parses. Rows are
    read lazily: ``iter_rows`` counts them against the row cap."""
    limit = getattr(settings, "PROJECT_IMPORT_MAX_BYTES", 10 * 1024 * 1024)
    if len(content) > limit:
        raise BadFile(_("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)})
    if not content:
        raise BadFile(_("The file is empty."))
    if not zipfile.is_zipfile(io.BytesIO(content)):
        if content.startswith(b"PK\x03\x04"):  # a zip whose end is missing: cut short
            raise BadFile(_("The workbook is damaged or incomplete."))
        raise BadFile(
            _("This is not an .xlsx workbook (an old .xls, a CSV, a PDF or a "
              "password-protected file?). Save it as .xlsx and upload again.")
        )  # fmt: skip
    try:
        check_zip(content)
        count_rows(content)
    except zipfile.BadZipFile as error:
        raise BadFile(_("The workbook is damaged or incomplete.")) from error
    except ZipTooLarge as error:
        raise BadFile(
            _("The workbook unpacks to far more than any annex table: refused.")
        ) from error
    try:
        return load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, EOFError) as error:
        raise BadFile(_("The workbook is damaged or incomplete.")) from error
    except ValueError as error:  # defusedxml refuses entity tricks: "Unable to read workbook"
        raise BadFile(_("The workbook holds content that cannot be read safely.")) from error


ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
MAX_COLUMNS = 64  # cells read per row: an annex has 18 columns; a declared A1:XFD1 is no reason


def max_rows() -> int:
    return getattr(settings, "SPREADSHEET_MAX_ROWS", 50_000)


def count_rows(content: bytes, maximum: int | None = None) -> None:
    """Refuse (``TooManyRows``) a workbook whose sheets hold more than ``maximum`` rows, per sheet
    or in all, counting the ``<row>`` elements of the sheets' XML as it unpacks, a chunk at a
    time, and stopping at the first row past the cap.

    Why before openpyxl: for a sheet without a ``<dimension>`` element, openpyxl's read-only
    ``load_workbook`` parses the whole sheet into memory to look for one (a 5 MB file of a
    million rows: 18 s and 77 MB before the first row is handed over)."""
    maximum = maximum or max_rows()
    total = 0
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for info in archive.infolist():
            if not info.filename.startswith("xl/worksheets/") or info.is_dir():
                continue
            in_sheet, carry = 0, b""
            with archive.open(info) as part:
                while chunk := part.read(1 << 16):
                    data = carry + chunk
                    # A tag wholly inside the carried bytes was counted with the last chunk; one
                    # cut by the last chunk's end ends after them and is counted now.
                    for match in ROW_TAG.finditer(data):
                        if match.end() <= len(carry):
                            continue
                        in_sheet += 1
                        if in_sheet > maximum or total + in_sheet > maximum:
                            raise TooManyRows(_too_many(maximum), rows_seen=total + in_sheet)
                    carry = data[-63:]
            total += in_sheet


def _too_many(maximum: int) -> str:
    return _("The workbook holds more than %(n)s rows: refused. Split it, or export the annex "
             "again.") % {"n": f"{maximum:,}"}  # fmt: skip


class RowBudget:
    """Counts the rows read from one file, per sheet and in all, against ``SPREADSHEET_MAX_ROWS``.

    A 5 MB workbook can hold a million short rows; they are refused at the cap plus one, before
    more are parsed, so time and memory stay bounded whatever the file declares."""

    def __init__(self, maximum: int | None = None):
        self.maximum = maximum or max_rows()
        self.read = 0

    def rows(self, sheet, min_row: int = 1):
        """``sheet.iter_rows(min_row=...)``, refused with ``TooManyRows`` past the cap."""
        in_sheet = min_row - 1
        for cells in sheet.iter_rows(min_row=min_row, max_col=MAX_COLUMNS):
            in_sheet += 1
            self.read += 1
            if in_sheet > self.maximum or self.read > self.maximum:
                raise TooManyRows(_too_many(self.maximum), rows_seen=self.read)
            yield cells


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
