"""Issue 23's remaining point: a past quarter's briefing uses the figures as at that quarter's
end (the reports submitted, or approved, by its close), not today's, so it reads the same when
generated again later."""

import datetime as dt
import io
from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone
from docx import Document

from dashboard import briefing, cockpit
from indicators.models import Indicator, Observation, TargetRevision
from indicators.services import target_revise
from plan.figures_cache import figures_changed
from plan.periods import Period, ReportState
from plan.permissions import ADMINISTRATOR, REVIEWER
from projects.models import Project, ProjectStatus, ProjectUpdate
from supervision.models import ReviewState, TaskReport, TaskReportStatus
from supervision.reporting import task_matrix
from supervision.review import review_approve, review_return, review_unapprove, token
from tests.factories import UserFactory

PAST = Period(2025, 2)
STATUSES = [s for s, _label in ProjectStatus.choices]


def statuses(b) -> dict:
    return {s: b.projects.get(s, 0) for s in [*STATUSES, "all", "lagging_rule"]}


@pytest.fixture
def demo(plan):
    call_command("load_demo", stdout=io.StringIO())
    plan.refresh_from_db()  # the demo's periods close a year after they are due
    return plan


def test_a_past_quarters_figures_are_its_reports_by_its_close(demo):
    cutoff = cockpit.as_at_cutoff(demo, Period(2022, 4))
    first = briefing.collect(demo, Period(2022, 4), approved=False)
    # In the demo every project reported for 2022Q4, its first period.
    reports = ProjectUpdate.objects.filter(year=2022, quarter=4, submitted_at__lt=cutoff)
    expected = Counter(reports.values_list("status", flat=True))
    expected[ProjectStatus.NOT_STARTED] += Project.objects.count() - reports.count()
    assert {s: first.projects.get(s, 0) for s in STATUSES} == {s: expected[s] for s in STATUSES}
    assert first.projects["all"] == Project.objects.count()


@pytest.mark.parametrize("approved", [True, False])
def test_a_past_quarters_briefing_reads_the_same_after_later_reports(demo, approved):
    before = briefing.collect(demo, PAST, approved=approved)
    today = cockpit.project_figures(demo, timezone.localdate(), approved=approved)[0]
    assert statuses(before) != {k: today.get(k, 0) for k in statuses(before)}, (
        "the demo's later reports moved the figures on since 2025Q2"
    )
    # Later: every waiting report approved now, every project reported completed.
    ProjectUpdate.objects.filter(review_state=ReviewState.SUBMITTED).update(
        review_state=ReviewState.APPROVED, reviewed_at=timezone.now()
    )
    Project.objects.update(status=ProjectStatus.COMPLETED, approved_status=ProjectStatus.COMPLETED,
                           percent_complete=100, approved_percent=100)  # fmt: skip
    after = briefing.collect(demo, PAST, approved=approved)
    assert statuses(after) == statuses(before)
    assert [t.rollup for t in after.tasks] == [t.rollup for t in before.tasks]
    assert [(p.pk, p.percent_complete) for p in after.lagging] == [
        (p.pk, p.percent_complete) for p in before.lagging
    ]
    # The document says which figures it used, and shows the as-at count.
    name, content = briefing.generate(demo, PAST, approved)
    text = "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
    assert "2025年第二季度末" in text or "2025年第二季度" in text
    assert str(before.projects["lagging_rule"]) in text


# --- the indicator and reporting figures (issue 23) -------------------------------------------


def document_text(content: bytes) -> list[str]:
    """Every paragraph and table cell of a generated briefing, but the line that says when it
    was generated."""
    doc = Document(io.BytesIO(content))
    lines = [p.text for i, p in enumerate(doc.paragraphs) if i != 1]
    assert "生成时间" in doc.paragraphs[1].text
    for table in doc.tables:
        lines += [" | ".join(cell.text for cell in row.cells) for row in table.rows]
    return lines


def live_reporting(plan, period):
    """Today's reporting figures for ``period``: the cockpit's and the matrix's (what a past
    briefing showed before it was taken as at the period's close)."""
    completeness = cockpit.reporting_completeness(plan, period, timezone.localdate())
    units = briefing.late_units(plan, period, timezone.localdate())
    return completeness, [(u.unit.pk, u.late, u.missing, u.returned, u.marks) for u in units]


