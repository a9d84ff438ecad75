"""Demo data: deterministic, labelled on every page, removable, never mixed with real reports."""

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from dashboard.demo import DEMO_STORIES, DEMO_USERS
from indicators.models import Indicator, Observation
from plan.models import Plan
from projects.models import Project, ProjectStatus, ProjectUpdate
from supervision.models import TaskReport, TaskSummary
from supervision.reporting import task_matrix
from tests.conftest import plan_page


def demo_state():
    updates = list(
        ProjectUpdate.objects.order_by("project__annex__number", "project__order", "year",
                                       "quarter")
        .values_list("project__name", "year", "quarter", "status", "percent_complete",
                     "investment_completed", "submitted_at")
    )  # fmt: skip
    projects = list(
        Project.objects.order_by("pk").values_list(
            "status", "percent_complete", "total_investment", "planned_start", "planned_end"
        )
    )
    values = list(
        Observation.objects.order_by("pk").values_list("indicator__code", "year", "value")
    )
    return updates, projects, values


def test_demo_is_the_same_every_run(plan):
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    first = demo_state()
    call_command("load_demo", stdout=io.StringIO())
    assert demo_state() == first
    assert ProjectUpdate.history.filter(history_type="+").count() == ProjectUpdate.objects.count()


def test_demo_covers_2022q4_to_2025q4_for_every_project_and_prints_logins(plan):
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    # About one report in twenty is left out, so the matrix shows missing ones.
    assert 53 * 13 * 0.9 < ProjectUpdate.objects.count() < 53 * 13
    periods = set(ProjectUpdate.objects.values_list("year", "quarter"))
    assert min(periods) == (2022, 4) and max(periods) == (2025, 4) and len(periods) == 13
    assert ProjectUpdate.objects.filter(year=2022, quarter=4).count() == 53
    plan.refresh_from_db()
    assert len(plan.reporting_periods) == 13
    statuses = set(Project.objects.values_list("status", flat=True))
    assert {ProjectStatus.COMPLETED, ProjectStatus.IN_PROGRESS, ProjectStatus.LAGGING} <= statuses
    # The plan's three numeric indicators (4 years each) and the four demo indicators.
    assert (
        Observation.objects.filter(is_demo=True).count() == 12 + 16 + 4
    )  # + the demo ranked indicator's own values
    assert Indicator.objects.filter(is_demo=True, name__startswith="演示：").count() == 4
    for demo in DEMO_USERS:
        assert demo.username in out.getvalue()
        assert (
            get_user_model()
            .objects.get(username=demo.username)
            .groups.filter(name=demo.role)
            .exists()
        )
    assert Plan.objects.get().demo_data


def test_demo_task_reports_show_every_state_a_finished_plan_can_have(plan):
    call_command("load_demo", stdout=io.StringIO())
    plan.refresh_from_db()
    matrix = task_matrix(plan, plan.reporting_periods, dt.date(2026, 11, 26))
    states = {cell.state for row in matrix.rows for cell in row.cells}
    assert states == {"submitted", "late", "overdue"}
    assert TaskSummary.objects.count() > 0
    assert TaskReport.objects.filter(submitted_by__username="demo-staff-kjj").exists()
    # A quarter whose due date is still ahead shows as not due.
    early = task_matrix(plan, plan.reporting_periods, dt.date(2025, 12, 15))
    assert early.rows[0].cells[-1].state in {"not_due", "submitted", "late"}
    assert any(cell.state == "not_due" for row in early.rows for cell in row.cells)


def test_progress_never_goes_down_in_demo_reports(plan):
    call_command("load_demo", stdout=io.StringIO())
    for project in Project.objects.all():
        percents = list(
            project.updates.order_by("year", "quarter").values_list("percent_complete", flat=True)
        )
        assert percents == sorted(percents)
        assert project.percent_complete == percents[-1]


@pytest.mark.parametrize("url", ["dashboard:home", "plan:task-list", "plan:unit-list"])
def test_every_page_says_demo_while_demo_data_is_loaded(plan, client_logged_in, url):
    before = client_logged_in.get(reverse(url))
    assert before.status_code == 200
    assert 'data-testid="demo-banner"' not in before.text
    call_command("load_demo", stdout=io.StringIO())
    after = client_logged_in.get(reverse(url))
    assert after.status_code == 200
    assert 'data-testid="demo-banner"' in after.text


def test_login_page_says_demo_too(plan, client):
    call_command("load_demo", stdout=io.StringIO())
    assert 'data-testid="demo-banner"' in client.get(reverse("login")).text


def test_remove_takes_demo_out_and_the_banner_with_it(plan, client_logged_in):
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", "--remove", stdout=io.StringIO())
    assert ProjectUpdate.objects.count() == 0
    assert TaskReport.objects.count() == 0 and TaskSummary.objects.count() == 0
    assert Observation.objects.count() == 0
    assert not Plan.objects.get().demo_data
    assert not get_user_model().objects.filter(username__startswith="demo-").exists()
    assert 'data-testid="demo-banner"' not in client_logged_in.get(plan_page("dashboard:home")).text


