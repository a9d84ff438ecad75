"""Importing an edited annex export: check the file, parse every cell, preview, then apply.

Nothing is written until the user confirms the preview; then every row goes through the same
services as the forms (``project_edit``, ``project_update_submit``), in one transaction, as that
user, so the history names them and a failure anywhere leaves nothing half-written.
"""

import datetime as dt
import io
import re
import unicodedata
import zipfile
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from plan.periods import Period
from plan.permissions import can_report_on
from plan.spreadsheets import ZIP_MAX_ENTRIES, ZIP_MAX_UNPACKED, ZipTooLarge, check_zip
from plan.textlimits import limit, too_long

from .excel import KEY_HEADER, parse_key
from .models import Project, ProjectStatus
from .services import (
    EDITABLE_FIELDS,
    ProjectConflict,
    ReportInput,
    project_edit,
    project_update_submit,
    validate_report,
)

MAX_ENTRIES = ZIP_MAX_ENTRIES  # parts in the zip container
MAX_UNZIPPED = ZIP_MAX_UNPACKED  # bytes once unpacked: more is a zip bomb, not an annex table

# header -> (field, parser name)
COLUMNS = {
    "建设单位": ("builder", "text"),
    "建设地点": ("location", "text"),
    "建设内容": ("content", "text"),
    "总投资（万元）": ("total_investment", "money"),
    "已完成投资（万元）": ("investment_completed", "money"),
    "计划开工": ("planned_start", "date"),
    "计划完工": ("planned_end", "date"),
    "状态": ("status", "status"),
    "完成进度": ("percent_complete", "percent"),
    "最新进展": ("latest_progress", "text"),
    "存在问题": ("latest_problems", "text"),
}
# Text columns -> the limit of the field they land in (plan.textlimits): a longer cell is refused
# with its sheet, row and column, like any other bad cell.
TEXT_LIMITS = {
    "builder": limit("projects.Project", "builder"),
    "location": limit("projects.Project", "location"),
    "content": limit("projects.Project", "content"),
    "latest_progress": limit("projects.ProjectUpdate", "progress"),
    "latest_problems": limit("projects.ProjectUpdate", "problems"),
}
REPORT_FIELDS = ["status", "percent_complete", "investment_completed", "latest_progress",
                 "latest_problems"]  # fmt: skip


class BadFile(Exception):
    """The upload is not a workbook we can read; the message says why, for the user."""


class CellError(ValueError):
    pass


@dataclass
class RowError:
    sheet: str
    row: int
    column: str
    message: str


@dataclass
class RowChange:
    project_id: int
    version: int
    sheet: str
    row: int
    name: str
    changes: dict  # field -> [old, new] as text, for the preview
    values: dict = field(default_factory=dict)  # field -> new value, JSON-ready


@dataclass
class Preview:
    changes: list[RowChange] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"changes": [asdict(c) for c in self.changes], "unchanged": self.unchanged,
                "errors": [asdict(e) for e in self.errors]}  # fmt: skip

    @classmethod
    def from_json(cls, data: dict) -> "Preview":
        return cls(
            changes=[RowChange(**c) for c in data["changes"]],
            unchanged=data["unchanged"],
            errors=[RowError(**e) for e in data["errors"]],
        )


def open_workbook(content: bytes):
    """A read-only workbook from uploaded bytes, or ``BadFile`` saying what is wrong."""
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
        check_zip(content, max_entries=MAX_ENTRIES, max_unpacked=MAX_UNZIPPED)
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


# ---- cells ----------------------------------------------------------------------------------


def _text(value) -> str:
    return unicodedata.normalize("NFKC", str(value)).strip()


def parse_text(value, number_format=None) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_money(value, number_format=None) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise CellError(_("Enter an amount in 10k yuan, e.g. 1,200.50."))
    if isinstance(value, int | float):
        amount = Decimal(str(value))
    else:
        text = re.sub(r"[,，\s]|万元$", "", _text(value))
        try:
            amount = Decimal(text)
        except InvalidOperation as error:
            raise CellError(_("Enter an amount in 10k yuan, e.g. 1,200.50.")) from error
    if not amount.is_finite() or amount < 0:
        raise CellError(_("An amount cannot be negative."))
    if amount >= Decimal("1e12"):
        raise CellError(_("The amount is too large."))
    return amount.quantize(Decimal("0.01"))


