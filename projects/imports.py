"""Importing an edited annex export: check the file, parse every cell, merge, preview, then apply.

The merge: every exported row carries the project's version (a hidden column) and the workbook
its export time. What the row said when it was exported is rebuilt from the project's history at
that version, so each cell has three values: as exported, as in the file, as in the dashboard now.
A cell the file did not change changes nothing; a cell changed in the file only is applied; a cell
changed in both is a conflict the user decides on the preview (the dashboard's value by default).
A file without versions (an old export, a hand-made sheet) is compared with the dashboard as it
is, with a warning naming the rows changed in the dashboard since the file's date.

Nothing is written until the user confirms the preview; then every row goes through the same
services as the forms (``project_edit``, ``project_update_submit``), in one transaction, as that
user, so the history names them and a failure anywhere leaves nothing half-written.
"""

import datetime as dt
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from plan.periods import Period
from plan.permissions import can_report_on
from plan.spreadsheets import BadFile, RowBudget, TooManyRows, open_workbook  # noqa: F401
from plan.textlimits import EXCEL_CELL, clip, limit, too_long

from .excel import HEADERS, KEY_HEADER, REASON_HEADER, VERSION_HEADER, parse_key
from .models import Project, ProjectStatus, ProjectUpdate
from .services import (
    EDITABLE_FIELDS,
    ProjectConflict,
    ReportInput,
    project_edit,
    project_update_submit,
    validate_report,
)

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
# Columns the export writes that the import reads but never stores: a change there is named.
READ_ONLY = {"项目名称": "name", "责任单位": "unit"}
# Columns the export writes for people only (or that the import reads apart from the merge).
INFORMATIONAL = {"序号", "最近填报", "审核状态", KEY_HEADER, VERSION_HEADER, REASON_HEADER}
# Text columns -> the limit of the field they land in (plan.textlimits): a longer cell is refused
# with its sheet, row and column, like any other bad cell.
TEXT_LIMITS = {
    "builder": limit("projects.Project", "builder"),
    "location": limit("projects.Project", "location"),
    "content": limit("projects.Project", "content"),
    "latest_progress": limit("projects.ProjectUpdate", "progress"),
    "latest_problems": limit("projects.ProjectUpdate", "problems"),
    "reason": limit("projects.ProjectUpdate", "reason"),
}
REPORT_FIELDS = ["status", "percent_complete", "investment_completed", "latest_progress",
                 "latest_problems"]  # fmt: skip
# Fields of a report the file does not carry: a revision keeps them, a new report starts empty.
NOT_IN_FILE = ("next_steps",)
# Header cells -> field, for the history of the project (what the row said when exported).
HISTORY_FIELDS = ["builder", "location", "content", "total_investment", "investment_completed",
                  "planned_start", "planned_end", "status", "percent_complete"]  # fmt: skip


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
    # field -> [as exported, in the file, in the dashboard now] as text; applied only if chosen
    conflicts: dict = field(default_factory=dict)
    conflict_values: dict = field(default_factory=dict)  # field -> the file's value, JSON-ready
    reason: str = ""  # the file's 进度下降原因
    report: list = field(default_factory=list)  # [label, value as text, note] to be stored


@dataclass
class Preview:
    changes: list[RowChange] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"changes": [asdict(c) for c in self.changes], "unchanged": self.unchanged,
                "errors": [asdict(e) for e in self.errors],
                "warnings": [asdict(w) for w in self.warnings]}  # fmt: skip

    @classmethod
    def from_json(cls, data: dict) -> "Preview":
        return cls(
            changes=[RowChange(**c) for c in data["changes"]],
            unchanged=data["unchanged"],
            errors=[RowError(**e) for e in data["errors"]],
            warnings=[RowError(**w) for w in data.get("warnings", [])],
        )

    @property
    def conflict_count(self) -> int:
        return sum(len(c.conflicts) for c in self.changes)


# ---- cells ----------------------------------------------------------------------------------


