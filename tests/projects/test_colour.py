"""A project's three-colour mark: the pure rule with its edges, and its SQL twin agreeing with it
on each database."""

import datetime as dt

import pytest

from plan.periods import reporting_period
from projects.models import Project, ProjectUpdate
from projects.progress import Colour, project_colour
from supervision.models import ReviewState
from tests.factories import AnnexFactory, ProjectFactory

D = dt.date
DUE = D(2026, 1, 10)  # 2025Q4's reports
DEC_1, JAN_1_2025, DEC_31_2026 = D(2025, 12, 1), D(2025, 1, 1), D(2026, 12, 31)


def colour(today=DEC_1, status="in_progress", percent=50, start=JAN_1_2025, end=DEC_31_2026,
           reported=True, returned=False, days=10):  # fmt: skip
    return project_colour(status=status, percent=percent, start=start, end=end, today=today,
                          reported=reported, returned=returned, due=DUE, days=days)  # fmt: skip


def test_on_course_and_reported_has_no_colour():
    assert colour() == Colour.NONE


def test_past_its_end_and_not_done_is_red_but_not_on_the_end_day():
    assert colour(today=D(2026, 1, 1), end=D(2025, 12, 31), percent=95) == Colour.RED
    # On the end day itself: not past the end; 95% is within the tolerance of 100%.
    assert colour(today=D(2025, 12, 31), end=D(2025, 12, 31), percent=95) == Colour.NONE
    # ... but 80% on the end day is behind the line: yellow.
    assert colour(today=D(2025, 12, 31), end=D(2025, 12, 31), percent=80) == Colour.YELLOW
    # Completed projects are never past their end.
    assert colour(today=D(2026, 1, 1), end=D(2025, 1, 1), status="completed",
                  percent=100) == Colour.NONE  # fmt: skip


def test_lagging_or_returned_is_yellow():
    assert colour(status="lagging") == Colour.YELLOW
    assert colour(percent=0, start=D(2025, 1, 1), end=D(2026, 1, 1)) == Colour.YELLOW
    assert colour(returned=True) == Colour.YELLOW


def test_missing_report_is_blue_near_the_due_date_and_red_after_it():
    assert colour(reported=False, today=D(2025, 12, 30)) == Colour.NONE
    assert colour(reported=False, today=D(2025, 12, 31)) == Colour.BLUE
    assert colour(reported=False, today=DUE) == Colour.BLUE
    assert colour(reported=False, today=D(2026, 1, 11)) == Colour.RED


def test_precedence_red_over_yellow_over_blue():
    # Lagging and due soon: yellow wins over blue.
    assert colour(status="lagging", reported=False, today=D(2026, 1, 5)) == Colour.YELLOW
    # Lagging and overdue: red.
    assert colour(status="lagging", reported=False, today=D(2026, 1, 11)) == Colour.RED
    # Returned and past its end: red.
    assert colour(returned=True, end=D(2025, 6, 30)) == Colour.RED


CASES = [
    # status, percent, start, end, report: None / "submitted" / "returned"
    ("in_progress", 50, D(2025, 1, 1), D(2026, 12, 31), "submitted"),
    ("in_progress", 50, D(2025, 1, 1), D(2026, 12, 31), None),
    ("in_progress", 50, D(2025, 1, 1), D(2026, 12, 31), "returned"),
    ("lagging", 90, D(2025, 1, 1), D(2026, 12, 31), "submitted"),
    ("in_progress", 10, D(2025, 1, 1), D(2026, 1, 1), "submitted"),
    ("in_progress", 95, D(2024, 1, 1), D(2025, 12, 31), "submitted"),
    ("in_progress", 95, D(2024, 1, 1), D(2025, 12, 31), None),
    ("completed", 100, D(2023, 1, 1), D(2024, 1, 1), None),
    ("completed", 100, D(2023, 1, 1), D(2024, 1, 1), "returned"),
    ("suspended", 20, D(2024, 1, 1), D(2025, 6, 30), "submitted"),
    ("not_started", 0, None, None, None),
    ("not_started", 0, None, None, "submitted"),
    ("in_progress", 40, D(2025, 1, 1), None, "returned"),
]
TODAYS = [D(2025, 12, 30), D(2025, 12, 31), D(2026, 1, 10), D(2026, 1, 11), D(2026, 1, 1),
          D(2026, 4, 5)]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("today", TODAYS)
def test_sql_colour_equals_the_pure_rule(today):
    annex = AnnexFactory()
    plan = annex.plan
    plan.end_year = 2026
    plan.save()
    period = reporting_period(today, plan.start_year, plan.end_year)
    for i, (status, percent, start, end, report) in enumerate(CASES):
        project = ProjectFactory(annex=annex, order=i + 1, status=status, percent_complete=percent,
                                 planned_start=start, planned_end=end)  # fmt: skip
        if report:
            ProjectUpdate.objects.create(
                project=project, year=period.year, quarter=period.quarter, status=status,
                percent_complete=percent, submitted_at=dt.datetime(2025, 12, 1, tzinfo=dt.UTC),
                review_state=ReviewState.RETURNED if report == "returned"
                else ReviewState.SUBMITTED,
            )  # fmt: skip
    due = plan.due_date(period)
    rows = Project.objects.filter(annex=annex).with_colour(plan, today).order_by("order")
    seen = set()
    for project, (*_, report) in zip(rows, CASES, strict=True):
        expected = project_colour(
            status=project.status, percent=project.percent_complete,
            start=project.planned_start, end=project.planned_end, today=today,
            reported=report is not None, returned=report == "returned", due=due, days=10,
        )  # fmt: skip
        assert project.colour == expected, (project.order, today)
        seen.add(expected)
    assert Colour.RED in seen and Colour.YELLOW in seen


@pytest.mark.django_db
def test_sql_colour_reaches_blue_and_keeps_an_existing_lag_annotation():
    annex = AnnexFactory()
    today = D(2026, 1, 2)  # 2025Q4 due 2026-01-10: in the blue window
    ProjectFactory(annex=annex, status="in_progress", percent_complete=50,
                   planned_start=D(2025, 1, 1), planned_end=D(2026, 12, 31))  # fmt: skip
    annex.plan.end_year = 2026
    queryset = Project.objects.filter(annex=annex).with_lag(today).with_colour(annex.plan, today)
    assert [p.colour for p in queryset] == [Colour.BLUE]
    assert list(Project.objects.filter(annex=annex).with_colour(annex.plan, today, days=3)
                .values_list("colour", flat=True)) == [Colour.NONE]  # fmt: skip
