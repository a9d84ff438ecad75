"""A plan from a workbook (issue 18, item 4): the template, the export of a plan into it, and
reading a filled-in copy back into a draft plan.

The workbook has one sheet per part of a plan: its facts, the units, the tasks, each task's
responsible units in order, the thematic boxes, the annexes, their projects, the indicators, their
yearly targets and the safeguards. Each sheet's row 1 says how to fill it in, row 2 is the header,
and the rows below are the data. Every row carries a code (the plan's field name, the unit's name,
the task / box / annex / safeguard number, the project code ``附表号-序号``, the indicator code,
or the pair task + order, indicator + year), and a re-upload is matched on those codes, never on
names: the same file uploaded twice updates the draft and duplicates nothing.

Reading goes through ``plan.spreadsheets`` (the Excel import's size, zip, entity and row guards),
and every cell problem is named by sheet, row and column. Applying runs the plan loaders' own
``upsert`` (which calls each model's ``clean``), so the rules of the fixture loader and of this
workbook are one; the preview is the same apply, rolled back, so what the preview says is what
the confirmation does. Choices written down here:

- Rows of a draft that the file no longer has are kept, and the preview says how many (a row is
  removed in the admin): uploading a partial file never deletes anything saved.
- Units are shared across plans and matched by name; a unit the file names must be on the
  units sheet or already exist. A unit's kind and order are set when it is created only.
- A target's "original" value is the value the workbook gives (a draft has no revisions yet).
- A plan that is not a draft is never changed from a workbook.
"""

import datetime as dt
import io
import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from indicators.models import Indicator, PeerGroup, Target
from plan.figures_cache import figures_changed
from plan.loader import LoadReport, upsert
from plan.models import Column, Plan, PlanState, Responsibility, Safeguard, Task, Unit
from plan.spreadsheets import BadFile, RowBudget, safe_cell
from plan.textlimits import EXCEL_CELL, LIMITS
from projects.imports import CellError, parse_date, parse_money, parse_text
from projects.models import Annex, Project

__all__ = ["BadFile", "Preview", "apply_preview", "export_workbook", "read_workbook"]

YES, NO = "是", "否"


@dataclass(frozen=True)
class Col:
    key: str  # the field the column fills
    header: str
    kind: str = "text"  # text, int, year, money, decimal, date, bool, choice
    required: bool = False
    model: type | None = None  # for the text limit and the choices
    width: int = 16


@dataclass(frozen=True)
class Sheet:
    name: str
    instructions: str
    columns: tuple[Col, ...]

    @property
    def code(self) -> Col:
        return self.columns[0]


PLAN_FIELDS = (
    ("code", "计划代码", "year_range"),
    ("title", "标题", "text"),
    ("issuer", "印发单位", "text"),
    ("start_year", "起始年份", "year"),
    ("end_year", "截止年份", "year"),
    ("preamble", "前言", "text"),
    ("guiding_thought", "指导思想", "text"),
    ("principles", "基本原则", "text"),
    ("goals", "发展目标", "text"),
    ("indicator_system_title", "指标体系标题", "text"),
    ("data_notes", "数据说明", "text"),
)
PLAN_REQUIRED = {"code", "title", "start_year", "end_year"}

