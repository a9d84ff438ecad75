"""Ranks on the pages come from the group's values: approved batches, that year's members."""

from decimal import Decimal

import pytest

from indicators.models import Indicator, PeerBatch, PeerGroup, PeerMember, PeerValue, Target
from indicators.progress import Status
from indicators.selectors import progress_of, standings_of, with_progress_data
from tests.conftest import plan_page


@pytest.fixture
def ranked(plan):
    """R&D intensity ranked among four cities, 大连 a member from 2024; target top 2."""
    group = PeerGroup.objects.get(name="东北地区地级城市")
    PeerMember.objects.bulk_create(
        [PeerMember(group=group, place="吉林市", is_home=True),
         PeerMember(group=group, place="长春市"), PeerMember(group=group, place="四平市"),
         PeerMember(group=group, place="大连市", from_year=2024)]
    )  # fmt: skip
    indicator = Indicator.objects.get(plan=plan, code="rd-intensity")
    indicator.baseline_year = 2022
    indicator.save()
    Target.objects.filter(indicator=indicator).update(rank=2, reading_note="前列 read as top 2")
    return indicator


def add_batch(indicator, year, values, state="approved"):
    batch = PeerBatch.objects.create(indicator=indicator, year=year, source=f"统计公报 {year}",
                                     review_state=state)  # fmt: skip
    PeerValue.objects.bulk_create(
        PeerValue(batch=batch, indicator=indicator, year=year, place=p, value=v)
        for p, v in values.items()
    )
    return batch


def progress(indicator, approved=True, latest_only=False):
    fetched = with_progress_data(Indicator.objects.filter(pk=indicator.pk), latest_only, approved)
    return progress_of(fetched.get(), latest_only)


def test_the_rank_counts_that_years_members_and_judges_by_the_rank_rule(ranked):
    add_batch(ranked, 2022, {"吉林市": 1.2, "长春市": 2.5, "四平市": 0.9, "大连市": 3.0})
    add_batch(ranked, 2024, {"吉林市": 1.8, "长春市": 2.6, "四平市": 1.0, "大连市": 3.1})
    rows = {row.year: row for row in progress(ranked).years}
    # 2022: 大连 not yet a member, 吉林 2nd of 3 = within top 2
    assert (rows[2022].rank, rows[2022].standing.counted) == (2, 3)
    assert rows[2022].status == Status.MET
    # 2024: 大连 counted, 吉林 3rd of 4; baseline 2 -> target 2: no path to be behind on
    assert (rows[2024].rank, rows[2024].standing.counted) == (3, 4)
    assert rows[2024].status == Status.BEHIND
    assert progress(ranked, latest_only=True).latest.year == 2024


def test_a_batch_not_yet_approved_does_not_count_on_approved_figures(ranked):
    add_batch(ranked, 2023, {"吉林市": 2, "长春市": 1}, state="submitted")
    assert progress(ranked, approved=True, latest_only=True).latest is None
    assert progress(ranked, approved=False, latest_only=True).latest.rank == 1


def test_the_home_city_without_a_value_has_no_rank_and_the_missing_are_listed(ranked):
    add_batch(ranked, 2023, {"长春市": 2, "四平市": 1})
    fetched = with_progress_data(Indicator.objects.filter(pk=ranked.pk), approved=True).get()
    standings = standings_of(fetched, list(ranked.peer_group.members.all()))
    assert standings[2023].rank is None and standings[2023].counted == 2
    assert standings[2023].missing == ("吉林市",)


def test_until_a_top_n_is_set_the_target_is_not_yet_quantified(ranked):
    Target.objects.filter(indicator=ranked).update(rank=None)
    add_batch(ranked, 2023, {"吉林市": 2, "长春市": 1})
    assert progress(ranked, latest_only=True).status == Status.NOT_QUANTIFIED


