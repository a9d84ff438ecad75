"""Evidence files follow their report through the cycle: closed means closed unless reopened, and
a change to an approved report's files sends it back for review and shows on the review page."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from plan.models import Unit
from plan.periods import Period
from projects.models import Project, ProjectUpdate
from supervision import cycle
from supervision.evidence import evidence_add, evidence_remove
from supervision.models import Evidence, ReopenScope, ReviewState, TaskReport
from supervision.review import review_approve, token

TODAY = dt.date(2025, 8, 20)  # with close_after_days=30: 2025Q2 closed, 2025Q3 open
CLOSED, OPEN = Period(2025, 2), Period(2025, 3)
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def cycle_on(plan, monkeypatch):
    plan.close_after_days = 30
    plan.save()
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return plan


def pdf(name="验收记录.pdf"):
    return SimpleUploadedFile(name, PDF)


def project_report(period, state=ReviewState.SUBMITTED):
    project = Project.objects.get(annex__number=1, order=1)
    return ProjectUpdate.objects.create(
        project=project, year=period.year, quarter=period.quarter, status="in_progress",
        percent_complete=10, submitted_at=dt.datetime(2025, 7, 2, tzinfo=dt.UTC),
        review_state=state,
    )  # fmt: skip


def task_report(period, state=ReviewState.SUBMITTED):
    unit = Unit.objects.get(name="市科技局")
    task = unit.responsibilities.order_by("task__number").first().task
    return TaskReport.objects.create(
        task=task, unit=unit, year=period.year, quarter=period.quarter, status="on_track",
        progress="x", submitted_at=dt.datetime(2025, 7, 2, tzinfo=dt.UTC), review_state=state,
    )  # fmt: skip


def attach_before_closing(report, user):
    """A file attached while the period was open (the service is asked as on that day)."""
    (row,) = evidence_add(report=report, user=user, uploads=[pdf()])
    return row


REPORTS = {"project": project_report, "task": task_report}


@pytest.mark.parametrize("kind", REPORTS)
def test_no_file_is_added_to_a_report_of_a_closed_period(people, kind, media_root):
    report = REPORTS[kind](CLOSED)
    with pytest.raises(ValidationError, match="2025Q2"):
        evidence_add(report=report, user=people["staff_own"], uploads=[pdf()])
    assert not Evidence.objects.exists()
    assert not [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else True


@pytest.mark.parametrize("kind", REPORTS)
def test_no_file_is_removed_from_a_report_of_a_closed_period(people, kind, monkeypatch):
    report = REPORTS[kind](CLOSED)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2025, 7, 20))  # open
    row = attach_before_closing(report, people["staff_own"])
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)  # closed again
    with pytest.raises(ValidationError, match="2025Q2"):
        evidence_remove(evidence=row, user=people["staff_own"])
    row.refresh_from_db()
    assert row.removed_at is None


def test_the_files_page_of_a_closed_report_says_so_and_refuses_both_ways(
    client, people, monkeypatch
):
    report = project_report(CLOSED)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2025, 7, 20))
    row = attach_before_closing(report, people["staff_own"])
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    client.force_login(people["staff_own"])
    url = reverse("projects:update-evidence", args=[report.pk])
    page = client.get(url)
    assert 'data-testid="evidence-closed"' in page.text and "2025Q2" in page.text
    assert 'data-testid="evidence-form"' not in page.text
    posted = client.post(url, {"files": pdf("补充.pdf")})
    assert posted.status_code == 200 and "2025Q2" in posted.text
    removed = client.post(reverse("supervision:evidence-remove", args=[row.pk]), follow=True)
    assert removed.status_code == 200 and "2025Q2" in removed.text
    assert list(Evidence.objects.active().values_list("name", flat=True)) == ["验收记录.pdf"]


@pytest.mark.parametrize("kind", REPORTS)
def test_a_reopening_opens_the_files_too(plan, people, kind):
    report = REPORTS[kind](CLOSED)
    staff = people["staff_own"]
    scope, object_id = (
        (ReopenScope.PROJECT, report.project_id) if kind == "project"
        else (ReopenScope.TASK, report.task_id)
    )  # fmt: skip
    request = cycle.reopen_request_submit(
        plan=plan, unit=Unit.objects.get(name="市科技局"), period=CLOSED, scope=scope,
        object_id=object_id, subject="s", reason="补充佐证", user=staff, today=TODAY,
    )  # fmt: skip
    cycle.reopen_grant(request_id=request.pk, user=people["reviewer"], days=7, today=TODAY)
    (row,) = evidence_add(report=report, user=staff, uploads=[pdf()])
    evidence_remove(evidence=row, user=staff)
    assert Evidence.objects.get().removed_at is not None


@pytest.mark.parametrize("kind", REPORTS)
@pytest.mark.parametrize("change", ["add", "remove"])
def test_changing_an_approved_reports_files_sends_it_back_for_review(people, kind, change):
    report = REPORTS[kind](OPEN)
    staff = people["staff_own"]
    row = attach_before_closing(report, staff)
    report.refresh_from_db()
    review_approve(report=report, user=people["reviewer"], seen_token=token(report))
    report.refresh_from_db()
    assert report.review_state == ReviewState.APPROVED
    if kind == "project":
        assert Project.objects.get(pk=report.project_id).approved_percent == 10
    if change == "add":
        evidence_add(report=report, user=staff, uploads=[pdf("补充.pdf")])
    else:
        evidence_remove(evidence=row, user=staff)
    report.refresh_from_db()
    assert report.review_state == ReviewState.SUBMITTED and report.edited_after_approval
    last = report.history.latest("history_date", "history_id")
    assert last.history_user == staff and last.review_state == ReviewState.SUBMITTED
    if kind == "project":  # the project no longer counts this report as approved
        assert Project.objects.get(pk=report.project_id).approved_percent != 10


def test_an_approval_that_required_evidence_does_not_outlive_its_only_file(people):
    report = project_report(OPEN)
    staff, reviewer = people["staff_own"], people["reviewer"]
    row = attach_before_closing(report, staff)
    report.refresh_from_db()
    review_approve(report=report, user=reviewer, seen_token=token(report), require_evidence=True)
    evidence_remove(evidence=row, user=staff)
    report.refresh_from_db()
    assert report.review_state == ReviewState.SUBMITTED
    with pytest.raises(ValidationError) as refused:  # and it cannot be approved so again
        review_approve(report=report, user=reviewer, seen_token=token(report),
                       require_evidence=True)  # fmt: skip
    assert "require_evidence" in refused.value.message_dict


def test_the_review_page_lists_files_added_and_removed_since_the_last_review(client, people):
    report = project_report(OPEN)
    staff, reviewer = people["staff_own"], people["reviewer"]
    old = attach_before_closing(report, staff)
    report.refresh_from_db()
    review_approve(report=report, user=reviewer, seen_token=token(report))
    evidence_add(report=report, user=staff, uploads=[pdf("新增材料.pdf")])
    evidence_remove(evidence=old, user=staff)
    client.force_login(reviewer)
    page = client.get(reverse("supervision:review-detail", args=["project", report.pk]))
    changes = page.context["file_changes"]
    assert [(c.evidence.name, c.added) for c in changes] == [
        ("新增材料.pdf", True), ("验收记录.pdf", False)
    ]  # fmt: skip
    assert 'data-testid="file-changes"' in page.text and "新增材料.pdf" in page.text


def test_approving_a_report_whose_files_changed_since_the_page_was_opened_is_refused(
    client, people
):
    report = project_report(OPEN)
    staff, reviewer = people["staff_own"], people["reviewer"]
    client.force_login(reviewer)
    url = reverse("supervision:review-detail", args=["project", report.pk])
    seen = client.get(url).context["forms"]["approve"].initial["token"]
    evidence_add(report=report, user=staff, uploads=[pdf("后补材料.pdf")])
    response = client.post(url, {"action": "approve", "approve-token": seen})
    assert response.status_code == 409
    report.refresh_from_db()
    assert report.review_state == ReviewState.SUBMITTED
    assert "后补材料.pdf" in response.text  # the page now shows the file
