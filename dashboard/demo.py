"""Deterministic demo data: quarterly project reports, yearly indicator values, one user per role.

Everything here is generated from fixed seeds, so every run on the same plan gives the same rows.
It is for demonstrations and trying the dashboard out; it refuses to run where real reports exist,
and while it is loaded ``Plan.demo_data`` is set and every page shows a banner.
"""

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import F, ProtectedError
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from indicators.models import (
    Indicator,
    Observation,
    PeerBatch,
    PeerGroup,
    PeerMember,
    PeerValue,
    Target,
)
from indicators.services import target_revise
from plan.audit_retention import history_guard_lifted
from plan.figures_cache import figures_changed
from plan.models import Plan, Responsibility, Unit, UnitMembership
from plan.periods import Period
from plan.permissions import ADMINISTRATOR, LEADER, REVIEWER, STAFF
from projects.loader import ASSIGNED_BY_RULE
from projects.models import Project, ProjectStatus, ProjectUpdate
from projects.services import ReportInput, project_update_submit
from supervision.cycle import reminder_notice_send, reopen_grant, reopen_request_submit
from supervision.evidence import evidence_add
from supervision.models import (
    Evidence,
    ItemNote,
    ReminderLog,
    ReminderNotice,
    ReopenRequest,
    ReopenScope,
    ReviewState,
    SupervisionItem,
    TaskReport,
    TaskReportStatus,
    TaskSummary,
)
from supervision.review import review_return, snapshot, token

from . import demo_members

SHANGHAI = ZoneInfo("Asia/Shanghai")
FIRST_PERIOD = (2022, 4)
LAST_PERIOD = (2025, 4)
# Printed by load_demo and in the README: demo accounts exist only while demo data is loaded.
DEMO_PASSWORD = "jilin-demo-2025"  # nosec B105
DEMO_REASON = "demo"


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    unit: str | None
    description: str


DEMO_USERS = [
    DemoUser("demo-admin", ADMINISTRATOR, None, "administrator"),
    DemoUser("demo-leader", LEADER, None, "leader"),
    DemoUser("demo-reviewer", REVIEWER, None, "reviewer of the coordinating office"),
    DemoUser("demo-staff-kjj", STAFF, "市科技局", "staff of 市科技局"),
    DemoUser("demo-staff-gxj", STAFF, "市工信局", "staff of 市工信局"),
    DemoUser("demo-staff-sqa", STAFF, demo_members.CLERK_UNIT, "staff of a demo member unit"),
]

# Believable values for the numeric indicators the plan names, 2022 to 2025.
INDICATOR_PATHS = {
    "rd-intensity": [Decimal("1.02"), Decimal("1.10"), Decimal("1.18"), Decimal("1.27")],
    "fiscal-st-share": [Decimal("1.35"), Decimal("1.42"), Decimal("1.40"), Decimal("1.55")],
    "national-hte": [Decimal("318"), Decimal("372"), Decimal("421"), Decimal("468")],
}


# Demo indicators with numbers, so the cockpit's arithmetic and charts have something to show.
# Named "演示：" so no one mistakes them for the plan's own indicators, and removed with the demo.
DEMO_INDICATORS = [
    # code, name, unit, kind, unit responsible, baseline (2021), original 2025 target,
    # revised 2025 target or None, values 2022-2025
    ("demo-tech-contracts", "演示：技术合同成交额", "亿元", "numeric", "市科技局", 30, 60, 55,
     [36, 41, 47, 52]),
    ("demo-patents", "演示：每万人高价值发明专利拥有量", "件", "numeric", "市科技局", 2.1, 4.0,
     None, [2.4, 2.9, 3.4, 4.1]),
    ("demo-rd-coverage", "演示：规上工业企业研发机构覆盖率", "%", "numeric", "市工信局", 18, 35,
     None, [19, 21, 23, 26]),
    ("demo-region-rank", "演示：区域创新能力排名（东北地级市）", "", "rank", "市科技局", 8, 5, None,
     [8, 7, 7, 6]),
]  # fmt: skip


