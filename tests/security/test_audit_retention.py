"""On PostgreSQL the database itself refuses to change or delete a history row younger than
AUDIT_RETENTION_DAYS; older rows may be pruned; removing the demo still works."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from dashboard.demo import DEMO_USERS, load_demo, remove_demo
from plan.audit_retention import history_guard_lifted
from projects.models import Project

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the history guard is a PostgreSQL trigger"
)


def a_change(plan):
    project = Project.objects.get(annex__number=1, order=1)
    project.builder = "留痕"
    project.save()
    return Project.history.latest("history_date")


def test_a_recent_history_row_cannot_be_updated_or_deleted(plan):
    row = a_change(plan)
    with pytest.raises(DatabaseError, match="audit trail"), transaction.atomic():
        Project.history.filter(pk=row.pk).update(builder="篡改")
    with pytest.raises(DatabaseError, match="audit trail"), transaction.atomic():
        Project.history.filter(pk=row.pk).delete()
    row.refresh_from_db()
    assert row.builder == "留痕"


def test_deleting_a_user_cannot_blank_the_who_of_their_history(plan, people):
    project = Project.objects.get(annex__number=1, order=1)
    project._history_user = people["staff_own"]
    project.builder = "谁改的"
    project.save()
    with pytest.raises(DatabaseError, match="audit trail"), transaction.atomic():
        get_user_model().objects.filter(pk=people["staff_own"].pk).delete()
    assert Project.history.filter(history_user=people["staff_own"]).exists()


def test_a_row_older_than_the_retention_may_be_pruned(plan, settings):
    row = a_change(plan)
    old = timezone.now() - dt.timedelta(days=settings.AUDIT_RETENTION_DAYS + 1)
    with history_guard_lifted():  # as if written long ago
        Project.history.filter(pk=row.pk).update(history_date=old)
    recent = a_change(plan)
    with pytest.raises(DatabaseError, match="audit trail"), transaction.atomic():
        Project.history.filter(pk=recent.pk).delete()  # the guard is back on
    Project.history.filter(pk=row.pk).delete()
    assert not Project.history.filter(pk=row.pk).exists()


def test_the_demo_is_removed_with_its_history_on_postgresql(plan):
    load_demo(plan)
    remove_demo(plan)
    names = [u.username for u in DEMO_USERS]
    assert not get_user_model().objects.filter(username__in=names).exists()
