"""``manage.py seed_scale --projects N``: a synthetic plan of its own, for benchmarks.

Deterministic (seeded), and apart from the real plan: a plan coded ``scale-N`` spanning ten years
(2016-2025), 200 units, 1,000 staff users, nine tasks shared by the units, six annexes with N
projects, 20 quarterly reports per project (2021Q1-2025Q4), a task report for every unit, task and
period, 500 indicators with ten years of values and some revised targets (fewer units, users and
indicators below 10,000 projects: ``supporting``). Rows are bulk-inserted
without history rows (history is what the forms write; a seed is not a user's change).
"""

import datetime as dt
import random
import time
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from indicators.models import (
    Indicator,
    Observation,
    PeerBatch,
    PeerGroup,
    PeerMember,
    PeerValue,
    Target,
    TargetRevision,
)
from plan.figures_cache import figures_changed
from plan.models import Column, Plan, Responsibility, Task, Unit, UnitMembership
from plan.periods import Period, due_date
from plan.permissions import STAFF
from projects.models import Annex, Project, ProjectStatus, ProjectUpdate
from supervision.models import ReviewState, TaskReport

SHANGHAI = ZoneInfo("Asia/Shanghai")
UNITS, USERS, INDICATORS = 200, 1000, 500  # at 10,000 projects and more


