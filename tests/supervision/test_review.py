"""Review and return (审核 / 退回): every transition, allowed and refused, for each role, on each
kind of report; a refused transition changes nothing; the history keeps who, when, the comment."""

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
from plan.periods import reporting_period
from projects.models import Project, ProjectUpdate
from projects.services import ReportInput, project_update_submit
from supervision.models import ReviewState, TaskReport
from supervision.review import (
    ReportChanged,
    changes_since_return,
    review_approve,
    review_return,
    review_unapprove,
    token,
)
from supervision.services import TaskReportInput, task_report_submit
from tests.conftest import grow_plan, plan_page
from tests.factories import UserFactory

ROLES = ["staff_own", "staff_other", "leader", "admin", "reviewer"]


def this_period(plan):
    return reporting_period(timezone.localdate(), plan.start_year, plan.end_year)


def project_report(plan, people, percent=30, progress="完成主体结构。", replace=False):
    project = Project.objects.get(annex__number=1, order=1)
    return project_update_submit(
        project_id=project.pk, user=people["staff_own"], expected_version=project.version,
        data=ReportInput(period=this_period(plan), status="in_progress", percent_complete=percent,
                         progress=progress), replace=replace,
    )  # fmt: skip


def task_report(plan, people, progress="完成年度工作要点。", version=0):
    lead = Responsibility.objects.get(task__number=1, unit__name="市工信局")
    return task_report_submit(
        responsibility=lead, user=people["staff_other"], period=this_period(plan),
        expected_version=version, data=TaskReportInput(status="on_track", progress=progress),
    )  # fmt: skip


def indicator_value(plan, people):
    unit = Unit.objects.get(name="市科技局")
    indicator = Indicator.objects.create(
        plan=plan, code="t-1", name="技术合同成交额", unit_of_measure="亿元",
        responsible_unit=unit, baseline_year=2021, baseline_value=Decimal(30),
    )  # fmt: skip
    return observation_submit(
        indicator=indicator, user=people["staff_own"], expected_version=0,
        data=ValueInput(year=2024, value=Decimal("41.5")), today=dt.date(2025, 3, 1),
    )  # fmt: skip


MAKERS = {"project": project_report, "task": task_report, "indicator": indicator_value}


def state_of(report):
    row = type(report).objects.get(pk=report.pk)
    return (row.review_state, row.review_comment, row.reviewed_by_id, row.returned_fields,
            row.returned_values, row.edited_after_approval)  # fmt: skip


# Who may review which report: reviewers and administrators, never for their own unit.
# The project and the indicator belong to 市科技局 (staff_own), the task report to 市工信局.
MAY_REVIEW = {
    ("project", "reviewer"): True, ("project", "admin"): True, ("project", "staff_own"): False,
    ("project", "staff_other"): False, ("project", "leader"): False,
    ("task", "reviewer"): True, ("task", "admin"): True, ("task", "staff_own"): False,
    ("task", "staff_other"): False, ("task", "leader"): False,
    ("indicator", "reviewer"): True, ("indicator", "admin"): True,
    ("indicator", "staff_own"): False, ("indicator", "staff_other"): False,
    ("indicator", "leader"): False,
}  # fmt: skip


@pytest.mark.parametrize("kind", MAKERS)
@pytest.mark.parametrize("role", ROLES)
def test_approve_is_for_reviewers_and_administrators_only(plan, people, kind, role):
    report = MAKERS[kind](plan, people)
    before = state_of(report)
    if MAY_REVIEW[(kind, role)]:
        review_approve(report=report, user=people[role], seen_token=token(report))
        assert state_of(report)[0] == ReviewState.APPROVED
    else:
        with pytest.raises(PermissionDenied):
            review_approve(report=report, user=people[role], seen_token=token(report))
        assert state_of(report) == before


@pytest.mark.parametrize("kind", MAKERS)
@pytest.mark.parametrize("role", ROLES)
def test_return_is_for_reviewers_and_administrators_only(plan, people, kind, role):
    report = MAKERS[kind](plan, people)
    before = state_of(report)
    call = {"report": report, "user": people[role], "seen_token": token(report),
            "comment": "请补充具体数据。"}  # fmt: skip
    if MAY_REVIEW[(kind, role)]:
        review_return(**call)
        assert state_of(report)[:2] == (ReviewState.RETURNED, "请补充具体数据。")
    else:
        with pytest.raises(PermissionDenied):
            review_return(**call)
        assert state_of(report) == before


