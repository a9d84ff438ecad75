"""Evidence files (佐证材料): what is accepted (by content, not by name), limits, names, who may
upload, download and remove, the history of removals, and query counts of the pages that list
files. Real file bytes throughout; storage is a fresh folder per test (tests/conftest.py).
Messages are checked in Chinese, the default language of the dashboard."""

import datetime as dt
import io
import struct
import zipfile
import zlib
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from plan.models import Responsibility, Unit
from plan.periods import reporting_period
from projects.models import Project, ProjectStatus, ProjectUpdate
from supervision.evidence import (
    NAME_MAX,
    check_upload,
    display_name,
    evidence_add,
    evidence_prefetch,
    evidence_remove,
    has_evidence,
)
from supervision.models import Evidence, TaskReport
from tests.conftest import plan_page

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 3 3]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
MZ = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def png() -> bytes:
    """A real 1x1 PNG."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels)
            + chunk(b"IEND", b""))  # fmt: skip


def docx(macro=False) -> bytes:
    """A minimal real Word document (Office Open XML), built part by part."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>',
        )
        archive.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>佐证</w:t></w:r></w:p>'
            "</w:body></w:document>",
        )
        if macro:
            archive.writestr("word/vbaProject.bin", b"\x00" * 16)
    return buffer.getvalue()


def xlsx() -> bytes:
    workbook = Workbook()
    workbook.active["A1"] = "佐证"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a document")
    return buffer.getvalue()


def upload(name, content):
    return SimpleUploadedFile(name, content)


def stored_files(media_root) -> list[Path]:
    root = Path(media_root)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def task_report(plan, people):
    unit = Unit.objects.get(name="市科技局")
    r = Responsibility.objects.get(task__number=3, unit=unit)
    return TaskReport.objects.create(
        task=r.task, unit=unit, year=2024, quarter=1, status="on_track", progress="x",
        submitted_at=dt.datetime(2024, 4, 2, tzinfo=dt.UTC),
    )  # fmt: skip


@pytest.fixture
def project_update(plan, people):
    project = Project.objects.get(annex__number=1, order=1)
    return ProjectUpdate.objects.create(
        project=project, year=2024, quarter=1, status="in_progress", percent_complete=5,
        submitted_at=dt.datetime(2024, 4, 2, tzinfo=dt.UTC),
    )  # fmt: skip


def as_user(client, people, role):
    client.force_login(people[role])
    return client


# --- What is accepted ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "media_type"),
    [
        ("进展报告.pdf", PDF, "application/pdf"),
        ("现场照片.png", png(), "image/png"),
        ("现场.JPG", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20, "image/jpeg"),
        ("动图.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "image/gif"),
        ("验收意见.docx", docx(), "application/vnd.openxmlformats-officedocument."
                                 "wordprocessingml.document"),
        ("台账.xlsx", xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("旧文档.doc", OLE, "application/msword"),
        ("旧表格.xls", OLE, "application/vnd.ms-excel"),
        ("金山文字.wps", OLE, "application/vnd.ms-works"),
        ("金山表格.et", OLE, "application/octet-stream"),
    ],
)  # fmt: skip
def test_documents_and_images_are_accepted_by_their_content(name, content, media_type):
    checked = check_upload(upload(name, content))
    assert (checked.name, checked.size, checked.media_type) == (name, len(content), media_type)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("报告.pdf", ELF, "是可执行程序"),
        ("报告.pdf", MZ, "是可执行程序"),
        ("照片.png", HTML, "不是可作为佐证材料的文件类型"),
        ("文档.docx", plain_zip(), "不是可作为佐证材料的文件类型"),
        ("文档.docx", docx(macro=True), "含宏"),
        ("照片.pdf", png(), "不以 .png 结尾"),
        ("表格.docx", xlsx(), "不以 .xlsx 结尾"),
        ("空.pdf", b"", "是空文件"),
        ("程序.exe", MZ, "是可执行程序"),
    ],
)
def test_refused_files_say_why(name, content, message):
    with pytest.raises(ValidationError) as error:
        check_upload(upload(name, content))
    assert message in " ".join(error.value.messages)


