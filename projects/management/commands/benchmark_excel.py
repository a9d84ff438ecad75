"""``manage.py benchmark_excel``: time and peak memory of the annex export and import at scale.

Runs inside a transaction that is rolled back, so the database is left as it was. Peak memory
is Python's own allocations (tracemalloc) during each step. The ratio compares our styled
export (XlsxWriter, constant memory) with a bare openpyxl write-only dump of the same rows.
"""

import datetime as dt
import io
import time
import tracemalloc

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook

from plan.models import Plan
from plan.periods import reporting_period
from projects.exports import annexes_workbook, export_row
from projects.imports import build_preview, open_workbook
from projects.models import Annex, Project


def measure(step):
    tracemalloc.start()
    started = time.perf_counter()
    result = step()
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return result, elapsed, peak


def naive(value):
    return value.replace(tzinfo=None) if isinstance(value, dt.datetime) else value


class Command(BaseCommand):
    help = "Measure the Excel export and import at N projects (rolled back afterwards)."

    def add_arguments(self, parser):
        parser.add_argument("--projects", type=int, default=10_000)

    def handle(self, *args, projects, **options):
        plan = Plan.objects.current()
        if plan is None:
            raise CommandError("Load the plan first: manage.py load_plan")
        with transaction.atomic():
            self.run(plan, projects)
            transaction.set_rollback(True)

    def run(self, plan, wanted):
        annexes = list(Annex.objects.filter(plan=plan).order_by("number"))
        unit = Project.objects.filter(annex__plan=plan).first().unit
        have = Project.objects.filter(annex__plan=plan).count()
        extra = max(0, wanted - have)
        Project.objects.bulk_create(
            (Project(annex=annexes[i % len(annexes)], order=1000 + i, unit=unit,
                     name=f"基准测试项目{i}", builder="某建设单位有限公司", location="吉林市",
                     content=f"建设内容说明{i}", total_investment=1000 + i,
                     percent_complete=i % 101)
             for i in range(extra)),
            batch_size=2000,
        )  # fmt: skip
        queryset = Project.objects.filter(annex__plan=plan)
        total = queryset.count()

        content, export_s, export_peak = measure(lambda: annexes_workbook(annexes, queryset))

        def bare():
            book = Workbook(write_only=True)
            sheet = book.create_sheet("projects")
            rows = queryset.for_export().order_by("annex__number", "order").iterator(2000)
            for project in rows:
                sheet.append([naive(v) for v in export_row(project).values()])
            out = io.BytesIO()
            book.save(out)
            return out.getvalue()

        _, bare_s, bare_peak = measure(bare)
        user = get_user_model().objects.filter(is_superuser=True).first() or get_user_model()(
            username="benchmark", is_superuser=True)  # fmt: skip
        user.is_superuser = True
        period = reporting_period(timezone.localdate(), plan.start_year, plan.end_year)

        def read():
            book = open_workbook(content)
            try:
                return build_preview(book, user=user, plan=plan, period=period,
                                     today=timezone.localdate())  # fmt: skip
            finally:
                book.close()

        preview, import_s, import_peak = measure(read)
        mb = 1024 * 1024
        self.stdout.write(f"projects: {total}   workbook: {len(content) / mb:.1f} MB")
        self.stdout.write(f"{'step':<40}{'seconds':>10}{'peak MB':>10}")
        rows = [
            ("export, styled 附表 (XlsxWriter)", export_s, export_peak),
            ("export, bare openpyxl write-only dump", bare_s, bare_peak),
            ("import: open + check + preview", import_s, import_peak),
        ]
        for name, seconds, peak in rows:
            self.stdout.write(f"{name:<40}{seconds:>10.2f}{peak / mb:>10.1f}")
        self.stdout.write(f"ratio styled/bare export time: {export_s / bare_s:.2f}")
        self.stdout.write(
            f"preview: {len(preview.changes)} changed, {preview.unchanged} unchanged, "
            f"{len(preview.errors)} errors"
        )
