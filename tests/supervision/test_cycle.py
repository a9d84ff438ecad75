"""Periods close after their due date; units ask to reopen; reviewers grant or refuse."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from indicators.models import Indicator, Observation
from indicators.services import ValueInput, observation_submit
from plan.models import Responsibility, Unit
from plan.periods import Period, close_date, is_closed, value_period
from projects.models import Project, ProjectUpdate
from projects.services import ReportInput, project_update_submit
from supervision import cycle
from supervision.models import ReopenRequest, ReopenScope, ReopenState, TaskReport, TaskSummary
from supervision.services import TaskReportInput, task_report_submit, task_summary_submit
from tests.conftest import plan_page
from tests.factories import UserFactory

# Reports are due 10 days after the quarter and the period closes 30 days later: on this day
# 2025Q2 (due 07-10, open through 08-09) is closed and 2025Q3 is open.
TODAY = dt.date(2025, 8, 20)
CLOSED, OPEN = Period(2025, 2), Period(2025, 3)


@pytest.fixture
def closing_plan(plan):
    plan.close_after_days = 30
    plan.save()
    return plan


@pytest.fixture
def fixed_today(monkeypatch):
    """Pages see ``TODAY`` as today (they ask ``timezone.localdate()``)."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


def project(order=1):
    return Project.objects.get(annex__number=1, order=order)


def report(project, period, user, today=TODAY):
    return project_update_submit(
        project_id=project.pk, user=user,
        expected_version=Project.objects.get(pk=project.pk).version,
        data=ReportInput(period=period, status="in_progress", percent_complete=10, progress="x"),
        today=today,
    )  # fmt: skip


def ask(plan, user, *, period=CLOSED, scope=ReopenScope.PROJECT, object_id=None, unit=None):
    unit = unit or Unit.objects.get(name="市科技局")
    return cycle.reopen_request_submit(
        plan=plan, unit=unit, period=period, scope=scope, object_id=object_id, subject="s",
        reason="补报数据", user=user, today=TODAY,
    )  # fmt: skip


def test_close_arithmetic_and_zero_means_never():
    assert close_date(CLOSED, 10, 30) == dt.date(2025, 8, 9)
    assert not is_closed(CLOSED, dt.date(2025, 8, 9), 10, 30)
    assert is_closed(CLOSED, dt.date(2025, 8, 10), 10, 30)
    assert close_date(CLOSED, 10, 0) is None
    assert not is_closed(Period(2022, 1), TODAY, 10, 0)
    assert value_period(2024, None) == Period(2024, 4)
    assert value_period(2024, 2) == Period(2024, 2)


def test_closed_period_refuses_a_project_report_with_the_message_and_stores_nothing(
    closing_plan, people
):
    with pytest.raises(ValidationError) as refused:
        report(project(), CLOSED, people["staff_own"])
    assert "2025Q2" in refused.value.message_dict["period"][0]
    assert "2025-08-09" in refused.value.message_dict["period"][0]
    assert ProjectUpdate.objects.count() == 0
    assert Project.objects.get(pk=project().pk).version == 0 or not project().last_reported_at
    report(project(), OPEN, people["staff_own"])  # the open period takes reports
    assert ProjectUpdate.objects.get().period == OPEN


def test_closed_period_refuses_task_reports_and_summaries(closing_plan, people):
    lead = Responsibility.objects.get(task__number=1, order=1)
    staff = UserFactory(username="lead-staff", role="填报员", unit=lead.unit)
    data = TaskReportInput(status="on_track", progress="x")
    with pytest.raises(ValidationError, match="2025Q2"):
        task_report_submit(responsibility=lead, user=staff, period=CLOSED, expected_version=0,
                           data=data, today=TODAY)  # fmt: skip
    with pytest.raises(ValidationError, match="2025Q2"):
        task_summary_submit(lead=lead, user=staff, period=CLOSED, expected_version=0,
                            summary="s", today=TODAY)  # fmt: skip
    assert TaskReport.objects.count() == TaskSummary.objects.count() == 0
    task_report_submit(responsibility=lead, user=staff, period=OPEN, expected_version=0,
                       data=data, today=TODAY)  # fmt: skip
    assert TaskReport.objects.count() == 1


