"""``manage.py backup`` and ``restore``: the database and the evidence files come back together.

Run on SQLite and on PostgreSQL (CI runs the suite on both): a transactional test, because the
restore empties and refills the tables the way an operator's empty database would be."""

import datetime as dt
import io
import json
import tarfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from plan.models import Plan, UnitMembership
from plan.permissions import STAFF
from projects.models import Project, ProjectUpdate
from supervision.evidence import evidence_add
from supervision.models import Evidence
from tests.factories import UserFactory

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n" + bytes(
    range(256)
)


@pytest.fixture
def filled(transactional_db, settings, tmp_path):
    """The plan, a unit's staff member, a project report with one evidence file."""
    settings.MEDIA_ROOT = tmp_path / "media-before"
    call_command("load_plan", stdout=io.StringIO())
    project = Project.objects.get(annex__number=1, order=1)
    staff = UserFactory(username="kjj", role=STAFF, unit=project.unit)
    report = ProjectUpdate.objects.create(
        project=project, year=2025, quarter=4, status="in_progress", percent_complete=30,
        progress="主体完工", submitted_at=dt.datetime(2026, 1, 5, tzinfo=dt.UTC),
    )  # fmt: skip
    (evidence,) = evidence_add(
        report=report, user=staff, uploads=[SimpleUploadedFile("验收记录.pdf", PDF)]
    )
    return evidence


def backup(path):
    call_command("backup", "--output", str(path), stdout=io.StringIO())
    return path


def empty_everything(settings, tmp_path):
    """What an operator restores into: a freshly migrated database and an empty file store."""
    call_command("flush", interactive=False, verbosity=0)
    settings.MEDIA_ROOT = tmp_path / "media-after"
    assert not Evidence.objects.exists() and not Plan.objects.exists()


def test_a_restored_backup_serves_every_evidence_file(filled, client, settings, tmp_path):
    archive = backup(tmp_path / "backup.tar.gz")
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    names = {m["name"] for m in manifest["members"]}
    assert {"database.json", "groups.json", f"files/{filled.file.name}"} <= names
    stored = next(m for m in manifest["members"] if m["name"] == f"files/{filled.file.name}")
    assert stored["size"] == len(PDF) and len(stored["sha256"]) == 64

    empty_everything(settings, tmp_path)
    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)
    assert "1 files" in out.getvalue()

    evidence = Evidence.objects.get()
    assert (evidence.pk, evidence.name, evidence.file.name) == (
        filled.pk, "验收记录.pdf", filled.file.name
    )  # fmt: skip
    assert (tmp_path / "media-after" / filled.file.name).read_bytes() == PDF
    staff = UnitMembership.objects.get(user__username="kjj").user
    assert staff.check_password("pass-for-tests-1")
    login = client.post(reverse("login"), {"username": "kjj", "password": "pass-for-tests-1"})
    assert login.status_code == 302 and "_auth_user_id" in client.session
    response = client.get(reverse("supervision:evidence-download", args=[evidence.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    # The rest came back too: the report, its history, the roles.
    assert ProjectUpdate.objects.get().progress == "主体完工"
    assert staff.groups.filter(name=STAFF).exists()
    assert Evidence.history.count() == 1
    # New rows get new ids after the restored ones (PostgreSQL's sequences were reset).
    assert UserFactory(username="after-restore").pk > staff.pk
    later = ProjectUpdate.objects.create(
        project=evidence.report.project, year=2025, quarter=3, status="in_progress",
        percent_complete=20, submitted_at=dt.datetime(2025, 10, 5, tzinfo=dt.UTC),
    )  # fmt: skip
    assert later.pk > evidence.report.pk


def test_restore_refuses_a_database_that_holds_data_unless_forced(filled, settings, tmp_path):
    archive = backup(tmp_path / "backup.tar.gz")
    with pytest.raises(CommandError, match="already holds data"):
        call_command("restore", str(archive), stdout=io.StringIO())
    Project.objects.filter(annex__number=1, order=2).update(name="改过的名字")
    call_command("restore", str(archive), "--force", stdout=io.StringIO())
    assert Project.objects.get(annex__number=1, order=2).name != "改过的名字"
    assert Evidence.objects.get().file.read() == PDF


def test_a_damaged_backup_is_refused_before_anything_changes(filled, settings, tmp_path):
    archive = backup(tmp_path / "backup.tar.gz")
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith("files/"):
                data = data[:-1] + b"X"  # one byte changed
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    empty_everything(settings, tmp_path)
    with pytest.raises(CommandError, match="checksum"):
        call_command("restore", str(damaged), stdout=io.StringIO())
    assert not Plan.objects.exists()
    assert not (tmp_path / "media-after").exists() or not any(
        p.is_file() for p in (tmp_path / "media-after").rglob("*")
    )
