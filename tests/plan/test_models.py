"""Constraints the database itself enforces, on SQLite and PostgreSQL alike."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from indicators.models import Indicator, Observation
from plan.models import Plan
from projects.models import Project
from tests.factories import (
    PlanFactory,
    ProjectFactory,
    ResponsibilityFactory,
    TaskFactory,
    UnitFactory,
)


def refused(callable_, *args, **kwargs) -> bool:
    try:
        with transaction.atomic():
            callable_(*args, **kwargs)
    except IntegrityError:
        return True
    return False


@pytest.mark.django_db
def test_task_number_is_unique_within_a_plan_but_not_across_plans():
    task = TaskFactory(number=1)
    assert refused(TaskFactory, plan=task.plan, number=1)
    assert not refused(TaskFactory, plan=PlanFactory(), number=1)


@pytest.mark.django_db
def test_a_unit_is_listed_once_per_task_and_each_position_once():
    r = ResponsibilityFactory(order=1)
    assert refused(ResponsibilityFactory, task=r.task, unit=r.unit, order=2)
    assert refused(ResponsibilityFactory, task=r.task, unit=UnitFactory(), order=1)
    assert not refused(ResponsibilityFactory, task=r.task, unit=UnitFactory(), order=2)


@pytest.mark.django_db
def test_plan_cannot_end_before_it_starts():
    assert refused(Plan.objects.create, code="x", title="x", start_year=2025, end_year=2022)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields",
    [
        {"percent_complete": 101},
        {"planned_start": dt.date(2025, 1, 1), "planned_end": dt.date(2024, 1, 1)},
        {"total_investment": -1},
        {"investment_completed": -5},
    ],
    ids=["percent-over-100", "start-after-end", "negative-total", "negative-completed"],
)
def test_project_rows_that_make_no_sense_are_refused(fields):
    assert refused(ProjectFactory, **fields)


@pytest.mark.django_db
def test_project_order_is_unique_within_an_annex():
    project = ProjectFactory()
    assert refused(ProjectFactory, annex=project.annex, order=project.order)


@pytest.mark.django_db
def test_one_yearly_value_per_indicator_and_year_but_quarters_beside_it():
    indicator = Indicator.objects.create(plan=PlanFactory(), code="x", name="x")
    Observation.objects.create(indicator=indicator, year=2023, value=1)
    assert refused(Observation.objects.create, indicator=indicator, year=2023, value=2)
    assert not refused(Observation.objects.create, indicator=indicator, year=2023, quarter=1)
    assert refused(Observation.objects.create, indicator=indicator, year=2023, quarter=1)
    assert refused(Observation.objects.create, indicator=indicator, year=2023, quarter=5)


@pytest.mark.django_db
def test_project_changes_are_kept_in_history_with_what_changed():
    project = ProjectFactory(percent_complete=10)
    project.percent_complete = 40
    project.save()
    newest, older = project.history.all()[:2]
    delta = newest.diff_against(older)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("percent_complete", 10, 40)]
    assert Project.history.count() == 2