def parse_percent(value, number_format=None) -> int:
    """50, "50", "50%", "５０％" and 0.5 in a percent-formatted cell all mean 50."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise CellError(_("Enter the percent complete, 0 to 100."))
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = Decimal(str(value))
        if number_format and "%" in number_format:
            number *= 100
    else:
        text = _text(value).rstrip("%").strip()
        try:
            number = Decimal(text)
        except InvalidOperation as error:
            raise CellError(_("Enter the percent complete, 0 to 100.")) from error
    if not number.is_finite() or number != number.to_integral_value() or not 0 <= number <= 100:
        raise CellError(_("Percent complete must be a whole number between 0 and 100."))
    return int(number)


DATE_PATTERNS = [
    re.compile(r"^(\d{4})[-/.年](\d{1,2})(?:[-/.月](\d{1,2})日?)?月?$"),
]


def parse_date(value, number_format=None) -> dt.date | None:
    """A date cell, or text such as 2024-03-05, 2024/3/5, 2024年3月5日 or 2024年3月 (the 1st)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    for pattern in DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day = match.group(1), match.group(2), match.group(3) or "1"
            try:
                return dt.date(int(year), int(month), int(day))
            except ValueError:
                break
    raise CellError(_("Enter a date such as 2024-03-05 or 2024年3月."))


def parse_status(value, number_format=None) -> str:
    text = _text(value or "")
    for code, label in ProjectStatus.choices:
        if text in (code, str(label)):
            return code
    labels = "、".join(str(label) for _code, label in ProjectStatus.choices)
    raise CellError(_("Status must be one of: %(labels)s.") % {"labels": labels})


PARSERS = {"text": parse_text, "money": parse_money, "percent": parse_percent,
           "date": parse_date, "status": parse_status}  # fmt: skip


# ---- the preview ----------------------------------------------------------------------------


