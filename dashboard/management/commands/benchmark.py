"""``manage.py benchmark``: one table of SQL queries, median and 95th-percentile times per page, at
two data sizes, plus the full export and an import, and two ratios.

Not part of the test suite (a test runs it at a tiny size and checks the query counts only).
Each size's synthetic plan comes from ``seed_scale`` and is made the current plan for the run,
then the previous current plan is restored. Times are in process, through Django's test client,
with DEBUG off: what the server spends, without the network.
"""

import gc
import io
import json
import statistics
import sys
import time

from django.contrib.admin import site as admin_site
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from dashboard import briefing
from dashboard.management.commands.seed_scale import scale_code
from indicators.models import Indicator
from plan.figures_cache import PROJECTS, STAMP_CHANGES
from plan.models import Plan
from plan.periods import reporting_period
from plan.permissions import LEADER, REVIEWER
from plan.urlplans import plan_url
from projects.benchmarking import measure_excel
from projects.benchmarking import timed as time_and_peak
from projects.models import Annex, Project


def project_report():
    """What a project report's commit does to the cache: the project figures' stamp changes
    (at once, as the commit would have it, inside a test's transaction too)."""
    STAMP_CHANGES[PROJECTS]()


# The three ways a page is timed: (FIGURES_CACHE_SECONDS, what runs untimed before each
# request). Live: rendered on every request (the figures cache off); after a project report: the
# project figures' stamp changed before each request, as in a busy week, so what reads projects
# is rendered again and the indicator figures come from the cache; cached: the plan-wide
# fragments served while fresh (plan.figures_cache).
MODES = {"live": (0, None), "after": (600, project_report), "cached": (600, None)}


