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
import functools
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field, fields
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter, range_boundaries
from simple_history.utils import bulk_create_with_history

from plan.bulk import update_with_history
from plan.figures_cache import PROJECTS, figures_changed
from plan.periods import Period
from plan.permissions import can_report_on, require_report_on
from plan.spreadsheets import BadFile, RowBudget, TooManyRows, open_workbook  # noqa: F401
from plan.textlimits import EXCEL_CELL, clip, limit, require_within, too_long
from supervision.cycle import period_statuses
from supervision.models import ReopenScope
from supervision.review import mark_resubmitted
from supervision.services import validate_period

from .excel import HEADERS, KEY_HEADER, PERIOD_HEADER, REASON_HEADER, VERSION_HEADER, parse_key
from .models import Project, ProjectStatus, ProjectUpdate
from .services import (
    EDITABLE_FIELDS,
    ReportInput,
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
INFORMATIONAL = {"序号", "最近填报", "审核状态", KEY_HEADER, VERSION_HEADER, REASON_HEADER,
                 PERIOD_HEADER}  # fmt: skip
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


@dataclass(slots=True)
class RowError:
    sheet: str
    row: int
    column: str
    message: str
    link: str = ""  # where the user can act on it (a closed period: the reopen request page)


@dataclass(slots=True)
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
    period: str = ""  # the row's 填报期 ("2025Q4"): the period its report goes to
    report: list = field(default_factory=list)  # [label, value as text, note] to be stored


def _fields(row) -> dict:
    """A ``RowChange`` or ``RowError`` as a dict for JSON, its values shared, not copied (they
    are JSON-ready already): ``asdict`` deep-copied them, 5.7 s at 50,000 changed rows."""
    return {f.name: getattr(row, f.name) for f in fields(row)}


@dataclass
class Preview:
    changes: list[RowChange] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"changes": [_fields(c) for c in self.changes], "unchanged": self.unchanged,
                "errors": [_fields(e) for e in self.errors],
                "warnings": [_fields(w) for w in self.warnings]}  # fmt: skip

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


PERIOD_TEXT = re.compile(r"^(\d{4})\s*(?:年\s*第?\s*([1-4一二三四])\s*季度?|[-\s]?[Qq]\s*([1-4]))$")


def parse_period(value) -> Period | None:
    """A row's 填报期: 2025年第四季度, 2025年第4季度, 2025Q4 or 2025-Q4; ``None`` for a blank cell
    (the import's own period)."""
    if _is_blank(value):
        return None
    match = PERIOD_TEXT.match(_text(value))
    if match is None:
        raise CellError(_("Enter the reporting period such as 2025年第四季度 or 2025Q4."))
    quarter = match.group(2) or match.group(3)
    quarter = "一二三四".index(quarter) + 1 if quarter in "一二三四" else int(quarter)
    return Period(int(match.group(1)), quarter)


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
    period: Period | None = None  # the row's 填报期, or the import's period
    bad_period: bool = False  # its 填报期 cell is not a period (named as an error)


def _row_period(preview, row, default: Period) -> Period:
    """The row's 填报期 (the import's own period when the file has none); a cell that is not a
    period is named, and the row then reads as the import's period (it is refused anyway)."""
    cell = row.values.get(PERIOD_HEADER)
    if cell is None:
        return default
    try:
        return parse_period(cell.value) or default
    except CellError as error:
        preview.errors.append(RowError(row.sheet, row.number, _column(cell, PERIOD_HEADER),
                                       str(error)))  # fmt: skip
        row.bad_period = True
        return default


MERGE_REF = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\s[^>]*\bref=\"([A-Z]+\d+:[A-Z]+\d+)\"")


