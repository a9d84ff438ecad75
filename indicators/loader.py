"""Load the indicators the plan's text names, with the 2025 targets it states."""

from plan.loader import LoadReport, upsert
from plan.models import Plan

from .models import Indicator, PeerGroup, Target


def load_indicators(plan: Plan, data: dict, report: LoadReport) -> None:
    """Load each named indicator and its end-year target as the plan words it.

    The text gives no numbers for these targets, so ``value`` and ``rank`` stay empty and the
    target is the plan's own statement (e.g. 争创东北地区地级城市前列). A rank indicator names
    the group the text ranks it in; the group is created empty (its members are an
    administrator's to enter, never the plan's data) and its top-N stays unset until an
    administrator reads the plan's words into one.
    """
    for order, i in enumerate(data["indicators"], start=1):
        group = None
        if i.get("peer_group"):
            group = upsert(PeerGroup, report, {"name": i["peer_group"]}, {}, {})
        indicator = upsert(
            Indicator,
            report,
            {"plan": plan, "code": i["code"]},
            {"name": i["name"], "source_quote": i["source_quote"], "order": order},
            {
                "unit_of_measure": i["unit_of_measure"],
                "kind": i["kind"],
                "direction": i.get("direction", Indicator.Direction.HIGHER),
                "peer_group": group,
                "published_ranks": i.get("published_ranks", False),
            },
        )
        upsert(
            Target,
            report,
            {"indicator": indicator, "year": plan.end_year},
            {},
            {"statement": i["target_statement"], "original_statement": i["target_statement"]},
        )