def role_user(User, username, group):
    """A user of one role (a group), made once for the benchmark."""
    user, _ = User.objects.get_or_create(username=username)
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Command(BaseCommand):
    help = "Benchmark the pages, the export and the import at two data sizes."

    def add_arguments(self, parser):
        parser.add_argument("--sizes", type=int, nargs="+", default=[100, 10_000])
        parser.add_argument("--runs", type=int, default=30)
        parser.add_argument("--no-files", action="store_true", help="Skip export and import.")
        parser.add_argument(
            "--clock", choices=["wall", "cpu"], default="wall",
            help="Time pages by the wall clock (default) or by this process's CPU time: on a "
            "shared machine, for a before/after pair on SQLite, where all the work is in "
            "process, CPU time does not count the other processes' turns.",
        )  # fmt: skip
        parser.add_argument(
            "--lockstep", action="store_true",
            help="Serve timings for bench/before_after: seed the first size, then answer "
            "'warm PAGE MODE' and 'time PAGE MODE' lines on stdin, one request each.",
        )  # fmt: skip

    def handle(self, *args, sizes, runs, no_files, clock="wall", lockstep=False, **options):
        self.results, self.briefing_sizes, self.medians = [], [], {}
        self.clock = time.process_time if clock == "cpu" else time.perf_counter
        # Each size is a plan of its own beside the others (seed_scale), addressed by its URL
        # prefix: no plan is made the default, so what users see does not change.
        if lockstep:
            with override_settings(DEBUG=False):
                return self.lockstep(sizes[0])
        with override_settings(DEBUG=False):
            # The admin change list shows as many rows a page as our project table.
            project_admin = admin_site._registry[Project]
            per_page, project_admin.list_per_page = project_admin.list_per_page, 25
            try:
                for size in sizes:
                    self.measure(size, runs, no_files)
            finally:
                project_admin.list_per_page = per_page
            if len(sizes) > 1:
                # Plans side by side (issue 18): the smallest plan's pages again, now that the
                # largest plan is loaded beside it; they should not slow down with its size.
                small, large = min(sizes), max(sizes)
                self.measure_pages(small, runs, label=f"{small}|{large}")
        self.report()

    def measure(self, size, runs, no_files):
        call_command("seed_scale", projects=size, stdout=io.StringIO())
        plan = self.measure_pages(size, runs)
        self.briefing(size, plan)
        if not no_files:
            self.files(size, plan, self.admin)

    def pages_of(self, size):
        """The plan seeded at ``size`` projects and its pages, each as the role that uses it:
        (name, client, url)."""
        plan = Plan.objects.get(code=scale_code(size))
        User = get_user_model()
        staff = User.objects.get(username=f"{plan.code}-user0000")
        admin, _ = User.objects.get_or_create(
            username="benchmark-admin", defaults={"is_staff": True, "is_superuser": True}
        )
        self.admin = admin
        # Every page a role meets, as that role (issue 22): the leader's cockpit (approved
        # reports), the reviewer's queue and project-report matrix, whose rows carry reminders.
        reviewer = role_user(User, "benchmark-reviewer", REVIEWER)
        leader = role_user(User, "benchmark-leader", LEADER)
        clients = {}
        for role, user in (("staff", staff), ("admin", admin), ("reviewer", reviewer),
                           ("leader", leader)):  # fmt: skip
            clients[role] = Client()
            clients[role].force_login(user)
        staff_client, admin_client = clients["staff"], clients["admin"]
        project = Project.objects.filter(annex__plan=plan, unit__memberships__user=staff).first()
        indicator = Indicator.objects.filter(plan=plan).order_by("order").first()

        def page(name, *args):
            return plan_url(plan, name, *args)

        matrix = page("supervision:report-matrix")
        changelist = reverse("admin:projects_project_changelist")
        pages = [
            ("cockpit", staff_client, page("dashboard:home")),
            ("cockpit (leader, approved)", clients["leader"], page("dashboard:home")),
            ("my projects", staff_client, page("projects:my-projects")),
            ("project table", staff_client, page("projects:project-list")),
            ("project table, filtered", staff_client,
             page("projects:project-list") + "?status=lagging&sort=-percent_complete"),
            ("project page", staff_client, project.get_absolute_url()),
            ("reporting matrix", staff_client, matrix + "?year=2025"),
            ("project matrix (reviewer)", clients["reviewer"], matrix + "?kind=projects"),
            ("project matrix, all years (reviewer)", clients["reviewer"],
             matrix + "?kind=projects&year=all"),
            ("review queue (reviewer)", clients["reviewer"], reverse("supervision:review-queue")),
            ("what changed", staff_client, page("plan:changes")),
            ("indicator table", staff_client, page("indicators:indicator-list")),
            ("indicator page", staff_client, indicator.get_absolute_url()),
            ("indicator chart JSON", staff_client,
             reverse("indicators:indicator-chart", args=[indicator.pk])),
            # Django admin's plain change list, showing as many rows as our table (25), over
            # the same plan, and filtered like the filtered table (by status).
            ("admin change list (Project)", admin_client,
             changelist + f"?annex__plan__id__exact={plan.pk}"),
            ("admin change list, filtered", admin_client,
             changelist + f"?annex__plan__id__exact={plan.pk}&status__exact=in_progress&o=-6"),
        ]  # fmt: skip
        return plan, pages

    def measure_pages(self, size, runs, label=None):
        """Time every page of the plan seeded at ``size`` projects; ``label`` marks a second
        measurement (the plan beside a larger one) in the report."""
        plan, pages = self.pages_of(size)
        if label:
            pages = [p for p in pages if not p[0].startswith("admin")]
        medians = {}
        for name, client, url in pages:
            timed = []
            for seconds, before in MODES.values():
                with override_settings(FIGURES_CACHE_SECONDS=seconds):
                    timed.append(self.time_page(client, url, runs, before=before))
            live, after_report, cached = timed
            medians[name] = live[1], after_report[1], cached[1]
            self.results.append((label or size, name, *live, None, *after_report, *cached))
        if label:
            return plan
        for ours, theirs, title in (
            ("project table", "admin change list (Project)", "project table / admin list"),
            ("project table, filtered", "admin change list, filtered", "filtered / admin filtered"),
        ):
            ratios = [a / b for a, b in zip(medians[ours], medians[theirs], strict=True)]
            self.results.append((size, f"ratio: {title}", None, ratios[0], None, None, None,
                                 ratios[1], None, None, ratios[2], None))  # fmt: skip
        self.medians[size] = medians
        return plan

    def briefing(self, size, plan):
        """Generation time and peak Python memory of the quarterly briefing (.docx, three
        charts), approved-only view, for the current reporting period and for the quarter
        before it, read as at its close from the reports' and values' history (issue 23,
        item 4)."""
        today = timezone.localdate()
        current = reporting_period(today, plan.start_year, plan.end_year)
        cases = [(current, "quarterly briefing (.docx)"),
                 (current.previous(), "quarterly briefing, past quarter (.docx)")]  # fmt: skip
        for period, label in cases:

            def generate(period=period):
                return briefing.generate(plan, period, True, today, "/projects/export.xlsx")

            generate()  # warm-up: matplotlib's import and font cache, not the briefing's cost
            (_name, content), seconds, peak = time_and_peak(generate)
            mb = 1024 * 1024
            self.results.append(
                (size, label, None, seconds * 1000, None, peak / mb, *(None,) * 6)
            )  # fmt: skip
            self.briefing_sizes.append((size, f"{period}", len(content)))

    def warm_up(self, client, url, before):
        """Two untimed requests, then what has survived them is moved out of the collector's
        way, as the server does after preloading (config/gunicorn.conf.py): without this,
        whenever a full collection falls inside a timed request it walks the benchmark's whole
        heap, and the same page's runs spread over 1.5-2x."""
        for _ in range(2):
            before()
            status = client.get(url).status_code
            if status != 200:
                raise CommandError(f"{url} answered {status}")
        gc.collect()
        gc.freeze()

    def time_page(self, client, url, runs, before=None) -> tuple[int, float, float]:
        """The page's SQL queries, median and 95th-percentile time in ms, after a warm-up;
        ``before()`` runs untimed before each request."""
        before = before or (lambda: None)
        self.warm_up(client, url, before)
        # Each request starts by clearing the query log (DEBUG off), so count from zero.
        before()
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        count = len(queries)  # now: the log is cleared again by the next request
        times = []
        for _ in range(runs):
            before()
            started = self.clock()
            client.get(url)
            times.append((self.clock() - started) * 1000)
        return count, statistics.median(times), percentile(times, 0.95)

    def lockstep(self, size):
        """bench/before_after's side of a pair: the pages of ``size`` (seeded if need be),
        then one request per line read, so that the driver can alternate two versions'
        requests one by one and both meet the same state of the machine. Answers start with
        "@@ " (anything else on stdout is not an answer): the page names first, then "ok"
        for a warm-up and the milliseconds of a timed request."""
        call_command("seed_scale", projects=size, stdout=io.StringIO())
        _plan, pages = self.pages_of(size)
        print("@@ " + json.dumps([name for name, _client, _url in pages]), flush=True)
        while line := sys.stdin.readline():
            verb, index, mode = line.split()
            _name, client, url = pages[int(index)]
            seconds, before = MODES[mode]
            before = before or (lambda: None)
            with override_settings(FIGURES_CACHE_SECONDS=seconds):
                if verb == "warm":
                    self.warm_up(client, url, before)
                    answer = "ok"
                else:
                    before()
                    started = self.clock()
                    client.get(url)
                    answer = f"{(self.clock() - started) * 1000:.3f}"
            print(f"@@ {answer}", flush=True)

    def files(self, size, plan, admin):
        annexes = list(Annex.objects.filter(plan=plan).order_by("number"))
        m = measure_excel(plan, annexes, Project.objects.filter(annex__plan=plan), admin)
        (export_s, export_peak), (bare_s, _), (import_s, import_peak) = (
            m["export"], m["bare"], m["import"])  # fmt: skip
        mb = 1024 * 1024
        no_cache = (None,) * 6  # files are not cached
        self.results += [
            (size, "full export (all annexes)", None, export_s * 1000, None, export_peak / mb,
             *no_cache),
            (size, "bare openpyxl write-only loop", None, bare_s * 1000, None, None, *no_cache),
            (size, "ratio: export / bare loop", None, export_s / bare_s, None, None, *no_cache),
            (size, f"import untouched: {len(m['preview'].changes)} changes", None,
             import_s * 1000, None, import_peak / mb, *no_cache),
            (size, f"import: preview of {m['changed preview'][1]} changed rows", None,
             m["changed preview"][0] * 1000, None, m["changed preview"][2] / mb, *no_cache),
            (size, f"import: confirm {m['confirm'][1]} changed rows", None,
             m["confirm"][0] * 1000, None, None, *no_cache),
            (size, "flood (1M rows, 5 MB): refused" if m["flood"][2] else "flood: NOT refused",
             None, m["flood"][0] * 1000, None, m["flood"][1] / mb, *no_cache),
        ]  # fmt: skip

    def report(self):
        clock = "CPU time of this process" if self.clock is time.process_time else "wall clock"
        self.stdout.write(f"database: {connection.vendor}; pages timed by the {clock}")
        self.stdout.write(
            "live: rendered on every request; after a project report: the project figures "
            "stale before each request; cached: the plan-wide fragments fresh"
        )
        modes = "".join(f"{title:-^28}" for title in ("after a project report", "cached"))
        self.stdout.write(f"{'':<52}{'live':-^37}   {modes}")
        columns = f"{'queries':>8}{'median ms':>11}{'p95 ms':>9}"
        self.stdout.write(f"{'projects':>9}  {'what':<42}{columns}{'peak MB':>9}   "
                          f"{columns}{columns}")  # fmt: skip

        def number(value, ratio=False):
            if value is None:
                return ""
            return f"{value:.2f}x" if ratio else f"{value:.1f}"

        def timed(queries, median, p95, ratio):
            count = "" if queries is None else queries
            return f"{count:>8}{number(median, ratio):>11}{number(p95):>9}"

        for size, name, *numbers in self.results:
            ratio = name.startswith("ratio")
            live, peak, after, cached = numbers[0:3], numbers[3], numbers[4:7], numbers[7:10]
            self.stdout.write(
                f"{size!s:>9}  {name:<42}{timed(*live, ratio)}{number(peak):>9}   "
                f"{timed(*after, ratio)}{timed(*cached, ratio)}"
            )
        if len(self.medians) > 1:
            small, large = min(self.medians), max(self.medians)
            self.stdout.write(f"growth from {small} to {large} projects (median, live / after a "
                              "project report / cached):")  # fmt: skip
            for name, (live, after, cached) in self.medians[large].items():
                was = self.medians[small][name]
                self.stdout.write(f"  {name:<42}{live / was[0]:>7.2f}x{after / was[1]:>7.2f}x"
                                  f"{cached / was[2]:>7.2f}x")  # fmt: skip
        for size, period, length in self.briefing_sizes:
            self.stdout.write(
                f"quarterly briefing {period} at {size} projects: {length / 1024:.0f} kB"
            )