def _merged_rows(workbook, sheet, header_row: int, preview) -> set[int]:
    """Rows of ``sheet`` below the header that a merged range covers, each range refused by name.

    Why refuse rather than read the top-left value: a range merged down a column (one unit for
    three projects) leaves the other rows' cells blank in the file, and whether the user meant
    "the same" or "nothing" cannot be known; taking the top-left value for every row would
    change rows the user did not mean to touch, and reading the others as blank would erase
    them. Across one row only the top-left is unambiguous, but it still hides which column the
    value belongs to. So the rows are refused, with the sheet and range named: unmerge, fill in
    each cell, upload again. Read-only worksheets do not parse ``<mergeCells>``: it is read from
    the sheet's XML, which lists it after the rows (the row cap has been checked already)."""
    archive = getattr(workbook, "_archive", None)
    path = getattr(sheet, "_worksheet_path", None)
    if archive is None or path is None:
        return set()
    covered = set()
    with archive.open(path) as part:
        tail, carry = b"", b""
        while chunk := part.read(1 << 16):
            data = carry + chunk
            if b"mergeCell" in data:
                tail += data
            carry = data[-200:]
    for ref in dict.fromkeys(m.group(1).decode() for m in MERGE_REF.finditer(tail)):
        _min_col, min_row, _max_col, max_row = range_boundaries(ref)
        if max_row <= header_row:
            continue  # the title and the header may be merged
        preview.errors.append(RowError(
            sheet.title, max(min_row, header_row + 1), ref,
            _("Merged cells %(range)s on sheet “%(sheet)s”: the import cannot tell which rows "
              "they mean. Unmerge them, fill in every cell and upload again.")
            % {"range": ref, "sheet": sheet.title}))  # fmt: skip
        covered.update(range(max(min_row, header_row + 1), max_row + 1))
    return covered


class ReportRules:
    """What the form's rules read, for every row of an import at once (a fixed number of
    queries whatever the number of rows): each project's reported periods and percents (the
    last report before a row's period; whether a row's period is the project's latest), the
    reports a row revises, and each row's period closed or open for its project."""

    def __init__(self, plan, projects: dict, wanted: set, today: dt.date):
        ids = sorted({project_id for project_id, _period in wanted})
        self.checked = {}  # (plan id, period) -> validate_period's errors (None: none)
        # project id -> [((year, quarter), percent)]: plain tuples, compared as periods are (a
        # Period each was a million objects at 50,000 rows of twenty reports)
        self.reported = defaultdict(list)
        for project_id, year, quarter, percent in ProjectUpdate.objects.filter(
            project_id__in=ids
        ).values_list("project_id", "year", "quarter", "percent_complete"):
            self.reported[project_id].append(((year, quarter), percent))
        periods = {p for _id, p in wanted}
        self.existing = {}
        if wanted:
            which = Q()
            for p in periods:
                which |= Q(year=p.year, quarter=p.quarter)
            for report in ProjectUpdate.objects.filter(which, project_id__in=ids):
                if (report.project_id, report.period) in wanted:
                    self.existing[(report.project_id, report.period)] = report
        self.statuses = {}
        for p in periods:
            subjects = {(projects[i].unit_id, i) for i, q in wanted if q == p}
            statuses = period_statuses(plan=plan, period=p, scope=ReopenScope.PROJECT,
                                       subjects=subjects, today=today)  # fmt: skip
            for (_unit, project_id), status in statuses.items():
                self.statuses[(project_id, p)] = status

    def report(self, project_id: int, period: Period):
        return self.existing.get((project_id, period))

    def previous(self, project_id: int, period: Period):
        before = (period.year, period.quarter)
        earlier = [(p, pc) for p, pc in self.reported[project_id] if p < before]
        if not earlier:
            return None
        p, percent = max(earlier)
        return _Previous(percent, Period(*p))

    def is_latest(self, project_id: int, period: Period) -> bool:
        until = (period.year, period.quarter)
        return all(p <= until for p, _pc in self.reported[project_id])

    def check(self, project, data: ReportInput, today: dt.date) -> None:
        validate_report(project, data, today, previous=self.previous(project.pk, data.period),
                        status=self.statuses.get((project.pk, data.period)),
                        period_errors=self.period_errors(project, data.period, today))  # fmt: skip

    def period_errors(self, project, period: Period, today: dt.date) -> dict | None:
        """``validate_period`` of ``period`` in the project's plan, asked once per plan and
        period (it lists the plan's forty quarters each time: 1.5 million periods built at
        50,000 rows)."""
        key = (project.annex.plan_id, period)
        if key not in self.checked:
            try:
                validate_period(project.annex.plan, period, today)
                self.checked[key] = None
            except ValidationError as error:
                self.checked[key] = error.message_dict
        return self.checked[key]