@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "..\\..\\boot.pdf", "..", "a\x00.pdf"])
def test_a_name_with_a_path_or_control_characters_is_refused_by_the_service(name):
    # Django's UploadedFile already drops directories; this guards the service's other callers.
    with pytest.raises(ValidationError):
        display_name(name)


def test_a_long_chinese_name_is_kept_whole_up_to_the_limit_and_refused_past_it(task_report, people):
    # The name is the only copy of what the file was called: kept whole, or refused, never cut.
    name = "吉" * (NAME_MAX - 4) + ".pdf"
    (row,) = evidence_add(report=task_report, user=people["staff_own"], uploads=[upload(name, PDF)])
    assert row.name == name and len(row.name) == NAME_MAX
    assert "吉" not in row.file.name and len(row.file.name) < 80
    with pytest.raises(ValidationError, match=str(NAME_MAX)):
        evidence_add(report=task_report, user=people["staff_own"],
                     uploads=[upload("吉" + name, PDF)])  # fmt: skip
    assert Evidence.objects.count() == 1


# --- Uploading through the pages -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("报告.pdf", ELF, "是可执行程序"),
        ("照片.png", HTML, "不是可作为佐证材料的文件类型"),
    ],
)
def test_a_refused_upload_gets_a_message_on_the_page_and_stores_nothing(
    client, people, task_report, media_root, name, content, message
):
    as_user(client, people, "staff_own")
    url = reverse("supervision:task-report-evidence", args=[task_report.pk])
    response = client.post(url, {"files": upload(name, content)})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Evidence.objects.exists() and not Evidence.history.exists()
    assert stored_files(media_root) == []


def test_a_file_over_the_limit_is_refused_and_nothing_stored(
    client, people, task_report, media_root, settings
):
    settings.EVIDENCE_MAX_FILE_BYTES = 1024
    as_user(client, people, "staff_own")
    url = reverse("supervision:task-report-evidence", args=[task_report.pk])
    response = client.post(url, {"files": upload("大文件.pdf", PDF + b"0" * 2000)})
    assert "单个文件最大 1.0" in response.content.decode()
    assert not Evidence.objects.exists() and stored_files(media_root) == []


def test_a_reports_total_is_limited_and_removed_files_do_not_count(
    client, people, task_report, media_root, settings
):
    settings.EVIDENCE_MAX_REPORT_BYTES = 1000
    as_user(client, people, "staff_own")
    url = reverse("supervision:task-report-evidence", args=[task_report.pk])
    first = PDF + b"1" * (600 - len(PDF))
    assert client.post(url, {"files": upload("一.pdf", first)}).status_code == 302
    response = client.post(url, {"files": upload("二.pdf", first)})
    assert "每份填报最多 1000" in response.content.decode()
    assert Evidence.objects.count() == 1 and len(stored_files(media_root)) == 1
    # Two files at once that together pass the limit: neither is stored.
    evidence_remove(evidence=Evidence.objects.get(), user=people["staff_own"])
    response = client.post(url, {"files": [upload("三.pdf", first), upload("四.pdf", first)]})
    assert response.status_code == 200
    assert Evidence.objects.active().count() == 0 and len(stored_files(media_root)) == 1
    assert client.post(url, {"files": upload("五.pdf", first)}).status_code == 302


def test_a_path_in_the_uploaded_name_never_reaches_storage(client, people, task_report, media_root):
    as_user(client, people, "staff_own")
    url = reverse("supervision:task-report-evidence", args=[task_report.pk])
    assert client.post(url, {"files": upload("../../../outside.pdf", PDF)}).status_code == 302
    row = Evidence.objects.get()
    # Django's upload parser keeps only the last part of the name; the storage name is random.
    assert row.name == "outside.pdf"
    assert row.file.name.startswith("evidence/") and ".." not in row.file.name
    assert "outside" not in row.file.name
    (path,) = stored_files(media_root)
    assert Path(media_root) in path.parents and path.read_bytes() == PDF


