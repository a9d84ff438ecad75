"""The quarterly briefing (季度通报): the cockpit's figures for one plan and period as a Word
document the coordinating office edits and issues (issue 23).

Every figure comes from the functions the pages use: ``CockpitFigures`` (headline figures, task
rollups, lagging projects, reporting completeness, indicators), ``supervision.reporting``'s task
matrix (who reported late or not at all, with the three colours) and ``changes.changes`` (what
changed against the quarter before, returned reports). The view is the approved-only one unless
the user asks for every report; the document says which view, which period and when.

Lists are capped (``LAGGING_LIMIT``, ``UNIT_LIMIT``) with "and N more" and a link to the full
Excel export, so a plan of 10,000 projects gives a document of a few pages in seconds.
"""

import datetime as dt
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db.models import OuterRef, Q, Subquery
from django.template.defaultfilters import floatformat
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from indicators.progress import STATUS_LABELS, Status
from plan.models import Plan
from plan.periods import Period, ReportState, reporting_period
from projects.models import Project, ProjectStatus, ProjectUpdate
from projects.progress import expected_percent
from supervision.colours import COLOUR_MARKS, Colour
from supervision.reporting import task_matrix

from . import briefing_asat, briefing_items, changes, cockpit
from .cockpit import STATUS_KEYS

LAGGING_LIMIT = 30  # rows of the lagging projects' table; the rest are counted
UNIT_LIMIT = 50  # rows of the late or missing units' table

# Noto CJK (SIL OFL 1.1), from Debian's fonts-noto-cjk: the body in the serif face standing in
# for 仿宋, headings in the sans face standing in for 黑体 (方正小标宋 is not free).
BODY_FONT = "Noto Serif CJK SC"
HEADING_FONT = "Noto Sans CJK SC"
FONT_CANDIDATES = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
]


class FontMissing(RuntimeError):
    """No CJK font for the charts: the briefing's Chinese would print as empty boxes."""


def chart_font() -> str:
    """The path of the CJK font the charts use (``DJANGO_BRIEFING_FONT`` or fonts-noto-cjk)."""
    configured = getattr(settings, "BRIEFING_FONT", "")
    for candidate in [configured] if configured else FONT_CANDIDATES:
        if Path(candidate).is_file():
            return candidate
    raise FontMissing(
        _("The briefing's charts need a Chinese font: install Debian's fonts-noto-cjk "
          "(apt-get install fonts-noto-cjk) or set DJANGO_BRIEFING_FONT to a .ttc/.otf file.")
    )  # fmt: skip


class _Source:
    """What ``CockpitFigures`` reads from its view, for a briefing outside any page."""

    def __init__(self, plan: Plan, period: Period, today: dt.date, approved: bool):
        self.plan, self.period, self.today, self.approved_only = plan, period, today, approved

    def tasks_with_rollups(self, rollups):
        tasks = list(self.plan.tasks.order_by("number"))
        for task in tasks:
            task.rollup = rollups.get(task.pk)
        return tasks


@dataclass
class UnitLine:
    unit: object
    late: int = 0
    missing: int = 0
    returned: int = 0
    colours: set = field(default_factory=set)

    @property
    def marks(self) -> str:
        """The three colours as words (a printed page may be black and white)."""
        return "、".join(
            f"{COLOUR_MARKS[c][0]}{COLOUR_MARKS[c][1]}" for c in Colour.MARKED if c in self.colours
        )