# Demo assignments: the plan does not say which unit answers for a project, so the plan's data
# gives each one to its task's lead unit (projects.loader), 市科技局 for all of them. The demo
# hands a few to other units, so that every demo clerk has projects to report on, each says so in
# its data note, and removing the demo gives them back to the lead unit. (annex, order) -> unit.
DEMO_ASSIGNMENTS = {
    (3, 1): "市工信局", (3, 2): "市工信局", (3, 3): "市工信局", (3, 6): "市工信局",
    (3, 7): "市工信局",
    (2, 5): demo_members.CLERK_UNIT, (2, 6): demo_members.CLERK_UNIT,
    (2, 11): demo_members.CLERK_UNIT, (6, 2): demo_members.CLERK_UNIT,
}  # fmt: skip
DEMO_ASSIGNED_MARK = "（演示分工）"
DEMO_ASSIGNED_NOTE = (
    DEMO_ASSIGNED_MARK + "演示数据将本项目分配给{unit}，以展示各单位的填报；计划原文未列明项目"
    "责任单位，移除演示数据后恢复为所属任务的牵头单位。"
)
# What each demo clerk finds on 我的项目 for the last quarter, whatever the seeds gave: one report
# returned, one owed, one approved (the rest wait for the reviewer). (annex, order) -> story.
RETURNED, OWED, APPROVED = "returned", "owed", "approved"
DEMO_STORIES = {
    (2, 12): RETURNED, (4, 2): OWED, (1, 3): APPROVED,  # 市科技局
    (3, 1): RETURNED, (3, 2): OWED, (3, 3): APPROVED,  # 市工信局
    (2, 5): RETURNED, (2, 11): OWED, (2, 6): APPROVED,  # the demo member unit
}  # fmt: skip


class RealDataPresent(Exception):
    """Raised instead of mixing demo rows into a database that holds real reports."""


def periods(first=FIRST_PERIOD, last=LAST_PERIOD):
    """Quarters from ``first`` to ``last`` inclusive, as (year, quarter) pairs."""
    year, quarter = first
    while (year, quarter) <= last:
        yield year, quarter
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)


def quarter_end(year: int, quarter: int) -> dt.date:
    month = quarter * 3
    next_month = dt.date(year + (month == 12), month % 12 + 1, 1)
    return next_month - dt.timedelta(days=1)


def _project_reports(project: Project, rng: random.Random, user) -> list[ProjectUpdate]:
    """One project's quarterly reports: a noisy climb with a chosen fate (on track, lagging...)."""
    fate = rng.choices(
        ["on_track", "fast", "lagging", "suspended", "late_start"], weights=[5, 2, 2, 1, 1]
    )[0]
    quarters = list(periods())
    reports, percent, invested = [], 0, Decimal(0)
    total = project.total_investment or Decimal(0)
    start_at = rng.randint(2, 4) if fate == "late_start" else 0
    for index, (year, quarter) in enumerate(quarters):
        if index < start_at:
            status, step = ProjectStatus.NOT_STARTED, 0
        elif fate == "suspended" and index >= 6:
            status, step = ProjectStatus.SUSPENDED, 0
        else:
            pace = {"fast": 11, "lagging": 4}.get(fate, 8)
            step = max(0, pace + rng.randint(-3, 3))
            status = ProjectStatus.LAGGING if fate == "lagging" else ProjectStatus.IN_PROGRESS
        percent = min(100, percent + step)
        if percent == 100:
            status = ProjectStatus.COMPLETED
        invested = (total * percent / 100).quantize(Decimal("0.01"))
        # About one report in twenty never came in, one in seven came in after the due date.
        if index > 0 and rng.random() < 0.05:
            continue
        reports.append(
            ProjectUpdate(
                project=project,
                year=year,
                quarter=quarter,
                status=status,
                percent_complete=percent,
                investment_completed=invested if total else None,
                progress=f"（演示数据）{year}年第{quarter}季度按计划推进建设，累计完成{percent}%。",
                problems="（演示数据）资金到位较慢。" if status == ProjectStatus.LAGGING else "",
                next_steps="（演示数据）加快推进下一阶段建设。" if percent < 100 else "",
                submitted_by=user,
                submitted_at=_submission_time(year, quarter, rng),
                is_demo=True,
            )
        )
    return reports


# Review in the demo: every quarter before the last is approved; in the last one about one report
# in eight was returned with a comment, the rest wait for the reviewer. Indicator values are
# approved but for one, which waits.
DEMO_CLOSE_AFTER_DAYS = 365
# A one-page PDF for the demo's evidence files (a real PDF: the upload checks the content).
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
RETURN_COMMENTS = [
    "（演示）进度描述过于笼统，请补充本季度完成的具体工程量和投资额。",
    "（演示）完成比例与上季度相比变化较大，请说明原因。",
    "（演示）请补充相关佐证材料后重新提交。",
]


