"""``manage.py load_demo``: load deterministic demo data (or take it out with ``--remove``)."""

from django.core.management.base import BaseCommand, CommandError

from dashboard.demo import DEMO_PASSWORD, RealDataPresent, load_demo, remove_demo
from plan.models import Plan


class Command(BaseCommand):
    help = "Load demo reports, indicator values and one user per role. Same result every run."

    def add_arguments(self, parser):
        parser.add_argument("--remove", action="store_true", help="Take the demo data out.")

    def handle(self, *args, remove, **options):
        plan = Plan.objects.current()
        if plan is None:
            raise CommandError("No plan loaded: run `python manage.py load_plan` first.")
        if remove:
            remove_demo(plan)
            self.stdout.write(self.style.SUCCESS("Demo data removed."))
            return
        try:
            users = load_demo(plan)
        except RealDataPresent as error:
            raise CommandError(f"Refusing to load demo data: {error}.") from error
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded into {plan}."))
        self.stdout.write("Demo logins (every page shows a DEMO banner while this data is loaded):")
        for user in users:
            self.stdout.write(f"  {user.username:<16} {DEMO_PASSWORD}   {user.description}")
