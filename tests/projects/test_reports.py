"""Progress reports through the browser's form: saved with the project's state, or refused with a
clear message on the field, and nothing saved."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import Project, ProjectStatus, ProjectUpdate
from projects.progress import Period, reporting_period


@pytest.fixture
def project(plan):
    project = Project.objects.get(annex__number=1, order=1)
    project.total_investment = Decimal("1000")
    project.save()
    return project


@pytest.fixture
def staff(client, people):
    client.force_login(people["staff_own"])
    return client


def current_period(plan) -> Period:
    return reporting_period(timezone.localdate(), plan.start_year, plan.end_year)


def report(project, **overrides):
    project.refresh_from_db()
    data = {
        "version": project.version,
        "period": str(current_period(project.annex.plan)),
        "status": ProjectStatus.IN_PROGRESS,
        "percent_complete": 40,
        "investment_completed": "300",
        "progress": "完成主体结构施工。",
        "problems": "",
        "next_steps": "设备安装。",
        "reason": "",
    }
    data.update(overrides)
    return data


def post(client, project, **overrides):
    return client.post(
        reverse("projects:project-report", args=[project.pk]), report(project, **overrides)
    )


def test_a_report_is_stored_and_becomes_the_projects_current_state(staff, project, people):
    response = post(staff, project)
    # Back on the project page, which shows the report just filed (not an empty form).
    period = current_period(project.annex.plan)
    filed = f"{project.get_absolute_url()}?filed={period}#filed"
    assert response.status_code == 302 and response["Location"] == filed
    saved = ProjectUpdate.objects.get(project=project)
    assert (saved.status, saved.percent_complete, saved.investment_completed) == (
        ProjectStatus.IN_PROGRESS, 40, Decimal("300"),
    )  # fmt: skip
    assert saved.submitted_by == people["staff_own"]
    project.refresh_from_db()
    assert (project.status, project.percent_complete, project.version) == ("in_progress", 40, 2)
    assert project.last_reported_at == saved.submitted_at
    newest = project.history.first()
    assert newest.history_user == people["staff_own"]
    page = staff.get(project.get_absolute_url()).text
    assert "完成主体结构施工。" in page


def assert_refused(response, project, field, fragment):
    assert response.status_code == 200
    form = response.context["form"]
    assert fragment in " ".join(form.errors.get(field, [])), form.errors
    assert fragment in response.text
    assert not ProjectUpdate.objects.filter(project=project).exists()
    project.refresh_from_db()
    assert project.status == ProjectStatus.NOT_STARTED and project.percent_complete == 0


@pytest.mark.parametrize("percent", [101, -1])
def test_percent_outside_0_100_is_refused(staff, project, percent):
    assert_refused(post(staff, project, percent_complete=percent), project, "percent_complete",
                   "0 到 100")  # fmt: skip


def test_completed_with_percent_under_100_is_refused(staff, project):
    response = post(staff, project, status=ProjectStatus.COMPLETED, percent_complete=95)
    assert_refused(response, project, "status", "95%")


@pytest.mark.parametrize("period", ["2021Q4", "2026Q1", "2030Q2"])
def test_a_period_outside_the_plan_is_refused(staff, project, period):
    assert_refused(post(staff, project, period=period), project, "period", "不在计划期内")


def test_nonsense_period_is_refused(staff, project):
    assert_refused(post(staff, project, period="明年"), project, "period", "2025Q4")


def test_negative_investment_is_refused(staff, project):
    assert_refused(post(staff, project, investment_completed="-5"), project,
                   "investment_completed", "不能为负数")  # fmt: skip


def test_investment_above_the_total_needs_confirmation(staff, project):
    response = post(staff, project, investment_completed="1200")
    assert_refused(response, project, "investment_completed", "1000")
    assert 'name="confirm_investment"' in response.text
    confirmed = post(staff, project, investment_completed="1200", confirm_investment="on")
    assert confirmed.status_code == 302
    assert ProjectUpdate.objects.get(project=project).investment_completed == Decimal("1200")


def test_a_lower_percent_needs_a_reason(staff, project, plan):
    period = current_period(plan)
    earlier = period.previous()
    assert post(staff, project, period=str(earlier), percent_complete=60).status_code == 302
    response = post(staff, project, period=str(period), percent_complete=50)
    assert response.status_code == 200
    assert "60%" in " ".join(response.context["form"].errors["reason"])
    assert ProjectUpdate.objects.filter(project=project).count() == 1
    project.refresh_from_db()
    assert project.percent_complete == 60
    ok = post(staff, project, period=str(period), percent_complete=50, reason="重新核定工程量。")
    assert ok.status_code == 302
    project.refresh_from_db()
    assert project.percent_complete == 50


def test_a_second_report_for_a_period_replaces_the_first_only_when_confirmed(staff, project):
    assert post(staff, project, percent_complete=40).status_code == 302
    second = post(staff, project, percent_complete=45, progress="第二次填报。")
    assert second.status_code == 200
    assert 'data-testid="existing-report"' in second.text
    assert 'name="replace"' in second.text
    assert ProjectUpdate.objects.get(project=project).percent_complete == 40
    confirmed = post(staff, project, percent_complete=45, progress="第二次填报。", replace="on")
    assert confirmed.status_code == 302
    only = ProjectUpdate.objects.get(project=project)
    assert (only.percent_complete, only.progress) == (45, "第二次填报。")
    versions = list(
        only.history.order_by("history_date").values_list("percent_complete", flat=True)
    )
    assert versions == [40, 45]


def test_a_late_report_for_an_earlier_period_does_not_move_the_state_back(staff, project, plan):
    period = current_period(plan)
    assert post(staff, project, period=str(period), percent_complete=70).status_code == 302
    late = post(staff, project, period=str(period.previous().previous()), percent_complete=30)
    assert late.status_code == 302
    project.refresh_from_db()
    assert project.percent_complete == 70
    assert ProjectUpdate.objects.filter(project=project).count() == 2


def test_the_report_page_and_the_project_page_offer_the_current_period(staff, project, plan):
    page = staff.get(reverse("projects:project-report", args=[project.pk]))
    assert page.context["form"]["period"].initial == str(current_period(plan))
    assert 'data-testid="report-form"' in staff.get(project.get_absolute_url()).text