def test_staff_of_another_unit_cannot_upload_or_remove(client, people, task_report, media_root):
    (row,) = evidence_add(report=task_report, user=people["staff_own"],
                          uploads=[upload("a.pdf", PDF)])  # fmt: skip
    before = stored_files(media_root)
    for role in ("staff_other", "leader"):
        as_user(client, people, role)
        url = reverse("supervision:task-report-evidence", args=[task_report.pk])
        assert client.post(url, {"files": upload("b.pdf", PDF)}).status_code == 403
        assert client.post(reverse("supervision:evidence-remove", args=[row.pk])).status_code == 403
        assert b"evidence-form" not in client.get(url).content
    assert list(Evidence.objects.values_list("name", "removed_at")) == [("a.pdf", None)]
    assert stored_files(media_root) == before
    with pytest.raises(PermissionDenied):
        evidence_add(report=task_report, user=people["staff_other"], uploads=[upload("c.pdf", PDF)])
    with pytest.raises(PermissionDenied):
        evidence_remove(evidence=row, user=people["staff_other"])


def test_removal_keeps_the_row_the_file_and_the_history(client, people, task_report, media_root):
    (row,) = evidence_add(report=task_report, user=people["staff_own"],
                          uploads=[upload("证明.pdf", PDF)])  # fmt: skip
    as_user(client, people, "staff_own")
    response = client.post(reverse("supervision:evidence-remove", args=[row.pk]))
    assert response.status_code == 302 and response["Location"] == task_report.get_evidence_url()
    row.refresh_from_db()
    assert row.removed_by == people["staff_own"] and row.removed_at is not None
    assert row.file.storage.exists(row.file.name)
    history = list(row.history.order_by("history_date"))
    assert [h.history_type for h in history] == ["+", "~"]
    assert history[-1].removed_at is not None and history[-1].history_user == people["staff_own"]
    page = client.get(task_report.get_evidence_url()).content.decode()
    assert "evidence-removed" in page and "证明.pdf" in page
    assert "证明.pdf" not in client.get(task_report.get_absolute_url()).content.decode()


# --- Downloading -----------------------------------------------------------------------------


def test_any_logged_in_user_downloads_as_an_attachment_with_safe_headers(
    client, people, task_report
):
    name = "吉林市 验收报告.pdf"
    (row,) = evidence_add(report=task_report, user=people["staff_own"],
                          uploads=[upload(name, PDF)])  # fmt: skip
    url = reverse("supervision:evidence-download", args=[row.pk])
    for role in ("staff_other", "leader", "staff_own", "admin"):
        as_user(client, people, role)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment;")
        assert f"filename*=utf-8''{quote(name)}" in disposition
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_removed_file_is_gone_for_readers_and_kept_for_administrators(
    client, people, task_report
):
    (row,) = evidence_add(report=task_report, user=people["staff_own"],
                          uploads=[upload("a.pdf", PDF)])  # fmt: skip
    evidence_remove(evidence=row, user=people["staff_own"])
    url = reverse("supervision:evidence-download", args=[row.pk])
    assert as_user(client, people, "staff_own").get(url).status_code == 404
    assert as_user(client, people, "admin").get(url).status_code == 200


def test_media_is_not_served_from_a_public_path(client, people, task_report, settings):
    (row,) = evidence_add(report=task_report, user=people["staff_own"],
                          uploads=[upload("a.pdf", PDF)])  # fmt: skip
    as_user(client, people, "leader")
    assert settings.MEDIA_URL in ("", "/")
    for guess in (f"/{row.file.name}", f"/media/{row.file.name}", f"/static/{row.file.name}"):
        assert client.get(guess).status_code == 404