def later_changes(plan) -> None:
    """What happens after 2025Q2 closed: a missing task report and a missing project report
    come in and are approved, an approved task report and project report are returned, an
    indicator value is corrected, another is entered and approved, a target is revised."""
    reviewer = UserFactory(username="later-reviewer", role=REVIEWER)
    admin = UserFactory(username="later-admin", role=ADMINISTRATOR)
    today, now = timezone.localdate(), timezone.now()
    matrix = task_matrix(plan, [PAST], today)
    unit, task_id = next(
        (row.unit, item.key) for row in matrix.unit_rows for item in row.cells[0].items
        if item.state == ReportState.OVERDUE
    )  # fmt: skip
    late = TaskReport.objects.create(
        task_id=task_id, unit=unit, year=PAST.year, quarter=PAST.quarter,
        status=TaskReportStatus.ON_TRACK, progress="补报：本季度工作已完成。", submitted_at=now,
    )  # fmt: skip
    review_approve(report=late, user=reviewer, seen_token=token(late))
    approved_report = TaskReport.objects.filter(
        task__plan=plan, year=PAST.year, quarter=PAST.quarter, review_state=ReviewState.APPROVED
    ).first()
    for report in (
        approved_report,
        ProjectUpdate.objects.filter(year=PAST.year, quarter=PAST.quarter,
                                     review_state=ReviewState.APPROVED).first(),
    ):  # fmt: skip
        report = review_unapprove(report=report, user=reviewer, seen_token=token(report),
                                  reason="复核发现数据有误")  # fmt: skip
        review_return(report=report, user=reviewer, seen_token=token(report),
                      comment="请核实后重新报送。")  # fmt: skip
    reported = ProjectUpdate.objects.filter(year=PAST.year, quarter=PAST.quarter)
    silent = Project.objects.filter(annex__plan=plan).exclude(updates__in=reported).first()
    if silent is not None:
        update = ProjectUpdate.objects.create(
            project=silent, year=PAST.year, quarter=PAST.quarter, status=ProjectStatus.COMPLETED,
            percent_complete=100, submitted_at=now,
        )  # fmt: skip
        review_approve(report=update, user=reviewer, seen_token=token(update))
    contracts = Indicator.objects.get(plan=plan, code="demo-tech-contracts")
    corrected = contracts.observations.get(year=2024, quarter=None)
    corrected.value = Decimal("58")  # above the target: met
    corrected.save()
    blank = Indicator.objects.get(plan=plan, kind=Indicator.Kind.MILESTONE, observations=None)
    entered = Observation.objects.create(
        indicator=blank, year=2024, judgement=Observation.Judgement.MET,
        judged_on=dt.date(2024, 12, 31),
    )  # fmt: skip
    review_approve(report=entered, user=reviewer, seen_token=token(entered))
    target = contracts.targets.get(year=plan.end_year)
    target_revise(target_id=target.pk, user=admin, value=Decimal("40"), rank=None,
                  statement=target.statement, reason="调整目标（测试）")  # fmt: skip
    figures_changed()


@pytest.mark.parametrize("approved", [True, False])
def test_a_past_quarters_indicator_and_reporting_figures_read_the_same_later(demo, approved):
    # Before anything changed after its close, the past quarter's briefing shows what the live
    # functions show for it: nothing reported for 2025Q2 came after the demo closed it.
    # The demo revises a target as it loads; say it was revised when the demo story has it.
    TargetRevision.objects.update(changed_at=timezone.make_aware(dt.datetime(2024, 6, 1)))
    b = briefing.collect(demo, PAST, approved=approved)
    assert b.as_at
    completeness, units = live_reporting(demo, PAST)
    for key in ("tasks", "projects"):
        got, live = b.completeness[key], completeness[key]
        assert (got.expected, got.received, got.late, got.returned) == (
            live.expected, live.received, live.late, live.returned
        )  # fmt: skip
    assert [(u.unit.pk, u.late, u.missing, u.returned, u.marks) for u in b.units] == units
    live_indicators = cockpit.indicator_progress(demo, approved=approved)
    if approved:
        # (Every report: the demo's one value waiting for review was entered as the demo
        # loaded, after the close, so 2025Q2 does not know it.)
        assert [(r.indicator.pk, r.status) for r in b.indicators] == [
            (r.indicator.pk, r.status) for r in live_indicators
        ]
    _name, content = briefing.generate(demo, PAST, approved)
    first = document_text(content)

    later_changes(demo)

    # The live figures moved...
    completeness_after, units_after = live_reporting(demo, PAST)
    assert completeness_after["tasks"].received == completeness["tasks"].received + 1
    assert completeness_after["tasks"].returned == completeness["tasks"].returned + 1
    assert units_after != units
    live_after = cockpit.indicator_progress(demo, approved=approved)
    assert [(r.indicator.pk, r.status, r.completion) for r in live_after] != [
        (r.indicator.pk, r.status, r.completion) for r in live_indicators
    ]
    # ...the past quarter's briefing did not: the same document, cell for cell.
    _name, content = briefing.generate(demo, PAST, approved)
    assert document_text(content) == first
    text = "\n".join(first)
    assert "往期通报" in text and f"截至{b.as_at_day.isoformat()}" in text
    c = b.completeness["tasks"]
    assert f"应报任务填报 {c.expected} 份，按时报送 {c.received - c.late} 份" in text


def test_returned_reports_are_those_returned_at_the_close(demo):
    """A report returned before the close and approved after it is listed as returned; one
    returned after the close is not."""
    reviewer = UserFactory(username="close-reviewer", role=REVIEWER)
    cutoff = cockpit.as_at_cutoff(demo, PAST)
    reports = list(TaskReport.objects.filter(task__plan=demo, year=PAST.year,
                                             quarter=PAST.quarter).order_by("pk")[:2])  # fmt: skip
    early, late = reports
    # Returned a day before the close (its history dated then), resubmitted and approved now.
    early.review_state, early.review_comment = ReviewState.RETURNED, "请补充佐证材料（期内退回）"
    early.reviewed_by, early.reviewed_at = reviewer, cutoff - dt.timedelta(days=1)
    early._history_date = cutoff - dt.timedelta(days=1)
    early.save()
    del early._history_date
    early.review_state, early.review_comment = ReviewState.SUBMITTED, ""
    early.save()
    early.refresh_from_db()
    review_approve(report=early, user=reviewer, seen_token=token(early))
    # Returned now, after the close.
    late = review_unapprove(report=late, user=reviewer, seen_token=token(late), reason="复核")
    review_return(report=late, user=reviewer, seen_token=token(late), comment="期后退回")

    b = briefing.collect(demo, PAST, approved=False)
    assert [r.pk for r in b.changes.returned_task_reports.rows] == [early.pk]
    assert b.completeness["tasks"].returned == 1
    _name, content = briefing.generate(demo, PAST, False)
    text = "\n".join(document_text(content))
    assert "请补充佐证材料（期内退回）" in text and "期后退回" not in text