def _text(value) -> str:
    return unicodedata.normalize("NFKC", str(value)).strip()


# How OOXML writes a character XML cannot hold (a control character): ``_x000B_``; a literal
# "_x000B_" is written ``_x005F_x000B_``. The export's inline strings come back from openpyxl as
# written, and are decoded here exactly as Excel decodes them; a file saved again by openpyxl
# comes back with ``_x005F_`` decoded and the control characters not, so that reading is
# compared too (``escape_controls``).
OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def unescape_ooxml(text: str) -> str:
    """``text`` with each ``_xHHHH_`` turned back into its character, as Excel reads it."""
    return OOXML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def escape_controls(text: str) -> str:
    """``text`` as openpyxl reads it back from a file it saved: each control character (but tab,
    LF and CR) as ``_xHHHH_``."""
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", lambda m: f"_x{ord(m.group()):04X}_", text)


def parse_text(value, number_format=None) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unescape_ooxml(str(value).strip())


def _raw_text(value) -> str:
    return "" if value is None else str(value).strip()


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


def _shown_field(field_name, value) -> str:
    if field_name == "status" and value:
        return str(ProjectStatus(value).label)
    return _shown(value)


def _same(a, b) -> bool:
    return (a or None) == (b or None)


@dataclass
class _Row:
    sheet: str
    number: int
    project_id: int
    version: int | None
    values: dict  # header -> cell


def build_preview(workbook, *, user, plan, period: Period, today: dt.date) -> Preview:
    """Read every sheet, check every cell, merge with the database; write nothing.

    Raises ``BadFile`` (``TooManyRows`` past the row cap, read no further)."""
    preview = Preview()
    rows, seen, twice = [], {}, set()
    found_layout = False
    budget = RowBudget()
    for sheet in workbook.worksheets:
        header_row, columns = _find_header(sheet)
        if header_row is None:
            continue
        found_layout = True
        _check_headers(preview, sheet.title, header_row, columns)
        blanks = []
        for row_number, cells in enumerate(
            budget.rows(sheet, min_row=header_row + 1), start=header_row + 1
        ):
            values = {columns[i]: cell for i, cell in enumerate(cells) if i in columns}
            if all(_is_blank(c.value) for c in values.values()):
                blanks.append(row_number)
                continue
            # A blank row between rows is named (it may hide a row pasted elsewhere); the blank
            # rows after the last one are not.
            for blank in blanks:
                preview.warnings.append(RowError(sheet.title, blank, "—",
                                                 _("A blank row: ignored.")))  # fmt: skip
            blanks = []
            key_cell = values.get(KEY_HEADER)
            project_id = parse_key(key_cell.value if key_cell is not None else None)
            if project_id is None:
                if any("合计" in str(c.value or "") for c in values.values()):
                    preview.warnings.append(RowError(
                        sheet.title, row_number, KEY_HEADER,
                        _("A totals row: not a project, ignored.")))  # fmt: skip
                    continue
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
            version_cell = values.get(VERSION_HEADER)
            version = version_cell.value if version_cell is not None else None
            version = int(version) if isinstance(version, int | float) and version > 0 else None
            rows.append(_Row(sheet.title, row_number, project_id, version, values))
    # Which of two rows for one project is right cannot be known: neither is taken.
    rows = [row for row in rows if row.project_id not in twice]
    if not found_layout:
        raise BadFile(
            _("No sheet has the %(key)s column of an export from this dashboard: "
              "export the annex again and edit that file.") % {"key": KEY_HEADER}
        )  # fmt: skip
    if not rows and not preview.errors:
        raise BadFile(_("The workbook has no project rows."))
    ids = [r.project_id for r in rows]
    projects = Project.objects.for_export().select_related("annex__plan").in_bulk(ids)
    reports = {
        r.project_id: r
        for r in ProjectUpdate.objects.filter(
            project_id__in=ids, year=period.year, quarter=period.quarter
        )
    }
    bases = _exported_values(
        {r.project_id: r.version for r in rows
         if r.project_id in projects and r.version is not None
         and r.version != projects[r.project_id].version}
    )  # fmt: skip
    stale = _changed_since(workbook, [r for r in rows if r.version is None], preview)
    for row in rows:
        project = projects.get(row.project_id)
        if project is None or project.annex.plan_id != plan.pk:
            preview.errors.append(RowError(row.sheet, row.number, KEY_HEADER,
                                           _("No project has this key any more.")))  # fmt: skip
            continue
        if not can_report_on(user, project):
            preview.errors.append(RowError(
                row.sheet, row.number, KEY_HEADER,
                _("You may not change “%(name)s”: your unit does not answer for it.")
                % {"name": project.name},
            ))  # fmt: skip
            continue
        if row.version is None:
            base = None
            if row.project_id in stale:
                preview.warnings.append(RowError(
                    row.sheet, row.number, KEY_HEADER,
                    _("“%(name)s” was changed in the dashboard after this file was made: its "
                      "differences below may undo newer work.") % {"name": project.name},
                ))  # fmt: skip
        elif row.version == project.version:
            base = "current"
        else:
            base = bases.get(row.project_id)
            if base is None:
                preview.warnings.append(RowError(
                    row.sheet, row.number, VERSION_HEADER,
                    _("What this row said when exported is no longer known: every difference "
                      "from the dashboard is shown as a change.")))  # fmt: skip
        _compare(preview, project, row, base, period, today, reports.get(project.pk))
    return preview