def test_targets_come_with_the_peer_values(ranked):
    target = progress(ranked).end_target
    assert (target.year, target.rank, target.reading_note) == (2025, 2, "前列 read as top 2")
    assert target.statement == "争创东北地区地级城市前列" and target.value is None
    assert isinstance(progress(ranked).years[0].target, Decimal)


def test_the_indicator_page_shows_rank_target_and_the_peers_with_sources(client, ranked, people):
    add_batch(ranked, 2024, {"吉林市": 1.8, "长春市": 2.6, "四平市": 1.0})
    client.force_login(people["leader"])
    page = client.get(ranked.get_absolute_url() + "?figures=all").content.decode()
    assert "第 2 / 3" in page  # 大连 has no value: missing, not counted
    assert "大连市" in page and "前列 read as top 2" in page
    assert "统计公报 2024" in page
    ordered = client.get(ranked.get_absolute_url() + "?figures=all&sort=place").context
    assert [v.place for v in ordered["peer_table"]] == sorted(["吉林市", "长春市", "四平市"])


def test_a_rank_target_in_words_says_not_yet_quantified(client, plan, people):
    client.force_login(people["leader"])
    indicator = Indicator.objects.get(plan=plan, code="national-hte")
    page = client.get(indicator.get_absolute_url()).content.decode()
    assert "目标尚未量化" in page


def test_ranked_pages_query_count_is_pinned_at_two_group_sizes(client, ranked, people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(people["leader"])
    urls = [ranked.get_absolute_url(), plan_page("dashboard:home"),
            plan_page("indicators:indicator-list")]  # fmt: skip

    def counts():
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url + "?figures=all").status_code == 200
            found.append(len(queries))
        return found

    add_batch(ranked, 2023, {"吉林市": 1.8, "长春市": 2.6, "四平市": 1.0})
    small = counts()
    group = ranked.peer_group
    PeerMember.objects.bulk_create(PeerMember(group=group, place=f"城市{i}") for i in range(40))
    for year in (2024, 2025):
        add_batch(ranked, year, {f"城市{i}": i for i in range(40)} | {"吉林市": 7})
    # The indicator's plan (one more), and the leader's supervision items on the cockpit.
    assert counts() == small == [11, 12, 9]


def test_the_cockpit_counts_ranked_indicators_with_the_others(client, ranked, people):

    Target.objects.filter(indicator=ranked).update(rank=None)
    add_batch(ranked, 2024, {"吉林市": 1.8, "长春市": 2.6})
    client.force_login(people["leader"])
    response = client.get(plan_page("dashboard:home") + "?figures=all")
    assert response.context["indicator_counts"][Status.NOT_QUANTIFIED] == 1
    assert "排名目标尚未量化的指标" in response.content.decode()


def test_the_export_gives_a_ranked_indicators_rank_without_a_value_of_its_own(
    client, ranked, people
):
    import io

    from openpyxl import load_workbook

    add_batch(ranked, 2024, {"吉林市": 1.8, "长春市": 2.6, "四平市": 1.0})
    client.force_login(people["leader"])
    response = client.get(plan_page("indicators:indicator-export") + "?figures=all")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = {row[1]: row for row in sheet.iter_rows(values_only=True)}
    assert rows[ranked.name][8] == "第 2 / 3" and rows[ranked.name][7] == 2024


def test_the_final_evaluation_counts_a_ranked_indicator_by_its_rank(client, ranked, people):

    add_batch(ranked, 2025, {"吉林市": 2.8, "长春市": 2.6, "四平市": 1.0})
    client.force_login(people["leader"])
    response = client.get(plan_page("plan:evaluation") + "?figures=all")
    assert response.status_code == 200
    rows = {row.indicator.code: row for row in response.context["indicators"]}
    assert rows["rd-intensity"].status == Status.MET  # first of three, target top 2