@dataclass
class Briefing:
    plan: Plan
    period: Period
    today: dt.date
    approved: bool
    generated_at: dt.datetime
    projects: object  # Counter, cockpit.project_figures
    tasks: list
    completeness: dict
    lagging: list
    lagging_total: int
    units: list
    units_total: int
    indicators: list
    indicator_counts: object
    changes: changes.Changes
    items: briefing_items.ItemSection
    current: bool = True  # the period is the one being reported now
    as_at: bool = False  # a past period: every figure as at its close

    @property
    def file_name(self) -> str:
        """``2025年第四季度推进情况通报.docx``: the document's name is Chinese whatever the UI's
        language, as the document is."""
        quarter = "一二三四"[self.period.quarter - 1]
        return f"{self.period.year}年第{quarter}季度推进情况通报.docx"

    @property
    def as_at_day(self) -> dt.date:
        """The last day of a past period's figures (``cockpit.as_at_cutoff``)."""
        cutoff = timezone.localtime(cockpit.as_at_cutoff(self.plan, self.period))
        return (cutoff - dt.timedelta(days=1)).date()

    @property
    def view_label(self) -> str:
        return _("approved reports only") if self.approved else _("every report submitted")


def late_units(plan: Plan, period: Period, today: dt.date, matrix=None) -> list[UnitLine]:
    """Units with a task report late, missing or returned for ``period`` (the reporting matrix's
    cells, with their colours; ``matrix``: the period's, when the caller has it as at its
    close)."""
    if matrix is None:
        matrix = task_matrix(plan, [period], today)
    lines = []
    for row in matrix.unit_rows:  # each member unit, not its collective's roll-up
        line = UnitLine(row.unit)
        for cell in row.cells:
            for item in cell.items:
                line.late += item.state == ReportState.LATE
                line.missing += item.state in (ReportState.OVERDUE, ReportState.NOT_DUE)
                line.returned += item.review == "returned"
                if item.colour != Colour.NONE:
                    line.colours.add(item.colour)
        if line.late or line.missing or line.returned or line.colours:
            lines.append(line)
    return lines


def generate(
    plan: Plan, period: Period, approved: bool = True, today=None, export_url: str = ""
) -> tuple[str, bytes]:
    """The briefing's file name and .docx bytes, in Chinese (a government document) whatever
    the UI's language."""
    with translation.override("zh-hans"):
        found = collect(plan, period, approved, today)
        return found.file_name, render(found, export_url)


def collect(plan: Plan, period: Period, approved: bool = True, today=None) -> Briefing:
    """Every figure of the briefing, from the cockpit's own functions."""
    from .views import CockpitFigures

    today = today or timezone.localdate()
    figures = CockpitFigures(_Source(plan, period, today, approved), plan)
    now = reporting_period(today, plan.start_year, plan.end_year)
    current = period == now
    matrix = None
    if period < now:
        # A past quarter reads as it stood at its end: the reports submitted (approved) by its
        # close, whatever came after (issue 23), so the briefing reads the same when made later.
        projects, tasks, lagging, states = as_at(plan, period, approved, figures)
        reporting = briefing_asat.reporting_as_at(plan, period, projects["all"])
        matrix, completeness = reporting.matrix, reporting.completeness
        found = briefing_asat.indicators_as_at(plan, period, approved)
        indicators = found.latest
        changed = briefing_asat.changes_as_at(plan, period, approved, reporting, states,
                                              found.yearly)  # fmt: skip
        as_at_figures = True
    else:
        projects, tasks, completeness = figures.projects, figures.tasks, figures.completeness
        indicators = figures.indicators
        # The cockpit's own list of the projects furthest behind, longer, with the problems
        # reported.
        lagging = figures.lagging(LAGGING_LIMIT, with_problems=True)
        for project in lagging:
            project.expected = expected_percent(project.planned_start, project.planned_end, today)
        changed = changes.changes(plan, period, approved)
        as_at_figures = False
    units = late_units(plan, period, today, matrix)
    return Briefing(
        plan=plan, period=period, today=today, approved=approved,
        generated_at=timezone.localtime(),
        projects=projects, tasks=tasks, completeness=completeness,
        lagging=lagging,
        lagging_total=projects["lagging_rule"],
        units=units[:UNIT_LIMIT], units_total=len(units),
        indicators=indicators, indicator_counts=cockpit.indicator_counts(indicators),
        changes=changed,
        items=briefing_items.item_section(plan, period, current, today),
        current=current, as_at=as_at_figures,
    )  # fmt: skip