def _check_headers(preview, sheet_title, header_row, columns):
    """Name every header the import does not know, and every known one the sheet lacks."""
    known = {_text(h) for h in (*COLUMNS, *READ_ONLY, *INFORMATIONAL)}
    for index, text in columns.items():
        if text not in known:
            preview.warnings.append(RowError(
                sheet_title, header_row, f"{text}（{get_column_letter(index + 1)}）",
                _("The import does not know this column: its cells are ignored.")))  # fmt: skip
    present = set(columns.values())
    for header in HEADERS:
        if header in COLUMNS and _text(header) not in present:
            preview.warnings.append(RowError(
                sheet_title, header_row, header,
                _("This column is missing (renamed?): the dashboard's values for it stay as they "
                  "are.")))  # fmt: skip
    if VERSION_HEADER not in present:
        preview.warnings.append(RowError(
            sheet_title, header_row, VERSION_HEADER,
            _("This file does not record what was exported (an older export or a hand-made "
              "sheet): every difference from the dashboard is shown as a change, newer work in "
              "the dashboard included.")))  # fmt: skip


def _exported_values(versions: dict[int, int]) -> dict[int, dict]:
    """``{project id: {field: value}}``: what each project's row said at the version exported,
    rebuilt from the history (the project's record at that version, and its latest report's
    texts as they were then)."""
    if not versions:
        return {}
    found = {}
    records = (
        Project.history.filter(id__in=list(versions), version__in=set(versions.values()))
        .order_by("history_date")
        .values("id", "version", "history_date", *HISTORY_FIELDS)
    )
    for record in records:
        if versions.get(record["id"]) == record["version"]:
            found[record["id"]] = record  # the last record at that version wins
    for project_id, record in found.items():
        texts = (
            ProjectUpdate.history.filter(project_id=project_id,
                                         history_date__lte=record["history_date"])
            .exclude(history_type="-")
            .order_by("-year", "-quarter", "-history_date")
            .values("progress", "problems")
            .first()
        ) or {}  # fmt: skip
        record["latest_progress"] = texts.get("progress", "")
        record["latest_problems"] = texts.get("problems", "")
    return found


def _changed_since(workbook, rows, preview) -> set[int]:
    """Ids of the projects of ``rows`` changed in the dashboard since the file was made."""
    if not rows:
        return set()
    made = getattr(getattr(workbook, "properties", None), "created", None)
    if not isinstance(made, dt.datetime):
        return {r.project_id for r in rows}
    if timezone.is_naive(made):
        made = made.replace(tzinfo=dt.UTC)  # the core properties are in UTC
    return set(
        Project.history.filter(id__in=[r.project_id for r in rows], history_date__gt=made)
        .values_list("id", flat=True)
        .distinct()
    )


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