def test_a_database_loaded_before_issue_21_gets_the_kinds_once(plan):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("indicators.migrations.0004_plan_indicator_kinds")
    rows = Indicator.objects.filter(plan=plan)
    rows.filter(code__in=["rd-intensity", "fiscal-st-share", "national-hte"]).update(
        kind="numeric", peer_group=None
    )
    rows.filter(code__startswith="business-env").update(kind="qualitative", peer_group=None,
                                                        published_ranks=False)  # fmt: skip
    rows.filter(code="fiscal-st-share").update(kind="qualitative")  # an administrator's choice
    migration.forwards(apps, None)
    kinds = dict(rows.values_list("code", "kind"))
    assert kinds == {"rd-intensity": "rank", "fiscal-st-share": "qualitative",
                     "national-hte": "rank", "business-env-main": "milestone",
                     "business-env-overall": "rank"}  # fmt: skip
    assert rows.get(code="business-env-overall").peer_group.name == "全国地级市"
    assert PeerGroup.objects.count() == 2 and not PeerMember.objects.exists()


def test_the_baseline_years_rank_is_shown_beside_the_yearly_ranks(client, ranked, people):
    ranked.baseline_year = 2021  # before the plan's first year
    ranked.save()
    add_batch(ranked, 2021, {"吉林市": 1.0, "长春市": 2.5, "四平市": 0.9})
    add_batch(ranked, 2024, {"吉林市": 1.8, "长春市": 2.6, "四平市": 1.0, "大连市": 3.1})
    row = progress(ranked).baseline_row
    assert (row.year, row.rank, row.standing.counted) == (2021, 2, 3)
    assert [r.year for r in progress(ranked).years][0] == 2022
    client.force_login(people["leader"])
    page = client.get(ranked.get_absolute_url())
    assert page.context["progress"].baseline_row.standing.missing == ()
    html = page.content.decode()
    assert 'data-testid="baseline-rank"' in html
    start = html.index('data-testid="baseline-rank"')
    assert "第 2 / 3" in html[start : html.index("</tr>", start)]


def test_no_baseline_row_without_the_groups_values_of_that_year(ranked):
    ranked.baseline_year = 2021
    ranked.save()
    add_batch(ranked, 2024, {"吉林市": 1.8, "长春市": 2.6})
    assert progress(ranked).baseline_row is None


def test_a_change_of_the_groups_members_is_kept_with_who_and_when(client, ranked, people):
    from django.urls import reverse

    from indicators.admin import membership_changes
    from tests.factories import UserFactory

    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    group = ranked.peer_group
    harbin = PeerMember(group=group, place="哈尔滨市", from_year=2025)
    harbin._history_user = root
    harbin.save()
    harbin.from_year = 2024
    harbin._history_user = root
    harbin.save()
    changes = membership_changes(group)
    assert [(c["type"], c["place"], c["user"]) for c in changes[:2]] == [
        ("~", "哈尔滨市", root), ("+", "哈尔滨市", root)]  # fmt: skip
    assert changes[0]["fields"] == ["起始年份: 2025 → 2024"]
    # ranks count the group of each year: 哈尔滨 from 2024 on
    add_batch(ranked, 2023, {"吉林市": 1.8, "长春市": 2.6, "哈尔滨市": 3.0})
    add_batch(ranked, 2024, {"吉林市": 1.8, "长春市": 2.6, "哈尔滨市": 3.0})
    rows = {row.year: row for row in progress(ranked).years}
    assert (rows[2023].rank, rows[2023].standing.counted) == (2, 2)
    assert (rows[2024].rank, rows[2024].standing.counted) == (3, 3)
    client.force_login(root)
    page = client.get(reverse("admin:indicators_peergroup_change", args=[group.pk]))
    html = page.content.decode()
    assert 'data-testid="membership-history"' in html and "哈尔滨市" in html and "root" in html
    history = client.get(reverse("admin:indicators_peermember_history", args=[harbin.pk]))
    assert history.status_code == 200