def _json(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _shown(value) -> str:
    if value in (None, ""):
        return "—"
    return str(value)


def build_preview(workbook, *, user, plan, period: Period, today: dt.date) -> Preview:
    """Read every sheet, check every cell, compare with the database; write nothing."""
    preview = Preview()
    rows, seen, twice = [], {}, set()
    found_layout = False
    for sheet in workbook.worksheets:
        header_row, columns = _find_header(sheet)
        if header_row is None:
            continue
        found_layout = True
        for row_number, cells in enumerate(
            sheet.iter_rows(min_row=header_row + 1), start=header_row + 1
        ):
            values = {columns[i]: cell for i, cell in enumerate(cells) if i in columns}
            if all(_is_blank(c.value) for c in values.values()):
                continue
            key_cell = values.get(KEY_HEADER)
            project_id = parse_key(key_cell.value if key_cell is not None else None)
            if project_id is None:
                preview.errors.append(RowError(sheet.title, row_number, KEY_HEADER,
                                               _("The row has no project key.")))  # fmt: skip
                continue
            if project_id in seen:
                preview.errors.append(RowError(
                    sheet.title, row_number, KEY_HEADER,
                    _("The same project appears twice (first on row %(row)s).")
                    % {"row": seen[project_id]},
                ))  # fmt: skip
                twice.add(project_id)
                continue
            seen[project_id] = row_number
            rows.append((sheet.title, row_number, project_id, values))
    # Which of two rows for one project is right cannot be known: neither is taken.
    rows = [row for row in rows if row[2] not in twice]
    if not found_layout:
        raise BadFile(
            _("No sheet has the %(key)s column of an export from this dashboard: "
              "export the annex again and edit that file.") % {"key": KEY_HEADER}
        )  # fmt: skip
    if not rows and not preview.errors:
        raise BadFile(_("The workbook has no project rows."))
    projects = (
        Project.objects.for_export().select_related("annex__plan").in_bulk([r[2] for r in rows])
    )
    for sheet_title, row_number, project_id, values in rows:
        project = projects.get(project_id)
        if project is None or project.annex.plan_id != plan.pk:
            preview.errors.append(RowError(sheet_title, row_number, KEY_HEADER,
                                           _("No project has this key any more.")))  # fmt: skip
            continue
        if not can_report_on(user, project):
            preview.errors.append(RowError(
                sheet_title, row_number, KEY_HEADER,
                _("You may not change “%(name)s”: your unit does not answer for it.")
                % {"name": project.name},
            ))  # fmt: skip
            continue
        _compare(preview, project, sheet_title, row_number, values, period, today)
    return preview


def _find_header(sheet):
    for row_number, cells in enumerate(sheet.iter_rows(min_row=1, max_row=6), start=1):
        texts = [_text(c.value) if c.value is not None else "" for c in cells]
        if KEY_HEADER in texts:
            return row_number, {i: t for i, t in enumerate(texts) if t}
    return None, {}


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _current(project, field_name):
    return getattr(project, field_name, None) if not field_name.startswith("latest_") else (
        getattr(project, field_name) or "")  # fmt: skip


def _compare(preview, project, sheet_title, row_number, values, period, today):
    new, changes, failed = {}, {}, False
    for header, (field_name, kind) in COLUMNS.items():
        cell = values.get(_text(header))  # headers are compared NFKC-normalised
        if cell is None:
            continue
        try:
            parsed = PARSERS[kind](cell.value, getattr(cell, "number_format", None))
            maximum = TEXT_LIMITS.get(field_name)
            if maximum is not None and len(parsed) > maximum:
                raise CellError(too_long(maximum, len(parsed)))
        except CellError as error:
            column = get_column_letter(cell.column) if getattr(cell, "column", None) else header
            preview.errors.append(RowError(sheet_title, row_number, f"{header}（{column}）",
                                           str(error)))  # fmt: skip
            failed = True
            continue
        current = _current(project, field_name)
        if (current or None) != (parsed or None):
            new[field_name] = parsed
            shown_old = project.get_status_display() if field_name == "status" else current
            shown_new = ProjectStatus(parsed).label if field_name == "status" else parsed
            changes[field_name] = [_shown(shown_old), _shown(shown_new)]
    if failed:
        return
    if not changes:
        preview.unchanged += 1
        return
    if set(new) & set(REPORT_FIELDS):
        report = _report_input(project, new, period)
        try:
            validate_report(project, report, today)
        except ValidationError as error:
            for _field, messages in error.message_dict.items():
                for message in messages:
                    preview.errors.append(RowError(sheet_title, row_number, "状态/完成进度",
                                                   message))  # fmt: skip
            return
    preview.changes.append(RowChange(
        project_id=project.pk, version=project.version, sheet=sheet_title, row=row_number,
        name=project.name, changes=changes, values={k: _json(v) for k, v in new.items()},
    ))  # fmt: skip


def _report_input(project, new: dict, period: Period) -> ReportInput:
    def pick(name):
        return new[name] if name in new else _current(project, name)

    return ReportInput(
        period=period,
        status=pick("status"),
        percent_complete=pick("percent_complete"),
        investment_completed=pick("investment_completed"),
        progress=pick("latest_progress") or "",
        problems=pick("latest_problems") or "",
        # The preview showed the amounts; confirming it is the confirmation.
        confirm_investment=True,
        reason=_("Imported from Excel.") if "percent_complete" in new else "",
    )


class ImportConflict(Exception):
    """A project changed between the preview and the confirmation: nothing was written."""


@transaction.atomic
def apply_preview(preview: Preview, *, user, plan, period: Period, today: dt.date) -> int:
    """Write every change of the preview as ``user``, or nothing at all; returns the count."""
    for change in preview.changes:
        values = change.values
        descriptive = {k: _revive(k, v) for k, v in values.items() if k in EDITABLE_FIELDS}
        version = change.version
        try:
            if descriptive:
                project = project_edit(project_id=change.project_id, user=user,
                                       expected_version=version, changes=descriptive)  # fmt: skip
                version = project.version
            if set(values) & set(REPORT_FIELDS):
                project = Project.objects.for_export().get(pk=change.project_id)
                new = {k: _revive(k, v) for k, v in values.items()}
                project_update_submit(
                    project_id=change.project_id, user=user, expected_version=version,
                    data=_report_input(project, new, period), replace=True, today=today,
                )  # fmt: skip
        except ProjectConflict as error:
            raise ImportConflict(change.name) from error
    return len(preview.changes)


def _revive(name, value):
    if value is None:
        return None
    if name in ("total_investment", "investment_completed"):
        return Decimal(value)
    if name in ("planned_start", "planned_end"):
        return dt.date.fromisoformat(value)
    return value
