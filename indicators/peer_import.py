"""Peer values from a workbook: read, check, preview, then write as one batch to review.

The workbook has a header row with 地区 and 数值 (or 排名, for an indicator whose ranks are
published rather than values); the year and the source (bulletin or yearbook) are the batch's,
given with the upload, so that every peer's value, the home city's included, has one source.

Merge rules (shown in the preview before anything is written):
- a place must be a member of the indicator's group in that year, and appear once;
- a blank value cell changes nothing for that place;
- with the same source as the year's values already there, the file's places are updated and
  the others kept; with another source, the file replaces the year: values of places it does
  not list are removed, so that a year's ranks never mix two sources.
- nothing is written if any cell is wrong; an error names its sheet, row and column;
- the confirmed import is the year's batch waiting for review (a new one, or the one already
  waiting, revised), holding the year's whole table: the values kept and the file's.
"""

import io
import zipfile
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from plan.permissions import can_report_on, is_administrator
from plan.spreadsheets import ZIP_MAX_ENTRIES, ZIP_MAX_UNPACKED, ZipTooLarge, check_zip

from .models import Indicator, PeerGroup, shown
from .peer_entry import open_batch, write_year, year_values

PLACE, VALUE, RANK = "地区", "数值", "排名"
MAX_ROWS = 2000  # far more places than any group holds


class BadFile(Exception):
    """The upload is not a workbook we can read; the message says why, for the user."""


class ImportConflict(Exception):
    """The year's values changed between the preview and the confirmation: nothing written."""


@dataclass
class RowError:
    sheet: str
    row: int
    column: str
    message: str


@dataclass
class PeerPreview:
    year: int
    source: str
    replaces: bool  # another source: the file replaces the year's values
    rows: dict = field(default_factory=dict)  # place -> new value (text), JSON-ready
    changes: list = field(default_factory=list)  # [place, old, new] as text
    unchanged: int = 0
    removed: list = field(default_factory=list)  # places whose value the file removes
    errors: list[RowError] = field(default_factory=list)
    before: dict = field(default_factory=dict)  # place -> value as read: the conflict check

    def to_json(self) -> dict:
        data = asdict(self)
        data["errors"] = [asdict(e) for e in self.errors]
        return data

    @classmethod
    def from_json(cls, data: dict) -> "PeerPreview":
        return cls(**{**data, "errors": [RowError(**e) for e in data["errors"]]})