PLAN = Sheet(
    "计划",
    "每行一项计划信息：不要改“字段代码”列；在“内容”列填写。计划代码如 2026-2030，"
    "已有计划的代码表示更新该计划（只能更新草稿）。",
    (
        Col("field", "字段代码", width=24),
        Col("label", "字段", width=16),
        Col("value", "内容", width=80),
    ),
)
UNITS = Sheet(
    "单位",
    "计划用到的每个责任单位一行（按名称与已有单位匹配，各期计划共用）；"
    "类别填“部门”或“集体”（如 各县(市)区和开发区）。",
    (
        Col("name", "单位名称", required=True, model=Unit, width=30),
        Col("kind", "类别", "choice", model=Unit),
    ),
)
TASKS = Sheet(
    "任务",
    "每项主要任务一行；任务编号 1、2、3……在本计划内唯一，再次上传时按编号匹配。",
    (
        Col("number", "任务编号", "int", required=True),
        Col("short_title", "简称", required=True, model=Task, width=20),
        Col("headline", "标题", model=Task, width=30),
        Col("programme", "工程", required=True, model=Task, width=24),
        Col("full_text", "全文", required=True, model=Task, width=60),
        Col("responsibility_note", "责任说明", model=Task, width=20),
    ),
)
RESPONSIBILITIES = Sheet(
    "责任单位",
    "每项任务的责任单位，按计划所列顺序，一行一个单位；顺序 1 为牵头单位。",
    (
        Col("task", "任务编号", "int", required=True),
        Col("order", "顺序", "int", required=True),
        Col("unit", "责任单位", required=True, width=30),
    ),
)
COLUMNS = Sheet(
    "专栏",
    "每个专栏一行；专栏编号在本计划内唯一；任务编号须在“任务”表中。",
    (
        Col("number", "专栏编号", "int", required=True),
        Col("task", "任务编号", "int", required=True),
        Col("title", "标题", required=True, model=Column, width=30),
        Col("text", "正文", required=True, model=Column, width=60),
    ),
)
ANNEXES = Sheet(
    "附表",
    "每张附表一行；附表编号在本计划内唯一；专栏编号须在“专栏”表中（可空）。",
    (
        Col("number", "附表编号", "int", required=True),
        Col("column", "专栏编号", "int"),
        Col("column_group", "专栏内分组", model=Annex, width=20),
        Col("title", "标题", required=True, model=Annex, width=30),
    ),
)
PROJECTS = Sheet(
    "项目",
    "每个重点项目一行；项目代码为“附表编号-序号”（如 2-3），再次上传时按代码匹配；"
    "责任单位须在“单位”表中或已存在；金额单位万元，日期如 2026-03-01。",
    (
        Col("code", "项目代码", required=True),
        Col("name", "项目名称", required=True, model=Project, width=30),
        Col("unit", "责任单位", required=True, width=20),
        Col("builder", "建设单位", model=Project, width=20),
        Col("location", "建设地点", model=Project),
        Col("content", "建设内容", model=Project, width=40),
        Col("total_investment", "总投资（万元）", "money"),
        Col("planned_start", "计划开工", "date"),
        Col("planned_end", "计划完工", "date"),
        Col("data_note", "数据说明", model=Project, width=30),
    ),
)
INDICATORS = Sheet(
    "指标",
    "每个指标一行；指标代码用小写字母、数字和连字符（如 rd-intensity），"
    "再次上传时按代码匹配；类别、方向、类型按下拉说明填写中文名称。",
    (
        Col("code", "指标代码", required=True, model=Indicator, width=20),
        Col("order", "序号", "int"),
        Col("name", "名称", required=True, model=Indicator, width=30),
        Col("category", "类别", "choice", model=Indicator),
        Col("unit_of_measure", "计量单位", model=Indicator),
        Col("direction", "方向", "choice", model=Indicator),
        Col("kind", "类型", "choice", model=Indicator),
        Col("responsible_unit", "责任单位", width=20),
        Col("baseline_year", "基期年份", "year"),
        Col("baseline_value", "基期值", "decimal"),
        Col("definition", "定义", model=Indicator, width=30),
        Col("data_source", "数据来源", model=Indicator),
        Col("source_quote", "计划原文", model=Indicator, width=40),
        Col("quarterly", "按季度填报", "bool"),
        Col("peer_group", "比较组", width=20),
        Col("published_ranks", "仅公布名次", "bool"),
    ),
)
TARGETS = Sheet(
    "目标",
    "每个指标每年的目标一行；年份须在计划年限内；目标值、目标名次、目标表述至少填一项。",
    (
        Col("indicator", "指标代码", required=True, width=20),
        Col("year", "年份", "year", required=True),
        Col("value", "目标值", "decimal"),
        Col("rank", "目标名次", "int"),
        Col("statement", "目标表述", model=Target, width=30),
        Col("reading_note", "解读说明", model=Target, width=30),
    ),
)
SAFEGUARDS = Sheet(
    "保障措施",
    "每项保障措施一行；编号在本计划内唯一；责任主体须在“单位”表中或已存在。",
    (
        Col("number", "编号", "int", required=True),
        Col("title", "标题", required=True, model=Safeguard, width=20),
        Col("text", "正文", required=True, model=Safeguard, width=60),
        Col("responsible", "责任主体", required=True, width=30),
    ),
)

SHEETS = (
    PLAN,
    UNITS,
    TASKS,
    RESPONSIBILITIES,
    COLUMNS,
    ANNEXES,
    PROJECTS,
    INDICATORS,
    TARGETS,
    SAFEGUARDS,
)
GUIDE = "填写说明"
LABEL_KEYS = ("name", "title", "short_title", "label", "unit", "indicator", "statement")
PROJECT_CODE = re.compile(r"^(\d{1,4})-(\d{1,4})$")
INDICATOR_CODE = re.compile(r"^[a-z0-9][a-z0-9-]*$")


# ---- the preview ------------------------------------------------------------------------------


@dataclass
class Problem:
    sheet: str
    row: int
    column: str
    message: str


@dataclass
class RowAction:
    sheet: str
    row: int
    code: str
    label: str
    action: str = ""  # new, changed, unchanged


@dataclass
class Preview:
    plan_code: str = ""
    plan_title: str = ""
    updates_existing: bool = False
    problems: list[Problem] = field(default_factory=list)
    rows: list[RowAction] = field(default_factory=list)
    kept: int = 0  # rows of the draft the file no longer has, kept
    data: dict = field(default_factory=dict)

    def problem(self, sheet: Sheet | str, row: int, column: str, message: str) -> None:
        name = sheet.name if isinstance(sheet, Sheet) else sheet
        self.problems.append(Problem(name, row, column, str(message)))

    def to_json(self) -> dict:
        return {
            "plan_code": self.plan_code,
            "plan_title": self.plan_title,
            "updates_existing": self.updates_existing,
            "kept": self.kept,
            "problems": [asdict(p) for p in self.problems],
            "rows": [asdict(r) for r in self.rows],
            "data": self.data,
        }

    @classmethod
    def from_json(cls, data: dict) -> "Preview":
        return cls(
            plan_code=data["plan_code"],
            plan_title=data["plan_title"],
            updates_existing=data["updates_existing"],
            kept=data.get("kept", 0),
            problems=[Problem(**p) for p in data["problems"]],
            rows=[RowAction(**r) for r in data["rows"]],
            data=data["data"],
        )

    def counts(self) -> dict[str, int]:
        out = {"new": 0, "changed": 0, "unchanged": 0}
        for row in self.rows:
            out[row.action] = out.get(row.action, 0) + 1
        return out