def _review(report, rng: random.Random, reviewer, last: bool, fields: tuple[str, ...]) -> None:
    """Give a demo report the review state the demo story calls for (in memory, before it is
    saved in bulk with its history)."""
    submitted = report.submitted_at
    if not last:
        report.review_state = ReviewState.APPROVED
    elif rng.random() < 0.125:
        report.review_state = ReviewState.RETURNED
        report.review_comment = rng.choice(RETURN_COMMENTS)
        report.returned_fields = list(fields)
        report.returned_values = snapshot(report)
    else:
        return  # submitted, waiting for review
    report.reviewed_by = reviewer
    report.reviewed_at = submitted + dt.timedelta(days=rng.randint(2, 9), hours=rng.randint(0, 5))


def _tell(story: str | None, reports: list, rng: random.Random, reviewer) -> list:
    """The last quarter of a project's demo reports as ``DEMO_STORIES`` tells it (reviewed
    after its submission, like the seeded ones); other projects' reports as they are."""
    last = reports[-1] if reports else None
    if last is not None and (last.year, last.quarter) != LAST_PERIOD:
        last = None  # the last quarter's report never came in
    if story is None or last is None:
        return reports
    if story == OWED:
        return reports[:-1]
    last.review_state = ReviewState.APPROVED if story == APPROVED else ReviewState.RETURNED
    if story == RETURNED:
        last.review_comment = rng.choice(RETURN_COMMENTS)
        last.returned_fields = ["progress", "percent_complete"]
        last.returned_values = snapshot(last)
    last.reviewed_by = reviewer
    last.reviewed_at = last.submitted_at + dt.timedelta(days=rng.randint(2, 9))
    return reports


def _submission_time(year: int, quarter: int, rng: random.Random) -> dt.datetime:
    """Mostly within the ten days allowed after the quarter, sometimes late."""
    days = rng.randint(11, 30) if rng.random() < 0.15 else rng.randint(1, 10)
    return dt.datetime.combine(
        quarter_end(year, quarter) + dt.timedelta(days=days),
        dt.time(rng.randint(8, 17), rng.randint(0, 59)),
        tzinfo=SHANGHAI,
    )


TASK_STATUS_TEXT = {
    TaskReportStatus.ON_TRACK: "按计划推进",
    TaskReportStatus.LAGGING: "进度滞后",
    TaskReportStatus.COMPLETED: "年度任务已完成",
}


def _task_reports(plan: Plan, users: dict) -> tuple[list[TaskReport], list[TaskSummary]]:
    """Every unit's report on every task it shares, each quarter: most on time, some late,
    some never sent; and the lead unit's summary of most quarters."""
    by_unit = {
        membership.unit_id: membership.user
        for membership in UnitMembership.objects.filter(user__in=users.values())
    }
    reports, summaries = [], []
    reviewer = users["demo-reviewer"]
    responsibilities = Responsibility.objects.filter(task__plan=plan).select_related("task", "unit")
    # A collective with demo members reports through them (dashboard.demo_members).
    for r in demo_members.reporting_shares(responsibilities.order_by("task__number", "order")):
        for year, quarter in periods():
            # Seeded on purpose, for the same demo every run; nothing secret (bandit B311).
            rng = random.Random(f"{plan.code}/task/{r.task.number}/{r.unit.name}/{year}Q{quarter}")  # nosec B311
            if rng.random() < 0.08:
                continue  # never sent: overdue in the matrix
            status = rng.choices(list(TASK_STATUS_TEXT), weights=[8, 2, 1])[0]
            report = TaskReport(
                    task=r.task, unit=r.unit, year=year, quarter=quarter, status=status,
                    progress=f"（演示数据）{r.unit.name}{year}年第{quarter}季度围绕“{r.task.short_title}”"
                    f"{TASK_STATUS_TEXT[status]}。",
                    figures="（演示数据）" if rng.random() < 0.5 else "",
                    problems="（演示数据）要素保障不足。" if status == "lagging" else "",
                    submitted_by=by_unit.get(r.unit_id),
                    submitted_at=_submission_time(year, quarter, rng),
                    is_demo=True,
            )  # fmt: skip
            last = (year, quarter) == LAST_PERIOD
            _review(report, rng, reviewer, last, ("progress", "figures"))
            reports.append(report)
            if r.is_lead and rng.random() < 0.85:
                summaries.append(
                    TaskSummary(
                        task=r.task, year=year, quarter=quarter,
                        summary=f"（演示数据）{year}年第{quarter}季度，任务“{r.task.short_title}”"
                        "各责任单位总体按计划推进。",
                        written_by=by_unit.get(r.unit_id),
                        written_at=_submission_time(year, quarter, rng), is_demo=True,
                    )
                )  # fmt: skip
    return reports, summaries


