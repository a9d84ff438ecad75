"""The lag rule and the roll-up computed in SQL agree with the pure functions, on each database."""

import datetime as dt
from decimal import Decimal

import pytest

from projects.models import Project
from projects.progress import is_lagging, rollup
from tests.factories import AnnexFactory, ProjectFactory

D = dt.date
CASES = [
    # status, percent, start, end
    ("lagging", 90, D(2024, 1, 1), D(2025, 1, 1)),
    ("completed", 100, D(2022, 1, 1), D(2023, 1, 1)),
    ("in_progress", 99, D(2022, 1, 1), D(2024, 1, 1)),
    ("in_progress", 38, D(2024, 1, 1), D(2025, 1, 1)),
    ("in_progress", 40, D(2024, 1, 1), D(2025, 1, 1)),
    ("in_progress", 50, D(2024, 1, 1), D(2025, 1, 1)),
    ("not_started", 0, D(2024, 8, 1), D(2026, 1, 1)),
    ("in_progress", 0, None, None),
    ("in_progress", 0, D(2024, 1, 1), None),
    ("suspended", 10, D(2024, 1, 1), D(2025, 1, 1)),
    ("in_progress", 80, D(2024, 7, 1), D(2024, 7, 1)),
]


@pytest.mark.django_db
@pytest.mark.parametrize("today", [D(2024, 7, 1), D(2024, 1, 1), D(2025, 1, 1), D(2025, 1, 2)])
def test_sql_lag_equals_the_pure_rule(today):
    annex = AnnexFactory()
    for i, (status, percent, start, end) in enumerate(CASES):
        ProjectFactory(annex=annex, order=i + 1, status=status, percent_complete=percent,
                       planned_start=start, planned_end=end)  # fmt: skip
    for project in Project.objects.with_lag(today):
        expected = is_lagging(
            status=project.status,
            percent=project.percent_complete,
            start=project.planned_start,
            end=project.planned_end,
            today=today,
        )
        assert project.is_lagging is expected, (project.status, project.percent_complete, today)


@pytest.mark.parametrize(
    "investments",
    [[Decimal(300), Decimal(100), Decimal("50.5")], [Decimal(300), None, Decimal(10)]],
    ids=["weighted", "mean"],
)
def test_sql_rollup_equals_the_pure_rollup(plan, investments):
    today = D(2024, 7, 1)
    projects = list(Project.objects.filter(annex__number=6).order_by("order"))[:3]
    for project, investment, percent in zip(projects, investments, [80, 10, 45], strict=True):
        project.total_investment = investment
        project.percent_complete = percent
        project.planned_start, project.planned_end = D(2024, 1, 1), D(2025, 1, 1)
        project.save()
    queryset = Project.objects.filter(annex__number=6)
    task_id = projects[0].annex.column.task_id
    from_sql = queryset.rollup_by_task(today)[task_id]
    rows = [
        (p.percent_complete, p.total_investment, p.is_lagging) for p in queryset.with_lag(today)
    ]
    expected = rollup(rows)
    assert (from_sql.projects, from_sql.weighted, from_sql.lagging) == (
        expected.projects, expected.weighted, expected.lagging,
    )  # fmt: skip
    assert from_sql.percent == pytest.approx(expected.percent)