@dataclass(frozen=True)
class _Previous:
    percent_complete: int
    period: Period


def reopen_link(project, period: Period) -> str:
    """The reopen request page, filled in for this project and period."""
    return (f"{reverse('supervision:reopen-request')}?unit={project.unit_id}"
            f"&scope={ReopenScope.PROJECT}&object={project.pk}&period={period}")  # fmt: skip


# Rows compared with the database at a time. Each chunk's projects, reports, periods and history
# are read in a fixed number of queries, and only that chunk's cells are held: what is kept from
# one chunk to the next is what the preview shows (the changed rows and the problems), the count
# of rows unchanged, and each row's key (to find a project listed twice). At 50,000 rows, reading
# them all before comparing held every cell and every project at once (370 MB).
CHUNK = 2000


def build_preview(workbook, *, user, plan, period: Period, today: dt.date) -> Preview:
    """Read every sheet, check every cell, merge with the database; write nothing.

    Streamed: the rows are read once, in order, and compared ``CHUNK`` at a time; the preview
    holds the changed rows and the problems only (unchanged rows are counted). Raises
    ``BadFile`` (``TooManyRows`` past the row cap, read no further)."""
    preview = Preview()  # what reading the file finds; the comparison's findings follow them
    merge = _Merge(workbook, user=user, plan=plan, period=period, today=today)
    seen, twice = {}, set()  # project id -> (sheet, row) of its first row; ids listed twice
    batch = []
    found_layout = False
    budget = RowBudget()
    for sheet in workbook.worksheets:
        header_row, columns = _find_header(sheet)
        if header_row is None:
            continue
        found_layout = True
        _check_headers(preview, sheet.title, header_row, columns)
        merged = _merged_rows(workbook, sheet, header_row, preview)
        blanks = []
        for row_number, cells in enumerate(
            budget.rows(sheet, min_row=header_row + 1), start=header_row + 1
        ):
            values = {columns[i]: cell for i, cell in enumerate(cells) if i in columns}
            if row_number in merged:
                continue  # refused above, with the merged range named
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
                    % {"row": seen[project_id][1]},
                ))  # fmt: skip
                twice.add(project_id)
                continue
            seen[project_id] = (sheet.title, row_number)
            version_cell = values.get(VERSION_HEADER)
            version = version_cell.value if version_cell is not None else None
            version = int(version) if isinstance(version, int | float) and version > 0 else None
            batch.append(_Row(sheet.title, row_number, project_id, version, values))
            if len(batch) >= CHUNK:
                merge.rows(batch)
                batch = []
    if not found_layout:
        raise BadFile(
            _("No sheet has the %(key)s column of an export from this dashboard: "
              "export the annex again and edit that file.") % {"key": KEY_HEADER}
        )  # fmt: skip
    if len(seen) == len(twice) and not preview.errors:
        raise BadFile(_("The workbook has no project rows."))
    merge.rows(batch)
    # Which of two rows for one project is right cannot be known: neither is taken, and what
    # the first one's comparison found (in an earlier chunk, perhaps) is taken back.
    merge.forget(twice, {seen[project_id] for project_id in twice})
    preview.errors += merge.periods.errors + merge.found.errors
    preview.warnings += merge.found.warnings
    preview.changes = merge.found.changes
    preview.unchanged = merge.found.unchanged
    return preview


