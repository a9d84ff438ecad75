"""The audit trail is kept: on PostgreSQL a trigger on every history table refuses UPDATE and
DELETE of a row younger than ``AUDIT_RETENTION_DAYS``, whoever connects.

The admin and the dashboard already offer no way to change history (``plan.history_admin``);
this guards against everything else that goes through the database: a script, a management
command, a mistaken ``QuerySet.delete()``, deleting a user (which would blank the "who" of their
rows). Rows older than the retention may be pruned (django-simple-history's
``clean_old_history --days N`` with N at least the retention).

The triggers are (re)installed after every ``migrate``, with the retention then configured, so
a new history table is covered as soon as it exists. One code path is allowed through:
``remove_demo`` takes the demo's own made-up history out inside ``history_guard_lifted()``,
which lifts the guard for its transaction only (``SET LOCAL``). A database owner can of course
drop a trigger: that is for the operator's database permissions and log shipping to catch.
"""

from contextlib import ContextDecorator

from django.conf import settings
from django.db import connections, transaction

from .history_admin import historical_models

GUARD_SETTING = "dashboard.history_guard"

FUNCTION = f"""
CREATE OR REPLACE FUNCTION dashboard_history_guard() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('{GUARD_SETTING}', true), '') <> 'off'
       AND OLD.history_date > now() - make_interval(days => TG_ARGV[0]::int) THEN
        RAISE EXCEPTION 'audit trail: % of a history row younger than % days refused', TG_OP,
            TG_ARGV[0] USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql
"""


def install_history_guard(sender=None, using="default", **kwargs) -> None:
    """Create (or refresh) the guard trigger on every history table; PostgreSQL only."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    days = int(settings.AUDIT_RETENTION_DAYS)
    quote = connection.ops.quote_name
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        cursor.execute(FUNCTION)
        for model in historical_models():
            table = model._meta.db_table
            if table not in tables:
                continue
            # The table name comes from the models and days is an int: nothing from a user.
            cursor.execute(
                f"CREATE OR REPLACE TRIGGER dashboard_history_guard BEFORE UPDATE OR DELETE "
                f"ON {quote(table)} FOR EACH ROW "
                f"EXECUTE FUNCTION dashboard_history_guard('{days}')"
            )


class history_guard_lifted(ContextDecorator):
    """Inside: one transaction in which the history guard lets UPDATE and DELETE through."""

    def __init__(self, using: str = "default"):
        self.using = using

    def _set(self, value: str) -> None:
        connection = connections[self.using]
        if connection.vendor == "postgresql" and not connection.needs_rollback:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, %s, true)", [GUARD_SETTING, value])

    def __enter__(self):
        self.atomic = transaction.atomic(using=self.using)
        self.atomic.__enter__()
        self._set("off")
        return self

    def __exit__(self, *exc):
        # Back on before leaving: inside an outer transaction, SET LOCAL would outlive us.
        if exc[0] is None:
            self._set("")
        return self.atomic.__exit__(*exc)