# ---- cells ------------------------------------------------------------------------------------


def text_limit(col: Col) -> int:
    """The most characters a text column takes: its model field's ``max_length`` (a CharField),
    else the project-wide limit (``plan.textlimits``), else what one cell holds."""
    if col.model is None:
        return EXCEL_CELL
    model_field = col.model._meta.get_field(col.key)
    if getattr(model_field, "max_length", None) and model_field.get_internal_type() in (
        "CharField",
        "SlugField",
    ):
        return model_field.max_length
    return LIMITS.get(col.model.__name__, {}).get(col.key, EXCEL_CELL)


def _choices(col: Col) -> list[tuple[str, str]]:
    return list(col.model._meta.get_field(col.key).choices or [])


def _label(col: Col, code: str) -> str:
    with translation.override("zh-hans"):
        return next((str(label) for value, label in _choices(col) if value == code), code)


def parse_int(value) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise CellError(_("Enter a whole number."))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    try:
        number = int(str(value).strip())
    except ValueError as error:
        raise CellError(_("Enter a whole number.")) from error
    if not 1 <= number <= 32767:
        raise CellError(_("Enter a whole number from 1 to 32767."))
    return number


def parse_year(value) -> int | None:
    try:
        number = parse_int(value)
    except CellError as error:
        raise CellError(_("Enter a year such as 2026.")) from error
    if number is not None and not 1949 <= number <= 2100:
        raise CellError(_("Enter a year such as 2026."))
    return number


def parse_decimal(value) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise CellError(_("Enter a number."))
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation as error:
        raise CellError(_("Enter a number.")) from error
    if not number.is_finite() or abs(number) >= Decimal("1e12"):
        raise CellError(_("Enter a number."))
    return number.quantize(Decimal("0.0001"))


def parse_bool(value) -> bool:
    text = "" if value is None else str(value).strip().lower()
    if text in ("", NO, "false", "0", "no"):
        return False
    if text in (YES, "true", "1", "yes"):
        return True
    raise CellError(_("Enter 是 or 否."))


def parse_cell(col: Col, value):
    if col.kind == "int":
        result = parse_int(value)
    elif col.kind == "year":
        result = parse_year(value)
    elif col.kind == "money":
        result = parse_money(value)
    elif col.kind == "decimal":
        result = parse_decimal(value)
    elif col.kind == "date":
        result = parse_date(value)
    elif col.kind == "bool":
        return parse_bool(value)
    elif col.kind == "choice":
        text = parse_text(value)
        if not text:
            return ""
        for code, label in _choices(col):
            if text in (code, str(label), _label(col, code)):
                return code
        allowed = "、".join(_label(col, code) for code, _label_ in _choices(col))
        raise CellError(_("Choose one of: %(values)s.") % {"values": allowed})
    else:
        result = parse_text(value)
        maximum = text_limit(col)
        if len(result) > maximum:
            raise CellError(
                _("At most %(max)s characters (this cell holds %(n)s).")
                % {"max": maximum, "n": len(result)}
            )
    if col.required and result in (None, ""):
        raise CellError(_("This cell must be filled in."))
    return result