class _Merge:
    """Compares rows with the database a chunk at a time, keeping what the preview shows."""

    def __init__(self, workbook, *, user, plan, period: Period, today: dt.date):
        self.workbook, self.user, self.plan = workbook, user, plan
        self.period, self.today = period, today
        self.periods = Preview()  # the rows' 填报期 cells that are not periods
        self.found = Preview()  # each row's changes, errors and notes, in the file's order
        self.unchanged_ids = set()

    def rows(self, rows: list[_Row]) -> None:
        if not rows:
            return
        plan, today, found = self.plan, self.today, self.found
        ids = [r.project_id for r in rows]
        # The chunk's few annexes, units and its plan read once each and shared by its projects
        # (joined, they were three more model objects per row).
        projects = (
            Project.objects.for_export()
            .select_related(None)
            .prefetch_related("annex__plan", "unit")
            .in_bulk(ids)
        )
        for row in rows:
            row.period = _row_period(self.periods, row, self.period)
        wanted = {(r.project_id, r.period) for r in rows if r.project_id in projects}
        rules = ReportRules(plan, projects, wanted, today)
        bases = _exported_values(
            {r.project_id: r.version for r in rows
             if r.project_id in projects and r.version is not None
             and r.version != projects[r.project_id].version}
        )  # fmt: skip
        stale = _changed_since(self.workbook, [r for r in rows if r.version is None], found)
        for row in rows:
            project = projects.get(row.project_id)
            if project is None or project.annex.plan_id != plan.pk:
                found.errors.append(RowError(row.sheet, row.number, KEY_HEADER,
                                             _("No project has this key any more.")))  # fmt: skip
                continue
            if not can_report_on(self.user, project):
                found.errors.append(RowError(
                    row.sheet, row.number, KEY_HEADER,
                    _("You may not change “%(name)s”: your unit does not answer for it.")
                    % {"name": project.name},
                ))  # fmt: skip
                continue
            if row.version is None:
                base = None
                if row.project_id in stale:
                    found.warnings.append(RowError(
                        row.sheet, row.number, KEY_HEADER,
                        _("“%(name)s” was changed in the dashboard after this file was made: "
                          "its differences below may undo newer work.") % {"name": project.name},
                    ))  # fmt: skip
            elif row.version == project.version:
                base = "current"
            else:
                base = bases.get(row.project_id)
                if base is None:
                    found.warnings.append(RowError(
                        row.sheet, row.number, VERSION_HEADER,
                        _("What this row said when exported is no longer known: every "
                          "difference from the dashboard is shown as a change.")))  # fmt: skip
            before = found.unchanged
            _compare(found, project, row, base, today, rules)
            if found.unchanged != before:
                self.unchanged_ids.add(row.project_id)

    def forget(self, project_ids: set[int], places: set[tuple[str, int]]) -> None:
        """Take back what was found for the rows at ``places`` (sheet, row), those of
        ``project_ids``."""
        if not project_ids:
            return
        for found in (self.periods, self.found):
            found.errors = [e for e in found.errors if (e.sheet, e.row) not in places]
            found.warnings = [w for w in found.warnings if (w.sheet, w.row) not in places]
        found = self.found
        found.changes = [c for c in found.changes if c.project_id not in project_ids]
        found.unchanged -= len(project_ids & self.unchanged_ids)


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
    # Each project's latest report as it stood at that record (the latest period's, its last
    # record by then), for all of them in two queries, not one per row: a week-old file whose
    # projects have all been reported on since made one query per row.
    latest = {}  # project id -> (year, quarter, history date, history id)
    if found:
        until = max(record["history_date"] for record in found.values())
        for project_id, year, quarter, date, history_id in (
            ProjectUpdate.history.filter(project_id__in=list(found), history_date__lte=until)
            .exclude(history_type="-")
            .values_list("project_id", "year", "quarter", "history_date", "history_id")
        ):
            if date > found[project_id]["history_date"]:
                continue  # written after the version exported
            key = (year, quarter, date, history_id)
            if project_id not in latest or key > latest[project_id]:
                latest[project_id] = key
    texts = {}
    if latest:
        texts = {
            history_id: (progress, problems)
            for history_id, progress, problems in ProjectUpdate.history.filter(
                history_id__in=[key[3] for key in latest.values()]
            ).values_list("history_id", "progress", "problems")
        }
    for project_id, record in found.items():
        key = latest.get(project_id)
        progress, problems = texts.get(key[3], ("", "")) if key else ("", "")
        record["latest_progress"] = progress
        record["latest_problems"] = problems
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


