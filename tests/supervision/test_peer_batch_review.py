"""Peer-value batches in the review queue (a kind registered by ``indicators``): reviewers see
them with the other reports, open one with its values, approve or return it whole; the ranks on
approved figures count approved batches only."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import Indicator, PeerBatch, PeerGroup, PeerMember, PeerValue, Target
from indicators.peer_entry import PeerEntry, entry_years, peer_values_enter, stamp, year_values
from plan.models import Unit
from supervision import registry
from supervision.models import ReviewState
from supervision.queue import returned_to, review_queue
from supervision.review import token


@pytest.fixture
def indicator(plan):
    group = PeerGroup.objects.get(name="东北地区地级城市")
    PeerMember.objects.bulk_create(
        [PeerMember(group=group, place="吉林市", is_home=True),
         PeerMember(group=group, place="长春市"), PeerMember(group=group, place="四平市")]
    )  # fmt: skip
    indicator = Indicator.objects.get(plan=plan, code="rd-intensity")
    indicator.responsible_unit = Unit.objects.get(name="市科技局")
    indicator.save()
    Target.objects.filter(indicator=indicator).update(rank=1, reading_note="前列 read as top 1")
    return indicator


def typed(indicator, user, year=2024, **values):
    values = values or {"吉林市": Decimal("2.8"), "长春市": Decimal("2.6"), "四平市": 1}
    entry = PeerEntry(year=year, source=f"{year}年统计公报", values=tuple(values.items()))
    return peer_values_enter(
        indicator=indicator, user=user, entry=entry,
        seen=stamp(year_values(indicator, year), "value"),
        years=entry_years(indicator, dt.date(2025, 6, 1)),
    )  # fmt: skip


def test_peer_batches_are_a_registered_kind_of_report():
    kind = registry.kind("peers")
    assert kind is not None and kind.model is PeerBatch
    assert registry.kind_of_model(PeerBatch) is kind and not kind.has_files


def test_the_queue_lists_a_batch_beside_the_other_reports(client, indicator, people, plan):
    batch = typed(indicator, people["staff_own"])
    client.force_login(people["reviewer"])
    page = client.get(reverse("supervision:review-queue"))
    rows = [r for r in page.context["rows"] if r["kind"] == "peers"]
    assert [(r["pk"], r["period"], r["unit_name"]) for r in rows] == [
        (batch.pk, "2024", "市科技局")
    ]
    html = page.content.decode()
    assert reverse("supervision:review-detail", args=["peers", batch.pk]) in html
    assert ("peers", "对标数值") in [(k, str(label)) for k, label in page.context["kinds"]]
    only = client.get(reverse("supervision:review-queue") + "?kind=peers")
    assert [r["kind"] for r in only.context["rows"]] == ["peers"]
    # a yearly batch belongs to the year's fourth quarter, like a yearly value
    assert [r["pk"] for r in review_queue(states=["submitted"], kinds=["peers"],
                                          period=_period(2024, 4))] == [batch.pk]  # fmt: skip
    assert list(review_queue(states=["submitted"], kinds=["peers"], period=_period(2024, 2))) == []


def _period(year, quarter):
    from plan.periods import Period

    return Period(year, quarter)


def test_the_review_page_shows_the_batchs_values_with_their_ranks(client, indicator, people):
    batch = typed(indicator, people["staff_own"])
    client.force_login(people["reviewer"])
    page = client.get(reverse("supervision:review-detail", args=["peers", batch.pk]))
    assert page.status_code == 200
    rows = page.context["detail"]["rows"]
    assert [(r["place"], r["value"], r["rank"]) for r in rows] == [
        ("吉林市", "2.8", 1), ("长春市", "2.6", 2), ("四平市", "1", 3)]  # fmt: skip
    html = page.content.decode()
    assert 'data-testid="batch-values"' in html and "2024年统计公报" in html
    assert 'data-testid="approve-form"' in html and 'data-testid="return-form"' in html


def test_approved_in_the_queue_the_batch_counts_on_approved_figures(client, indicator, people):
    batch = typed(indicator, people["staff_own"])
    client.force_login(people["leader"])
    detail = indicator.get_absolute_url() + "?figures=approved"
    assert client.get(detail).context["progress"].latest is None  # not approved yet
    client.force_login(people["reviewer"])
    url = reverse("supervision:review-detail", args=["peers", batch.pk])
    response = client.post(url, {"action": "approve", "approve-token": token(batch),
                                 "approve-comment": ""})  # fmt: skip
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.review_state == ReviewState.APPROVED and batch.reviewed_by == people["reviewer"]
    client.force_login(people["leader"])
    latest = client.get(detail).context["progress"].latest
    assert (latest.year, latest.rank, latest.standing.counted) == (2024, 1, 3)


def test_returned_the_batch_goes_back_to_the_unit_with_the_form_to_correct_it(
    client, indicator, people, plan
):
    batch = typed(indicator, people["staff_own"])
    client.force_login(people["reviewer"])
    url = reverse("supervision:review-detail", args=["peers", batch.pk])
    response = client.post(url, {"action": "return", "return-token": token(batch),
                                 "return-comment": "四平市的数值请核对",
                                 "return-about": ["source"]})  # fmt: skip
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.review_state == ReviewState.RETURNED
    rows = returned_to([indicator.responsible_unit_id], plan)
    form = reverse("indicators:peer-entry", args=[indicator.pk])
    assert [(r["kind"], r["url"]) for r in rows] == [("peers", form + "?year=2024")]
    # the unit corrects one value: the reviewer sees it beside the value returned
    typed(indicator, people["staff_own"], **{"吉林市": Decimal("2.8"), "长春市": Decimal("2.6"),
                                             "四平市": Decimal("1.1")})  # fmt: skip
    page = client.get(url)
    changed = {r["place"]: (r["before"], r["value"]) for r in page.context["detail"]["rows"]}
    assert changed["四平市"] == ("1", "1.1") and changed["吉林市"] == ("2.8", "2.8")
    assert page.content.decode().count('data-changed="1"') == 1


def test_the_queue_runs_the_same_queries_with_many_batches(client, indicator, people, plan):
    client.force_login(people["reviewer"])

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("supervision:review-queue")).status_code == 200
        return len(queries)

    typed(indicator, people["staff_own"])
    small = count()
    for n, year in enumerate((2022, 2023, 2025)):
        typed(indicator, people["staff_own"], year=year, **{"吉林市": n + 1, "长春市": 2})
    others = Indicator.objects.filter(plan=plan).exclude(pk=indicator.pk)[:3]
    for other in others:
        batch = PeerBatch.objects.create(indicator=other, year=2024, source="公报")
        PeerValue.objects.create(batch=batch, indicator=other, year=2024, place="吉林市", value=1)
    assert count() == small == 7  # its count serves the menu's count of what waits too


def test_a_correction_waiting_for_review_leaves_the_approved_rank_as_it_was(
    client, indicator, people
):
    """A batch holds the year's whole table: until the correction is approved, approved figures
    show the year as approved (every value), and the review page shows what approving changes."""
    first = typed(indicator, people["staff_own"])
    PeerBatch.objects.filter(pk=first.pk).update(review_state=ReviewState.APPROVED)
    # the unit corrects one place only: 长春 now ahead of 吉林
    corrected = {"吉林市": Decimal("2.8"), "长春市": Decimal("3.0"), "四平市": 1}
    second = typed(indicator, people["staff_own"], **corrected)
    assert second.pk != first.pk and first.values.count() == second.values.count() == 3
    client.force_login(people["leader"])
    approved = client.get(indicator.get_absolute_url() + "?figures=approved&year=2024")
    assert approved.context["progress"].latest.rank == 1  # as approved
    assert len(approved.context["peer_table"]) == 3
    every = client.get(indicator.get_absolute_url() + "?figures=all&year=2024")
    assert every.context["progress"].latest.rank == 2  # the correction
    client.force_login(people["reviewer"])
    page = client.get(reverse("supervision:review-detail", args=["peers", second.pk]))
    rows = {r["place"]: (r["approved"], r["value"]) for r in page.context["detail"]["rows"]}
    assert rows["长春市"] == ("2.6", "3") and rows["吉林市"] == ("2.8", "2.8")
    client.post(reverse("supervision:review-detail", args=["peers", second.pk]),
                {"action": "approve", "approve-token": token(second)})  # fmt: skip
    client.force_login(people["leader"])
    approved = client.get(indicator.get_absolute_url() + "?figures=approved")
    assert approved.context["progress"].latest.rank == 2


def test_an_import_after_approval_holds_the_years_whole_table(indicator, people):
    import io

    from openpyxl import Workbook

    from indicators.peer_import import apply_preview, build_preview

    first = typed(indicator, people["staff_own"])
    PeerBatch.objects.filter(pk=first.pk).update(review_state=ReviewState.APPROVED)
    book = Workbook()
    book.active.append(["地区", "数值"])
    book.active.append(["四平市", 1.5])
    buffer = io.BytesIO()
    book.save(buffer)
    preview = build_preview(buffer.getvalue(), indicator=indicator, year=2024,
                            source="2024年统计公报")  # fmt: skip
    batch = apply_preview(preview, indicator=indicator, user=people["staff_own"])
    assert dict(batch.values.values_list("place", "value")) == {
        "吉林市": Decimal("2.8"), "长春市": Decimal("2.6"), "四平市": Decimal("1.5")}  # fmt: skip
    assert dict(first.values.values_list("place", "value"))["四平市"] == Decimal(1)