def open_workbook(content: bytes):
    """A read-only workbook from uploaded bytes (the zip checked first), or ``BadFile``."""
    limit = getattr(settings, "PROJECT_IMPORT_MAX_BYTES", 10 * 1024 * 1024)
    if len(content) > limit:
        raise BadFile(_("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)})
    if not content:
        raise BadFile(_("The file is empty."))
    try:
        check_zip(content, max_entries=ZIP_MAX_ENTRIES, max_unpacked=ZIP_MAX_UNPACKED)
        return load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except ZipTooLarge as error:
        raise BadFile(_("The workbook unpacks to far more than any table: refused.")) from error
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, EOFError) as error:
        raise BadFile(_("This is not an .xlsx workbook, or it is damaged.")) from error
    except ValueError as error:  # defusedxml refuses entity tricks
        raise BadFile(_("The workbook holds content that cannot be read safely.")) from error


def _number(cell, published: bool) -> Decimal | int | None:
    value = cell.value
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation as error:
        raise ValueError from error
    if not number.is_finite():
        raise ValueError
    if published:
        if number != number.to_integral_value() or number < 1:
            raise ValueError
        return int(number)
    if "%" in (cell.number_format or "") and not isinstance(value, str):
        number *= 100  # 0.032 shown as 3.2% is 3.2 on a % indicator
    return number


_shown = shown


def _read_sheet(sheet, indicator, places, preview) -> dict:
    published = indicator.published_ranks
    wanted = RANK if published else VALUE
    header, found = None, {}
    for row in sheet.iter_rows(max_row=MAX_ROWS):
        texts = [str(c.value).strip() if c.value is not None else "" for c in row]
        if header is None:
            if PLACE in texts:
                header = {text: i for i, text in enumerate(texts) if text}
                if wanted not in header:
                    preview.errors.append(RowError(sheet.title, row[0].row, wanted,
                                                   _("The column %(name)s is missing.")
                                                   % {"name": wanted}))  # fmt: skip
                    return found
            continue
        cells = dict(enumerate(row))
        place_cell, value_cell = cells.get(header[PLACE]), cells.get(header[wanted])
        place = str(place_cell.value).strip() if place_cell and place_cell.value else ""
        if not place:
            continue
        number = row[0].row
        if place not in places:
            preview.errors.append(RowError(sheet.title, number, PLACE,
                                           _("%(place)s is not a member of %(group)s in %(year)s.")
                                           % {"place": place, "group": indicator.peer_group,
                                              "year": preview.year}))  # fmt: skip
            continue
        if place in found:
            twice = _("%(place)s appears twice.") % {"place": place}
            preview.errors.append(RowError(sheet.title, number, PLACE, twice))
            continue
        try:
            found[place] = _number(value_cell, published) if value_cell else None
        except ValueError:
            message = (_("A rank is a whole number from 1.") if published
                       else _("Enter the value as a number."))  # fmt: skip
            preview.errors.append(RowError(sheet.title, number, wanted, message))
    if header is None:
        preview.errors.append(RowError(sheet.title, 1, PLACE, _("No header row with 地区 found.")))
    return found


def build_preview(content: bytes, *, indicator: Indicator, year: int, source: str) -> PeerPreview:
    """What importing the workbook would do to the year's peer values; nothing written."""
    source = source.strip()
    existing = year_values(indicator, year)
    sources = {v.batch.source for v in existing.values()}
    preview = PeerPreview(year=year, source=source, replaces=bool(sources - {source}))
    if not source:
        preview.errors.append(RowError("", 0, "", _("Name the source of the values.")))
    if indicator.peer_group is None:
        preview.errors.append(RowError("", 0, "", _("The indicator has no peer group.")))
        return preview
    members = PeerGroup.members_in(indicator.peer_group.members.all(), year)
    workbook = open_workbook(content)
    try:
        sheet = workbook.worksheets[0]
        found = _read_sheet(sheet, indicator, {m.place for m in members}, preview)
    finally:
        workbook.close()
    field_name = "rank" if indicator.published_ranks else "value"
    preview.before = {p: _shown(getattr(v, field_name)) for p, v in existing.items()}
    for place, new in found.items():
        if new is None:
            if place in existing and not preview.replaces:
                preview.unchanged += 1
            continue
        old = preview.before.get(place, "")
        preview.rows[place] = _shown(new)
        if old == _shown(new) and not preview.replaces:
            preview.unchanged += 1
        else:
            preview.changes.append([place, old, _shown(new)])
    if preview.replaces:
        preview.removed = sorted(set(existing) - set(preview.rows))
    return preview


@transaction.atomic
def apply_preview(preview: PeerPreview, *, indicator: Indicator, user, file_name: str = ""):
    """Write the preview as one new batch, submitted for review, or nothing at all."""
    if not (is_administrator(user) or can_report_on(user, indicator)):
        raise PermissionDenied(_("Only administrators or the responsible unit enter values."))
    if preview.errors:
        raise ValueError("a preview with errors is not applied")
    field_name = "rank" if indicator.published_ranks else "value"
    existing = year_values(indicator, preview.year, lock=True)
    if {p: _shown(getattr(v, field_name)) for p, v in existing.items()} != preview.before:
        raise ImportConflict(indicator.name)
    # The batch holds the year's whole table: the values kept (none when the file's source
    # replaces the year's) and the file's.
    table = {} if preview.replaces else {p: getattr(v, field_name) for p, v in existing.items()}
    table = {p: v for p, v in table.items() if v is not None}
    for place, text in preview.rows.items():
        table[place] = int(text) if indicator.published_ranks else Decimal(text)
    return write_year(indicator=indicator, year=preview.year, values=table,
                      source=preview.source, note="", file_name=file_name[:200], user=user,
                      batch=open_batch(indicator, preview.year))  # fmt: skip