def test_a_yearly_value_closes_with_the_fourth_quarter(closing_plan, people):
    unit = Unit.objects.get(name="市科技局")
    indicator = Indicator.objects.create(
        plan=closing_plan, code="t", name="测试指标", responsible_unit=unit,
    )  # fmt: skip
    staff = people["staff_own"]
    with pytest.raises(ValidationError) as refused:  # 2024Q4 closed on 2025-02-09
        observation_submit(indicator=indicator, user=staff, expected_version=0, today=TODAY,
                           data=ValueInput(year=2024, value=Decimal(1)))  # fmt: skip
    assert "2024Q4" in refused.value.message_dict["year"][0]
    assert Observation.objects.count() == 0
    observation_submit(indicator=indicator, user=staff, expected_version=0, today=TODAY,
                       data=ValueInput(year=2025, value=Decimal(1)))  # fmt: skip
    assert Observation.objects.get().year == 2025


def test_a_granted_reopening_allows_edits_until_it_expires(closing_plan, people):
    asked = ask(closing_plan, people["staff_own"], object_id=project().pk)
    granted = cycle.reopen_grant(request_id=asked.pk, user=people["reviewer"], days=7, today=TODAY)
    assert granted.open_until == dt.date(2025, 8, 26)
    report(project(), CLOSED, people["staff_own"], today=dt.date(2025, 8, 26))
    assert ProjectUpdate.objects.filter(year=2025, quarter=2).count() == 1
    with pytest.raises(ValidationError, match="2025Q2"):
        project_update_submit(
            project_id=project().pk, user=people["staff_own"],
            expected_version=Project.objects.get(pk=project().pk).version, replace=True,
            data=ReportInput(period=CLOSED, status="in_progress", percent_complete=20),
            today=dt.date(2025, 8, 27),
        )  # fmt: skip
    assert ProjectUpdate.objects.get(year=2025, quarter=2).percent_complete == 10
    assert cycle.reopen_expire(today=dt.date(2025, 8, 27)) == 1
    assert ReopenRequest.objects.get().state == ReopenState.EXPIRED


def test_a_grant_is_scoped_to_its_unit_period_and_object(closing_plan, people):
    asked = ask(closing_plan, people["staff_own"], object_id=project(1).pk)
    cycle.reopen_grant(request_id=asked.pk, user=people["reviewer"], today=TODAY)
    report(project(1), CLOSED, people["staff_own"])
    with pytest.raises(ValidationError):  # another project of the same unit
        report(project(2), CLOSED, people["staff_own"])
    with pytest.raises(ValidationError):  # another closed period of the same project
        report(project(1), Period(2025, 1), people["staff_own"])
    assert ProjectUpdate.objects.count() == 1
    # The unit's whole period opens every project of the unit for that period only ...
    whole = ask(closing_plan, people["staff_own"], scope=ReopenScope.PERIOD)
    cycle.reopen_grant(request_id=whole.pk, user=people["admin"], today=TODAY)
    report(project(2), CLOSED, people["staff_own"])
    # ... and nothing of another unit.
    other = Unit.objects.get(name="市工信局")
    lead = Responsibility.objects.filter(unit=other).first()
    with pytest.raises(ValidationError):
        task_report_submit(responsibility=lead, user=people["staff_other"], period=CLOSED,
                           expected_version=0, data=TaskReportInput("on_track", "x"),
                           today=TODAY)  # fmt: skip


