"""Annex exports: the rows of each annex, written as 附表 sheets."""

import io
import itertools

from django.utils import timezone, translation

from plan.periods import reporting_period
from supervision.models import ReviewState

from .excel import AnnexPrintBook, AnnexWorkbook, period_label, project_key
from .models import Annex, ProjectStatus


def export_row(project, period: str = "") -> dict:
    return {
        "order": project.order,
        "key": project_key(project.pk),
        "name": project.name,
        "builder": project.builder,
        "unit": project.unit.name,
        "location": project.location,
        "content": project.content,
        "total_investment": project.total_investment,
        "investment_completed": project.investment_completed,
        "planned_start": project.planned_start,
        "planned_end": project.planned_end,
        "period": period,
        "status": project.get_status_display(),
        "percent_complete": project.percent_complete,
        "latest_progress": project.latest_progress,
        "latest_problems": project.latest_problems,
        "review_state": (
            str(ReviewState(project.latest_review_state).label)
            if project.latest_review_state
            else ""
        ),  # fmt: skip
        "reason": "",
        "last_reported_at": project.last_reported_at,
        "version": project.version,
    }


def annex_title(annex: Annex) -> str:
    return f"附表{annex.number} {annex.title}"


# The editable export's rows as plain tuples in ``ANNEX_COLUMNS`` order, straight from a
# ``values_list`` cursor (no model objects): the export is held to the plainest openpyxl loop over
# the same tuples (``benchmarking.bare_export``), and building a model per row cost as much as
# writing it.
EXPORT_FIELDS = (
    "annex_id", "pk", "order", "name", "builder", "unit__name", "location", "content",
    "total_investment", "investment_completed", "planned_start", "planned_end", "status",
    "percent_complete", "latest_progress", "latest_problems", "latest_review_state",
    "last_reported_at", "version",
)  # fmt: skip


def export_values(projects, period: str = ""):
    """``(annex id, row)`` for each project of ``projects`` in plan order, ``row`` a tuple in
    ``ANNEX_COLUMNS`` order; read in chunks from one cursor. Call it inside the export's
    language (the status and review labels)."""
    statuses = {value: str(label) for value, label in ProjectStatus.choices}
    reviews = {value: str(label) for value, label in ReviewState.choices}
    rows = (
        projects.for_export()
        .order_by("annex__number", "order")
        .values_list(*EXPORT_FIELDS)
        .iterator(chunk_size=2000)
    )
    for (annex_id, pk, order, name, builder, unit, location, content, total, done, start, end,
         status, percent, progress, problems, review, reported, version) in rows:  # fmt: skip
        yield annex_id, (
            order, project_key(pk), name, builder, unit, location, content, total, done, start,
            end, period, statuses.get(status, status), percent, progress, problems,
            reviews.get(review, "") if review else "", "", reported, version,
        )  # fmt: skip


def annexes_workbook(annexes, projects, period=None) -> bytes:
    """A sheet per annex (in plan order) holding ``projects`` of that annex, in plan order.

    ``projects`` is a queryset; it is read once, annex by annex, in a fixed number of queries.
    The labels are Chinese whatever the page's language: the file goes up the official chain.
    Each row's 填报期 is ``period`` (default: the plan's reporting period today)."""
    annexes = list(annexes)
    if period is None and annexes:
        plan = annexes[0].plan
        period = reporting_period(timezone.localdate(), plan.start_year, plan.end_year)
    label = period_label(period) if period is not None else ""
    output = io.BytesIO()
    with translation.override("zh-hans"):
        book = AnnexWorkbook(output, [str(label) for _value, label in ProjectStatus.choices])
        # Streamed: rows go from the database cursor to the sheet, an annex at a time.
        groups = itertools.groupby(export_values(projects, label), key=lambda pair: pair[0])
        pending = next(groups, None)
        for annex in annexes:
            rows = ()
            if pending is not None and pending[0] == annex.pk:
                rows = (row for _annex, row in pending[1])
            book.add_annex(annex_title(annex), f"附表{annex.number}", rows)
            if rows:
                pending = next(groups, None)
        book.close()
    return output.getvalue()


def annex_print_workbook(annex: Annex, projects, *, as_of, unit_name: str | None = None) -> bytes:
    """``annex`` as the 附表 a bureau prints, stamps and files: the columns that fit A4 landscape
    at full size, a caption (money unit, the period the figures are as of, the export date), a
    合计 row, and with ``unit_name`` the lines for the unit's seal. Rows are streamed."""
    output = io.BytesIO()
    with translation.override("zh-hans"):
        book = AnnexPrintBook(output)
        stream = projects.for_export().order_by("order").iterator(chunk_size=2000)
        book.add_annex(
            annex_title(annex), f"附表{annex.number}", (export_row(p) for p in stream),
            as_of=period_label(as_of),
            exported_on=timezone.localdate(), unit_name=unit_name,
        )  # fmt: skip
        book.close()
    return output.getvalue()