def demo_plan(code: str | None = None) -> Plan | None:
    """The plan the demo belongs in: the one named by ``code``; else the one holding the demo;
    else the plan whose years hold the demo's quarters (2022Q4-2025Q4), the 2022-2025 plan,
    whichever plan is the default. A successor plan beside it never receives the demo."""
    plans = Plan.objects.all()
    if code:
        return plans.filter(code=code).first()
    return (
        plans.filter(demo_data=True).first()
        or plans.filter(start_year__lte=FIRST_PERIOD[0], end_year__gte=LAST_PERIOD[0])
        .order_by("-is_current", "-start_year", "-pk")
        .first()
    )


def has_real_reports(plan: Plan) -> bool:
    """Whether ``plan`` holds reports that are not the demo's (the demo never mixes with them)."""
    return (
        ProjectUpdate.objects.filter(project__annex__plan=plan, is_demo=False).exists()
        or TaskReport.objects.filter(task__plan=plan, is_demo=False).exists()
    )


def _remove_demo_users() -> list[str]:
    """Delete the demo's users, except one that real rows still point to (a demo login used
    for real work): that one is kept, deactivated, so nothing real loses its "who". Returns
    the user names kept."""
    kept = []
    for user in get_user_model().objects.filter(username__in=[u.username for u in DEMO_USERS]):
        try:
            with transaction.atomic():
                user.delete()
        except ProtectedError:
            user.is_active = False
            user.save(update_fields=["is_active"])
            kept.append(user.username)
    return kept


@history_guard_lifted()
def remove_demo(plan: Plan) -> list[str]:
    """Take the demo data out again: reports, values, project state it set, the cycle's rows
    (evidence files with their stored files, reopenings, reminders), demo users. The demo's
    made-up history goes too: the one place allowed past the audit trail's guard. Demo rows of
    every plan go before the users, so that other plans beside ``plan`` never block the removal;
    returns the demo users kept because real rows point to them."""
    for demo in [plan, *Plan.objects.exclude(pk=plan.pk).filter(demo_data=True)]:
        _remove_demo_rows(demo)
    _restore_assignments()  # before the demo's member units go
    kept = _remove_demo_users()
    demo_members.remove()
    figures_changed()  # bulk deletes and update(): no signal said so
    return kept


def _restore_assignments() -> None:
    """Give every project the demo handed to another unit back to its task's lead unit, with
    the plan's own note again (projects.loader's rule), in any plan."""
    moved = Project.objects.filter(data_note__startswith=DEMO_ASSIGNED_MARK).select_related(
        "annex__column__task"
    )
    for project in moved:
        lead = project.annex.column.task.responsibilities.order_by("order").first().unit_id
        Project.objects.filter(pk=project.pk).update(
            unit_id=lead, data_note=ASSIGNED_BY_RULE, version=F("version") + 1
        )


