"""``manage.py load_demo``: load deterministic demo data (or take it out with ``--remove``)."""

from django.core.management.base import BaseCommand, CommandError

from dashboard.demo import (
    DEMO_PASSWORD,
    RealDataPresent,
    demo_plan,
    has_real_reports,
    load_demo,
    remove_demo,
)


class Command(BaseCommand):
    help = (
        "Load demo reports, indicator values and one user per role into the 2022-2025 plan "
        "(or --plan CODE). Same result every run; other plans beside it are left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("--remove", action="store_true", help="Take the demo data out.")
        parser.add_argument("--plan", help="the code of the plan to load into (e.g. 2022-2025)")
        parser.add_argument(
            "--if-safe",
            action="store_true",
            help="where the plan holds real reports, say so and load nothing (exit 0): for "
            "set-up scripts that must go on",
        )

    def handle(self, *args, remove, plan, if_safe, **options):
        code = plan
        plan = demo_plan(code)
        if plan is None:
            if code:
                raise CommandError(f"No plan with the code {code!r}.")
            raise CommandError("No plan loaded: run `python manage.py load_plan` first.")
        if remove:
            kept = remove_demo(plan)
            self.stdout.write(self.style.SUCCESS("Demo data removed."))
            for username in kept:
                self.stdout.write(
                    self.style.WARNING(f"Kept user {username} (deactivated): real reports name it.")
                )
            return
        if if_safe and has_real_reports(plan):
            self.stdout.write(
                self.style.WARNING(
                    f"Skipped the demo data: {plan} holds real reports, and the demo never "
                    "mixes with them. Nothing was changed."
                )
            )
            return
        try:
            users = load_demo(plan)
        except RealDataPresent as error:
            raise CommandError(f"Refusing to load demo data: {error}.") from error
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded into {plan}."))
        self.stdout.write("Demo logins (every page shows a DEMO banner while this data is loaded):")
        for user in users:
            self.stdout.write(f"  {user.username:<16} {DEMO_PASSWORD}   {user.description}")