def test_staff_never_approve_their_own_units_report_even_as_reviewers(plan, people):
    report = project_report(plan, people)  # 市科技局's
    both = UserFactory(
        username="kjj-reviewer", role="审核员", unit=Unit.objects.get(name="市科技局")
    )
    before = state_of(report)
    with pytest.raises(PermissionDenied):
        review_approve(report=report, user=both, seen_token=token(report))
    assert state_of(report) == before
    other = task_report(plan, people)  # 市工信局's: this reviewer may
    review_approve(report=other, user=both, seen_token=token(other))
    assert state_of(other)[0] == ReviewState.APPROVED


def test_the_full_cycle_keeps_every_step_in_the_history(plan, people):
    report = project_report(plan, people, percent=30, progress="完成主体结构。")
    reviewer = people["reviewer"]
    review_return(report=report, user=reviewer, seen_token=token(report),
                  comment="进度描述过于笼统，请补充完成的工程量。",
                  fields=["progress", "percent_complete"])  # fmt: skip
    returned = ProjectUpdate.objects.get(pk=report.pk)
    assert returned.returned_fields == ["percent_complete", "progress"]  # in form order
    assert returned.returned_values["progress"] == "完成主体结构。"
    # The unit fixes and resubmits: submitted again, the difference kept for the reviewer.
    fixed = project_report(plan, people, percent=35, progress="完成主体结构，累计完成投资1.2亿元。",
                           replace=True)  # fmt: skip
    assert fixed.review_state == ReviewState.SUBMITTED
    changes = changes_since_return(fixed)
    assert [(before, now) for _label, before, now in changes] == [
        ("30", "35"),
        ("完成主体结构。", "完成主体结构，累计完成投资1.2亿元。"),
    ]
    review_approve(report=fixed, user=reviewer, seen_token=token(fixed), comment="同意。")
    approved = ProjectUpdate.objects.get(pk=report.pk)
    assert (approved.review_state, approved.review_comment) == ("approved", "同意。")
    assert approved.returned_values == {} and not approved.edited_after_approval
    project = approved.project
    project.refresh_from_db()
    assert (project.approved_status, project.approved_percent) == ("in_progress", 35)
    review_unapprove(report=approved, user=reviewer, seen_token=token(approved),
                     reason="数据口径有误，重新核对。")  # fmt: skip
    project.refresh_from_db()
    assert (project.approved_status, project.approved_percent) == ("not_started", 0)
    states = [(h.review_state, h.history_user.username, h.review_comment)
              for h in report.history.order_by("history_date", "history_id")]  # fmt: skip
    assert states == [
        ("submitted", "kjj", ""),
        ("returned", "reviewer", "进度描述过于笼统，请补充完成的工程量。"),
        ("submitted", "kjj", "进度描述过于笼统，请补充完成的工程量。"),
        ("approved", "reviewer", "同意。"),
        ("submitted", "reviewer", "数据口径有误，重新核对。"),
    ]


def test_editing_an_approved_report_puts_it_back_and_marks_it(plan, people):
    report = task_report(plan, people)
    review_approve(report=report, user=people["reviewer"], seen_token=token(report))
    revised = task_report(plan, people, progress="补充：新增科技型企业35家。", version=1)
    assert (revised.review_state, revised.edited_after_approval) == ("submitted", True)


@pytest.mark.parametrize(
    ("start", "action", "message"),
    [
        ("approved", "approve", "Only a submitted report can be approved"),
        ("returned", "approve", "Only a submitted report can be approved"),
        ("approved", "return", "Only a submitted report can be returned"),
        ("returned", "return", "Only a submitted report can be returned"),
        ("submitted", "unapprove", "Only an approved report can have its approval undone"),
        ("returned", "unapprove", "Only an approved report can have its approval undone"),
    ],
)
def test_transitions_from_the_wrong_state_are_refused_and_change_nothing(
    plan, people, settings, start, action, message
):
    settings.LANGUAGE_CODE = "en"
    report = task_report(plan, people)
    reviewer = people["reviewer"]
    if start == "approved":
        review_approve(report=report, user=reviewer, seen_token=token(report))
    elif start == "returned":
        review_return(report=report, user=reviewer, seen_token=token(report), comment="请补充。")
    report = TaskReport.objects.get(pk=report.pk)
    before = state_of(report)
    history = report.history.count()
    call = {"report": report, "user": reviewer, "seen_token": token(report)}
    functions = {"approve": review_approve, "return": review_return,
                 "unapprove": review_unapprove}  # fmt: skip
    extra = {"return": {"comment": "再改"}, "unapprove": {"reason": "撤销"}}.get(action, {})
    with pytest.raises(ValidationError, match=message):
        functions[action](**call, **extra)
    assert state_of(report) == before and report.history.count() == history


