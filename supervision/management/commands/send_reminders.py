"""Send each staff member one reminder e-mail (催办) of what their units owe. Run daily."""

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from plan.models import Plan
from supervision.cycle import reopen_expire

from ...reminders import send_digests


class Command(BaseCommand):
    help = (
        "Send each unit staff member one digest e-mail of reports due soon, overdue, returned "
        "by a reviewer, and reviewers' reminders; nothing already sent today is sent again. "
        "Also marks elapsed reopenings as expired. Meant to run daily (cron or systemd timer)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=settings.REMINDER_DUE_WITHIN_DAYS,
            help="list reports due within this many days (default: %(default)s)",
        )  # fmt: skip
        parser.add_argument("--date", help="run as on this day (YYYY-MM-DD); default today")
        parser.add_argument("--dry-run", action="store_true", help="report, send nothing")

    def handle(self, *args, days, date, dry_run, **options):
        if days < 0:
            raise CommandError("--days must be 0 or more")
        try:
            today = dt.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"--date: {error}") from error
        plans = list(Plan.objects.active().order_by("start_year", "pk"))
        if not plans:
            raise CommandError("No active plan: load one (manage.py load_plan) or make it active.")
        if not dry_run:
            expired = reopen_expire(today=today)
            if expired:
                self.stdout.write(f"{expired} reopening(s) expired.")
        # One digest per person covers every active plan (a unit may answer in two at once).
        result = send_digests(plans=plans, today=today, within_days=days, dry_run=dry_run)
        verb = "would send" if dry_run else "sent"
        for user, count, update in result.sent:
            note = " (update)" if update else ""
            self.stdout.write(f"{verb} {user.username} <{user.email}>: {count} item(s){note}")
        for user, error in result.failed:
            self.stderr.write(f"could not send to {user.username} <{user.email}>: {error}")
        for user in result.without_email:
            self.stdout.write(
                self.style.WARNING(f"no e-mail address, not reminded: {user.username}")
            )
        self.stdout.write(
            f"{len(result.sent)} e-mail(s) {verb}, {len(result.unchanged)} already sent today, "
            f"{len(result.without_email)} without e-mail address, {len(result.failed)} failed, "
            f"{result.nothing_owed} owing nothing."
        )