def _remove_demo_rows(plan: Plan) -> None:
    """The demo's rows of one plan, and the plan's settings the demo changed."""
    demo_users = list(
        get_user_model().objects.filter(username__in=[u.username for u in DEMO_USERS])
        .values_list("pk", flat=True)
    )  # fmt: skip
    for evidence in Evidence.objects.filter(uploaded_by__in=demo_users):
        evidence.file.delete(save=False)
    for model, field in ((Evidence, "uploaded_by"), (ReopenRequest, "requested_by"),
                         (ReminderNotice, "sent_by")):  # fmt: skip
        model.objects.filter(**{f"{field}__in": demo_users}).delete()
        model.history.filter(**{f"{field}_id__in": demo_users}).delete()
    ReminderLog.objects.filter(user__in=demo_users).delete()
    demo_items = SupervisionItem.objects.filter(plan=plan, is_demo=True)
    ids = list(demo_items.values_list("pk", flat=True))
    for item in demo_items:
        item.evidence.all().delete()
    demo_items.delete()  # their notes go with them
    ItemNote.history.filter(item_id__in=ids).delete()
    SupervisionItem.history.filter(id__in=ids).delete()
    TaskReport.objects.filter(task__plan=plan, is_demo=True).delete()
    TaskReport.history.filter(task__plan=plan, is_demo=True).delete()
    TaskSummary.objects.filter(task__plan=plan, is_demo=True).delete()
    TaskSummary.history.filter(task__plan=plan, is_demo=True).delete()
    # Rows first, then their history: deleting a row writes one more history record.
    ProjectUpdate.objects.filter(project__annex__plan=plan, is_demo=True).delete()
    ProjectUpdate.history.filter(project__annex__plan=plan, is_demo=True).delete()
    Observation.objects.filter(indicator__plan=plan, is_demo=True).delete()
    Observation.history.filter(indicator__plan=plan, is_demo=True).delete()
    demo_indicators = Indicator.objects.filter(plan=plan, is_demo=True)
    demo_ids = list(demo_indicators.values_list("pk", flat=True))
    demo_indicators.delete()  # their peer batches and values with them
    PeerBatch.history.filter(indicator_id__in=demo_ids).delete()
    PeerValue.history.filter(indicator_id__in=demo_ids).delete()
    demo_groups = list(PeerGroup.objects.filter(is_demo=True).values_list("pk", flat=True))
    PeerGroup.objects.filter(pk__in=demo_groups).delete()
    PeerGroup.history.filter(id__in=demo_groups).delete()
    PeerMember.history.filter(group_id__in=demo_groups).delete()
    Indicator.history.filter(id__in=demo_ids).delete()
    Target.history.filter(indicator_id__in=demo_ids).delete()
    Project.history.filter(annex__plan=plan, history_change_reason=DEMO_REASON).delete()
    # The projects' state is the demo's only where the demo was loaded: a plan without it keeps
    # what its units reported.
    projects = Project.objects.filter(annex__plan=plan) if plan.demo_data else []
    for project in projects:
        project.status = project.approved_status = ProjectStatus.NOT_STARTED
        project.percent_complete = project.approved_percent = 0
        project.investment_completed = None
        project.total_investment = None
        project.planned_start = None
        project.planned_end = None
        project.last_reported_at = None
        project.version += 1  # every write raises the version, so open forms see a conflict
        project.save_without_historical_record()
    Plan.objects.filter(pk=plan.pk).update(
        demo_data=False, reporting_start_year=None, reporting_start_quarter=None,
        close_after_days=0,
    )  # fmt: skip


@transaction.atomic
def load_demo(plan: Plan) -> list[DemoUser]:
    """Replace any earlier demo data on ``plan`` with a fresh, identical set; return the users."""
    if has_real_reports(plan):
        raise RealDataPresent("real progress reports exist; demo data would mix with them")
    remove_demo(plan)
    demo_members.create_units()
    users = _create_users()
    reporter = users["demo-staff-kjj"]
    reviewer = users["demo-reviewer"]
    all_reports = []
    projects = list(
        Project.objects.filter(annex__plan=plan)
        .select_related("annex")
        .order_by("annex__number", "order")
    )
    clerks = {unit.name: user for user in users.values() for unit in user.units.all()}
    assign_to = {name: Unit.objects.get(name=name) for name in set(DEMO_ASSIGNMENTS.values())}
    for project in projects:
        place = (project.annex.number, project.order)
        # Only a project still where the plan's rule put it moves: an administrator's choice
        # stands, and so does a real unit's work.
        if place in DEMO_ASSIGNMENTS and project.data_note == ASSIGNED_BY_RULE:
            project.unit = assign_to[DEMO_ASSIGNMENTS[place]]
            project.data_note = DEMO_ASSIGNED_NOTE.format(unit=project.unit.name)
        # The demo clerk of the project's unit files its reports (市科技局's clerk by default).
        filer = clerks.get(project.unit.name, reporter)
        rng = random.Random(f"{plan.code}/{project.annex.number}/{project.order}")  # nosec B311
        project.total_investment = Decimal(rng.randrange(2_000, 200_000, 500))
        project.planned_start = dt.date(2022, rng.choice([7, 10]), 1)
        project.planned_end = dt.date(rng.choice([2024, 2025, 2025, 2026]), 12, 31)
        reports = _project_reports(project, rng, filer)
        review_rng = random.Random(f"{plan.code}/review/{project.annex.number}/{project.order}")  # nosec B311
        for report in reports:
            last = (report.year, report.quarter) == LAST_PERIOD
            _review(report, review_rng, reviewer, last, ("progress", "percent_complete"))
        reports = _tell(DEMO_STORIES.get(place), reports, review_rng, reviewer)
        approved = [r for r in reports if r.review_state == ReviewState.APPROVED]
        if approved:
            project.approved_status = approved[-1].status
            project.approved_percent = approved[-1].percent_complete
        latest = reports[-1]
        project.status = latest.status
        project.percent_complete = latest.percent_complete
        project.investment_completed = latest.investment_completed
        project.last_reported_at = latest.submitted_at
        project.version += 1
        project._change_reason = DEMO_REASON
        project._history_user = filer
        project.save()
        all_reports.extend(reports)
    for report in all_reports:
        # History dated when the demo says the report was made, not when the demo was loaded.
        report._history_date = report.submitted_at
    bulk_create_with_history(
        all_reports, ProjectUpdate, default_user=reporter, default_change_reason=DEMO_REASON
    )
    observations = []
    for indicator in Indicator.objects.filter(plan=plan, code__in=INDICATOR_PATHS):
        for year, value in zip(plan.years, INDICATOR_PATHS[indicator.code], strict=False):
            observations.append(
                Observation(
                    indicator=indicator,
                    year=year,
                    value=value,
                    source="（演示数据）",
                    note="演示数据，非统计部门公布值。",
                    is_demo=True,
                    **_approved_value(year, reviewer),
                )
            )
    bulk_create_with_history(observations, Observation, default_change_reason=DEMO_REASON)
    _demo_indicators(plan, users["demo-admin"], reviewer)
    _demo_peers(plan, users["demo-admin"], reviewer)
    task_reports, summaries = _task_reports(plan, users)
    for row in task_reports:
        row._history_date = row.submitted_at
    for row in summaries:
        row._history_date = row.written_at
    bulk_create_with_history(task_reports, TaskReport, default_change_reason=DEMO_REASON)
    bulk_create_with_history(summaries, TaskSummary, default_change_reason=DEMO_REASON)
    # The demo's reports start with the plan's publication quarter (it was issued in November
    # 2022); an administrator sets this for real data. Its periods close a year after their due
    # date, so that in 2026 the older quarters are closed and the last one can still be fixed.
    Plan.objects.filter(pk=plan.pk).update(
        demo_data=True,
        reporting_start_year=FIRST_PERIOD[0],
        reporting_start_quarter=FIRST_PERIOD[1],
        close_after_days=DEMO_CLOSE_AFTER_DAYS,
    )
    plan.refresh_from_db()
    _demo_cycle(plan, users, projects)
    _demo_items(plan, users, projects)
    figures_changed()  # bulk inserts and update(): no signal said so
    return DEMO_USERS