def as_at(plan: Plan, period: Period, approved: bool, figures):
    """The headline's project counts, the task roll-ups and the lagging projects' table as at
    the end of a past ``period`` (``cockpit.project_figures_as_at``), and the projects' states
    they come from."""
    counts, rollups, states = cockpit.project_figures_as_at(plan, period, approved)
    projects = Counter()  # the period's reports: briefing_asat.reporting_as_at
    for key in [*STATUS_KEYS, "all", "lagging_rule"]:
        projects[key] = counts.get(key, 0)
    tasks = figures.view.tasks_with_rollups(rollups)
    behind = sorted((s for s in states if s[7]), key=lambda s: s[6])[:LAGGING_LIMIT]
    latest = ProjectUpdate.objects.filter(
        project=OuterRef("pk"), submitted_at__lt=cockpit.as_at_cutoff(plan, period)
    ).filter(Q(year__lt=period.year) | Q(year=period.year, quarter__lte=period.quarter))
    found = Project.objects.filter(pk__in=[s[0] for s in behind]).select_related("unit")
    found = found.annotate(
        latest_problems=Subquery(latest.order_by("-year", "-quarter").values("problems")[:1])
    ).in_bulk()
    lagging = []
    for pk, _task, _investment, start, end, status, percent, _lagging in behind:
        project = found[pk]
        project.status, project.percent_complete = status, percent
        project.expected = expected_percent(start, end, period.last_day)
        lagging.append(project)
    return projects, tasks, lagging, states


# --- charts -----------------------------------------------------------------------------------


def _png(draw) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    path = chart_font()
    font_manager.fontManager.addfont(path)
    name = font_manager.FontProperties(fname=path).get_name()
    with plt.rc_context({"font.family": name, "font.size": 9, "axes.unicode_minus": False}):
        fig, ax = plt.subplots(figsize=(6.0, 3.0), dpi=150)
        try:
            draw(ax)
            fig.tight_layout()
            out = io.BytesIO()
            fig.savefig(out, format="png")
        finally:
            plt.close(fig)
    return out.getvalue()


def task_chart(data: dict) -> bytes:
    def draw(ax):
        values = [v or 0 for v in data["values"]]
        ax.barh(data["labels"][::-1], values[::-1], color="#2f6fb0")
        ax.set_xlim(0, 100)
        ax.set_xlabel(f"{data['label']} (%)")
        ax.set_title(data["title"])

    return _png(draw)


def status_chart(data: dict) -> bytes:
    def draw(ax):
        from matplotlib.ticker import MaxNLocator

        ax.bar(data["labels"], data["values"], color="#5b8f3a")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title(data["title"])
        for i, value in enumerate(data["values"]):
            ax.annotate(str(value), (i, value), ha="center", va="bottom")

    return _png(draw)


def indicator_chart(data: dict) -> bytes:
    def draw(ax):
        labels = [label[:12] for label in data["labels"]]
        ax.barh(labels[::-1], data["values"][::-1], color="#b0762f")
        ax.axvline(100, color="#999", linestyle="--", label=data["goal_label"])
        ax.set_title(data["title"])
        ax.legend(loc="lower right")

    return _png(draw)


# --- the document -----------------------------------------------------------------------------


