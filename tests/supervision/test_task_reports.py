"""Task reports and summaries: who may write them, validation, revisions, conflicts, history."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from plan.models import Responsibility, Unit
from plan.periods import Period, reporting_period
from supervision.models import TaskReport, TaskSummary
from supervision.services import TaskReportInput, task_report_submit
from tests.conftest import plan_page
from tests.factories import UserFactory


def period_of(plan) -> Period:
    return reporting_period(timezone.localdate(), plan.start_year, plan.end_year)


def report_url(plan, task, unit_name, period=None):
    unit = Unit.objects.get(name=unit_name)
    return plan_page("supervision:task-report", task, unit.pk, str(period or period_of(plan)))


def data(version=0, **overrides):
    values = {"version": version, "status": "on_track", "progress": "完成年度工作要点。",
              "figures": "新增科技型中小企业120家", "problems": "", "next_steps": ""}  # fmt: skip
    values.update(overrides)
    return values


@pytest.mark.parametrize(
    ("role", "task", "unit", "status"),
    [
        ("staff_own", 3, "市科技局", 200),  # shares task 3, not its lead
        ("staff_other", 3, "市科技局", 403),  # another unit's report
        ("staff_other", 3, "市工信局", 404),  # 市工信局 does not share task 3
        ("staff_other", 1, "市工信局", 200),
        ("leader", 1, "市科技局", 403),
        ("admin", 9, "市司法局", 200),
    ],
)
def test_who_may_open_a_task_report(client, plan, people, role, task, unit, status):
    client.force_login(people[role])
    assert client.get(report_url(plan, task, unit)).status_code == status


SUMMARY_CASES = [("staff_own", 1, 200), ("staff_own", 3, 403), ("staff_other", 1, 403),
                 ("leader", 1, 403), ("admin", 3, 200)]  # fmt: skip


@pytest.mark.parametrize(("role", "task", "status"), SUMMARY_CASES)
def test_only_the_lead_unit_writes_the_summary(client, plan, people, role, task, status):
    client.force_login(people[role])
    url = plan_page("supervision:task-summary", task, str(period_of(plan)))
    assert client.get(url).status_code == status
    response = client.post(url, {"version": 0, "summary": "总体按计划推进。"})
    assert response.status_code == (302 if status == 200 else 403)
    assert TaskSummary.objects.exists() is (status == 200)


def test_refused_post_changes_nothing(client, plan, people):
    client.force_login(people["staff_other"])
    response = client.post(report_url(plan, 3, "市科技局"), data())
    assert response.status_code == 403
    assert not TaskReport.objects.exists()


def test_a_report_is_stored_with_who_and_when(client, plan, people):
    client.force_login(people["staff_own"])
    response = client.post(report_url(plan, 3, "市科技局"), data())
    report = TaskReport.objects.get()
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    assert (report.unit.name, report.task.number, report.period) == ("市科技局", 3, period_of(plan))
    assert report.submitted_by == people["staff_own"] and report.version == 1
    assert report.history.get().history_user == people["staff_own"]
    page = client.get(report.get_absolute_url()).text
    assert "新增科技型中小企业120家" in page


def test_work_done_is_required_and_nothing_is_saved(client, plan, people):
    client.force_login(people["staff_own"])
    response = client.post(report_url(plan, 3, "市科技局"), data(progress="  "))
    assert response.status_code == 200
    assert "请填写本期完成情况" in response.text
    assert not TaskReport.objects.exists()


@pytest.mark.parametrize("period", ["2021Q4", "2026Q1", "2025Q7", "soon"])
def test_a_period_outside_the_plan_is_not_a_page(client, plan, people, period):
    client.force_login(people["staff_own"])
    unit = Unit.objects.get(name="市科技局")
    url = plan_page("supervision:task-report", 1, unit.pk, period)
    assert client.get(url).status_code == 404
    assert client.post(url, data()).status_code == 404
    assert not TaskReport.objects.exists()


def test_the_service_refuses_a_period_that_has_not_begun(plan, people):
    responsibility = Responsibility.objects.get(task__number=1, unit__name="市科技局")
    with pytest.raises(ValidationError, match="尚未开始"):
        task_report_submit(
            responsibility=responsibility, user=people["staff_own"], period=Period(2025, 2),
            expected_version=0, data=TaskReportInput(status="on_track", progress="x"),
            today=dt.date(2025, 3, 1),
        )  # fmt: skip
    assert not TaskReport.objects.exists()


def test_revising_keeps_the_first_submission_time_and_the_history(client, plan, people):
    client.force_login(people["staff_own"])
    url = report_url(plan, 3, "市科技局")
    client.post(url, data())
    first = TaskReport.objects.get()
    page = client.get(url)
    assert page.context["form"].initial["version"] == 1
    assert page.context["form"].initial["progress"] == "完成年度工作要点。"
    assert client.post(url, data(version=1, status="lagging", progress="修订后")).status_code == 302
    revised = TaskReport.objects.get()
    assert (revised.version, revised.status, revised.progress) == (2, "lagging", "修订后")
    assert revised.submitted_at == first.submitted_at and revised.revised_at is not None
    assert list(revised.history.order_by("history_date").values_list("progress", flat=True)) == [
        "完成年度工作要点。", "修订后",
    ]  # fmt: skip


def test_two_colleagues_reporting_at_once_get_a_conflict_not_an_overwrite(client, plan, people):
    colleague = UserFactory(username="kjj2", role="填报员", unit=Unit.objects.get(name="市科技局"))
    url = report_url(plan, 3, "市科技局")
    client.force_login(people["staff_own"])
    assert client.post(url, data(progress="第一份")).status_code == 302
    client.force_login(colleague)
    response = client.post(url, data(progress="第二份"))  # also saw version 0
    assert response.status_code == 409
    assert 'data-testid="conflict"' in response.text
    assert "第二份" in response.text and "第一份" in response.text
    assert TaskReport.objects.get().progress == "第一份"
    assert response.context["form"]["version"].value() == 1