def test_return_needs_a_comment_and_known_fields(plan, people):
    report = task_report(plan, people)
    before = state_of(report)
    with pytest.raises(ValidationError) as refused:
        review_return(report=report, user=people["reviewer"], seen_token=token(report),
                      comment="  ", fields=["salary"])  # fmt: skip
    assert set(refused.value.message_dict) == {"comment", "fields"}
    assert state_of(report) == before


def test_unapproving_needs_a_reason(plan, people):
    report = task_report(plan, people)
    review_approve(report=report, user=people["reviewer"], seen_token=token(report))
    report.refresh_from_db()
    before = state_of(report)
    with pytest.raises(ValidationError) as refused:
        review_unapprove(report=report, user=people["reviewer"], seen_token=token(report),
                         reason="")  # fmt: skip
    assert "reason" in refused.value.message_dict and state_of(report) == before


def test_a_report_changed_after_the_reviewer_opened_it_is_not_approved(plan, people):
    report = task_report(plan, people)
    seen = token(report)
    task_report(plan, people, progress="改过了。", version=1)  # the unit revises meanwhile
    with pytest.raises(ReportChanged):
        review_approve(report=report, user=people["reviewer"], seen_token=seen)
    assert TaskReport.objects.get(pk=report.pk).review_state == ReviewState.SUBMITTED


# -- pages -------------------------------------------------------------------------------------


def test_the_queue_lists_every_kind_waiting_and_only_reviewers_see_it(client, plan, people):
    project_report(plan, people)
    task_report(plan, people)
    indicator_value(plan, people)
    for role in ("staff_own", "staff_other", "leader"):
        client.force_login(people[role])
        assert client.get(reverse("supervision:review-queue")).status_code == 403
    client.force_login(people["reviewer"])
    page = client.get(reverse("supervision:review-queue"))
    assert page.status_code == 200
    kinds = sorted(row["kind"] for row in page.context["rows"])
    assert kinds == ["indicator", "project", "task"]
    only_tasks = client.get(reverse("supervision:review-queue") + "?kind=task")
    assert [row["kind"] for row in only_tasks.context["rows"]] == ["task"]


def test_a_reviewer_returns_and_approves_through_the_page(client, plan, people):
    report = task_report(plan, people)
    url = reverse("supervision:review-detail", args=["task", report.pk])
    client.force_login(people["reviewer"])
    page = client.get(url)
    assert page.status_code == 200 and "approve-form" in page.content.decode()
    empty = client.post(url, {"action": "return", "return-token": token(report),
                              "return-comment": ""})  # fmt: skip
    assert empty.status_code == 200
    assert empty.context["forms"]["return"].errors["comment"]
    assert TaskReport.objects.get(pk=report.pk).review_state == ReviewState.SUBMITTED
    returned = {"action": "return", "return-token": token(report),
                "return-comment": "请补充数据。", "return-about": ["figures"]}  # fmt: skip
    done = client.post(url, returned)
    assert done.status_code == 302
    report.refresh_from_db()
    assert (report.review_state, report.returned_fields) == ("returned", ["figures"])


def test_a_stale_page_does_not_approve(client, plan, people):
    report = task_report(plan, people)
    old = token(report)
    task_report(plan, people, progress="又改了。", version=1)
    client.force_login(people["reviewer"])
    url = reverse("supervision:review-detail", args=["task", report.pk])
    response = client.post(url, {"action": "approve", "approve-token": old})
    assert response.status_code == 409
    assert TaskReport.objects.get(pk=report.pk).review_state == ReviewState.SUBMITTED


def test_the_leaders_cockpit_counts_approved_reports_only_by_default(client, plan, people):
    report = project_report(plan, people, percent=40)
    client.force_login(people["leader"])
    counts = client.get(plan_page("dashboard:home")).context["projects"]
    assert counts.get("in_progress", 0) == 0
    everything = client.get(plan_page("dashboard:home") + "?figures=all").context["projects"]
    assert everything["in_progress"] == 1
    review_approve(report=report, user=people["reviewer"], seen_token=token(report))
    page = client.get(plan_page("dashboard:home"))
    assert page.context["projects"]["in_progress"] == 1
    assert "figures-note" in page.content.decode()