def _demo_items(plan: Plan, users: dict, projects: list[Project]) -> None:
    """Supervision items (督办件) in every state, through the services (so with their history),
    each marked as demo in its text and its ``is_demo`` flag."""
    from supervision import items as svc

    leader, office = users["demo-leader"], users["demo-reviewer"]
    kjj, gxj = users["demo-staff-kjj"], users["demo-staff-gxj"]
    lead, co = Unit.objects.get(name="市科技局"), Unit.objects.get(name="市工信局")
    today = timezone.localdate()
    texts = ["加快推进，月底前报进展", "研究解决用地问题，两周内报方案", "协调配套资金到位",
             "总结经验做法，形成简报", "加强调度，确保年底投产", "梳理存在问题，提出对策建议",
             "按期完成年度目标"]  # fmt: skip
    made = []
    for i, text in enumerate(texts):
        project = projects[i % len(projects)] if projects else None
        subject = svc.find_subject("project", project.pk) if project else None
        item = svc.create_item(user=leader, plan=plan, instruction=f"【演示】{text}",
                               subject=subject)  # fmt: skip
        SupervisionItem.objects.filter(pk=item.pk).update(is_demo=True)
        made.append(item)
    _registered, assigned, progress, answered, returned, closed, overdue = made

    def assign(item, days):
        return svc.assign_item(item=item, user=office, version=item.version, lead_unit=lead,
                               co_units=[co], deadline=today + dt.timedelta(days=days))  # fmt: skip

    assign(assigned, 30)
    progress = assign(progress, 5)  # blue: due soon
    svc.add_note(item=progress, user=gxj, version=progress.version, text="【演示】已协调用地指标。")
    progress.refresh_from_db()
    svc.add_note(item=progress, user=kjj, version=progress.version, text="【演示】方案起草中。")
    for item in (answered, returned, closed):
        item = assign(item, 20)
        item = svc.answer_item(item=item, user=kjj, version=item.version,
                               answer="【演示】已按批示要求办理完毕。")  # fmt: skip
        if item.pk == returned.pk:
            svc.return_item(item=item, user=office, version=item.version,
                            comment="【演示】请补充佐证材料。")  # fmt: skip
        elif item.pk == closed.pk:
            svc.close_item(item=item, user=office, version=item.version)
    overdue = assign(overdue, 1)
    overdue.deadline = today - dt.timedelta(days=3)  # red: past its deadline, unanswered
    overdue._change_reason = DEMO_REASON
    overdue.save()