def test_refuses_to_mix_with_real_reports(plan, user):
    project = Project.objects.first()
    ProjectUpdate.objects.create(
        project=project, year=2024, quarter=1, status="in_progress", percent_complete=5,
        submitted_at="2024-04-05T10:00:00+08:00", submitted_by=user,
    )  # fmt: skip
    with pytest.raises(CommandError, match="real progress reports"):
        call_command("load_demo", stdout=io.StringIO())
    assert ProjectUpdate.objects.count() == 1


def test_demo_reports_are_in_every_review_state(plan):
    call_command("load_demo", stdout=io.StringIO())
    for model in (ProjectUpdate, TaskReport):
        states = set(model.objects.values_list("review_state", flat=True))
        assert states == {"submitted", "approved", "returned"}, model
        returned = model.objects.filter(review_state="returned")
        assert all(r.review_comment and r.returned_values for r in returned)
    # The last quarter waits for the reviewer, but for the few reports the demo's story has
    # approved, so that every demo clerk's list shows one (test_demo_assignments).
    approved_last = ProjectUpdate.objects.filter(review_state="approved", year=2025, quarter=4)
    assert set(approved_last.values_list("project__annex__number", "project__order")) == {
        place for place, story in DEMO_STORIES.items() if story == "approved"
    }
    assert not TaskReport.objects.filter(review_state="approved", year=2025, quarter=4).exists()
    assert Observation.objects.filter(review_state="submitted").count() == 1
    # Leaders see each project as its latest approved report left it.
    project = Project.objects.exclude(approved_percent=0).first()
    latest = project.updates.filter(review_state="approved").order_by("-year", "-quarter")[0]
    assert (project.approved_status, project.approved_percent) == (
        latest.status, latest.percent_complete,
    )  # fmt: skip


def test_demo_runs_the_whole_cycle_and_takes_it_all_out_again(plan, settings, tmp_path):
    from plan.periods import Period
    from supervision.models import Evidence, ReminderNotice, ReopenRequest

    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", stdout=io.StringIO())
    plan.refresh_from_db()
    today = dt.date.today()
    # A closed quarter with one reopening, for one project of 市科技局, granted by the reviewer.
    assert plan.is_closed(Period(2025, 3), today) and not plan.is_closed(Period(2025, 4), today)
    reopen = ReopenRequest.objects.get()
    assert (reopen.state, reopen.scope, reopen.decided_by.username) == (
        "granted", "project", "demo-reviewer",
    )  # fmt: skip
    # A report returned and resubmitted: waiting again, with what it said when returned.
    resubmitted = ProjectUpdate.objects.get(year=2025, quarter=4, project__annex__number=1,
                                            project__order=1)  # fmt: skip
    assert resubmitted.review_state == "submitted" and resubmitted.returned_values
    states = list(resubmitted.history.order_by("history_id").values_list("review_state", flat=True))
    assert states[-2:] == ["returned", "submitted"]
    files = Evidence.objects.all()
    assert files.count() == 2 and all((tmp_path / f.file.name).exists() for f in files)
    assert ReminderNotice.objects.get().unit.name == "市工信局"
    call_command("load_demo", "--remove", stdout=io.StringIO())
    assert not Evidence.objects.exists() and not Evidence.history.exists()
    assert not ReopenRequest.objects.exists() and not ReminderNotice.objects.exists()
    assert not any(path.is_file() for path in tmp_path.rglob("*"))
    plan.refresh_from_db()
    assert plan.close_after_days == 0


def test_the_demo_fills_one_peer_group_labelled_demo_and_removal_takes_it_away(plan):
    from dashboard.demo import load_demo, remove_demo
    from indicators.models import PeerBatch, PeerGroup, PeerValue

    load_demo(plan)
    demo = PeerGroup.objects.get(is_demo=True)
    assert "演示" in demo.name and demo.members.count() == 13
    assert not PeerGroup.objects.get(
        name="东北地区地级城市"
    ).members.exists()  # the plan's stays empty
    assert PeerBatch.objects.filter(is_demo=True, review_state="approved").count() == 5
    remove_demo(plan)
    assert not PeerGroup.objects.filter(is_demo=True).exists()
    assert not PeerValue.objects.exists() and not PeerBatch.objects.exists()


def test_demo_clerks_have_example_addresses_so_the_reminder_digest_shows(plan, mailoutbox):

    call_command("load_demo", stdout=io.StringIO())
    clerks = get_user_model().objects.filter(username__startswith="demo-staff-")
    assert {u.email for u in clerks} == {
        "demo-staff-kjj@example.com",
        "demo-staff-gxj@example.com",
        "demo-staff-sqa@example.com",
    }
    call_command("send_reminders", "--date", "2026-01-05", stdout=io.StringIO())
    assert {to for mail in mailoutbox for to in mail.to} & {u.email for u in clerks}