def _column(cell, header) -> str:
    column = get_column_letter(cell.column) if getattr(cell, "column", None) else None
    return f"{header}（{column}）" if column else header


def _same_text(stored, parsed: str, raw) -> bool:
    """Whether a text cell says what the dashboard stores: unescaped or as written (see
    ``OOXML_ESCAPE``), the strip of an export's cell, or its cut at one cell's 32,767."""
    stored = (stored or "").strip()
    if len(stored) > EXCEL_CELL:
        stored = clip(stored, EXCEL_CELL).strip()
    return stored == parsed or escape_controls(stored) == _raw_text(raw)


def _compare(preview, project, row, base, period, today, report):
    """One row: what the file changes, what conflicts with the dashboard, and its errors."""
    new, changes, conflicts, conflict_values, failed = {}, {}, {}, {}, False
    sheet_title, row_number = row.sheet, row.number
    for header, (field_name, kind) in COLUMNS.items():
        cell = row.values.get(_text(header))  # headers are compared NFKC-normalised
        if cell is None:
            continue
        try:
            if getattr(cell, "data_type", None) == "f":
                raise CellError(_("A formula: type the value itself into the cell."))
            parsed = PARSERS[kind](cell.value, getattr(cell, "number_format", None))
            current = _current(project, field_name)
            if kind == "text" and _same_text(current, parsed, cell.value):
                continue  # what the dashboard holds, however long and however it was escaped
            maximum = TEXT_LIMITS.get(field_name)
            if maximum is not None and len(parsed) > maximum:
                raise CellError(too_long(maximum, len(parsed)))
        except CellError as error:
            preview.errors.append(RowError(sheet_title, row_number, _column(cell, header),
                                           str(error)))  # fmt: skip
            failed = True
            continue
        if _same(current, parsed):
            continue
        exported = current if base in (None, "current") else base.get(field_name)
        if base is not None and (
            _same(parsed, exported) if kind != "text" else _same_text(exported, parsed, cell.value)
        ):
            continue  # the file kept what it was given: the dashboard's newer value stands
        if base is None or _same(current, exported):
            new[field_name] = parsed
            changes[field_name] = [_shown_field(field_name, current),
                                   _shown_field(field_name, parsed)]  # fmt: skip
        else:
            conflicts[field_name] = [_shown_field(field_name, exported),
                                     _shown_field(field_name, parsed),
                                     _shown_field(field_name, current)]  # fmt: skip
            conflict_values[field_name] = _json(parsed)
    for header, attribute in READ_ONLY.items():
        cell = row.values.get(_text(header))
        shown = project.unit.name if attribute == "unit" else getattr(project, attribute)
        if cell is not None and not _is_blank(cell.value) and _text(cell.value) != _text(shown):
            preview.warnings.append(RowError(
                sheet_title, row_number, _column(cell, header),
                _("Changed in the file, but the import does not change it: kept as “%(value)s”.")
                % {"value": shown}))  # fmt: skip
    reason = ""
    reason_cell = row.values.get(REASON_HEADER)
    if reason_cell is not None:
        reason = parse_text(reason_cell.value)
        if len(reason) > TEXT_LIMITS["reason"]:
            maximum = TEXT_LIMITS["reason"]
            column = _column(reason_cell, REASON_HEADER)
            preview.errors.append(RowError(sheet_title, row_number, column,
                                           too_long(maximum, len(reason))))  # fmt: skip
            failed = True
    if failed:
        return
    if not changes and not conflicts:
        preview.unchanged += 1
        return
    stored = []
    if set(new) & set(REPORT_FIELDS):
        data = _report_input(project, new, period, reason, report)
        if "total_investment" in new:
            project.total_investment = new["total_investment"]  # checked against the new total
        try:
            validate_report(project, data, today)
        except ValidationError as error:
            for _field, messages in error.message_dict.items():
                for message in messages:
                    preview.errors.append(RowError(sheet_title, row_number, "状态/完成进度",
                                                   message))  # fmt: skip
            return
        stored = _stored(data, report)
    preview.changes.append(RowChange(
        project_id=project.pk, version=project.version, sheet=sheet_title, row=row_number,
        name=project.name, changes=changes, values={k: _json(v) for k, v in new.items()},
        conflicts=conflicts, conflict_values=conflict_values, reason=reason, report=stored,
    ))  # fmt: skip


