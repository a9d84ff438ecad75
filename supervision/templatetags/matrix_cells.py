"""The report matrix's cells, written in Python: a unit-by-period matrix has hundreds of cells,
and two template includes per cell were most of the page's time (200 units x 4 periods).

The markup is that of ``includes/report_state.html`` and ``includes/colour.html``; the tests of
the matrix read it through the same ``data-*`` attributes. The fixed pieces (a state's mark, a
colour's mark, the review signs) are built once per language, so a cell escapes only what
varies: its period, its unit's name and its link.
"""

from functools import cache

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from plan.periods import ReportState
from supervision.colours import COLOUR_MARKS, colour_mark

register = template.Library()

STATES = {
    ReportState.SUBMITTED: ("state-submitted", _("submitted on time"), "✓"),
    ReportState.LATE: ("state-late", _("submitted late"), _("late")),
    ReportState.OVERDUE: ("state-overdue", _("overdue"), _("missing")),
    ReportState.NOT_DUE: ("state-not-due", _("not due yet"), "·"),
}
REVIEW_MARKS = [
    ("approved", ' class="review-approved"', _("approved"), "✔"),
    ("returned", ' class="review-returned"', _("returned"), "↩"),
    ("submitted", ' class="review-submitted"', _("waiting for review"), "●"),
    ("edited", "", _("edited after approval"), "✎"),
]


@cache
def _pieces(language: str) -> dict:
    """The fixed HTML of the cells, in ``language`` (the lazy strings resolve to it)."""
    states = {
        state: str(format_html('<span class="state {}" aria-label="{}">{}</span>', css, label,
                               text))
        for state, (css, label, text) in STATES.items()
    }  # fmt: skip
    review = [(key, f"<span{css} title=\"{escape(title)}\">{sign}") for key, css, title, sign
              in REVIEW_MARKS]  # fmt: skip
    colours = {colour: f"<br>{colour_mark(colour)}" for colour in COLOUR_MARKS}
    return {"states": states, "review": review, "colours": colours}


# One mark per cell (issue 20): the state as a shape and a word, not only a colour. A cell
# that has its reports says where the review stands (the most urgent first); a cell without
# them says missing or not due.
MARKS = {
    "missing": ("mark-missing", "✗", _("missing")),
    "returned": ("mark-returned", "↩", _("returned")),
    "waiting": ("mark-waiting", "○", _("waiting for review")),
    "approved": ("mark-approved", "✔", _("approved")),
    "not_due": ("mark-not-due", "–", _("not due yet")),
}
LATE_NOTE = _("late")


@cache
def _marks(language: str) -> dict:
    return {
        key: str(
            format_html(
                '<span class="mark {}" data-mark="{}"><span aria-hidden="true">{}</span> {}</span>',
                css,
                key,
                shape,
                word,
            )
        )
        for key, (css, shape, word) in MARKS.items()
    } | {"late": str(format_html(' <span class="mark-late small">{}</span>', LATE_NOTE))}


def cell_mark(cell) -> str:
    """Which of ``MARKS`` a cell shows."""
    review = cell.review_counts
    if cell.state == ReportState.OVERDUE:
        return "missing"
    if cell.state == ReportState.NOT_DUE and not cell.received:
        return "not_due"
    if review["returned"]:
        return "returned"
    if review["submitted"]:
        return "waiting"
    if review["approved"]:
        return "approved"
    return "waiting" if cell.received else "not_due"


@register.simple_tag
def matrix_cell(cell, unit_name):
    """One ``<td>`` of the matrix: one mark (shape and word) for the cell's state, with the
    count only when the cell holds several reports, and "late" when one came in late."""
    marks = _marks(get_language())
    several = len(cell.items) > 1
    mark = cell_mark(cell)
    html = [marks[mark]]
    if cell.state == ReportState.LATE:
        html.append(marks["late"])
    if several:
        # In a cell of several reports the mark counts its own (2 returned of 53), and the
        # reports in of those owed follow.
        counted = {"returned": "returned", "waiting": "submitted", "approved": "approved"}
        if mark in counted:
            html.append(
                f' <span class="mark-count">{int(cell.review_counts[counted[mark]])}</span>'
            )
        html.append(f' <span class="small muted">{int(cell.received)}/{len(cell.items)}</span>')
    period, state, colour = escape(cell.period), escape(cell.state), escape(cell.colour)
    # Every varying part is escaped above or here.
    return mark_safe(  # nosec B308 B703
        f'<td class="center cell cell-{state}" data-period="{period}" data-state="{state}" '
        f'data-mark="{mark}" data-colour="{colour}"><a href="{escape(cell.url)}" '
        f'title="{period} · {escape(unit_name)}">{"".join(html)}</a></td>'
    )


@register.simple_tag
def matrix_row(row):
    """A matrix row's cells after the ``<tr>``: the unit, its cells (``matrix_cell``), its
    totals and review totals, as ``includes/matrix.html`` lays them out (the reminder cell, for
    reviewers, stays in the template)."""
    name = row.unit.name
    totals, review = row.totals, row.review_totals
    received = totals["submitted"] + totals["late"]
    overdue = totals["overdue"]
    cells = "".join(matrix_cell(cell, name) for cell in row.cells)
    # Every varying part is escaped here or in matrix_cell; the counts are integers.
    return mark_safe(  # nosec B308 B703
        f'<th scope="row"><a href="{escape(row.unit.get_absolute_url())}">{escape(name)}</a></th>'
        f"{cells}"
        f'<td class="num">{int(received)}</td><td class="num">{int(totals["late"])}</td>'
        f'<td class="num{" text-bad" if overdue else ""}">{int(overdue)}</td>'
        f'<td class="num">{int(review.get("approved") or 0)}</td>'
        f'<td class="num">{int(review.get("returned") or 0)}</td>'
    )
