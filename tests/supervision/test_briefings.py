"""Issued quarterly briefings (issue 23, item 3): the office generates the draft and uploads the
issued version, checked like evidence; everyone finds it on the briefings page, linked from the
reporting matrix's periods and the cockpit, and downloads it as a private attachment."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document

from plan.periods import Period
from supervision.briefings import briefing_issue
from supervision.models import IssuedBriefing
from tests.conftest import plan_page
from tests.supervision.test_evidence import docx as evidence_docx

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def docx_upload(name="2025年第三季度推进情况通报.docx", text="正式印发"):
    doc = Document()
    doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type=DOCX)


@pytest.mark.django_db
def test_reviewer_downloads_the_draft_in_the_approved_view_by_default(client, people, plan):
    client.force_login(people["reviewer"])
    response = client.get(plan_page("dashboard:briefing-download"), {"period": "2025Q3"})
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert "attachment" in response["Content-Disposition"]
    assert "%E5%AD%A3%E5%BA%A6" in response["Content-Disposition"]  # 季度, RFC 5987-encoded
    assert "no-store" in response["Cache-Control"]
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "仅已审核通过的填报" in text and "2025Q3" in text
    every = client.get(plan_page("dashboard:briefing-download"), {"figures": "all"})
    text = "\n".join(p.text for p in Document(io.BytesIO(every.content)).paragraphs)
    assert "全部已提交的填报" in text


@pytest.mark.django_db
def test_a_missing_font_gives_a_clear_message_not_a_broken_document(client, people, plan, settings):
    settings.BRIEFING_FONT = "/nonexistent/NotoSansCJK-Regular.ttc"
    client.force_login(people["reviewer"])
    response = client.get(plan_page("dashboard:briefing-download"), follow=True)
    assert response.redirect_chain[-1][0] == plan_page("dashboard:briefing")
    assert "fonts-noto-cjk" in response.content.decode()


@pytest.mark.django_db
def test_generator_page_offers_the_plans_periods_and_both_views(client, people, plan):
    client.force_login(people["admin"])
    page = client.get(plan_page("dashboard:briefing")).content.decode()
    assert 'value="approved" selected' in page and 'value="all"' in page
    assert 'value="2025Q3"' in page


@pytest.mark.django_db
def test_issued_version_is_kept_listed_and_downloaded_by_a_clerk(client, people, plan):
    client.force_login(people["reviewer"])
    response = client.post(plan_page("supervision:briefing-upload"),
                           {"period": "2025Q3", "file": docx_upload()})  # fmt: skip
    assert response.status_code == 302
    row = IssuedBriefing.objects.get()
    assert (row.period, row.uploaded_by, row.media_type) == (Period(2025, 3), people["reviewer"],
                                                             DOCX)  # fmt: skip
    assert "briefing" in row.file.name and "通报" not in row.file.name  # a random storage name
    client.force_login(people["staff_own"])
    page = client.get(plan_page("supervision:briefing-list"), {"period": "2025Q3"})
    assert row.name in page.content.decode()
    assert plan_page("supervision:briefing-upload") not in page.content.decode()
    download = client.get(row.get_absolute_url())
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    assert download["Cache-Control"] == "private, no-store"
    body = b"".join(download.streaming_content)
    assert "正式印发" in Document(io.BytesIO(body)).paragraphs[0].text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("通报.docx", b"MZ\x90\x00 program"), "是可执行程序"),
        (SimpleUploadedFile("通报.png", b"\x89PNG\r\n\x1a\n" + b"0" * 32), "不是文档"),
        (SimpleUploadedFile("通报.pdf", b"<html>not a pdf</html>"), "不是"),
    ],
)
def test_refused_uploads_store_nothing_and_say_why(client, people, plan, upload, message):
    client.force_login(people["reviewer"])
    response = client.post(plan_page("supervision:briefing-upload"),
                           {"period": "2025Q3", "file": upload}, follow=True)  # fmt: skip
    assert message in response.content.decode()
    assert not IssuedBriefing.objects.exists()


@pytest.mark.django_db
def test_a_document_with_macros_is_refused(people, plan):
    upload = SimpleUploadedFile("通报.docx", evidence_docx(macro=True))
    with pytest.raises(ValidationError, match="macros|宏"):
        briefing_issue(plan=plan, period=Period(2025, 3), user=people["admin"], upload=upload)
    assert not IssuedBriefing.objects.exists()


@pytest.mark.django_db
def test_matrix_periods_and_the_cockpit_link_to_the_briefings(client, people, plan):
    client.force_login(people["leader"])
    matrix = client.get(plan_page("supervision:report-matrix")).content.decode()
    assert f"{reverse('supervision:briefing-list')}?period=2025Q" in matrix
    cockpit = client.get(plan_page("dashboard:home")).content.decode()
    assert 'data-testid="cockpit-briefings"' in cockpit


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 12])
def test_briefings_page_query_count_does_not_grow(client, people, plan, count):
    for i in range(count):
        briefing_issue(plan=plan, period=Period(2025, 1 + i % 3), user=people["reviewer"],
                       upload=docx_upload(f"通报{i}.docx"))  # fmt: skip
    client.force_login(people["leader"])
    url = plan_page("supervision:briefing-list")
    client.get(url)  # warm the per-session caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.content.decode().count('data-testid="briefing-download"') == count
    assert len(queries) == 5, [q["sql"] for q in queries]
