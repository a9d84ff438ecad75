"""Faults: the database unreachable, a write failing half-way, a backup restored."""

import io
import os
import shutil
import sqlite3
import subprocess
import tempfile

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.test import Client
from django.utils import timezone

from plan.models import Plan
from plan.periods import reporting_period
from projects.models import Project, ProjectUpdate
from projects.services import ReportInput, project_update_submit
from tests.conftest import plan_page


@pytest.mark.django_db(transaction=True)
def test_database_unreachable_gives_a_503_page_and_recovers(people, plan):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database cannot be made unreachable")
    client = Client(raise_request_exception=False)
    client.force_login(people["leader"])
    cockpit = plan_page("dashboard:home")
    assert client.get(cockpit).status_code == 200
    port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = "1"  # nothing listens there: a real refused connection
    try:
        down = client.get(cockpit)
        assert down.status_code == 503 and down["Retry-After"] == "30"
        text = down.content.decode()
        assert "暂时无法访问" in text and "Traceback" not in text and "OperationalError" not in text
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port
    assert client.get(cockpit).status_code == 200  # back by itself


def create_failing_trigger():
    """A real database trigger that refuses any change to projects: a fault in mid-write."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "CREATE TRIGGER forced_failure BEFORE UPDATE ON projects_project "
                "BEGIN SELECT RAISE(ABORT, 'forced failure'); END"
            )
        else:
            cursor.execute(
                "CREATE FUNCTION forced_failure() RETURNS trigger AS $$ "
                "BEGIN RAISE EXCEPTION 'forced failure'; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER forced_failure BEFORE UPDATE ON projects_project "
                "FOR EACH ROW EXECUTE FUNCTION forced_failure()"
            )


def test_a_report_failing_half_way_leaves_nothing_half_written(plan, people):
    project = Project.objects.get(annex__number=1, order=1)
    period = reporting_period(timezone.localdate(), plan.start_year, plan.end_year)
    create_failing_trigger()
    with pytest.raises(DatabaseError, match="forced failure"):
        project_update_submit(
            project_id=project.pk, user=people["staff_own"], expected_version=project.version,
            data=ReportInput(period=period, status="in_progress", percent_complete=20,
                             progress="写到一半"),
        )  # fmt: skip
    # The report row was written before the project's update failed: it is gone with it.
    assert not ProjectUpdate.objects.exists()
    assert not ProjectUpdate.history.exists()
    project.refresh_from_db()
    assert (project.status, project.percent_complete, project.version) == ("not_started", 0, 1)


def test_load_plan_failing_half_way_loads_nothing(db):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "CREATE TRIGGER forced_failure BEFORE INSERT ON projects_project "
                "WHEN NEW.\"order\" = 5 BEGIN SELECT RAISE(ABORT, 'forced failure'); END"
            )
        else:
            cursor.execute(
                "CREATE FUNCTION forced_insert_failure() RETURNS trigger AS $$ BEGIN "
                "IF NEW.\"order\" = 5 THEN RAISE EXCEPTION 'forced failure'; END IF; "
                "RETURN NEW; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER forced_failure BEFORE INSERT ON projects_project "
                "FOR EACH ROW EXECUTE FUNCTION forced_insert_failure()"
            )
    with pytest.raises(DatabaseError, match="forced failure"):
        call_command("load_plan", stdout=io.StringIO())
    assert not Plan.objects.exists() and not Project.objects.exists()


def row_counts():
    counts = {}
    for app in ("plan", "projects", "indicators", "auth"):
        for model in apps.get_app_config(app).get_models():
            counts[model._meta.db_table] = model.objects.count()
    return counts


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_an_empty_database_with_every_row(people, plan):
    call_command("load_demo", stdout=io.StringIO())
    expected = row_counts()
    assert expected["projects_projectupdate"] > 600
    restore = _restore_postgres if connection.vendor == "postgresql" else _restore_sqlite
    restored = restore()
    assert restored == {table: expected[table] for table in restored}
    assert set(restored) == set(expected)


def _restore_postgres() -> dict:
    if shutil.which("pg_dump") is None:
        pytest.fail("pg_dump is needed: apt-get install postgresql-client")
    s = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": s.get("PASSWORD") or ""}
    base = ["-h", s["HOST"] or "127.0.0.1", "-p", str(s["PORT"] or 5432), "-U", s["USER"]]
    target = f"{s['NAME']}_restore"
    with tempfile.TemporaryDirectory() as folder:
        dump = os.path.join(folder, "backup.dump")
        subprocess.run(["pg_dump", *base, "-Fc", "-f", dump, s["NAME"]], check=True, env=env)
        subprocess.run(["dropdb", *base, "--if-exists", target], check=True, env=env)
        subprocess.run(["createdb", *base, target], check=True, env=env)
        try:
            subprocess.run(["pg_restore", *base, "--no-owner", "-d", target, dump], check=True,
                           env=env)  # fmt: skip
            counts = {}
            for table in row_counts():
                query = f'SELECT count(*) FROM "{table}"'
                out = subprocess.run(["psql", *base, "-At", "-d", target, "-c", query],
                                     check=True, env=env, capture_output=True,
                                     text=True)  # fmt: skip
                counts[table] = int(out.stdout.strip())
            return counts
        finally:
            subprocess.run(["dropdb", *base, "--if-exists", target], check=True, env=env)


def _restore_sqlite() -> dict:
    """The SQLite backup: the online backup API into a file, then read from that file alone."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "backup.sqlite3")
        connection.ensure_connection()
        with sqlite3.connect(path) as copy:
            connection.connection.backup(copy)
        restored = sqlite3.connect(path)
        try:
            return {
                table: restored.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
                for table in row_counts()
            }
        finally:
            restored.close()


def test_reverse_of_a_missing_page_is_a_404_not_a_500(client, people):
    client.force_login(people["leader"])
    assert client.get(plan_page("plan:task-detail", 42)).status_code == 404