def _demo_cycle(plan: Plan, users: dict, projects: list[Project]) -> None:
    """The rest of the quarterly cycle, through the same services as the users: a report
    returned and resubmitted (its history shows both), evidence files, a closed period reopened
    for one project, and a reviewer's reminder to a unit."""
    reviewer, staff = users["demo-reviewer"], users["demo-staff-kjj"]
    last = Period(*LAST_PERIOD)
    today = timezone.localdate()
    first = projects[0]
    report = first.updates.get(year=last.year, quarter=last.quarter)
    if report.review_state == ReviewState.SUBMITTED:
        review_return(report=report, user=reviewer, seen_token=token(report),
                      comment=RETURN_COMMENTS[0], fields=["progress"])  # fmt: skip
        report.refresh_from_db()
    first.refresh_from_db()
    fixed = project_update_submit(
        project_id=first.pk, user=staff, expected_version=first.version, replace=True,
        data=ReportInput(period=last, status=report.status,
                         percent_complete=report.percent_complete,
                         investment_completed=report.investment_completed,
                         progress=f"{report.progress}（演示）本季度完成主体结构验收，累计浇筑混凝土1.2万立方米。",
                         problems=report.problems, next_steps=report.next_steps),
        today=today,
    )  # fmt: skip
    # The service's save of the project is part of the demo, and goes with it (tagging the
    # demo's own history row is allowed past the audit trail's guard: plan.audit_retention).
    with history_guard_lifted():
        Project.history.filter(id=first.pk, history_change_reason=None).update(
            history_change_reason=DEMO_REASON
        )
    pdf = SimpleUploadedFile("（演示）主体结构验收记录.pdf", DEMO_PDF)
    evidence_add(report=fixed, user=staff, uploads=[pdf])
    task_report = (
        TaskReport.objects.filter(task__plan=plan, unit__name="市科技局", year=last.year,
                                  quarter=last.quarter)
        .order_by("task__number").first()
    )  # fmt: skip
    if task_report is not None:
        pdf = SimpleUploadedFile("（演示）高新技术企业认定名单.pdf", DEMO_PDF)
        evidence_add(report=task_report, user=staff, uploads=[pdf])
    # The quarter before the last is closed; 市科技局 asked to correct one project, and got it.
    earlier = plan.reporting_periods[-2]
    if plan.is_closed(earlier, today):
        request = reopen_request_submit(
            plan=plan, unit=first.unit, period=earlier, scope=ReopenScope.PROJECT,
            object_id=first.pk, subject=first.name, user=staff, today=today,
            reason="（演示）发现该季度完成投资额填报有误，需要更正。",
        )  # fmt: skip
        reopen_grant(request_id=request.pk, user=reviewer, days=7, today=today,
                     comment="（演示）同意，请于7日内更正。")  # fmt: skip
    reminder_notice_send(plan=plan, unit=Unit.objects.get(name="市工信局"), period=last,
                         kind="tasks", user=reviewer)  # fmt: skip


def _approved_value(year: int, reviewer) -> dict:
    """Review fields of an approved demo value: approved in the spring after its year."""
    moment = dt.datetime(year + 1, 3, 15, 10, 0, tzinfo=SHANGHAI)
    return {"review_state": ReviewState.APPROVED, "reviewed_by": reviewer, "reviewed_at": moment}


def _demo_indicators(plan: Plan, admin, reviewer) -> None:
    """Demo indicators with a baseline, a 2025 target (one revised) and four years of values."""
    start = Indicator.objects.filter(plan=plan).count()
    for order, row in enumerate(DEMO_INDICATORS, start=start + 1):
        code, name, measure, kind, unit, baseline, target, revised, values = row
        rank = kind == "rank"
        indicator = Indicator.objects.create(
            plan=plan, code=code, order=order, name=name, unit_of_measure=measure, kind=kind,
            direction="lower" if rank else "higher", baseline_year=plan.start_year - 1,
            baseline_value=Decimal(str(baseline)), responsible_unit=Unit.objects.get(name=unit),
            definition="演示数据：仅用于展示进度算法和图表。", data_source="（演示）", is_demo=True,
        )  # fmt: skip
        goal = {"rank": target} if rank else {"value": Decimal(str(target))}
        original = {"original_rank": target} if rank else {"original_value": Decimal(str(target))}
        end = Target.objects.create(indicator=indicator, year=plan.end_year, **goal, **original)
        if revised is not None:
            target_revise(
                target_id=end.pk, user=admin, value=Decimal(str(revised)), rank=None,
                statement="", reason="（演示）受外部环境影响，经领导小组同意下调目标。",
            )  # fmt: skip
        # With their history, like the other demo rows: a past quarter's briefing reads a
        # value as its history held it then (dashboard.briefing_asat).
        bulk_create_with_history(
            [Observation(
                indicator=indicator,
                year=year,
                is_demo=True,
                source="（演示）",
                rank=value if rank else None,
                value=None if rank else Decimal(str(value)),
                # The last value of the first demo indicator waits for the reviewer.
                **(
                    {}
                    if (code, year) == (DEMO_INDICATORS[0][0], plan.end_year)
                    else _approved_value(year, reviewer)
                ),
            )  # fmt: skip
            for year, value in zip(plan.years, values, strict=True)],
            Observation, default_change_reason=DEMO_REASON,
        )  # fmt: skip


