"""The peer-value workbook import: preview, errors with sheet/row/column, merge rules, batch."""

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from indicators.models import Indicator, PeerBatch, PeerGroup, PeerMember, PeerValue
from indicators.peer_import import (
    BadFile,
    ImportConflict,
    PeerPreview,
    apply_preview,
    build_preview,
)


def workbook(rows, header=("地区", "数值"), title="东北") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(["R&D投入强度 2023"])  # a title line above the header is skipped
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def indicator(plan):
    group = PeerGroup.objects.get(name="东北地区地级城市")
    PeerMember.objects.bulk_create(
        [PeerMember(group=group, place="吉林市", is_home=True),
         PeerMember(group=group, place="长春市"), PeerMember(group=group, place="四平市"),
         PeerMember(group=group, place="大连市", from_year=2024)]
    )  # fmt: skip
    return Indicator.objects.get(plan=plan, code="rd-intensity")


def test_the_preview_shows_each_new_value_and_writes_nothing(indicator):
    content = workbook([("吉林市", 1.8), ("长春市", "2.6"), ("四平市", None)])
    preview = build_preview(content, indicator=indicator, year=2023, source="统计公报 2023")
    assert preview.errors == []
    assert preview.changes == [["吉林市", "", "1.8"], ["长春市", "", "2.6"]]
    assert not PeerValue.objects.exists() and not PeerBatch.objects.exists()


def test_errors_name_sheet_row_and_column(indicator):
    content = workbook([("吉林市", "很高"), ("大连市", 3), ("长春市", 1), ("长春市", 2),
                        ("哈尔滨市", 2)])  # fmt: skip
    preview = build_preview(content, indicator=indicator, year=2023, source="统计公报")
    found = [(e.sheet, e.row, e.column) for e in preview.errors]
    assert found == [("东北", 3, "数值"), ("东北", 4, "地区"), ("东北", 6, "地区"),
                     ("东北", 7, "地区")]  # fmt: skip
    assert "大连市" in preview.errors[1].message  # a member only from 2024


def test_a_missing_column_and_a_file_that_is_no_workbook(indicator):
    preview = build_preview(workbook([("吉林市", 1)], header=("地区", "值")),
                            indicator=indicator, year=2023, source="公报")  # fmt: skip
    assert [(e.row, e.column) for e in preview.errors] == [(2, "数值")]
    with pytest.raises(BadFile):
        build_preview(b"a,b\n1,2", indicator=indicator, year=2023, source="公报")


def test_applied_as_one_batch_submitted_for_review(indicator, people):
    content = workbook([("吉林市", 1.8), ("长春市", 2.6)])
    preview = build_preview(content, indicator=indicator, year=2023, source="统计公报 2023")
    preview = PeerPreview.from_json(preview.to_json())  # as kept in the session
    batch = apply_preview(preview, indicator=indicator, user=people["admin"], file_name="a.xlsx")
    assert batch.review_state == "submitted" and batch.source == "统计公报 2023"
    values = {v.place: (v.value, v.batch_id) for v in PeerValue.objects.all()}
    assert values == {"吉林市": (Decimal("1.8"), batch.pk), "长春市": (Decimal("2.6"), batch.pk)}


def test_same_source_merges_and_a_blank_cell_keeps_the_value(indicator, people):
    first = build_preview(workbook([("吉林市", 1.8), ("长春市", 2.6)]),
                          indicator=indicator, year=2023, source="公报")  # fmt: skip
    apply_preview(first, indicator=indicator, user=people["admin"])
    second = build_preview(workbook([("吉林市", None), ("长春市", 2.6), ("四平市", 0.9)]),
                           indicator=indicator, year=2023, source="公报")  # fmt: skip
    assert second.changes == [["四平市", "", "0.9"]] and second.unchanged == 2
    assert not second.replaces and second.removed == []
    apply_preview(second, indicator=indicator, user=people["admin"])
    assert PeerValue.objects.count() == 3


def test_another_source_replaces_the_whole_year(indicator, people):
    first = build_preview(workbook([("吉林市", 1.8), ("长春市", 2.6)]),
                          indicator=indicator, year=2023, source="公报")  # fmt: skip
    apply_preview(first, indicator=indicator, user=people["admin"])
    second = build_preview(workbook([("吉林市", 1.9)]), indicator=indicator, year=2023,
                           source="年鉴 2024")  # fmt: skip
    assert second.replaces and second.removed == ["长春市"]
    apply_preview(second, indicator=indicator, user=people["admin"])
    assert list(PeerValue.objects.values_list("place", "batch__source")) == [
        ("吉林市", "年鉴 2024")
    ]