def _stored(data: ReportInput, report) -> list:
    """``[label, value, note]`` for each field of the report that will be stored."""
    carried = _("carried over from the report it revises") if report is not None else ""
    empty = _("a new report: starts empty, the file has no such column")
    return [
        [_("status"), _shown_field("status", data.status), ""],
        [_("percent complete"), f"{data.percent_complete}%", ""],
        [_("investment completed (10k yuan)"), _shown(data.investment_completed), ""],
        [_("work done"), _shown(data.progress), ""],
        [_("problems met"), _shown(data.problems), ""],
        [_("next steps"), _shown(data.next_steps), carried if report is not None else empty],
        [_("reason"), _shown(data.reason), ""],
    ]


def _report_input(project, new: dict, period: Period, reason: str, report) -> ReportInput:
    """The report the import stores: the file's fields, and what the file does not carry kept
    from the report of the same period it revises (a new period's report starts empty there)."""

    def pick(name):
        return new[name] if name in new else _current(project, name)

    return ReportInput(
        period=period,
        status=pick("status"),
        percent_complete=pick("percent_complete"),
        investment_completed=pick("investment_completed"),
        progress=pick("latest_progress") or "",
        problems=pick("latest_problems") or "",
        next_steps=report.next_steps if report is not None else "",
        # The form's rules, the form's messages: a lower percent needs the reason column.
        reason=reason or (report.reason if report is not None else ""),
    )


class ImportConflict(Exception):
    """A project changed between the preview and the confirmation: nothing was written."""


class ImportRefused(Exception):
    """A choice made on the preview breaks a rule of the form: nothing was written."""


@transaction.atomic
def apply_preview(
    preview: Preview, *, user, plan, period: Period, today: dt.date, take=frozenset()
) -> int:
    """Write every change of the preview as ``user``, or nothing at all; returns the count.

    ``take`` holds ``"<project id>:<field>"`` for each conflict where the user chose the file's
    value; every other conflict keeps the dashboard's."""
    count = 0
    for change in preview.changes:
        values = dict(change.values)
        for name, value in change.conflict_values.items():
            if f"{change.project_id}:{name}" in take:
                values[name] = value
        if not values:
            continue
        descriptive = {k: _revive(k, v) for k, v in values.items() if k in EDITABLE_FIELDS}
        version = change.version
        try:
            if descriptive:
                project = project_edit(project_id=change.project_id, user=user,
                                       expected_version=version, changes=descriptive)  # fmt: skip
                version = project.version
            if set(values) & set(REPORT_FIELDS):
                project = Project.objects.for_export().get(pk=change.project_id)
                report = project.updates.filter(year=period.year, quarter=period.quarter).first()
                new = {k: _revive(k, v) for k, v in values.items()}
                project_update_submit(
                    project_id=change.project_id, user=user, expected_version=version,
                    data=_report_input(project, new, period, change.reason, report),
                    replace=True, today=today,
                )  # fmt: skip
        except ProjectConflict as error:
            raise ImportConflict(change.name) from error
        except ValidationError as error:
            raise ImportRefused(change.name, "；".join(error.messages)) from error
        count += 1
    return count


def _revive(name, value):
    if value is None:
        return None
    if name in ("total_investment", "investment_completed"):
        return Decimal(value)
    if name in ("planned_start", "planned_end"):
        return dt.date.fromisoformat(value)
    return value
