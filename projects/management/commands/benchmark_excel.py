"""``manage.py benchmark_excel``: time and peak memory of the annex export and import at scale.

Runs inside a transaction that is rolled back, so the database is left as it was. Peak memory
is Python's own allocations (tracemalloc) during each step, not the process's resident memory
(the interpreter, Django and C libraries come on top: about 100 MB before any step). The ratio
compares our styled export (XlsxWriter, constant memory) with a bare openpyxl write-only dump
of the same rows.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from plan.models import Plan
from projects.benchmarking import measure_excel
from projects.models import Annex, Project


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

        # A saved user (the history names who wrote): created inside the rolled-back transaction
        # when the database has no administrator (a plan loaded without the demo).
        user = get_user_model().objects.filter(is_superuser=True).first() or (
            get_user_model().objects.create(username="benchmark-excel", is_superuser=True)
        )
        m = measure_excel(plan, annexes, queryset, user)
        content, preview = m["content"], m["preview"]
        (export_s, export_peak), (bare_s, bare_peak), (import_s, import_peak) = (
            m["export"], m["bare"], m["import"])  # fmt: skip
        mb = 1024 * 1024
        self.stdout.write(f"projects: {total}   workbook: {len(content) / mb:.1f} MB")
        self.stdout.write(f"{'step':<40}{'seconds':>10}{'peak MB':>10}")
        rows = [
            ("export, styled 附表 (XlsxWriter)", export_s, export_peak),
            ("export, bare openpyxl write-only dump", bare_s, bare_peak),
            ("import untouched: open + check + preview", import_s, import_peak),
            (f"import: preview of {m['changed preview'][1]} changed rows",
             m["changed preview"][0], m["changed preview"][2]),
            (f"import: confirm {m['confirm'][1]} changed rows", m["confirm"][0],
             None),
            ("flood (1M rows, 5 MB): refused" if m["flood"][2] else "flood: NOT refused",
             m["flood"][0], m["flood"][1]),
        ]  # fmt: skip
        for name, seconds, peak in rows:
            shown = "" if peak is None else f"{peak / mb:>10.1f}"
            self.stdout.write(f"{name:<40}{seconds:>10.2f}{shown}")
        self.stdout.write(f"ratio styled/bare export time: {export_s / bare_s:.2f}")
        self.stdout.write(
            f"untouched preview: {len(preview.changes)} changed, {preview.unchanged} unchanged, "
            f"{len(preview.errors)} errors"
        )