def test_who_may_ask_and_who_may_decide_and_refusals_change_nothing(closing_plan, people):
    target = project().pk
    for role in ("staff_other", "leader", "reviewer"):
        with pytest.raises(PermissionDenied):
            ask(closing_plan, people[role], object_id=target)
    assert ReopenRequest.objects.count() == 0
    asked = ask(closing_plan, people["staff_own"], object_id=target)
    for role in ("staff_own", "staff_other", "leader"):
        with pytest.raises(PermissionDenied):
            cycle.reopen_grant(request_id=asked.pk, user=people[role], today=TODAY)
        with pytest.raises(PermissionDenied):
            cycle.reopen_refuse(request_id=asked.pk, user=people[role], comment="no")
    # A reviewer who is also staff of the unit does not decide on its requests.
    insider = UserFactory(username="insider", role="审核员", unit=Unit.objects.get(name="市科技局"))
    with pytest.raises(PermissionDenied):
        cycle.reopen_grant(request_id=asked.pk, user=insider, today=TODAY)
    asked.refresh_from_db()
    assert (asked.state, asked.decided_by, asked.history.count()) == (ReopenState.OPEN, None, 1)
    with pytest.raises(ValidationError):  # a refusal says why
        cycle.reopen_refuse(request_id=asked.pk, user=people["reviewer"], comment=" ")
    cycle.reopen_refuse(request_id=asked.pk, user=people["reviewer"], comment="数据已定稿")
    with pytest.raises(ValidationError):  # decided once
        cycle.reopen_grant(request_id=asked.pk, user=people["admin"], today=TODAY)
    asked.refresh_from_db()
    assert asked.state == ReopenState.REFUSED and asked.open_until is None


def test_asking_is_refused_for_an_open_period_a_missing_reason_or_a_duplicate(closing_plan, people):
    staff = people["staff_own"]
    with pytest.raises(ValidationError, match="2025Q3"):
        ask(closing_plan, staff, period=OPEN, object_id=project().pk)
    with pytest.raises(ValidationError) as no_reason:
        cycle.reopen_request_submit(
            plan=closing_plan, unit=Unit.objects.get(name="市科技局"), period=CLOSED,
            scope="project", object_id=project().pk, subject="s", reason="", user=staff,
            today=TODAY,
        )  # fmt: skip
    assert "reason" in no_reason.value.message_dict
    ask(closing_plan, staff, object_id=project().pk)
    with pytest.raises(ValidationError) as duplicate:
        ask(closing_plan, staff, object_id=project().pk)
    assert list(duplicate.value.message_dict) == ["period"]
    assert ReopenRequest.objects.count() == 1