def supporting(projects: int) -> tuple[int, int, int]:
    """Units, users and indicators beside ``projects``: the full set from 10,000 projects, in
    proportion below (at least 10 units and indicators, 20 users), so that a plan of a few dozen
    projects (the benchmark's own test) is not dominated by 500 indicators of 40 peers each."""
    return (max(10, min(UNITS, projects // 50)), max(20, min(USERS, projects // 10)),
            max(10, min(INDICATORS, projects // 20)))  # fmt: skip


# Synthetic load-test accounts only (bandit B105 answered).
PASSWORD = "scale-test-2025"  # nosec B105
FIRST, LAST = Period(2021, 1), Period(2025, 4)
PEERS = 40  # places in the synthetic peer group, the home city included
PEER_YEARS = range(2022, 2026)
BATCH = 5000


def scale_code(projects: int) -> str:
    return f"scale-{projects}"


def periods() -> list[Period]:
    out, p = [], FIRST
    while p <= LAST:
        out.append(p)
        p = p.next()
    return out


def review_state(period: Period, rng: random.Random) -> str:
    """As in a running system at the last quarter's review: every report of an earlier quarter
    approved; of the last quarter's, most still waiting for review, a few returned, the rest
    approved. (All waiting made the review queue hold 1.2 million reports at 50,000 projects
    and left the approved view of the figures empty: neither is what anyone meets.)"""
    if period < LAST:
        return ReviewState.APPROVED
    draw = rng.random()
    return (
        ReviewState.SUBMITTED if draw < 0.6
        else ReviewState.RETURNED if draw < 0.65
        else ReviewState.APPROVED
    )  # fmt: skip


def submitted(period: Period, rng: random.Random) -> dt.datetime:
    day = due_date(period, 10) - dt.timedelta(days=rng.randint(-9, 3))
    return dt.datetime.combine(day, dt.time(10), tzinfo=SHANGHAI)


class Command(BaseCommand):
    help = "Build a deterministic synthetic plan with N projects (the real plan is untouched)."

    def add_arguments(self, parser):
        parser.add_argument("--projects", type=int, default=10_000)
        parser.add_argument("--reset", action="store_true", help="Rebuild it if it exists.")

    def handle(self, *args, projects, reset, **options):
        code = scale_code(projects)
        existing = Plan.objects.filter(code=code).first()
        if existing and not reset:
            self.stdout.write(f"{code} exists; --reset rebuilds it.")
            return
        started = time.perf_counter()
        with transaction.atomic():
            if existing:
                self.remove(existing)
            self.build(code, projects)
            figures_changed()  # bulk writes send no signals
        # Bulk inserts leave the planner without statistics until autovacuum gets round to it;
        # plans chosen on empty statistics (nested loops over "1 row") are not what a running
        # database does, and made the benchmark measure them.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(self.style.SUCCESS(
            f"{code}: built in {time.perf_counter() - started:.1f} s"))  # fmt: skip

    def remove(self, plan):
        ProjectUpdate.objects.filter(project__annex__plan=plan).delete()
        Project.objects.filter(annex__plan=plan).delete()
        TaskReport.objects.filter(task__plan=plan).delete()
        plan.delete()
        PeerGroup.objects.filter(name=f"{plan.code}对标组").delete()
        get_user_model().objects.filter(username__startswith=f"{plan.code}-").delete()
        Unit.objects.filter(name__startswith=f"{plan.code}单位").delete()

    def build(self, code, count):
        # Seeded for repeatable synthetic data, nothing secret (bandit B311 answered).
        rng = random.Random(code)  # nosec B311
        unit_count, user_count, self.indicator_count = supporting(count)
        plan = Plan.objects.create(
            code=code, title=f"规模测试计划（{count}个项目）", issuer="（合成数据）",
            start_year=2016, end_year=2025, is_current=False, state="active", report_due_days=10,
            reporting_start_year=FIRST.year, reporting_start_quarter=FIRST.quarter,
            data_notes="Synthetic data for benchmarks and load tests (manage.py seed_scale).",
        )  # fmt: skip
        units = Unit.objects.bulk_create(
            Unit(name=f"{code}单位{i:03d}", sort_order=1000 + i) for i in range(unit_count)
        )
        hashed = make_password(PASSWORD)
        User = get_user_model()
        users = User.objects.bulk_create(
            User(username=f"{code}-user{i:04d}", password=hashed) for i in range(user_count)
        )
        Group.objects.get_or_create(name=STAFF)[0].user_set.add(*users)
        UnitMembership.objects.bulk_create(
            UnitMembership(user=user, unit=units[i % unit_count]) for i, user in enumerate(users)
        )
        tasks = Task.objects.bulk_create(
            Task(plan=plan, number=n, short_title=f"合成任务{n}", programme=f"实施合成工程{n}",
                 full_text="合成数据。") for n in range(1, 10)
        )  # fmt: skip
        responsibilities = []
        for i, unit in enumerate(units):
            for k in range(3):
                task = tasks[(i + k * 3) % 9]
                responsibilities.append((task, unit))
        orders: dict[int, int] = {}
        rows = []
        for task, unit in responsibilities:
            orders[task.pk] = orders.get(task.pk, 0) + 1
            rows.append(Responsibility(task=task, unit=unit, order=orders[task.pk]))
        Responsibility.objects.bulk_create(rows, batch_size=BATCH)
        columns = Column.objects.bulk_create(
            Column(plan=plan, task=tasks[n], number=n + 1, title=f"合成专栏{n + 1}", text="")
            for n in range(5)
        )
        annexes = Annex.objects.bulk_create(
            Annex(plan=plan, column=columns[min(n, 4)], number=n + 1, title=f"合成附表{n + 1}")
            for n in range(6)
        )
        projects = []
        for i in range(count):
            start = dt.date(2021, rng.choice([1, 4, 7]), 1)
            projects.append(Project(
                annex=annexes[i % 6], order=i // 6 + 1, name=f"合成项目{i:05d}",
                builder=f"建设单位{i % 97}", unit=units[i % len(units)], location="吉林市",
                content="合成数据。", total_investment=Decimal(rng.randrange(100, 100_000)),
                planned_start=start, planned_end=dt.date(rng.choice([2024, 2025, 2026]), 12, 31),
            ))  # fmt: skip
        projects = Project.objects.bulk_create(projects, batch_size=BATCH)
        self.reports(projects, rng)
        self.task_reports(plan, rng)
        self.indicators(plan, units, rng)

    def reports(self, projects, rng):
        quarters = periods()
        batch = []
        states = [ProjectStatus.IN_PROGRESS] * 6 + [ProjectStatus.LAGGING, ProjectStatus.SUSPENDED]
        for project in projects:
            percent, fate = 0, rng.choice(states)
            for period in quarters:
                percent = min(100, percent + rng.randint(0, 9))
                status = ProjectStatus.COMPLETED if percent == 100 else fate
                state = review_state(period, rng)
                batch.append(ProjectUpdate(
                    project=project, year=period.year, quarter=period.quarter, status=status,
                    percent_complete=percent, progress=f"合成进展{period}",
                    submitted_at=submitted(period, rng), review_state=state,
                ))  # fmt: skip
                if state == ReviewState.APPROVED:
                    project.approved_status, project.approved_percent = status, percent
            project.status, project.percent_complete = status, percent
            project.last_reported_at = batch[-1].submitted_at
            if len(batch) >= BATCH:
                ProjectUpdate.objects.bulk_create(batch)
                batch = []
        ProjectUpdate.objects.bulk_create(batch)
        Project.objects.bulk_update(
            projects, ["status", "percent_complete", "last_reported_at", "approved_status",
                       "approved_percent"], batch_size=BATCH,
        )  # fmt: skip

    def task_reports(self, plan, rng):
        batch = []
        for r in Responsibility.objects.filter(task__plan=plan).select_related("task"):
            for period in periods():
                if rng.random() < 0.05:
                    continue
                batch.append(TaskReport(
                    task=r.task, unit_id=r.unit_id, year=period.year, quarter=period.quarter,
                    status="on_track", progress="合成任务进展", submitted_at=submitted(period, rng),
                    review_state=review_state(period, rng),
                ))  # fmt: skip
        TaskReport.objects.bulk_create(batch, batch_size=BATCH)

    def indicators(self, plan, units, rng):
        indicators = Indicator.objects.bulk_create(
            Indicator(plan=plan, code=f"scale-{i:03d}", order=i, name=f"合成指标{i:03d}",
                      unit_of_measure="%" if i % 3 == 0 else "家", baseline_year=2015,
                      baseline_value=Decimal(rng.randrange(10, 50)),
                      responsible_unit=units[i % len(units)])
            for i in range(self.indicator_count)
        )  # fmt: skip
        targets = Target.objects.bulk_create(
            Target(indicator=i, year=2025, value=i.baseline_value + 40,
                   original_value=i.baseline_value + 40) for i in indicators
        )  # fmt: skip
        revised = targets[::10]
        TargetRevision.objects.bulk_create(
            TargetRevision(target=t, old_value=t.value, new_value=t.value - 5, reason="合成调整")
            for t in revised
        )
        for t in revised:
            t.value -= 5
        Target.objects.bulk_update(revised, ["value"])
        Observation.objects.bulk_create(
            (Observation(indicator=i, year=year,
                         value=min(Decimal(99), i.baseline_value + (year - 2015) * 4
                                   + rng.randint(-3, 3)),
                         # the last year's values waiting for review, the earlier approved
                         review_state=ReviewState.APPROVED if year < LAST.year
                         else ReviewState.SUBMITTED)
             for i in indicators for year in range(2016, 2026)),
            batch_size=BATCH,
        )  # fmt: skip
        self.peers(plan, indicators, rng)

    def peers(self, plan, indicators, rng):
        """Every indicator against one group of PEERS places (the home city among them), every
        other one ranked; an approved batch per indicator and year for PEER_YEARS."""
        group = PeerGroup.objects.create(name=f"{plan.code}对标组")
        places = ["吉林市", *(f"对标城市{n:02d}" for n in range(1, PEERS))]
        PeerMember.objects.bulk_create(
            PeerMember(group=group, place=place, is_home=n == 0) for n, place in enumerate(places)
        )
        for n, indicator in enumerate(indicators):
            indicator.peer_group = group
            if n % 2:
                indicator.kind = Indicator.Kind.RANK
        Indicator.objects.bulk_update(indicators, ["peer_group", "kind"], batch_size=BATCH)
        Target.objects.filter(indicator__in=indicators[1::2]).update(rank=10, original_rank=10)
        batches = PeerBatch.objects.bulk_create(
            PeerBatch(indicator=i, year=year, source=f"合成统计公报 {year}",
                      review_state=ReviewState.APPROVED)
            for i in indicators for year in PEER_YEARS
        )  # fmt: skip
        PeerValue.objects.bulk_create(
            (PeerValue(batch=b, indicator_id=b.indicator_id, year=b.year, place=place,
                       value=Decimal(rng.randrange(100, 5000)) / 100)
             for b in batches for place in places),
            batch_size=BATCH,
        )  # fmt: skip
