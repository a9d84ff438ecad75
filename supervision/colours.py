"""Three-colour supervision (三色督办) of report obligations: pure arithmetic, no database.

One colour per expected report (a unit's task report or a project's report for a period), worst
first: red > yellow > blue > none. An obligation with its own deadline (a supervision item) takes
the same colours from ``deadline_colour``.

- red (红色): missing after its due date (the same "overdue" as ``periods.report_state``);
- yellow (黄色): submitted, but returned by the reviewer (审核退回);
- blue (蓝色): not yet submitted and due within ``blue_days`` days (due today counts; the day
  after the due date it is red);
- none: submitted and not returned (on time or late: lateness is the matrix's own mark), or not
  due for more than ``blue_days`` days. There is no green: an unmarked row needs no chasing, and
  "approved" is the reviewer's mark, not ours.

A project's own colour adds its plan to this (``projects.progress.project_colour``). The SQL twin
for project lists is ``ProjectQuerySet.with_colour``; a test holds the two to the same answers.
"""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

DEFAULT_BLUE_DAYS = 10


class Colour:
    RED = "red"
    YELLOW = "yellow"
    BLUE = "blue"
    NONE = "none"

    ORDER = [RED, YELLOW, BLUE, NONE]  # worst first
    MARKED = [RED, YELLOW, BLUE]


def blue_days() -> int:
    """Days before a due date from which a missing report shows blue
    (``DJANGO_WARNING_BLUE_DAYS``, default 10)."""
    return int(getattr(settings, "WARNING_BLUE_DAYS", DEFAULT_BLUE_DAYS))


def worst(colours: Iterable[str]) -> str:
    """The most urgent of ``colours`` (red before yellow before blue); ``none`` for none."""
    found = set(colours)
    return next((c for c in Colour.ORDER if c in found), Colour.NONE)


def in_blue_window(due: dt.date, today: dt.date, days: int) -> bool:
    """Due today or within ``days`` days from today, and not yet past."""
    return 0 <= (due - today).days <= days


def obligation_colour(
    *, submitted: bool, returned: bool, due: dt.date, today: dt.date, days: int
) -> str:
    """The colour of one expected report (see the module's docstring)."""
    if not submitted:
        if today > due:
            return Colour.RED
        return Colour.BLUE if in_blue_window(due, today, days) else Colour.NONE
    return Colour.YELLOW if returned else Colour.NONE


def deadline_colour(
    *, done: bool, answered: bool, returned: bool, due: dt.date | None, today: dt.date, days: int
) -> str:
    """The colour of an obligation with a deadline of its own (a supervision item): none when
    done or without a deadline, and while its answer waits on the office; red when open past its
    deadline; yellow when returned to the unit in time; blue when due within ``days`` days."""
    if done or due is None or answered:
        return Colour.NONE
    if today > due:
        return Colour.RED
    if returned:
        return Colour.YELLOW
    return Colour.BLUE if in_blue_window(due, today, days) else Colour.NONE


# What includes/colour.html shows, for code that writes the mark in Python (the project table,
# the report matrix): a shape, a word and a title for each colour, never the colour alone.
COLOUR_MARKS = {
    Colour.RED: ("●", _("Red"),
                 _("Red: a report overdue, or past its planned end and not completed")),
    Colour.YELLOW: ("▲", _("Yellow"),
                    _("Yellow: lagging behind its plan, or its report was returned")),
    Colour.BLUE: ("◆", _("Blue"), _("Blue: a report due soon and not yet submitted")),
}  # fmt: skip


def colour_mark(colour: str, show_none: bool = False):
    """includes/colour.html as safe HTML."""
    mark = COLOUR_MARKS.get(colour)
    if mark is None:
        return mark_safe('<span class="muted" data-colour="none">—</span>') if show_none else ""  # nosec B308
    shape, word, title = mark
    return format_html(
        '<span class="colour colour-{}" data-colour="{}" title="{}">'
        '<span aria-hidden="true">{}</span> {}</span>',
        colour, colour, title, shape, word,
    )  # fmt: skip