# --- Evidence with the report forms ----------------------------------------------------------


def project_report_data(project, **overrides):
    project.refresh_from_db()
    period = reporting_period(timezone.localdate(), 2022, 2025)
    data = {"version": project.version, "period": str(period),
            "status": ProjectStatus.IN_PROGRESS, "percent_complete": 40,
            "investment_completed": "", "progress": "完成主体结构施工。", "problems": "",
            "next_steps": "", "reason": ""}  # fmt: skip
    data.update(overrides)
    return data


def test_files_are_attached_while_submitting_a_project_report(client, people, plan, media_root):
    project = Project.objects.get(annex__number=1, order=1)
    as_user(client, people, "staff_own")
    url = reverse("projects:project-report", args=[project.pk])
    data = project_report_data(project, evidence=[upload("照片.png", png()),
                                                  upload("验收.docx", docx())])  # fmt: skip
    assert client.post(url, data).status_code == 302
    report = ProjectUpdate.objects.get(project=project)
    assert sorted(e.name for e in Evidence.objects.for_report(report)) == ["照片.png", "验收.docx"]
    assert {e.unit.name for e in Evidence.objects.all()} == {"市科技局"}
    page = client.get(project.get_absolute_url()).content.decode()
    assert "照片.png" in page and "验收.docx" in page and report.get_evidence_url() in page


def test_a_bad_file_on_the_report_form_stores_neither_report_nor_file(
    client, people, plan, media_root
):
    project = Project.objects.get(annex__number=1, order=1)
    as_user(client, people, "staff_own")
    url = reverse("projects:project-report", args=[project.pk])
    response = client.post(url, project_report_data(project, evidence=upload("x.pdf", ELF)))
    assert response.status_code == 200
    page = response.content.decode()
    assert "是可执行程序" in page and "evidence-reselect" in page
    assert not ProjectUpdate.objects.exists() and not Evidence.objects.exists()
    assert stored_files(media_root) == []


def test_a_report_form_with_errors_asks_for_the_file_again_and_stores_nothing(
    client, people, plan, media_root
):
    project = Project.objects.get(annex__number=1, order=1)
    as_user(client, people, "staff_own")
    url = reverse("projects:project-report", args=[project.pk])
    data = project_report_data(project, percent_complete=150, evidence=upload("x.pdf", PDF))
    response = client.post(url, data)
    assert "请重新选择" in response.content.decode()
    assert not ProjectUpdate.objects.exists() and stored_files(media_root) == []


def test_a_report_over_the_total_limit_is_not_saved_with_its_files(
    client, people, plan, media_root, settings
):
    settings.EVIDENCE_MAX_REPORT_BYTES = 100
    unit = Unit.objects.get(name="市科技局")
    as_user(client, people, "staff_own")
    period = reporting_period(timezone.localdate(), plan.start_year, plan.end_year)
    url = plan_page("supervision:task-report", 3, unit.pk, str(period))
    data = {"version": 0, "status": "on_track", "progress": "完成。",
            "evidence": [upload("a.pdf", PDF), upload("b.pdf", PDF)]}  # fmt: skip
    response = client.post(url, data)
    assert "每份填报最多 100" in response.content.decode()
    assert not TaskReport.objects.exists() and not Evidence.objects.exists()
    assert stored_files(media_root) == []


def test_files_are_attached_while_submitting_a_task_report(client, people, plan):
    unit = Unit.objects.get(name="市科技局")
    as_user(client, people, "staff_own")
    period = reporting_period(timezone.localdate(), plan.start_year, plan.end_year)
    url = plan_page("supervision:task-report", 3, unit.pk, str(period))
    data = {"version": 0, "status": "on_track", "progress": "完成。",
            "evidence": upload("台账.xlsx", xlsx())}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302
    report = TaskReport.objects.get()
    assert has_evidence(report)
    page = client.get(report.get_absolute_url()).content.decode()
    assert "台账.xlsx" in page and reverse("supervision:evidence-download",
                                           args=[Evidence.objects.get().pk]) in page  # fmt: skip