# Each header as the sheet's headers are read (NFKC, stripped): once, not per cell.
NORMALISED = {header: _text(header) for header in (*COLUMNS, *READ_ONLY)}


def _compare(preview, project, row, base, today, rules):
    """One row: what the file changes, what conflicts with the dashboard, and its errors."""
    new, changes, conflicts, conflict_values = {}, {}, {}, {}
    failed = row.bad_period
    period = row.period
    report = rules.report(project.pk, period)
    sheet_title, row_number = row.sheet, row.number
    for header, (field_name, kind) in COLUMNS.items():
        cell = row.values.get(NORMALISED[header])  # headers are compared NFKC-normalised
        if cell is None:
            continue
        try:
            if getattr(cell, "data_type", None) == "f":
                raise CellError(_("A formula: type the value itself into the cell."))
            if kind != "text" and isinstance(cell.value, str) and cell.value.strip()[:1] == "=":
                # A formula saved as text (a text-formatted cell, a pasted sheet): never
                # computed here. In a text column it is text, as the form takes it, and the
                # export writes it back quoted so that it never runs.
                raise CellError(
                    _("A formula saved as text (%(text)s): type the value itself into the cell.")
                    % {"text": clip(cell.value.strip(), 40)}
                )
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
        cell = row.values.get(NORMALISED[header])
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
            rules.check(project, data, today)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    if name == "period":  # closed, outside the plan, not begun: never elsewhere
                        cell = row.values.get(PERIOD_HEADER)
                        column = _column(cell, PERIOD_HEADER) if cell else PERIOD_HEADER
                        status = rules.statuses.get((project.pk, period))
                        reopenable = status is not None and not status.editable and (
                            not status.plan_state)  # fmt: skip
                        link = reopen_link(project, period) if reopenable else ""
                        preview.errors.append(
                            RowError(sheet_title, row_number, column, message, link)
                        )  # the message names the period
                    else:
                        preview.errors.append(RowError(sheet_title, row_number, "状态/完成进度",
                                                       message))  # fmt: skip
            return
        stored = _stored(data, report)
    preview.changes.append(RowChange(
        project_id=project.pk, version=project.version, sheet=sheet_title, row=row_number,
        name=project.name, changes=changes, values={k: _json(v) for k, v in new.items()},
        conflicts=conflicts, conflict_values=conflict_values, reason=reason, report=stored,
        period=str(period),
    ))  # fmt: skip


@functools.lru_cache(maxsize=8)
def _stored_labels(language: str) -> tuple[str, ...]:
    """The labels of ``_stored``, translated once per language (not eight times per row)."""
    return (_("status"), _("percent complete"), _("investment completed (10k yuan)"),
            _("work done"), _("problems met"), _("next steps"), _("reason"),
            _("carried over from the report it revises"),
            _("a new report: starts empty, the file has no such column"))  # fmt: skip