DEMO_GROUP = "东北地区地级城市（演示）"
# Made-up R&D intensities (%), 2021-2025, of twelve made-up peers: demo data only.
DEMO_PEERS = [(f"演示城市{chr(65 + i)}", 0.9 + 0.17 * i) for i in range(12)]
DEMO_HOME = [1.30, 1.42, 1.66, 1.95, 2.30]


def _demo_peers(plan: Plan, admin, reviewer) -> None:
    """One peer group filled with made-up places, labelled demo, and a demo ranked indicator
    with five approved yearly batches and a top-5 target read from "前列"."""
    group = PeerGroup.objects.create(
        name=DEMO_GROUP, is_demo=True, description="演示数据：地区和数值均为虚构。"
    )
    PeerMember.objects.create(group=group, place="吉林市", is_home=True)
    PeerMember.objects.bulk_create(
        PeerMember(group=group, place=place, from_year=2023 if i == 11 else None)
        for i, (place, _value) in enumerate(DEMO_PEERS)
    )
    indicator = Indicator.objects.create(
        plan=plan, code="demo-rd-rank", order=Indicator.objects.filter(plan=plan).count() + 1,
        name="（演示）R&D投入强度在东北地区地级城市中的排名", unit_of_measure="%",
        kind=Indicator.Kind.RANK, peer_group=group, baseline_year=plan.start_year - 1,
        responsible_unit=Unit.objects.get(name="市科技局"), data_source="（演示）",
        definition="演示数据：仅用于展示排名的计算。", is_demo=True,
    )  # fmt: skip
    Target.objects.create(
        indicator=indicator, year=plan.end_year, rank=5, statement="争创东北地区地级城市前列",
        original_statement="争创东北地区地级城市前列", reading_note="（演示）前列 read as top 5",
    )  # fmt: skip
    for step, year in enumerate(range(plan.start_year - 1, plan.end_year + 1)):
        batch = PeerBatch.objects.create(
            indicator=indicator, year=year, source=f"（演示）{year}年统计公报", is_demo=True,
            entered_by=admin, **_approved_value(year, reviewer),
        )  # fmt: skip
        values = {"吉林市": DEMO_HOME[step]} | {
            place: value + 0.05 * step
            for i, (place, value) in enumerate(DEMO_PEERS)
            if not (i == 11 and year < 2023) and not (i == 3 and year == 2024)  # one missing
        }
        PeerValue.objects.bulk_create(
            PeerValue(batch=batch, indicator=indicator, year=year, place=place,
                      value=Decimal(str(round(value, 2))))
            for place, value in values.items()
        )  # fmt: skip
        if year >= plan.start_year:
            Observation.objects.create(
                indicator=indicator, year=year, value=Decimal(str(DEMO_HOME[step])),
                source="（演示）单位上报", is_demo=True, **_approved_value(year, reviewer),
            )  # fmt: skip


def _create_users() -> dict:
    User = get_user_model()
    users = {}
    for demo in DEMO_USERS:
        # A demo user kept by the removal (real rows point to it) is taken up again as it is.
        user = User.objects.filter(username=demo.username).first() or User(username=demo.username)
        user.is_active = True
        user.is_staff = demo.role == ADMINISTRATOR
        user.is_superuser = demo.role == ADMINISTRATOR
        user.set_password(DEMO_PASSWORD)
        # An example address (RFC 2606's example.com never delivers), so that the reminder
        # digest can be seen on the console's e-mail backend in the demo.
        user.email = user.email or f"{demo.username}@example.com"
        user.save()
        user.groups.add(Group.objects.get_or_create(name=demo.role)[0])
        if demo.unit:
            UnitMembership.objects.get_or_create(user=user, unit=Unit.objects.get(name=demo.unit))
        users[demo.username] = user
    return users