# --- has_evidence for the reviewer ------------------------------------------------------------


def test_has_evidence_follows_uploads_and_removals(people, task_report, project_update):
    assert not has_evidence(task_report) and not has_evidence(project_update)
    (row,) = evidence_add(report=project_update, user=people["staff_own"],
                          uploads=[upload("a.pdf", PDF)])  # fmt: skip
    assert has_evidence(project_update) and not has_evidence(task_report)
    evidence_remove(evidence=row, user=people["staff_own"])
    assert not has_evidence(project_update)


def test_has_evidence_runs_no_query_on_prefetched_reports(people, task_report, project_update):
    evidence_add(report=task_report, user=people["admin"], uploads=[upload("a.pdf", PDF)])
    reports = list(TaskReport.objects.prefetch_related(evidence_prefetch()))
    with CaptureQueriesContext(connection) as queries:
        assert [has_evidence(r) for r in reports] == [True]
    assert len(queries) == 0


# --- Query counts of the pages that list files ------------------------------------------------


def count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_project_page_query_count_does_not_grow_with_reports_and_files(client, people, plan):
    project = Project.objects.get(annex__number=1, order=1)
    project.total_investment = Decimal(100)
    project.save()
    as_user(client, people, "staff_own")
    url = project.get_absolute_url()

    def add_report(year, quarter, files):
        update = ProjectUpdate.objects.create(
            project=project, year=year, quarter=quarter, status="in_progress",
            percent_complete=5, submitted_at=dt.datetime(year, quarter * 3, 2, tzinfo=dt.UTC),
            submitted_by=people["staff_own"],
        )  # fmt: skip
        evidence_add(report=update, user=people["staff_own"],
                     uploads=[upload(f"{year}-{i}.pdf", PDF) for i in range(files)])  # fmt: skip

    add_report(2022, 1, 1)
    small = count(client, url)
    for quarter in (2, 3, 4):
        add_report(2022, quarter, 4)
    large = count(client, url)
    assert (small, large) == (11, 11)  # with its plan (plan.urlplans) and its continuations (结转)


@pytest.mark.parametrize(
    "view", ["supervision:task-report-detail", "supervision:task-report-evidence"]
)
def test_task_report_pages_query_count_does_not_grow_with_files(client, people, task_report, view):
    as_user(client, people, "staff_own")
    url = reverse(view, args=[task_report.pk])
    evidence_add(report=task_report, user=people["staff_own"], uploads=[upload("a.pdf", PDF)])
    small = count(client, url)
    for i in range(6):
        evidence_add(report=task_report, user=people["admin"],
                     uploads=[upload(f"{i}.pdf", PDF)])  # fmt: skip
    row = Evidence.objects.filter(uploaded_by=people["admin"]).first()
    evidence_remove(evidence=row, user=people["admin"])
    assert count(client, url) == small
    assert (
        # One more than before plans in the URL: the report's plan (plan.urlplans).
        small == {"supervision:task-report-detail": 8, "supervision:task-report-evidence": 7}[view]
    )


def test_a_pdf_or_picture_opens_in_the_browser_and_other_files_stay_downloads(
    client, people, task_report
):
    (pdf,) = evidence_add(report=task_report, user=people["staff_own"],
                          uploads=[upload("验收报告.pdf", PDF)])  # fmt: skip
    as_user(client, people, "leader")
    url = reverse("supervision:evidence-download", args=[pdf.pk])
    opened = client.get(url, {"view": "1"})
    assert opened["Content-Disposition"].startswith("inline;")
    assert opened["Content-Type"] == "application/pdf"
    assert opened["X-Content-Type-Options"] == "nosniff"
    assert client.get(url)["Content-Disposition"].startswith("attachment;")
    page = client.get(reverse("supervision:task-report-detail", args=[task_report.pk])).text
    assert f"{url}?view=1" in page