def _stored(data: ReportInput, report) -> list:
    """``[label, value, note]`` for each field of the report that will be stored."""
    status, percent, invested, done, problems, steps, reason, carried, empty = _stored_labels(
        get_language()
    )
    return [
        [status, _shown_field("status", data.status), ""],
        [percent, f"{data.percent_complete}%", ""],
        [invested, _shown(data.investment_completed), ""],
        [done, _shown(data.progress), ""],
        [problems, _shown(data.problems), ""],
        [steps, _shown(data.next_steps), carried if report is not None else empty],
        [reason, _shown(data.reason), ""],
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


# Rows per statement of the bulk writes: the statements stay small on PostgreSQL; SQLite splits
# further by its parameter limit.
BATCH = 1000
REPORT_WRITE_FIELDS = [*ProjectUpdate.REPORTED_FIELDS, "submitted_by", "revised_at",
                       "review_state", "edited_after_approval"]  # fmt: skip
PROJECT_WRITE_FIELDS = [
    *EDITABLE_FIELDS, "status", "percent_complete", "investment_completed", "last_reported_at",
    "approved_status", "approved_percent", "version",
]  # fmt: skip
CHANGE_REASON = "Excel 导入"  # the history's change reason (varchar 100)


@transaction.atomic
def apply_preview(
    preview: Preview, *, user, plan, period: Period, today: dt.date, take=frozenset()
) -> int:
    """Write every change of the preview as ``user``, or nothing at all; returns the count.

    ``take`` holds ``"<project id>:<field>"`` for each conflict where the user chose the file's
    value; every other conflict keeps the dashboard's.

    The same rules as the forms' services (``project_edit``, ``project_update_submit``): the
    projects are locked and their versions compared, the user's right to report checked, each
    report validated by ``validate_report``, a revision keeps what the file does not carry, a
    changed report goes back before the reviewer (``mark_resubmitted``), and the project's
    current and approved states follow. Written in bulk, in a fixed number of statements per
    thousand rows, with a history row per project and per report naming the user (new reports
    through django-simple-history's ``bulk_create_with_history``, changed rows through
    ``plan.bulk.update_with_history``: Django's ``bulk_update`` spent 70 s of CPU at 10,000 rows
    and, like any ``update()``, writes no history)."""
    chosen = []
    for change in preview.changes:
        values = dict(change.values)
        for name, value in change.conflict_values.items():
            if f"{change.project_id}:{name}" in take:
                values[name] = value
        if values:
            chosen.append((change, {k: _revive(k, v) for k, v in values.items()}))
    if not chosen:
        return 0
    now = timezone.now()
    count = 0
    # A chunk at a time (its projects locked, its rules read, its rows written), in the one
    # transaction: a refusal in the last chunk still leaves nothing written.
    for start in range(0, len(chosen), CHUNK):
        count += _apply_chunk(chosen[start : start + CHUNK], user=user, plan=plan, period=period,
                              today=today, now=now)  # fmt: skip
    figures_changed(PROJECTS)
    return count


def _apply_chunk(chosen, *, user, plan, period: Period, today: dt.date, now) -> int:
    """``apply_preview`` for ``chosen`` (change, values) pairs: locked, checked, written."""
    ids = [change.project_id for change, _values in chosen]
    projects = {
        p.pk: p
        for p in Project.objects.for_export()
        .select_related("annex__plan")
        .select_for_update(of=("self",))
        .filter(pk__in=ids)
    }
    periods = {
        change.project_id: Period.parse(change.period) if change.period else period
        for change, _values in chosen
    }
    rules = ReportRules(plan, projects, set(periods.items()), today)
    created, revised, touched, left_approval = [], [], [], set()
    for change, values in chosen:
        project = projects.get(change.project_id)
        if project is None or project.version != change.version:
            raise ImportConflict(change.name)
        require_report_on(user, project)
        descriptive = {k: v for k, v in values.items() if k in EDITABLE_FIELDS}
        try:
            if descriptive:
                texts = {k: v for k, v in descriptive.items() if k in TEXT_FIELDS}
                require_within("projects.Project", **texts)
                for name, value in descriptive.items():
                    setattr(project, name, value)
                project.clean_fields(exclude=["annex", "unit"])
                _check_dates(project)
            if set(values) & set(REPORT_FIELDS):
                row_period = periods[project.pk]
                report = rules.report(project.pk, row_period)
                data = _report_input(project, values, row_period, change.reason, report)
                rules.check(project, data, today)
                report = _write_report(project, report, data, user, now)
                (created if report.pk is None else revised).append(report)
                if report.edited_after_approval and report.review_state_before == "approved":
                    left_approval.add(project.pk)
                if rules.is_latest(project.pk, row_period):
                    # A late report for an earlier period does not move the current state back.
                    project.status = report.status
                    project.percent_complete = report.percent_complete
                    if report.investment_completed is not None:
                        project.investment_completed = report.investment_completed
                project.last_reported_at = now
        except ValidationError as error:
            raise ImportRefused(change.name, "；".join(error.messages)) from error
        project.version += 1
        touched.append(project)
    history = {"default_user": user, "default_change_reason": CHANGE_REASON,
               "default_date": now, "batch_size": BATCH}  # fmt: skip
    if created:
        bulk_create_with_history(created, ProjectUpdate, **history)
    written = {"user": user, "reason": CHANGE_REASON, "date": now, "batch_size": BATCH}
    update_with_history(revised, ProjectUpdate, REPORT_WRITE_FIELDS, **written)
    if left_approval:
        _refresh_approved([projects[i] for i in left_approval])
    update_with_history(touched, Project, PROJECT_WRITE_FIELDS, **written)
    return len(touched)


TEXT_FIELDS = ("builder", "location", "content")


def _check_dates(project) -> None:
    """The project's check constraint, in Python (``validate_constraints`` asks the database,
    a query per row)."""
    start, end = project.planned_start, project.planned_end
    if start and end and start > end:
        raise ValidationError(_("The planned start must not be after the planned end."))


def _write_report(project, report, data: ReportInput, user, now) -> ProjectUpdate:
    """``report`` (or a new one) holding ``data``, as ``project_update_submit`` saves it; not
    saved yet."""
    if report is None:
        report = ProjectUpdate(project=project, year=data.period.year,
                               quarter=data.period.quarter, submitted_at=now)  # fmt: skip
    else:
        report.revised_at = now  # timeliness is judged on the first submission
    report.review_state_before = report.review_state if report.pk else ""
    for name in ProjectUpdate.REPORTED_FIELDS:
        setattr(report, name, getattr(data, name))
    report.submitted_by = user
    mark_resubmitted(report)
    # Foreign keys and constraints are checked by the database (``full_clean`` would ask it
    # once per row); every field's own validators run here.
    report.full_clean(exclude=["project", "submitted_by", "reviewed_by"],
                      validate_unique=False, validate_constraints=False)  # fmt: skip
    return report


def _refresh_approved(projects) -> None:
    """``Project.refresh_approved`` for many projects, in one query: the state of each one's
    latest approved report (none: not started, 0)."""
    latest = {}
    for row in (
        ProjectUpdate.objects.filter(project_id__in=[p.pk for p in projects],
                                     review_state="approved")
        .order_by("project_id", "year", "quarter")
        .values("project_id", "status", "percent_complete")
    ):  # fmt: skip
        latest[row["project_id"]] = row  # ascending: the last one is the latest
    for project in projects:
        row = latest.get(project.pk)
        project.approved_status = row["status"] if row else ProjectStatus.NOT_STARTED
        project.approved_percent = row["percent_complete"] if row else 0


def _revive(name, value):
    if value is None:
        return None
    if name in ("total_investment", "investment_completed"):
        return Decimal(value)
    if name in ("planned_start", "planned_end"):
        return dt.date.fromisoformat(value)
    return value