def _json(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def column_name(col: Col, index: int) -> str:
    """How a problem names a column: its header and its letter, e.g. ``简称（B）``."""
    return f"{col.header}（{get_column_letter(index + 1)}）"


# ---- reading ----------------------------------------------------------------------------------


def _find_header(rows: list, sheet: Sheet):
    for number, cells in enumerate(rows[:5], start=1):
        texts = [parse_text(c.value) if c.value is not None else "" for c in cells]
        if sheet.code.header in texts:
            return number, texts
    return None, []


def _read_sheet(workbook, sheet: Sheet, budget: RowBudget, preview: Preview) -> list[dict]:
    """The sheet's data rows as dicts (``_row``: the Excel row), with each bad cell a problem."""
    if sheet.name not in workbook.sheetnames:
        preview.problem(sheet, 0, "", _("The sheet is missing: download the template again."))
        return []
    rows = list(budget.rows(workbook[sheet.name]))
    header_row, texts = _find_header(rows, sheet)
    if header_row is None:
        preview.problem(
            sheet,
            0,
            sheet.code.header,
            _("No header row naming this column in the first five rows."),
        )
        return []
    positions = {}
    for col in sheet.columns:
        if col.header in texts:
            positions[col.key] = texts.index(col.header)
        elif col.required:
            preview.problem(sheet, header_row, col.header, _("This column is missing."))
    out = []
    for number, cells in enumerate(rows[header_row:], start=header_row + 1):
        values = {key: (cells[i].value if i < len(cells) else None) for key, i in positions.items()}
        if all(_blank(v) for v in values.values()):
            continue
        row = {"_row": number}
        for col in sheet.columns:
            if col.key not in positions:
                continue
            try:
                if col is sheet.code and _blank(values[col.key]):
                    raise CellError(_("The code is missing."))
                row[col.key] = parse_cell(col, values[col.key])
            except CellError as error:
                preview.problem(sheet, number, column_name(col, positions[col.key]), error)
                row["_bad"] = True
        out.append(row)
    return out


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _unique(rows: list[dict], sheet: Sheet, key, preview: Preview, column: str) -> list[dict]:
    """Rows whose code (``key(row)``) is set and seen once; a repeat is a problem on its row."""
    seen, kept = {}, []
    for row in rows:
        code = key(row)
        if code is None or row.get("_bad"):
            continue
        if code in seen:
            preview.problem(
                sheet,
                row["_row"],
                column,
                _("The code %(code)s is also on row %(row)s.")
                % {"code": _shown(code), "row": seen[code]},
            )
            continue
        seen[code] = row["_row"]
        kept.append(row)
    return kept


def _shown(code) -> str:
    return "-".join(str(c) for c in code) if isinstance(code, tuple) else str(code)


def _col(sheet: Sheet, key: str, positions=None) -> str:
    """A column's name for a problem found after reading (the template's letter)."""
    index = next(i for i, c in enumerate(sheet.columns) if c.key == key)
    return column_name(sheet.columns[index], index)


def read_workbook(workbook) -> Preview:
    """Read every sheet of an opened plan workbook: the data, every problem, and (when there is
    no problem) what applying it would do, row by row."""
    preview = Preview()
    budget = RowBudget()
    raw = {sheet.name: _read_sheet(workbook, sheet, budget, preview) for sheet in SHEETS}

    # The plan's facts: one row per field code.
    facts, fact_rows, failed = {}, {}, set()
    labels = {key: label for key, label, _kind in PLAN_FIELDS}
    kinds = {key: kind for key, _label_, kind in PLAN_FIELDS}
    value_col = _col(PLAN, "value")
    for row in raw[PLAN.name]:
        key = row.get("field", "")
        if key not in labels:
            preview.problem(
                PLAN,
                row["_row"],
                _col(PLAN, "field"),
                _("Unknown field code “%(code)s”.") % {"code": key},
            )
            continue
        if key in facts:
            preview.problem(
                PLAN,
                row["_row"],
                _col(PLAN, "field"),
                _("The code %(code)s is also on row %(row)s.")
                % {"code": key, "row": fact_rows[key]},
            )
            continue
        fact_rows[key] = row["_row"]
        value = row.get("value", "")
        try:
            if kinds[key] == "year":
                value = parse_year(value)
            elif key == "code" and not re.fullmatch(r"[0-9A-Za-z_-]{1,32}", value or ""):
                raise CellError(_("Enter a code such as 2026-2030 (letters, digits, hyphens)."))
            else:
                limit_ = getattr(Plan._meta.get_field(key), "max_length", None) or EXCEL_CELL
                if len(value) > limit_:
                    raise CellError(
                        _("At most %(max)s characters (this cell holds %(n)s).")
                        % {"max": limit_, "n": len(value)}
                    )
        except CellError as error:
            preview.problem(PLAN, row["_row"], value_col, error)
            failed.add(key)
            continue
        facts[key] = value
    filled = {k for k, v in facts.items() if v not in (None, "")}
    for key in sorted(PLAN_REQUIRED - filled - failed):
        if key in fact_rows:
            preview.problem(PLAN, fact_rows[key], value_col, _("This cell must be filled in."))
        elif sheet_present(raw, PLAN, workbook):
            preview.problem(
                PLAN,
                0,
                _col(PLAN, "field"),
                _("The row “%(label)s” (%(code)s) is missing.")
                % {"label": labels[key], "code": key},
            )
    start, end = facts.get("start_year"), facts.get("end_year")
    if start and end and start > end:
        preview.problem(
            PLAN, fact_rows["end_year"], value_col, _("The last year is before the first year.")
        )
    years = range(start, end + 1) if start and end and start <= end else None
    preview.plan_code = facts.get("code") or ""
    preview.plan_title = facts.get("title") or ""

    def coded(sheet, key="number"):
        col = _col(sheet, key)
        rows = raw[sheet.name]
        for row in rows:
            if not row.get("_bad") and row.get(key) in (None, ""):
                preview.problem(sheet, row["_row"], col, _("The code is missing."))
        return _unique(rows, sheet, lambda r: r.get(key) or None, preview, col)

    units = coded(UNITS, "name")
    tasks = coded(TASKS)
    columns = coded(COLUMNS)
    annexes = coded(ANNEXES)
    safeguards = coded(SAFEGUARDS)
    indicators = coded(INDICATORS, "code")
    projects = coded(PROJECTS, "code")

    # Codes read, even on a row with a bad cell: a row that refers to them is not blamed too.
    def codes(sheet, key="number"):
        return {r[key] for r in raw[sheet.name] if r.get(key) not in (None, "")}

    known_units = codes(UNITS, "name") | set(Unit.objects.values_list("name", flat=True))
    task_numbers, column_numbers = codes(TASKS), codes(COLUMNS)
    annex_numbers, indicator_codes = codes(ANNEXES), codes(INDICATORS, "code")

    def refer(sheet, row, key, known, what):
        value = row.get(key)
        if value in (None, "") or value in known:
            return True
        preview.problem(
            sheet,
            row["_row"],
            _col(sheet, key),
            _("No %(what)s “%(value)s” in this workbook.") % {"what": what, "value": value},
        )
        return False

    unit_word, task_word = _("unit"), _("task")
    columns = [r for r in columns if refer(COLUMNS, r, "task", task_numbers, task_word)]
    annexes = [r for r in annexes if refer(ANNEXES, r, "column", column_numbers, _("box"))]
    safeguards = [
        r for r in safeguards if refer(SAFEGUARDS, r, "responsible", known_units, unit_word)
    ]

    responsibilities = []
    for row in raw[RESPONSIBILITIES.name]:
        if row.get("_bad"):
            continue
        ok = refer(RESPONSIBILITIES, row, "task", task_numbers, task_word)
        ok = refer(RESPONSIBILITIES, row, "unit", known_units, unit_word) and ok
        if ok:
            responsibilities.append(row)
    responsibilities = _unique(
        _unique(
            responsibilities,
            RESPONSIBILITIES,
            lambda r: (r["task"], r["order"]),
            preview,
            _col(RESPONSIBILITIES, "order"),
        ),
        RESPONSIBILITIES,
        lambda r: (r["task"], r["unit"]),
        preview,
        _col(RESPONSIBILITIES, "unit"),
    )
    for row in tasks:
        if not any(r["task"] == row["number"] for r in responsibilities):
            preview.problem(
                TASKS,
                row["_row"],
                _col(TASKS, "number"),
                _("The task has no responsible unit on the sheet 责任单位."),
            )

    good_projects = []
    for row in projects:
        match = PROJECT_CODE.match(row["code"])
        if not match:
            preview.problem(
                PROJECTS,
                row["_row"],
                _col(PROJECTS, "code"),
                _("A project code is the annex number, a hyphen and the row, e.g. 2-3."),
            )
            continue
        row["annex"], row["order"] = int(match.group(1)), int(match.group(2))
        if row["order"] < 1:
            preview.problem(
                PROJECTS,
                row["_row"],
                _col(PROJECTS, "code"),
                _("Enter a whole number from 1 to 32767."),
            )
            continue
        ok = row["annex"] in annex_numbers
        if not ok:
            preview.problem(
                PROJECTS,
                row["_row"],
                _col(PROJECTS, "code"),
                _("No %(what)s “%(value)s” in this workbook.")
                % {"what": _("annex"), "value": row["annex"]},
            )
        ok = refer(PROJECTS, row, "unit", known_units, unit_word) and ok
        start_, end_ = row.get("planned_start"), row.get("planned_end")
        if start_ and end_ and start_ > end_:
            preview.problem(
                PROJECTS,
                row["_row"],
                _col(PROJECTS, "planned_end"),
                _("The planned start must not be after the planned end."),
            )
            ok = False
        if ok:
            good_projects.append(row)

    good_indicators = []
    for row in indicators:
        ok = True
        if not INDICATOR_CODE.match(row["code"]):
            preview.problem(
                INDICATORS,
                row["_row"],
                _col(INDICATORS, "code"),
                _("An indicator code is lower-case letters, digits and hyphens."),
            )
            ok = False
        ok = refer(INDICATORS, row, "responsible_unit", known_units, unit_word) and ok
        if years and row.get("baseline_year") and row["baseline_year"] > years[-1]:
            preview.problem(
                INDICATORS,
                row["_row"],
                _col(INDICATORS, "baseline_year"),
                _("The year %(year)s is outside the plan's years %(first)s–%(last)s.")
                % {"year": row["baseline_year"], "first": years[0], "last": years[-1]},
            )
            ok = False
        if ok:
            good_indicators.append(row)

    targets = []
    for row in raw[TARGETS.name]:
        if row.get("_bad"):
            continue
        if not refer(TARGETS, row, "indicator", indicator_codes, _("indicator")):
            continue
        if years and row["year"] not in years:
            preview.problem(
                TARGETS,
                row["_row"],
                _col(TARGETS, "year"),
                _("The year %(year)s is outside the plan's years %(first)s–%(last)s.")
                % {"year": row["year"], "first": years[0], "last": years[-1]},
            )
            continue
        if row.get("value") is None and row.get("rank") is None and not row.get("statement"):
            preview.problem(
                TARGETS,
                row["_row"],
                _col(TARGETS, "value"),
                _("Give a target value, a rank or a statement."),
            )
            continue
        targets.append(row)
    targets = _unique(
        targets, TARGETS, lambda r: (r["indicator"], r["year"]), preview, _col(TARGETS, "year")
    )

    existing = Plan.objects.filter(code=preview.plan_code).first() if preview.plan_code else None
    if existing is not None:
        preview.updates_existing = True
        if existing.state != PlanState.DRAFT:
            preview.problem(
                PLAN,
                fact_rows.get("code", 0),
                value_col,
                _(
                    "The plan %(code)s is %(state)s: only a draft is changed from a "
                    "workbook. Give the new plan a code of its own."
                )
                % {"code": existing.code, "state": existing.get_state_display()},
            )

    def clean(rows):
        return [{k: _json(v) for k, v in r.items() if k != "_bad"} for r in rows]

    preview.data = {
        "plan": {k: _json(v) for k, v in facts.items()},
        "plan_row": fact_rows.get("code", 0),
        "units": clean(units),
        "tasks": clean(tasks),
        "responsibilities": clean(responsibilities),
        "columns": clean(columns),
        "annexes": clean(annexes),
        "projects": clean(good_projects),
        "indicators": clean(good_indicators),
        "targets": clean(targets),
        "safeguards": clean(safeguards),
    }
    order = {sheet.name: i for i, sheet in enumerate(SHEETS)}
    preview.problems.sort(key=lambda p: (order.get(p.sheet, -1), p.row))
    if preview.problems:
        # Every row still listed, unchecked: the problems above stop the dry run.
        for sheet in SHEETS:
            for row in raw[sheet.name]:
                label = next((row[k] for k in LABEL_KEYS if row.get(k)), "")
                code = row.get(sheet.code.key)
                preview.rows.append(RowAction(sheet.name, row["_row"], _shown(code or ""),
                                              str(label), ""))  # fmt: skip
    else:
        try:
            with transaction.atomic():
                _apply(preview)
                raise _DryRun
        except _DryRun:
            pass
        except ValidationError as error:
            preview.problem("", 0, "", "; ".join(error.messages))
        except IntegrityError as error:
            preview.problem(
                "", 0, "", _("The database refused the workbook: %(error)s") % {"error": error}
            )
    return preview


def sheet_present(raw, sheet, workbook) -> bool:
    return sheet.name in workbook.sheetnames


class _DryRun(Exception):
    pass


# ---- applying ---------------------------------------------------------------------------------


def _value(row, key):
    return row.get(key)


def _date(text):
    return dt.date.fromisoformat(text) if text else None


def _decimal(text):
    return Decimal(text) if text not in (None, "") else None


class _Tracker:
    """Each row's action from the loader's counts: created, changed, or left as it was."""

    def __init__(self, preview: Preview):
        self.preview = preview
        self.report = LoadReport()
        self.preview.rows = []

    def __call__(self, sheet: Sheet, row: dict, code, label, write):
        before = (sum(self.report.created.values()), sum(self.report.updated.values()))
        result = write(self.report)
        after = (sum(self.report.created.values()), sum(self.report.updated.values()))
        action = (
            "new" if after[0] > before[0] else "changed" if after[1] > before[1] else "unchanged"
        )
        self.preview.rows.append(RowAction(sheet.name, row["_row"], _shown(code), label, action))
        return result


def _apply(preview: Preview) -> Plan:
    """Write the preview's data: the plan (a draft), its rows, matched on their codes."""
    data, track = preview.data, _Tracker(preview)
    facts = data["plan"]
    plan_fields = {k: facts.get(k) or "" for k, _l, _k in PLAN_FIELDS if k != "code"}
    plan_fields["start_year"], plan_fields["end_year"] = facts["start_year"], facts["end_year"]
    before = Plan.objects.filter(code=facts["code"]).first()
    if before is not None and before.state != PlanState.DRAFT:
        raise ValidationError(_("Only a draft plan is changed from a workbook."))
    plan = track(
        PLAN,
        {"_row": data.get("plan_row", 0)},
        facts["code"],
        facts.get("title", ""),
        lambda r: upsert(Plan, r, {"code": facts["code"]}, plan_fields, {"state": PlanState.DRAFT}),
    )
    units = {u.name: u for u in Unit.objects.all()}
    next_order = max((u.sort_order for u in units.values()), default=0)
    for row in data["units"]:
        if row["name"] not in units:
            next_order += 1
        units[row["name"]] = track(
            UNITS,
            row,
            row["name"],
            row["name"],
            lambda r, row=row, n=next_order: upsert(
                Unit,
                r,
                {"name": row["name"]},
                {},
                {"kind": row.get("kind") or Unit.Kind.DEPARTMENT, "sort_order": n},
            ),
        )
    tasks = {}
    for row in data["tasks"]:
        fields = {
            k: row.get(k) or ""
            for k in ("short_title", "headline", "programme", "full_text", "responsibility_note")
        }
        tasks[row["number"]] = track(
            TASKS,
            row,
            row["number"],
            row["short_title"],
            lambda r, row=row, fields=fields: upsert(
                Task, r, {"plan": plan, "number": row["number"]}, fields
            ),
        )
    for number, task in tasks.items():
        rows = sorted(
            (r for r in data["responsibilities"] if r["task"] == number), key=lambda r: r["order"]
        )
        # Orders as given may have gaps (1, 2, 5): stored as positions, in the given order.
        wanted = {units[r["unit"]].pk: position for position, r in enumerate(rows, start=1)}
        existing = {r.unit_id: r.order for r in task.responsibilities.all()}
        changed = existing != wanted
        if changed:
            task.responsibilities.all().delete()
            Responsibility.objects.bulk_create(
                Responsibility(task=task, unit_id=uid, order=o) for uid, o in wanted.items()
            )
            figures_changed()  # bulk_create sends no signal
        for r in rows:
            action = "unchanged" if not changed else "changed" if existing else "new"
            preview.rows.append(
                RowAction(
                    RESPONSIBILITIES.name, r["_row"], f"{number}-{r['order']}", r["unit"], action
                )
            )
    columns = {}
    for row in data["columns"]:
        fields = {"task": tasks[row["task"]], "title": row["title"], "text": row["text"]}
        columns[row["number"]] = track(
            COLUMNS,
            row,
            row["number"],
            row["title"],
            lambda r, row=row, fields=fields: upsert(
                Column, r, {"plan": plan, "number": row["number"]}, fields
            ),
        )
    annexes = {}
    for row in data["annexes"]:
        fields = {
            "column": columns.get(row.get("column")),
            "title": row["title"],
            "column_group": row.get("column_group") or "",
        }
        annexes[row["number"]] = track(
            ANNEXES,
            row,
            row["number"],
            row["title"],
            lambda r, row=row, fields=fields: upsert(
                Annex, r, {"plan": plan, "number": row["number"]}, fields
            ),
        )
    for row in data["projects"]:
        fields = {
            "name": row["name"],
            "unit": units[row["unit"]],
            **{k: row.get(k) or "" for k in ("builder", "location", "content", "data_note")},
            "total_investment": _decimal(row.get("total_investment")),
            "planned_start": _date(row.get("planned_start")),
            "planned_end": _date(row.get("planned_end")),
        }
        track(
            PROJECTS,
            row,
            row["code"],
            row["name"],
            lambda r, row=row, fields=fields: upsert(
                Project, r, {"annex": annexes[row["annex"]], "order": row["order"]}, fields
            ),
        )
    indicators = {}
    for position, row in enumerate(data["indicators"], start=1):
        group = None
        if row.get("peer_group"):
            group = upsert(PeerGroup, LoadReport(), {"name": row["peer_group"]}, {}, {})
        fields = {
            "name": row["name"],
            "order": row.get("order") or position,
            "category": row.get("category") or "",
            "unit_of_measure": row.get("unit_of_measure") or "",
            "direction": row.get("direction") or Indicator.Direction.HIGHER,
            "kind": row.get("kind") or Indicator.Kind.NUMERIC,
            "responsible_unit": units.get(row.get("responsible_unit") or ""),
            "baseline_year": row.get("baseline_year"),
            "baseline_value": _decimal(row.get("baseline_value")),
            **{k: row.get(k) or "" for k in ("definition", "data_source", "source_quote")},
            "quarterly": bool(row.get("quarterly")),
            "peer_group": group,
            "published_ranks": bool(row.get("published_ranks")),
        }
        indicators[row["code"]] = track(
            INDICATORS,
            row,
            row["code"],
            row["name"],
            lambda r, row=row, fields=fields: upsert(
                Indicator, r, {"plan": plan, "code": row["code"]}, fields
            ),
        )
    for row in data["targets"]:
        value, rank = _decimal(row.get("value")), row.get("rank")
        statement = row.get("statement") or ""
        fields = {
            "value": value,
            "rank": rank,
            "statement": statement,
            "original_value": value,
            "original_rank": rank,
            "original_statement": statement,
            "reading_note": row.get("reading_note") or "",
        }
        track(
            TARGETS,
            row,
            (row["indicator"], row["year"]),
            row["indicator"],
            lambda r, row=row, fields=fields: upsert(
                Target, r, {"indicator": indicators[row["indicator"]], "year": row["year"]}, fields
            ),
        )
    for row in data["safeguards"]:
        fields = {
            "title": row["title"],
            "text": row["text"],
            "responsible": units[row["responsible"]],
        }
        track(
            SAFEGUARDS,
            row,
            row["number"],
            row["title"],
            lambda r, row=row, fields=fields: upsert(
                Safeguard, r, {"plan": plan, "number": row["number"]}, fields
            ),
        )
    preview.kept = _kept(plan, data)
    return plan


def _kept(plan: Plan, data: dict) -> int:
    """Rows of the plan the file does not name (kept, not deleted)."""
    numbers = lambda key: {r["number"] for r in data[key]}  # noqa: E731
    kept = plan.tasks.exclude(number__in=numbers("tasks")).count()
    kept += plan.columns.exclude(number__in=numbers("columns")).count()
    kept += plan.annexes.exclude(number__in=numbers("annexes")).count()
    kept += plan.safeguards.exclude(number__in=numbers("safeguards")).count()
    kept += plan.indicators.exclude(code__in={r["code"] for r in data["indicators"]}).count()
    codes = {(r["annex"], r["order"]) for r in data["projects"]}
    kept += sum(
        1
        for a, o in Project.objects.filter(annex__plan=plan).values_list("annex__number", "order")
        if (a, o) not in codes
    )
    return kept


class ImportRefused(Exception):
    pass


@transaction.atomic
def apply_preview(preview: Preview) -> Plan:
    """Write a checked preview: the draft plan created or updated, in one transaction. Refused
    (``ImportRefused``) if the preview has problems or the plan is no longer a draft."""
    if preview.problems:
        raise ImportRefused(_("Correct the problems in the workbook and upload it again."))
    existing = Plan.objects.select_for_update().filter(code=preview.plan_code).first()
    if existing is not None and existing.state != PlanState.DRAFT:
        raise ImportRefused(
            _("The plan %(code)s is no longer a draft: it is not changed from a workbook.")
            % {"code": existing.code}
        )
    try:
        return _apply(preview)
    except ValidationError as error:
        raise ImportRefused("; ".join(error.messages)) from error


# ---- writing ----------------------------------------------------------------------------------


def _rows_of(plan: Plan | None) -> dict[str, list[list]]:
    """Each sheet's data rows for ``plan`` (none: the empty template)."""
    if plan is None:
        return {PLAN.name: [[k, label, ""] for k, label, _kind in PLAN_FIELDS]}
    rows = {PLAN.name: [[k, label, getattr(plan, k)] for k, label, _kind in PLAN_FIELDS]}
    tasks = list(plan.tasks.order_by("number"))
    responsibilities = list(
        Responsibility.objects.filter(task__plan=plan)
        .select_related("task", "unit")
        .order_by("task__number", "order")
    )
    projects = list(
        Project.objects.filter(annex__plan=plan)
        .select_related("annex", "unit")
        .order_by("annex__number", "order")
    )
    indicators = list(
        plan.indicators.select_related("responsible_unit", "peer_group").order_by("order", "code")
    )
    safeguards = list(plan.safeguards.select_related("responsible").order_by("number"))
    used = {r.unit_id for r in responsibilities} | {p.unit_id for p in projects}
    used |= {s.responsible_id for s in safeguards}
    used |= {i.responsible_unit_id for i in indicators if i.responsible_unit_id}
    units = Unit.objects.filter(pk__in=used).order_by("sort_order", "name")
    rows[UNITS.name] = [[u.name, _label(UNITS.columns[1], u.kind)] for u in units]
    rows[TASKS.name] = [
        [t.number, t.short_title, t.headline, t.programme, t.full_text, t.responsibility_note]
        for t in tasks
    ]
    rows[RESPONSIBILITIES.name] = [[r.task.number, r.order, r.unit.name] for r in responsibilities]
    rows[COLUMNS.name] = [
        [c.number, c.task.number, c.title, c.text]
        for c in plan.columns.select_related("task").order_by("number")
    ]
    rows[ANNEXES.name] = [
        [a.number, a.column.number if a.column else None, a.column_group, a.title]
        for a in plan.annexes.select_related("column").order_by("number")
    ]
    rows[PROJECTS.name] = [
        [
            f"{p.annex.number}-{p.order}",
            p.name,
            p.unit.name,
            p.builder,
            p.location,
            p.content,
            p.total_investment,
            p.planned_start,
            p.planned_end,
            p.data_note,
        ]
        for p in projects
    ]
    cols = {c.key: c for c in INDICATORS.columns}
    rows[INDICATORS.name] = [
        [
            i.code,
            i.order,
            i.name,
            _label(cols["category"], i.category) if i.category else "",
            i.unit_of_measure,
            _label(cols["direction"], i.direction),
            _label(cols["kind"], i.kind),
            i.responsible_unit.name if i.responsible_unit else "",
            i.baseline_year,
            i.baseline_value,
            i.definition,
            i.data_source,
            i.source_quote,
            YES if i.quarterly else NO,
            i.peer_group.name if i.peer_group else "",
            YES if i.published_ranks else NO,
        ]
        for i in indicators
    ]
    rows[TARGETS.name] = [
        [t.indicator.code, t.year, t.value, t.rank, t.statement, t.reading_note]
        for t in Target.objects.filter(indicator__plan=plan)
        .select_related("indicator")
        .order_by("indicator__order", "indicator__code", "year")
    ]
    rows[SAFEGUARDS.name] = [[s.number, s.title, s.text, s.responsible.name] for s in safeguards]
    return rows


def export_workbook(plan: Plan | None = None) -> bytes:
    """The template (``plan`` None: the plan sheet's field codes, every other sheet empty), or
    ``plan`` written into it, ready to be uploaded again as it is."""
    workbook = Workbook(write_only=True)
    guide = workbook.create_sheet(GUIDE)
    guide.column_dimensions["A"].width = 16
    guide.column_dimensions["B"].width = 100
    for line in (
        ["吉林市行动计划 · 计划工作簿", ""],
        [
            "用法",
            "下载本模板，逐表填写，上传后查看预览（每一行、每个问题的表、行、列），确认后生成草稿计划。"
            "同一文件再次上传会按代码更新草稿，不会重复。已生效的计划不能用工作簿修改。",
        ],
        [
            "第 1 行",
            "每张表第 1 行是该表的填写说明，第 2 行是表头（不要改表头），从第 3 行起填写数据。",
        ],
        *[[s.name, s.instructions] for s in SHEETS],
    ):
        guide.append([safe_cell(guide, v) for v in line])
    rows = _rows_of(plan)
    bold, note = Font(bold=True), Font(italic=True, color="666666")
    for sheet in SHEETS:
        ws = workbook.create_sheet(sheet.name)
        for index, col in enumerate(sheet.columns, start=1):
            ws.column_dimensions[get_column_letter(index)].width = col.width
        ws.freeze_panes = "B3"
        instruction = safe_cell(ws, sheet.instructions)
        instruction.font = note
        ws.append([instruction])
        header = []
        for col in sheet.columns:
            cell = safe_cell(ws, col.header)
            cell.font = bold
            header.append(cell)
        ws.append(header)
        for values in rows.get(sheet.name, []):
            cells = []
            for value in values:
                cell = safe_cell(ws, value)
                if isinstance(value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
                cells.append(cell)
            ws.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