def test_a_year_changed_since_the_preview_is_refused_whole(indicator, people):
    preview = build_preview(workbook([("吉林市", 1.8)]), indicator=indicator, year=2023,
                            source="公报")  # fmt: skip
    other = build_preview(workbook([("长春市", 2)]), indicator=indicator, year=2023, source="公报")
    apply_preview(other, indicator=indicator, user=people["admin"])
    with pytest.raises(ImportConflict):
        apply_preview(preview, indicator=indicator, user=people["admin"])
    assert PeerBatch.objects.count() == 1


def test_percent_formatted_cells_and_published_ranks(indicator, plan, people):
    book = Workbook()
    sheet = book.active
    sheet.append(["地区", "数值"])
    sheet.append(["吉林市", 0.032])
    sheet["B2"].number_format = "0.0%"
    buffer = io.BytesIO()
    book.save(buffer)
    preview = build_preview(buffer.getvalue(), indicator=indicator, year=2023, source="公报")
    assert preview.changes == [["吉林市", "", "3.2"]]
    ranked = Indicator.objects.get(plan=plan, code="business-env-overall")
    PeerMember.objects.create(group=ranked.peer_group, place="吉林市", is_home=True)
    preview = build_preview(workbook([("吉林市", 2.5)], header=("地区", "排名")),
                            indicator=ranked, year=2023, source="营商环境评价 2023")  # fmt: skip
    assert [e.column for e in preview.errors] == ["排名"]


def test_only_administrators_or_the_responsible_unit_import(indicator, people):
    preview = build_preview(workbook([("吉林市", 1)]), indicator=indicator, year=2023,
                            source="公报")  # fmt: skip
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        apply_preview(preview, indicator=indicator, user=people["leader"])


def test_upload_preview_then_confirm_in_the_browser_form(client, indicator, people):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client.force_login(people["admin"])
    url = reverse("indicators:peer-import", args=[indicator.pk])
    upload = SimpleUploadedFile("东北.xlsx", workbook([("吉林市", 1.8), ("长春市", 2.6)]))
    response = client.post(url, {"year": 2023, "source": "统计公报 2023", "file": upload})
    assert response.status_code == 200 and "2.6" in response.content.decode()
    assert not PeerBatch.objects.exists()  # the preview writes nothing
    assert client.post(url, {"confirm": "1"}).status_code == 302
    batch = PeerBatch.objects.get()
    assert (batch.file_name, batch.values.count(), batch.entered_by) == (
        "东北.xlsx", 2, people["admin"],
    )  # fmt: skip


def test_a_bad_cell_is_shown_with_sheet_row_and_column_and_nothing_kept(client, indicator, people):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from plan.models import Unit

    indicator.responsible_unit = Unit.objects.get(name="市科技局")  # staff_own's unit
    indicator.save()
    client.force_login(people["staff_own"])
    url = reverse("indicators:peer-import", args=[indicator.pk])
    upload = SimpleUploadedFile("x.xlsx", workbook([("吉林市", "高")]))
    page = client.post(url, {"year": 2023, "source": "公报", "file": upload}).content.decode()
    assert "东北" in page and "数值" in page and "peer-confirm" not in page
    assert client.post(url, {"confirm": "1"}).status_code == 200  # nothing kept to confirm
    assert not PeerBatch.objects.exists()


def test_a_batch_is_approved_whole_from_the_admin_and_then_counts(client, indicator, people):
    from django.urls import reverse

    from indicators.selectors import progress_of, with_progress_data

    preview = build_preview(workbook([("吉林市", 1.8), ("长春市", 2.6)]), indicator=indicator,
                            year=2023, source="公报")  # fmt: skip
    batch = apply_preview(preview, indicator=indicator, user=people["admin"])
    from tests.factories import UserFactory

    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(root)
    response = client.post(
        reverse("admin:indicators_peerbatch_changelist"),
        {"action": "approve_batches", "_selected_action": [batch.pk], "index": 0},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == ["已审核通过 1 个批次。"]
    batch.refresh_from_db()
    assert (batch.review_state, batch.reviewed_by) == ("approved", root)
    fetched = with_progress_data(Indicator.objects.filter(pk=indicator.pk), True, True).get()
    assert progress_of(fetched, True).latest.standing.rank == 2
