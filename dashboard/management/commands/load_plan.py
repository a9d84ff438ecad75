"""``manage.py load_plan``: load the action plan from ``fixtures/`` (safe to run again)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from indicators.loader import load_indicators
from plan.loader import PLAN_FIXTURE, LoadReport, load_plan_structure, read_fixture
from plan.models import PlanState
from projects.loader import load_annexes


class Command(BaseCommand):
    help = "Load the action plan (tasks, units, boxes, annexes, projects, indicators). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--fixture", default=PLAN_FIXTURE, help="Fixture file name.")
        parser.add_argument(
            "--state",
            choices=[PlanState.DRAFT, PlanState.ACTIVE],
            help="state of a plan loaded for the first time: the bundled 2022-2025 plan is "
            "active, any other fixture a draft that administrators make active when ready",
        )

    def handle(self, *args, fixture, state, **options):
        data = read_fixture(fixture)
        report = LoadReport()
        state = state or (PlanState.ACTIVE if fixture == PLAN_FIXTURE else PlanState.DRAFT)
        with transaction.atomic():
            plan = load_plan_structure(data, report, state)
            load_annexes(plan, data, report)
            load_indicators(plan, data, report)
        if not report.changed_anything:
            self.stdout.write(f"{plan}: already up to date, nothing changed.")
            return
        for label, counts in (("created", report.created), ("updated", report.updated)):
            for name, n in counts.items():
                self.stdout.write(f"  {label} {n} {name}")
        self.stdout.write(self.style.SUCCESS(f"Loaded {plan}."))
