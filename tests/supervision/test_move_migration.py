"""The supervision app's models moved out of ``plan`` without moving a row (issue 16).

``data/pre_move_demo.json.gz`` is ``manage.py dumpdata`` of a database that the code before the
move filled with the plan and the demo (``load_plan``, ``load_demo``: every review state, two
evidence files, reopenings, a reminder), and ``data/pre_move_media.tar.gz`` holds its two stored
evidence files. The test takes the schema back to where it was before the move, loads the dump
through the models as they were then, migrates forward to today's layout, and finds every row,
the evidence files' kind of report, the permissions granted on the moved models, a task report's
evidence download and its review page.
"""

import gzip
import json
import tarfile
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

DATA = Path(__file__).parent / "data"
BEFORE_THE_MOVE = [("supervision", None), ("plan", "0007_figures_stamps")]
MOVED = {"taskreport", "tasksummary", "reopenrequest", "remindernotice", "reminderlog",
         "evidence", "historicaltaskreport", "historicaltasksummary", "historicalreopenrequest",
         "historicalremindernotice", "historicalevidence"}  # fmt: skip


def _dump() -> list[dict]:
    with gzip.open(DATA / "pre_move_demo.json.gz", "rt", encoding="utf-8") as handle:
        return json.load(handle)


def _load_with_old_models(old_apps, objects) -> None:
    """Insert the dump through the models of the migration state before the move (``loaddata``
    would use today's models, which no longer have ``plan.TaskReport``)."""
    by_model = defaultdict(list)
    many = []
    for obj in objects:
        model = old_apps.get_model(obj["model"])
        values = {model._meta.pk.attname: obj["pk"]}
        for name, value in obj["fields"].items():
            field = model._meta.get_field(name)
            if field.many_to_many:
                many.append((model, obj["pk"], name, value))
            elif field.is_relation:
                values[field.attname] = value
            else:
                values[field.attname] = field.to_python(value)
        by_model[model].append(model(**values))
    with transaction.atomic():  # foreign keys are checked at the commit, in any order
        for model, rows in by_model.items():
            model.objects.bulk_create(rows)
        for model, pk, name, value in many:
            getattr(model.objects.get(pk=pk), name).set(value)
    with connection.cursor() as cursor:  # the next ids follow the ones the dump took
        for statement in connection.ops.sequence_reset_sql(no_style(), list(by_model)):
            cursor.execute(statement)


@pytest.mark.django_db(transaction=True)
def test_a_demo_database_of_the_old_layout_migrates_in_place(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with tarfile.open(DATA / "pre_move_media.tar.gz") as archive:
        archive.extractall(settings.MEDIA_ROOT, filter="data")
    objects = _dump()

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_THE_MOVE)
    executor.loader.build_graph()
    # The state as migrated back: each app at the last of its migrations still applied (apps
    # whose later migrations need the plan after the move, such as dashboard's, went back too).
    last = {}
    for app, name in executor.loader.applied_migrations:
        if (app, name) in executor.loader.graph.nodes:
            last[app] = max(last.get(app, name), name)
    old_apps = executor.loader.project_state(list(last.items())).apps
    # An empty database of the old layout (the tables the test run created are emptied).
    connection.ops.execute_sql_flush(
        connection.ops.sql_flush(
            no_style(),
            [t for t in connection.introspection.table_names() if t != "django_migrations"],
            reset_sequences=True,
            allow_cascade=True,
        )
    )
    _load_with_old_models(old_apps, objects)
    tables = {
        label: old_apps.get_model(label)._meta.db_table
        for label in {obj["model"] for obj in objects}
    }
    expected = Counter(obj["model"] for obj in objects)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    # Every row is where it was: the tables kept their names.
    found = {}
    with connection.cursor() as cursor:
        for label, table in tables.items():
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            found[label] = cursor.fetchone()[0]
    # Later migrations add rows of their own (the separated administrators' groups), never fewer.
    assert found.pop("auth.group") >= expected.pop("auth.group")
    assert found == dict(expected)
    assert expected["plan.taskreport"] > 600 and expected["plan.evidence"] == 2

    # The moved models' content types (same ids) now carry the supervision label.
    moved = ContentType.objects.filter(model__in=MOVED)
    assert {ct.app_label for ct in moved} == {"supervision"}
    assert not ContentType.objects.filter(app_label="plan", model__in=MOVED).exists()

    from supervision.models import Evidence, TaskReport

    task_file = Evidence.objects.get(content_type__model="taskreport")
    report = task_file.report
    assert isinstance(report, TaskReport)
    assert TaskReport.objects.count() == expected["plan.taskreport"]

    # Permissions granted on the moved models (administrators may do everything) still are.
    administrators = old_group_permissions(objects, "管理员")
    from django.contrib.auth.models import Group

    granted = set(
        Group.objects.get(name="管理员").permissions.values_list(
            "content_type__app_label", "codename"
        )
    )
    assert {("supervision", codename) for codename in administrators} <= granted

    # A task report's evidence downloads, and its review page opens, for the demo reviewer.
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="demo-reviewer"))
    download = client.get(reverse("supervision:evidence-download", args=[task_file.pk]))
    assert download.status_code == 200
    stored = (Path(settings.MEDIA_ROOT) / task_file.file.name).read_bytes()
    assert b"".join(download.streaming_content) == stored
    page = client.get(reverse("supervision:review-detail", args=["task", report.pk]))
    assert page.status_code == 200
    assert task_file.name in page.content.decode()
    # ... and at the paths the pages had before the move.
    assert client.get(f"/plan/evidence/{task_file.pk}/download/").status_code == 200
    assert client.get(f"/reviews/task/{report.pk}/").status_code == 200


def old_group_permissions(objects, group_name: str) -> set[str]:
    """The codenames on the moved models that ``group_name`` held in the dump."""
    types = {
        obj["pk"]: obj["fields"] for obj in objects if obj["model"] == "contenttypes.contenttype"
    }
    permissions = {
        obj["pk"]: (types[obj["fields"]["content_type"]], obj["fields"]["codename"])
        for obj in objects
        if obj["model"] == "auth.permission"
    }
    group = next(
        obj
        for obj in objects
        if obj["model"] == "auth.group" and obj["fields"]["name"] == group_name
    )
    return {
        codename
        for pk in group["fields"]["permissions"]
        for content_type, codename in [permissions[pk]]
        if content_type["app_label"] == "plan" and content_type["model"] in MOVED
    }