def test_observation_values_need_approval_for_leaders(client, plan, people):
    value = indicator_value(plan, people)
    client.force_login(people["leader"])
    url = reverse("indicators:indicator-chart", args=[value.indicator_id])
    assert not any(v is not None for v in actual_values(client, url))
    review_approve(report=value, user=people["reviewer"], seen_token=token(value))
    assert Observation.objects.get(pk=value.pk).review_state == "approved"
    assert any(v is not None for v in actual_values(client, url))


def actual_values(client, url):
    return client.get(url).json()["datasets"][0]["data"]


@pytest.mark.parametrize("kind", MAKERS)
def test_staff_see_the_returned_report_with_the_comment_on_their_form_and_to_do(
    client, plan, people, kind
):
    report = MAKERS[kind](plan, people)
    last_field = type(report).REPORTED_FIELDS[-1]
    review_return(report=report, user=people["reviewer"], seen_token=token(report),
                  comment="请补充佐证数据来源。", fields=[last_field])  # fmt: skip
    staff = people["staff_other" if kind == "task" else "staff_own"]
    client.force_login(staff)
    todo = client.get(plan_page("dashboard:home")).context["todo"]
    assert [row["pk"] for row in todo.returned] == [report.pk]
    form_page = client.get(todo.returned[0]["url"])
    text = form_page.content.decode()
    assert 'data-testid="returned-notice"' in text and "请补充佐证数据来源。" in text
    assert "input-returned" in text


def test_the_matrix_counts_review_states_and_edits_after_approval(client, plan, people):
    first = task_report(plan, people)  # 市工信局, task 1
    review_approve(report=first, user=people["reviewer"], seen_token=token(first))
    task_report(plan, people, progress="批准后又修改。", version=1)  # edited after approval
    lead = Responsibility.objects.get(task__number=1, unit__name="市科技局")
    second = task_report_submit(
        responsibility=lead, user=people["staff_own"], period=this_period(plan),
        expected_version=0, data=TaskReportInput(status="on_track", progress="按计划推进。"),
    )  # fmt: skip
    review_return(report=second, user=people["reviewer"], seen_token=token(second),
                  comment="请补充。")  # fmt: skip
    client.force_login(people["leader"])
    year = this_period(plan).year
    page = client.get(plan_page("supervision:report-matrix") + f"?kind=tasks&year={year}")
    totals = page.context["matrix"].review_totals
    assert (totals["approved"], totals["returned"], totals["submitted"], totals["edited"]) == (
        0, 1, 1, 1,
    )  # fmt: skip
    text = page.content.decode()
    assert 'data-testid="total-returned">1<' in text and "review-legend" in text


def _reports_for_every_project(plan, state):
    period = this_period(plan)
    ProjectUpdate.objects.bulk_create(
        ProjectUpdate(project=p, year=period.year, quarter=period.quarter, status="in_progress",
                      percent_complete=10, submitted_at=timezone.now(), review_state=state)
        for p in Project.objects.filter(annex__plan=plan).exclude(updates__isnull=False)
    )  # fmt: skip


@pytest.mark.parametrize("state", ["waiting", "returned"])
def test_the_review_queue_runs_the_same_queries_at_two_sizes(client, plan, people, state):
    review_state = {"waiting": "submitted", "returned": "returned"}[state]
    _reports_for_every_project(plan, review_state)
    client.force_login(people["reviewer"])
    url = reverse("supervision:review-queue") + f"?state={state}"

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    small = count()
    grow_plan(plan, projects=600, units=120)
    _reports_for_every_project(plan, review_state)
    large = count()
    # session, user, roles and units of the user, plan, count, page, unit filter, and the
    # menu's count of what waits for review: the waiting list's own count serves it
    expected = {"waiting": 7, "returned": 8}[state]
    assert (small, large) == (expected, expected)


def test_a_reviewer_may_require_evidence_before_approving(plan, people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from supervision.evidence import evidence_add
    from tests.supervision.test_evidence import PDF

    report = task_report(plan, people)
    before = state_of(report)
    with pytest.raises(ValidationError) as refused:
        review_approve(report=report, user=people["reviewer"], seen_token=token(report),
                       require_evidence=True)  # fmt: skip
    assert "require_evidence" in refused.value.message_dict and state_of(report) == before
    evidence_add(report=report, user=people["staff_other"],
                 uploads=[SimpleUploadedFile("验收报告.pdf", PDF)])  # fmt: skip
    review_approve(report=report, user=people["reviewer"], seen_token=token(report),
                   require_evidence=True)  # fmt: skip
    assert state_of(report)[0] == ReviewState.APPROVED
