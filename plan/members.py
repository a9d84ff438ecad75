"""Member units of a collective unit (各县(市)区和开发区 is many governments, not one office).

The plan names collective units as responsible units ("各县(市)区和开发区", "各驻吉高校和职业院校",
"吉林市科技领导小组各成员单位"); who they are is not in the text. An administrator enters the
members (units of their own, with their own staff) in the admin; the plan's fixture keeps the
collective unit exactly as the text names it.

Why a membership table and not ``Unit.parent``: a unit can belong to several collectives (市科技局
is a department in its own right and a member of the leading group), and membership changes over
the plan's years: a district that joins mid-plan owes reports from the quarter it joined, and one
that leaves keeps its past reports in the figures of the quarters it was a member. A row per
(collective, member) with the days it joined and left says both; a parent key says neither.

A member owes the quarters its membership overlaps: it joined on or before the quarter's last
day and had not left by its first day (``left_on`` is the first day it is no longer a member).

Imported by ``plan.models`` so that Django finds the model; the rules that use it (who owes
which task report) live here too, as plain functions over rows fetched in one query.
"""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .periods import Period


class UnitMember(models.Model):
    """A unit is one of the members of a collective unit from one day (until another)."""

    collective = models.ForeignKey(
        "plan.Unit",
        on_delete=models.CASCADE,
        related_name="member_links",
        verbose_name=_("collective unit"),
        help_text=_("The unit the plan names, e.g. 各县(市)区和开发区."),
    )
    member = models.ForeignKey(
        "plan.Unit",
        on_delete=models.PROTECT,
        related_name="collective_links",
        verbose_name=_("member unit"),
        help_text=_("A unit of its own, with its own staff, reporting for its share."),
    )
    joined_on = models.DateField(
        _("member since"),
        default=dt.date.today,
        help_text=_("It owes reports from the quarter that holds this day."),
    )
    left_on = models.DateField(
        _("member until"),
        null=True,
        blank=True,
        help_text=_(
            "The first day it is no longer a member; empty while it is. Its reports for the "
            "quarters before stay in the figures."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("member unit")
        verbose_name_plural = _("member units")
        ordering = ["collective__sort_order", "member__sort_order", "member__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["collective", "member", "joined_on"], name="unique_member_since"
            ),
            models.CheckConstraint(
                condition=~models.Q(collective=models.F("member")), name="member_not_itself"
            ),
        ]

    def __str__(self):
        return f"{self.member} ∈ {self.collective}"

    def get_absolute_url(self):
        return self.collective.get_absolute_url()

    def clean(self):
        if self.left_on and self.joined_on and self.left_on <= self.joined_on:
            raise ValidationError({"left_on": _("A member leaves after the day it joined.")})
        if self.collective_id and self.collective_id == self.member_id:
            raise ValidationError({"member": _("A unit cannot be a member of itself.")})

    def covers(self, period: Period) -> bool:
        """Whether the membership overlaps ``period`` (the member owes that quarter's reports)."""
        return covers(self.joined_on, self.left_on, period)


def covers(joined_on: dt.date, left_on: dt.date | None, period: Period) -> bool:
    """Whether a membership from ``joined_on`` until ``left_on`` overlaps ``period``."""
    return joined_on <= period.last_day and (left_on is None or left_on > period.first_day)


class Members:
    """Every collective's members with their days, fetched once (one query) and asked per
    period: ``members.of(collective_id, period)`` -> member ids in their order."""

    def __init__(self, rows: Iterable[tuple]):
        self.links: dict[int, list[tuple[int, dt.date, dt.date | None]]] = {}
        for collective_id, member_id, joined_on, left_on in rows:
            self.links.setdefault(collective_id, []).append((member_id, joined_on, left_on))

    @classmethod
    def load(cls, collective_ids=None) -> "Members":
        links = UnitMember.objects.order_by(
            "collective_id", "member__sort_order", "member__name", "joined_on"
        )
        if collective_ids is not None:
            links = links.filter(collective_id__in=collective_ids)
        return cls(links.values_list("collective_id", "member_id", "joined_on", "left_on"))

    def has_members(self, collective_id: int) -> bool:
        """A collective with members (ever) reports through them, not as one unit."""
        return bool(self.links.get(collective_id))

    def ever(self, collective_id: int) -> list[int]:
        """Every member the collective has had, each once, in order."""
        return list(dict.fromkeys(m for m, _j, _l in self.links.get(collective_id, [])))

    def of(self, collective_id: int, period: Period) -> list[int]:
        """The members that owe ``period``'s reports."""
        return list(
            dict.fromkeys(
                m
                for m, joined, left in self.links.get(collective_id, [])
                if covers(joined, left, period)
            )
        )

    def periods_of(self, collective_id: int, member_id: int, periods: list[Period]) -> set:
        """The periods among ``periods`` that ``member_id`` owes as a member of the collective."""
        spans = [(j, lv) for m, j, lv in self.links.get(collective_id, []) if m == member_id]
        return {p for p in periods if any(covers(j, lv, p) for j, lv in spans)}

    def collectives_of(self, member_ids) -> dict[int, list[int]]:
        """member id -> the collectives it has been a member of."""
        wanted, found = set(member_ids), {}
        for collective_id, links in self.links.items():
            for member_id, _j, _l in links:
                if member_id in wanted and collective_id not in found.get(member_id, []):
                    found.setdefault(member_id, []).append(collective_id)
        return found


def member_links_of(unit_ids) -> Members:
    """The memberships ``unit_ids`` take part in, as members or as collectives (one query)."""
    unit_ids = list(unit_ids)
    return Members(
        UnitMember.objects.filter(
            models.Q(member_id__in=unit_ids) | models.Q(collective_id__in=unit_ids)
        )
        .order_by("collective_id", "joined_on")
        .values_list("collective_id", "member_id", "joined_on", "left_on")
    )


def units_and_collectives(field: str, unit_ids) -> models.Q:
    """A filter on ``field`` (a unit id) for ``unit_ids`` and the collectives they are members
    of, in the same query (a subquery): a reviewer's reminder (催办) to a collective reaches every
    member's staff."""
    collectives = UnitMember.objects.filter(member_id__in=unit_ids).values("collective_id")
    return models.Q(**{f"{field}__in": unit_ids}) | models.Q(**{f"{field}__in": collectives})


def with_member_flags(units):
    """``units`` annotated with ``has_members`` (a collective with members, ever) and
    ``is_member`` (a member of some collective): a unit's pages ask these before they look
    for members, so an ordinary unit's page runs no query more."""
    return units.annotate(
        has_members=models.Exists(UnitMember.objects.filter(collective=models.OuterRef("pk"))),
        is_member=models.Exists(UnitMember.objects.filter(member=models.OuterRef("pk"))),
    )
