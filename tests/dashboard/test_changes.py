"""What changed this quarter: the right rows for a crafted scenario, nothing unchanged, the
period chosen in the URL, and a query count that does not grow with the plan."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators.models import Indicator, Observation, Target
from plan.models import Responsibility
from projects.models import Project, ProjectUpdate
from supervision.models import ReviewState, TaskReport
from tests.conftest import grow_plan, plan_page

D = dt.date
URL = "plan:changes"


def report(project, quarter, status, percent, review_state=ReviewState.SUBMITTED, year=2025):
    return ProjectUpdate.objects.create(
        project=project, year=year, quarter=quarter, status=status, percent_complete=percent,
        submitted_at=dt.datetime(year, 3 * quarter, 28, tzinfo=dt.UTC), review_state=review_state,
        review_comment="请补充投资数据" if review_state == ReviewState.RETURNED else "",
    )  # fmt: skip


def indicator(plan, code, values):
    ind = Indicator.objects.create(plan=plan, code=code, name=f"指标{code}", baseline_year=2021,
                                   baseline_value=Decimal(0))  # fmt: skip
    Target.objects.create(indicator=ind, year=2025, value=100, original_value=100)
    for year, value in values.items():
        Observation.objects.create(indicator=ind, year=year, value=Decimal(value))
    return ind


@pytest.fixture
def scenario(plan):
    projects = list(Project.objects.filter(annex__plan=plan).order_by("annex__number", "order"))
    a, b, c, d, e = projects[:5]
    report(a, 2, "in_progress", 40)
    report(a, 3, "in_progress", 60)  # percent changed
    Project.objects.filter(pk=b.pk).update(planned_start=D(2025, 1, 1), planned_end=D(2025, 12, 31))
    report(b, 2, "in_progress", 45)  # 30 June: the line is at 50%, within the tolerance
    report(b, 3, "in_progress", 45)  # 30 September: the line is at 75%: newly lagging
    report(c, 2, "in_progress", 90)
    report(c, 3, "completed", 100)  # newly completed (and changed)
    report(d, 2, "in_progress", 30)
    report(d, 3, "in_progress", 30, ReviewState.RETURNED)  # returned, otherwise unchanged
    report(e, 2, "in_progress", 20)
    report(e, 3, "in_progress", 20)  # unchanged: nowhere on the page
    report(e, 4, "in_progress", 25)  # a later period does not count for 2025Q3
    report(projects[5], 3, "not_started", 0)  # a first report saying "not started": no change
    report(projects[6], 3, "in_progress", 5)  # a first report with progress: changed
    r = Responsibility.objects.filter(task__plan=plan).order_by("task__number", "order")[0]
    task_report = TaskReport.objects.create(
        task=r.task, unit=r.unit, year=2025, quarter=3, status="on_track", progress="x",
        submitted_at=dt.datetime(2025, 10, 5, tzinfo=dt.UTC), review_state=ReviewState.RETURNED,
    )  # fmt: skip
    # Returned too, but in another period.
    TaskReport.objects.create(
        task=r.task, unit=r.unit, year=2025, quarter=2, status="on_track", progress="x",
        submitted_at=dt.datetime(2025, 7, 5, tzinfo=dt.UTC), review_state=ReviewState.RETURNED,
    )  # fmt: skip
    changed = indicator(plan, "down", {2024: 80, 2025: 50})  # on track -> behind
    indicator(plan, "same", {2024: 10, 2025: 20})  # behind -> behind
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "task_report": task_report,
            "indicator": changed, "first": projects[6]}  # fmt: skip


def pks(bounded):
    return {row.project.pk for row in bounded.rows}


def test_changes_page_lists_exactly_what_changed_in_the_period(client, people, scenario):
    s = scenario
    client.force_login(people["leader"])
    response = client.get(plan_page(URL), {"figures": "all", "period": "2025Q3"})
    assert response.status_code == 200
    c = response.context["changes"]
    assert (str(c.period), str(c.previous)) == ("2025Q3", "2025Q2")
    assert pks(c.changed) == {s["a"].pk, s["c"].pk, s["first"].pk}
    assert pks(c.newly_lagging) == {s["b"].pk}
    assert pks(c.newly_completed) == {s["c"].pk}
    assert [row.indicator for row in c.indicators.rows] == [s["indicator"]]
    row = c.indicators.rows[0]
    assert (row.before_year, row.before_status, row.now_year, row.now_status) == (
        2024, "on_track", 2025, "behind",
    )  # fmt: skip
    assert [r.project for r in c.returned_project_reports.rows] == [s["d"]]
    assert c.returned_task_reports.rows == [s["task_report"]]
    text = response.text
    for obj in (s["a"], s["b"], s["c"], s["d"]):
        assert obj.get_absolute_url() in text
    assert s["e"].name not in text
    assert s["indicator"].get_absolute_url() in text and "指标same" not in text
    assert s["task_report"].get_absolute_url() in text
    assert "请补充投资数据" in text
    # The changed row shows before and after.
    assert "40%" in text and "60%" in text


def test_the_previous_period_is_compared_with_its_own_previous(client, people, scenario):
    client.force_login(people["leader"])
    c = client.get(plan_page(URL), {"figures": "all", "period": "2025Q4"}).context["changes"]
    assert pks(c.changed) == {scenario["e"].pk}  # 20% -> 25%
    # b still lags at the end of 2025Q4, but it lagged already: not newly.
    assert pks(c.newly_lagging) == set() and pks(c.newly_completed) == set()
    assert c.returned_project_reports.rows == [] and c.returned_task_reports.rows == []


@pytest.mark.parametrize("period", ["", "nonsense", "2030Q1", "2021Q4"])
def test_the_default_period_is_the_current_reporting_period(client, people, plan, period):
    client.force_login(people["leader"])
    response = client.get(plan_page(URL), {"figures": "all", "period": period})
    assert response.status_code == 200
    assert response.context["period"] == response.context["view"].period
    assert 'data-testid="changes-filters"' in response.text


def test_changes_page_is_in_the_navigation(client, people, plan):
    client.force_login(people["leader"])
    assert f'href="{plan_page(URL)}"' in client.get(plan_page("dashboard:home")).text


def test_long_lists_are_cut_and_say_so(client, people, plan, monkeypatch):
    from dashboard import changes

    monkeypatch.setattr(changes, "LIMIT", 2)
    for project in Project.objects.filter(annex__plan=plan)[:3]:
        report(project, 2, "in_progress", 10)
        report(project, 3, "in_progress", 20)
    client.force_login(people["leader"])
    response = client.get(plan_page(URL), {"figures": "all", "period": "2025Q3"})
    assert len(response.context["changes"].changed.rows) == 2
    assert response.context["changes"].changed.total == 3
    assert 'data-testid="more-rows"' in response.text


def count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_changes_query_count_is_pinned_at_two_sizes(client, people, scenario, plan):
    client.force_login(people["leader"])
    url = plan_page(URL) + "?period=2025Q3&figures=all"
    small = count(client, url)
    grow_plan(plan, projects=600, units=60)
    for project in Project.objects.filter(name__startswith="扩充项目")[:200]:
        report(project, 2, "in_progress", 10)
        report(project, 3, "in_progress", 20, ReviewState.RETURNED)
    large = count(client, url)
    assert (small, large) == (11, 11)  # the states, then the projects the lists show


def test_the_approved_view_shows_the_changes_approved_reports_make(client, people, scenario):
    """Issue 19: the changes page follows the view of the figures; in the approved view (a
    leader's default) a report still waiting for review changes nothing."""
    client.force_login(people["leader"])
    everything = client.get(plan_page(URL), {"figures": "all", "period": "2025Q3"})
    approved = client.get(plan_page(URL), {"figures": "approved", "period": "2025Q3"})
    assert everything.context["changes"].changed.total > 0
    waiting = ProjectUpdate.objects.filter(year=2025, quarter=3).exclude(
        review_state=ReviewState.APPROVED
    )
    assert waiting.exists()
    shown = {row.project_id for row in approved.context["changes"].changed.rows}
    assert not shown & set(waiting.values_list("project_id", flat=True))
    assert 'data-figures-view="approved"' in approved.text


def latest_state(project, period, approved):
    """The definition, read naively: the project's latest report up to ``period``."""
    reports = ProjectUpdate.objects.filter(project=project).order_by("-year", "-quarter")
    if approved:
        reports = reports.filter(review_state=ReviewState.APPROVED)
    for r in reports:
        if (r.year, r.quarter) <= (period.year, period.quarter):
            return r.status, r.percent_complete
    return None, None


@pytest.mark.parametrize("approved", [False, True])
def test_each_projects_states_are_its_latest_reports_up_to_each_period(plan, scenario, approved):
    """Issue 22: the state at the end of the period is now read from the period's own report
    (joined) or else the state before it, instead of a second subquery a project; in both
    views it must still be the latest report up to the period, whatever the reports' review
    states (a waiting report over an approved one, a returned one, none at all)."""
    from dashboard import changes
    from plan.periods import Period

    s = scenario
    ProjectUpdate.objects.filter(project=s["a"], quarter=2).update(
        review_state=ReviewState.APPROVED
    )  # approved in Q2, waiting in Q3: the approved view still sees Q2's 40 %
    ProjectUpdate.objects.filter(project=s["c"]).update(review_state=ReviewState.APPROVED)
    ProjectUpdate.objects.filter(project=s["e"], quarter=4).update(
        review_state=ReviewState.APPROVED
    )  # a later approved report counts for no earlier period
    period = Period(2025, 3)
    rows = {row.project_id: row for row in changes.project_changes(plan, period, approved)}
    assert len(rows) == Project.objects.filter(annex__plan=plan).count()
    checked = 0
    for project in Project.objects.filter(annex__plan=plan):
        row = rows[project.pk]
        now = latest_state(project, period, approved)
        was = latest_state(project, period.previous(), approved)
        assert (row.now_status, row.now_percent) == now, project.code
        assert (row.was_status, row.was_percent) == was, project.code
        checked += now != (None, None)
    assert checked >= (2 if approved else 7)