def _fonts(run, name: str, size: float | None = None, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = name
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    if size:
        run.font.size = Pt(size)
    run.font.bold = bold


def _page_number(paragraph) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    paragraph.add_run("— ")
    paragraph._p.append(
        parse_xml(
            f'<w:fldSimple {nsdecls("w")} w:instr="PAGE"><w:r><w:t>1</w:t></w:r></w:fldSimple>'
        )  # fmt: skip
    )
    paragraph.add_run(" —")


def _percent(value) -> str:
    return "—" if value is None else f"{float(value):.1f}%"


def latest_value(row) -> str:
    """An indicator's latest value as the indicator list shows it: a rank (第N位), a statement
    or a number, with its year."""
    latest = row.latest
    if latest is None:
        return "—"
    indicator, actual = row.indicator, latest.actual
    if indicator.kind == "rank":
        # The rank judged: computed in the peer group where it has values, else the one reported.
        if latest.rank is None:
            return "—"
        shown = _("rank %(n)s") % {"n": latest.rank}
    elif actual is None:
        return "—"
    elif indicator.kind == "milestone":
        shown = actual.get_judgement_display() if actual.judgement else "—"
    elif indicator.kind == "qualitative":
        shown = actual.text
    else:
        shown = f"{floatformat(actual.value, '-2')}{indicator.unit_of_measure}"
    return f"{shown}（{latest.year}）"


def period_label(period: Period) -> str:
    """2025年第三季度: the period as a document names it."""
    return f"{period.year}年第{'一二三四'[period.quarter - 1]}季度"


def _header(table, heads) -> None:
    """The first row: bold, and repeated at the top of every page the table runs onto."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    row = table.rows[0]
    for cell, text in zip(row.cells, heads, strict=True):
        cell.paragraphs[0].add_run(str(text)).bold = True
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(repeat)


def _widths(table, *millimetres) -> None:
    from docx.shared import Mm

    table.autofit = False
    for column, width in zip(table.columns, millimetres, strict=True):
        column.width = Mm(width)  # the grid, which LibreOffice reads
    for row in table.rows:  # and the cells, which Word reads
        for cell, width in zip(row.cells, millimetres, strict=True):
            cell.width = Mm(width)


def opening(b: Briefing) -> str:
    """The opening paragraph: the headline figures in words."""
    p, c = b.projects, b.completeness
    n = b.indicator_counts
    return _(
        "As at %(day)s, the plan's %(all)s projects stand as follows: %(done)s completed, "
        "%(doing)s in progress, %(lagging)s lagging behind their planned line. Of the "
        "%(expected)s task reports due for %(period)s, %(on_time)s came in on time, %(late)s "
        "late and %(missing)s are missing; of %(p_expected)s project reports, %(p_on_time)s on "
        "time, %(p_late)s late, %(p_missing)s missing. Of the indicators, %(met)s are met, "
        "%(on_track)s on track and %(behind)s behind."
    ) % {
        "day": (b.as_at_day if b.as_at else b.today).isoformat(), "all": p["all"],
        "done": p[ProjectStatus.COMPLETED], "doing": p[ProjectStatus.IN_PROGRESS],
        "lagging": p["lagging_rule"], "period": period_label(b.period),
        "expected": c["tasks"].expected, "on_time": c["tasks"].received - c["tasks"].late,
        "late": c["tasks"].late, "missing": c["tasks"].expected - c["tasks"].received,
        "p_expected": c["projects"].expected,
        "p_on_time": c["projects"].received - c["projects"].late,
        "p_late": c["projects"].late, "p_missing": c["projects"].expected - c["projects"].received,
        "met": n[Status.MET], "on_track": n[Status.ON_TRACK],
        "behind": n[Status.BEHIND] + n[Status.WARNING],
    }  # fmt: skip


def items_section(doc, items: briefing_items.ItemSection) -> None:
    """Section 7: supervision items (督办件) closed in the period, overdue, and extended."""
    doc.add_heading(_("7. Supervision items"), level=1)
    n = items.counts
    doc.add_paragraph(
        _("From %(start)s to %(end)s: %(closed)s supervision items were closed, %(overdue)s "
          "were overdue on %(end)s and %(extended)s had their deadline extended.")
        % {"start": items.start.isoformat(), "end": items.end.isoformat(),
           "closed": n["closed"], "overdue": n["overdue"], "extended": n["extended"]}
    )  # fmt: skip
    lists = [
        ("closed", _("Items closed in the period"),
         [_("Supervision item"), _("Lead unit"), _("Deadline"), _("Closed on")],
         lambda x: [x.deadline, x.closed_on]),
        ("overdue", _("Items overdue"),
         [_("Supervision item"), _("Lead unit"), _("Deadline"), _("Days overdue")],
         lambda x: [x.deadline, x.days_overdue]),
        ("extended", _("Items whose deadline was extended"),
         [_("Supervision item"), _("Lead unit"), _("Original deadline"), _("New deadline")],
         lambda x: [x.original_deadline, x.deadline]),
    ]  # fmt: skip
    for key, title, heads, cells_of in lists:
        rows = getattr(items, key)
        if not rows:
            continue
        doc.add_heading(title, level=2)
        table = doc.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        _header(table, heads)
        for line in rows:
            cells = table.add_row().cells
            cells[0].text = line.instruction[:120]
            cells[1].text = line.lead_unit
            for cell, value in zip(cells[2:], cells_of(line), strict=True):
                cell.text = "—" if value is None else str(value)
        _widths(table, 60, 32, 32, 32)  # a date fits on one line at 14 pt
        if items.more(key):
            doc.add_paragraph(_("And %(n)s more items.") % {"n": items.more(key)})


def render(b: Briefing, export_url: str = "") -> bytes:
    """The briefing as a .docx (A4, page numbers, Noto CJK fonts), charts as PNG images."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    from docx.shared import Mm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = BODY_FONT, Pt(14)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia", BODY_FONT
    )
    # East Asian text is Chinese (zh-CN): Word and Writer pick the simplified forms of the
    # Noto CJK faces.
    lang = normal.element.get_or_add_rPr()
    lang.append(parse_xml(f'<w:lang {nsdecls("w")} w:val="zh-CN" w:eastAsia="zh-CN"/>'))
    for level in (1, 2):
        style = doc.styles[f"Heading {level}"]
        style.font.name, style.font.size, style.font.bold = HEADING_FONT, Pt(16 - level), True
        style.element.get_or_add_rPr().get_or_add_rFonts().set(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia", HEADING_FONT
        )
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_number(footer)

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading = _("Briefing on the progress of %(plan)s, %(period)s") % {
        "plan": b.plan.title, "period": period_label(b.period)}  # fmt: skip
    _fonts(title.add_run(heading), BODY_FONT, 22, True)
    meta = doc.add_paragraph()
    meta.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _fonts(meta.add_run(
        _("Period: %(period)s · figures from %(view)s · generated %(when)s (draft for editing)")
        % {"period": f"{period_label(b.period)}（{b.period}）", "view": b.view_label,
           "when": b.generated_at.strftime("%Y-%m-%d %H:%M")}), BODY_FONT, 10.5)  # fmt: skip
    if b.as_at:
        # Said in the document, so that nobody takes a later day's figures for the period's.
        note = doc.add_paragraph()
        note.alignment = WD_ALIGN_PARAGRAPH.CENTER
        said = _("A past period: every figure below is as at the end of %(period)s (the reports "
                 "submitted, or approved, and the indicator values known by %(day)s); later "
                 "reports and reviews do not change it.") % {
            "period": period_label(b.period), "day": b.as_at_day.isoformat()}  # fmt: skip
        _fonts(note.add_run(said), BODY_FONT, 10.5)
    doc.add_paragraph(opening(b))

    doc.add_heading(_("1. Progress of the main tasks"), level=1)
    task_data = cockpit.task_progress_chart(b.tasks)
    for task in b.tasks:
        r = task.rollup
        doc.add_paragraph(
            _("Task %(number)s, %(title)s: %(projects)s projects, %(percent)s complete, "
              "%(lagging)s lagging.")
            % {"number": task.number, "title": task.short_title,
               "projects": r.projects if r else 0, "percent": _percent(r.percent if r else None),
               "lagging": r.lagging if r else 0}
        )  # fmt: skip
    doc.add_picture(io.BytesIO(task_chart(task_data)), width=Mm(150))
    doc.add_picture(io.BytesIO(status_chart(cockpit.project_status_chart(b.projects))),
                    width=Mm(150))  # fmt: skip

    doc.add_heading(_("2. Lagging projects"), level=1)
    table = doc.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    heads = [_("Unit"), _("Project"), _("Percent complete"), _("Planned line"),
             _("Problems reported")]  # fmt: skip
    _header(table, heads)
    for project in b.lagging:
        cells = table.add_row().cells
        cells[0].text = project.unit.name
        cells[1].text = project.name
        cells[2].text = _percent(project.percent_complete)
        cells[3].text = _percent(project.expected)
        cells[4].text = (project.latest_problems or "")[:200]
    _widths(table, 30, 46, 22, 22, 36)
    if b.lagging_total > len(b.lagging):
        doc.add_paragraph(
            _("And %(n)s more lagging projects: see the full Excel export %(url)s.")
            % {"n": b.lagging_total - len(b.lagging), "url": export_url}
        )

    doc.add_heading(_("3. Units that reported late or not at all"), level=1)
    table = doc.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    heads = [_("Unit"), _("Late"), _("Missing"), _("Returned"), _("Three colours")]
    _header(table, heads)
    for line in b.units:
        cells = table.add_row().cells
        cells[0].text = line.unit.name
        cells[1].text, cells[2].text = str(line.late), str(line.missing)
        cells[3].text, cells[4].text = str(line.returned), line.marks
    _widths(table, 56, 22, 22, 22, 34)
    if b.units_total > len(b.units):
        doc.add_paragraph(_("And %(n)s more units.") % {"n": b.units_total - len(b.units)})

    doc.add_heading(_("4. Returned reports"), level=1)
    ch = b.changes
    for report in ch.returned_task_reports.rows:
        doc.add_paragraph(f"{report.unit.name}：{report.task}：{report.review_comment}")
    for update in ch.returned_project_reports.rows:
        doc.add_paragraph(f"{update.project.unit.name}：{update.project.name}："
                          f"{update.review_comment}")  # fmt: skip
    total = ch.returned_task_reports.total + ch.returned_project_reports.total
    if not total:
        doc.add_paragraph(_("No report was returned this period."))

    doc.add_heading(_("5. Indicators"), level=1)
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    heads = [_("Indicator"), _("Latest value"), _("Completion"), _("Status")]
    _header(table, heads)
    for row in b.indicators:
        cells = table.add_row().cells
        cells[0].text = row.indicator.name
        cells[1].text = latest_value(row)
        completion = row.completion
        cells[2].text = "—" if completion is None else _percent(float(completion) * 100)
        cells[3].text = str(STATUS_LABELS[row.status])
    _widths(table, 56, 40, 30, 30)
    data = cockpit.indicator_completion_chart(b.indicators)
    if data["values"]:
        doc.add_picture(io.BytesIO(indicator_chart(data)), width=Mm(150))

    doc.add_heading(_("6. What changed since last quarter"), level=1)
    doc.add_paragraph(
        _("Against %(previous)s: %(changed)s projects changed status or progress, %(completed)s "
          "were newly completed, %(lagging)s newly lagging; %(indicators)s indicators changed "
          "status.")
        % {"previous": period_label(ch.previous), "changed": ch.changed.total,
           "completed": ch.newly_completed.total, "lagging": ch.newly_lagging.total,
           "indicators": ch.indicators.total}
    )  # fmt: skip

    items_section(doc, b.items)

    doc.add_heading(_("8. Next quarter"), level=1)
    doc.add_paragraph(_("(To be written by the coordinating office.)"))

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