def test_closed_forms_say_so_before_typing_and_the_refused_form_links_to_the_request(
    closing_plan, people, client, fixed_today
):
    client.force_login(people["staff_own"])
    lead = Responsibility.objects.get(task__number=3, unit__name="市科技局")
    url = plan_page("supervision:task-report", 3, lead.unit_id, str(CLOSED))
    page = client.get(url).content.decode()
    assert 'data-testid="period-closed"' in page and "reopen-request-link" in page
    assert (
        'data-testid="period-closed"'
        not in client.get(
            plan_page("supervision:task-report", 3, lead.unit_id, str(OPEN))
        ).content.decode()
    )
    response = client.post(url, {"version": 0, "status": "on_track", "progress": "迟到的"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "2025-08-09" in body and "reopen-request-link" in body
    assert TaskReport.objects.count() == 0
    # The project form lists the closed periods and links to a request for this project.
    page = client.get(reverse("projects:project-report", args=[project().pk])).content.decode()
    assert "period-closed" in page and f"scope=project&amp;object={project().pk}" in page


def test_a_unit_asks_from_the_page_and_a_reviewer_grants_from_the_list(
    closing_plan, people, client, fixed_today
):
    target = project()
    client.force_login(people["staff_own"])
    url = plan_page("supervision:reopen-request")
    query = f"?unit={target.unit_id}&scope=project&object={target.pk}&period=2025Q2"
    page = client.get(url + query).content.decode()
    assert target.name in page
    data = {"unit": target.unit_id, "period": "2025Q2", "scope": "project",
            "object": target.pk, "reason": "漏报投资额"}  # fmt: skip
    refused = client.post(url, {**data, "reason": ""})
    assert refused.status_code == 200 and ReopenRequest.objects.count() == 0
    assert client.post(url, data).status_code == 302
    asked = ReopenRequest.objects.get()
    assert (asked.scope, asked.object_id) == ("project", target.pk)
    assert target.name in asked.subject
    client.force_login(people["staff_own"])
    decide = reverse("supervision:reopen-decide", args=[asked.pk])
    assert client.post(decide, {f"r{asked.pk}-action": "grant"}).status_code == 403
    client.force_login(people["reviewer"])
    listing = client.get(reverse("supervision:reopen-list")).content.decode()
    assert "漏报投资额" in listing and "reopen-decide-form" in listing
    bad = client.post(decide, {f"r{asked.pk}-action": "grant", f"r{asked.pk}-days": 99})
    assert bad.status_code == 200 and ReopenRequest.objects.get().state == "open"
    ok = client.post(decide, {f"r{asked.pk}-action": "grant", f"r{asked.pk}-days": 3})
    assert ok.status_code == 302
    asked.refresh_from_db()
    assert (asked.state, asked.open_until) == ("granted", dt.date(2025, 8, 22))
    client.force_login(people["staff_own"])
    page = client.get(reverse("projects:project-report", args=[target.pk])).content.decode()
    assert "period-reopened" in page and "2025-08-22" in page


def test_requests_grants_refusals_and_expiries_are_in_the_audit_trail(closing_plan, people, client):
    one = ask(closing_plan, people["staff_own"], object_id=project(1).pk)
    two = ask(closing_plan, people["staff_own"], object_id=project(2).pk)
    cycle.reopen_grant(request_id=one.pk, user=people["reviewer"], days=2, today=TODAY)
    cycle.reopen_refuse(request_id=two.pk, user=people["reviewer"], comment="不予开放")
    cycle.reopen_expire(today=TODAY + dt.timedelta(days=5))
    client.force_login(people["auditor"])
    page = client.get(reverse("dashboard:audit") + "?kind=reopen").content.decode()
    assert page.count("补报数据") == 2  # the two requests, with their reasons
    assert "2025-08-21" in page  # granted until
    assert "不予开放" in page
    assert "2025-08-21" in page and page.count("reopen-") >= 5


@pytest.mark.parametrize(
    ("name", "method", "expected"),
    [("supervision:reopen-list", "get", 200), ("supervision:reopen-request", "get", 403),
     ("supervision:reopen-decide", "post", 302), ("supervision:reminder-notice", "post", 302)],
)  # fmt: skip
def test_the_reviewer_role_gets_its_answers(closing_plan, people, client, name, method, expected):
    asked = ask(closing_plan, people["staff_own"], object_id=project().pk)
    args = [asked.pk] if name == "supervision:reopen-decide" else []
    data = {f"r{asked.pk}-action": "grant", "unit": asked.unit_id, "period": "2025Q2"}
    client.force_login(people["reviewer"])
    response = getattr(client, method)(reverse(name, args=args), data)
    assert response.status_code == expected


def test_the_reviewers_page_query_count_does_not_grow_with_requests(closing_plan, people, client):
    client.force_login(people["reviewer"])
    ask(closing_plan, people["staff_own"], object_id=project(1).pk)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("supervision:reopen-list")).status_code == 200
        return len(captured)

    small = count()
    for i, other in enumerate(Project.objects.order_by("pk")[1:12]):
        row = ask(closing_plan, people["staff_own"], object_id=other.pk)
        if i % 2:
            cycle.reopen_grant(request_id=row.pk, user=people["reviewer"], today=TODAY)
    assert count() == small


@pytest.mark.parametrize(("page", "pinned"), [("reopen-list", 7), ("reopen-request", 7)])
def test_reopen_pages_query_counts_are_pinned_at_two_sizes(
    closing_plan, people, client, django_assert_num_queries, page, pinned
):
    client.force_login(people["reviewer" if page == "reopen-list" else "staff_own"])
    ask(closing_plan, people["staff_own"], object_id=project(1).pk)
    name = f"supervision:{page}"
    path = plan_page(name) if page == "reopen-request" else reverse(name)  # per plan / across
    url = path + f"?scope=project&object={project(1).pk}"
    with django_assert_num_queries(pinned):
        client.get(url)
    for i, other in enumerate(Project.objects.order_by("pk")[1:15]):
        row = ask(closing_plan, people["staff_own"], object_id=other.pk)
        if i % 2:
            cycle.reopen_grant(request_id=row.pk, user=people["admin"], today=TODAY)
    with django_assert_num_queries(pinned):
        client.get(url)
