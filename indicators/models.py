"""The indicator system (指标体系): indicators, their targets by year and the values observed."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Max, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from plan.models import Plan, Unit
from plan.urlplans import short_url
from supervision.models import Reviewable, ReviewState


class IndicatorQuerySet(models.QuerySet):
    """A queryset that can hand its rows, once fetched, to a function that attaches what they
    need in one query of its own (``selectors.with_progress_data``: targets and peer values)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._after_fetch = None

    def _clone(self):
        clone = super()._clone()
        clone._after_fetch = self._after_fetch
        return clone

    def after_fetch(self, attach):
        clone = self._chain()
        clone._after_fetch = attach
        return clone

    def _prefetch_related_objects(self):
        super()._prefetch_related_objects()
        if self._after_fetch is not None:
            self._after_fetch(self._result_cache)


class Indicator(models.Model):
    class Category(models.TextChoices):
        INPUT = "input", _("innovation input")
        ACTORS = "actors", _("innovation actors")
        OUTPUT = "output", _("innovation output")
        ENVIRONMENT = "environment", _("innovation environment")

    class Direction(models.TextChoices):
        HIGHER = "higher", _("higher is better")
        LOWER = "lower", _("lower is better")

    class Kind(models.TextChoices):
        NUMERIC = "numeric", _("numeric")
        RANK = "rank", _("rank")
        QUALITATIVE = "qualitative", _("qualitative")
        MILESTONE = "milestone", _("milestone")

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("plan")
    )
    code = models.SlugField(_("code"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=200)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices, blank=True)
    unit_of_measure = models.CharField(_("unit of measure"), max_length=30, blank=True)
    decimals = models.PositiveSmallIntegerField(
        _("decimal places"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(4)],
        help_text=_("How many decimals its values and targets are shown with (0-4). Empty: at "
                    "most two, none for a whole number."),
    )  # fmt: skip
    direction = models.CharField(
        _("direction"), max_length=8, choices=Direction.choices, default=Direction.HIGHER
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.NUMERIC)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    baseline_value = models.DecimalField(
        _("baseline value"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    responsible_unit = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("responsible unit"),
    )
    definition = models.TextField(_("definition"), blank=True)
    data_source = models.CharField(_("data source"), max_length=200, blank=True)
    source_quote = models.TextField(
        _("source quote"), blank=True, help_text=_("Where the plan's text names this indicator.")
    )
    quarterly = models.BooleanField(
        _("tracked quarterly"), default=False, help_text=_("Values are entered for each quarter.")
    )
    peer_group = models.ForeignKey(
        "PeerGroup",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("peer group"),
        help_text=_("The group a rank indicator is ranked in."),
    )
    published_ranks = models.BooleanField(
        _("ranks as published"),
        default=False,
        help_text=_("Only ranks are published (营商环境): peers' ranks are entered, not values."),
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    history = HistoricalRecords()

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["plan", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="unique_indicator_code_per_plan"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return short_url("indicators:indicator-detail", self.pk)

    @property
    def unit_id(self):
        """The unit that answers for the values, for ``plan.permissions``."""
        return self.responsible_unit_id

    @property
    def is_percentage(self) -> bool:
        return self.unit_of_measure.strip() in {"%", "％"}


class Target(models.Model):
    """The target for one indicator and one plan year: a number, a rank or a statement."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="targets", verbose_name=_("indicator")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(
        _("target value"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    rank = models.PositiveSmallIntegerField(
        _("target rank"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    statement = models.CharField(
        _("target as stated"),
        max_length=300,
        blank=True,
        help_text=_("The target in the plan's words, e.g. 争创东北地区地级城市前列."),
    )
    original_value = models.DecimalField(
        _("original target value"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    original_rank = models.PositiveSmallIntegerField(
        _("original target rank"), null=True, blank=True
    )
    original_statement = models.CharField(
        _("original target as stated"), max_length=300, blank=True
    )
    reason = models.CharField(_("reason for the last change"), max_length=300, blank=True)
    reading_note = models.CharField(
        _("how the plan's words were read"),
        max_length=300,
        blank=True,
        help_text=_("For a rank set from words, e.g. 前列 read as top 5."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="unique_target_per_year"),
            models.CheckConstraint(
                condition=models.Q(rank__isnull=True) | models.Q(rank__gte=1),
                name="target_rank_positive",
            ),
        ]

    def __str__(self):
        return f"{self.indicator} {self.year}"

    def get_absolute_url(self):
        return self.indicator.get_absolute_url()

    @property
    def revised(self) -> bool:
        return (self.value, self.rank, self.statement) != (
            self.original_value, self.original_rank, self.original_statement,
        )  # fmt: skip


class TargetRevision(models.Model):
    """One change of a target: what it was, what it became, why, who and when. Never edited."""

    target = models.ForeignKey(
        Target, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("target")
    )
    old_value = models.DecimalField(_("old value"), max_digits=16, decimal_places=4, null=True)
    new_value = models.DecimalField(_("new value"), max_digits=16, decimal_places=4, null=True)
    old_rank = models.PositiveSmallIntegerField(_("old rank"), null=True)
    new_rank = models.PositiveSmallIntegerField(_("new rank"), null=True)
    old_statement = models.CharField(_("old statement"), max_length=300, blank=True)
    new_statement = models.CharField(_("new statement"), max_length=300, blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="target_revisions",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("target revision")
        verbose_name_plural = _("target revisions")
        ordering = ["target", "-changed_at"]

    def __str__(self):
        return f"{self.target} @ {self.changed_at:%Y-%m-%d}"

    def get_absolute_url(self):
        return self.target.get_absolute_url()


class Observation(Reviewable):
    """An actual value (实际值) for one indicator in one year, or one quarter of it."""

    REPORTED_FIELDS = ("value", "rank", "text", "judgement", "judged_on", "source", "note")

    class Judgement(models.TextChoices):
        MET = "met", _("met")
        PARTLY = "partly", _("partly met")
        NOT_MET = "not_met", _("not met")

    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        related_name="observations",
        verbose_name=_("indicator"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(
        _("quarter"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text=_("Empty for a value of the whole year."),
    )
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=4, null=True, blank=True)
    rank = models.PositiveSmallIntegerField(
        _("rank"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    text = models.CharField(_("qualitative value"), max_length=300, blank=True)
    judgement = models.CharField(
        _("milestone judgement"),
        max_length=8,
        choices=Judgement.choices,
        blank=True,
        help_text=_("For a milestone: met, partly met or not met, with its evidence."),
    )
    judged_on = models.DateField(_("judged on"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="observations",
        verbose_name=_("entered by"),
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    is_demo = models.BooleanField(_("demo data"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("actual value")
        verbose_name_plural = _("actual values")
        ordering = ["indicator", "year", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year"],
                condition=models.Q(quarter__isnull=True),
                name="unique_yearly_observation",
            ),
            models.UniqueConstraint(
                fields=["indicator", "year", "quarter"],
                condition=models.Q(quarter__isnull=False),
                name="unique_quarterly_observation",
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__isnull=True) | models.Q(quarter__gte=1, quarter__lte=4),
                name="observation_quarter_1_4",
            ),
            models.CheckConstraint(
                condition=models.Q(rank__isnull=True) | models.Q(rank__gte=1),
                name="observation_rank_positive",
            ),
        ]
        # The review queue and the menu's count of waiting reports find a plan's reports in a
        # state through their subject (issue 20): one index seek a subject, not every report.
        indexes = [
            models.Index(fields=["indicator", "review_state"], name="observation_indicator_state")
        ]

    def __str__(self):
        suffix = f"Q{self.quarter}" if self.quarter else ""
        return f"{self.indicator} {self.year}{suffix}"

    def get_absolute_url(self):
        return self.indicator.get_absolute_url()

    @property
    def unit_id(self):
        """The unit that answers for the value: its indicator's (for the roles module)."""
        return self.indicator.responsible_unit_id


class PeerGroup(models.Model):
    """A named group of places an indicator is ranked in (e.g. 东北地区地级城市).

    Not tied to a plan: the same group serves successive plans. Its members change over the
    years (``PeerMember`` with from/until years); a year's rank counts that year's members."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("peer group")
        verbose_name_plural = _("peer groups")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("admin:indicators_peergroup_change", args=[self.pk])

    @staticmethod
    def members_in(members, year: int) -> list:
        """The members (already fetched) that belong to the group in ``year``."""
        return [m for m in members if m.belongs_in(year)]


class PeerMember(models.Model):
    """A place in a peer group from one year (until another); the home city is one of them."""

    group = models.ForeignKey(
        PeerGroup, on_delete=models.CASCADE, related_name="members", verbose_name=_("peer group")
    )
    place = models.CharField(_("place"), max_length=60)
    is_home = models.BooleanField(_("home city"), default=False)
    from_year = models.PositiveSmallIntegerField(
        _("member from"), null=True, blank=True, help_text=_("Empty: a member from the start.")
    )
    until_year = models.PositiveSmallIntegerField(
        _("member until"), null=True, blank=True, help_text=_("Empty: still a member.")
    )

    # Who added, removed or changed a member and when: the group's membership over the years.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("peer")
        verbose_name_plural = _("peers")
        ordering = ["group", "-is_home", "place"]
        constraints = [
            models.UniqueConstraint(fields=["group", "place"], name="unique_peer_per_group"),
            models.UniqueConstraint(
                fields=["group"], condition=models.Q(is_home=True), name="one_home_per_group"
            ),
        ]

    def __str__(self):
        return self.place

    def get_absolute_url(self):
        return self.group.get_absolute_url()

    def belongs_in(self, year: int) -> bool:
        return (self.from_year is None or self.from_year <= year) and (
            self.until_year is None or year <= self.until_year
        )


class PeerBatch(Reviewable):
    """One import (or one browser entry) of peer values for an indicator and a year, reviewed as
    one batch. A batch holds the year's whole table as it was entered (the values it kept from
    the year's table before it and those it changed), so that the year's values are its latest
    batch's (``current_batch``): on approved figures the latest approved batch's, while a newer
    one waits for review. A year has at most one batch waiting (submitted or returned): a new
    entry or import revises it."""

    REPORTED_FIELDS = ("source", "note")

    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        related_name="peer_batches",
        verbose_name=_("indicator"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(
        _("source"), max_length=200, help_text=_("The bulletin or yearbook and its year.")
    )
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="peer_batches",
        verbose_name=_("entered by"),
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("peer values batch")
        verbose_name_plural = _("peer values batches")
        ordering = ["indicator", "year", "-entered_at"]
        # The review queue and the menu's count of waiting reports find a plan's reports in a
        # state through their subject (issue 20).
        indexes = [
            models.Index(fields=["indicator", "review_state"], name="peer_batch_indicator_state")
        ]

    def __str__(self):
        return f"{self.indicator} {self.year} ({self.source})"

    def get_absolute_url(self):
        return self.indicator.get_absolute_url()

    @property
    def unit_id(self):
        return self.indicator.responsible_unit_id

    @property
    def measure(self) -> str:
        """The field its values are in: published ranks or values."""
        return "rank" if self.indicator.published_ranks else "value"

    def review_snapshot(self) -> dict:
        """The batch's values by place as text, kept when it is returned (supervision.review):
        the review page then shows which values the unit changed since."""
        return {"values": {v.place: shown(getattr(v, self.measure)) for v in self.values.all()}}


def shown(value) -> str:
    """A value as text, the same for 3.2 typed or read from a cell and 3.2000 from the
    database."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def current_batch(approved: bool) -> Q:
    """For a query of ``PeerValue``: the values of their year's latest batch (its latest
    approved batch with ``approved``), the year's table in force."""
    # One uncorrelated subquery, each (indicator, year)'s newest batch, which the database runs
    # once and hashes: a subquery a value row (the newest batch of its own indicator and year)
    # made PostgreSQL expect a few hundred rows of 80,000 and join them in a nested loop, 4-6 s
    # for the cockpit's peer values at 10,000 projects.
    batches = PeerBatch.objects.all()
    if approved:
        batches = batches.filter(review_state=ReviewState.APPROVED)
    newest = batches.order_by().values("indicator_id", "year").annotate(newest=Max("pk"))
    return Q(batch_id__in=newest.values("newest"))


class PeerValue(models.Model):
    """One peer's value (or published rank) for an indicator and a year in one batch, from the
    batch's source. The home city has one too, from the same source as its peers."""

    batch = models.ForeignKey(
        PeerBatch, on_delete=models.CASCADE, related_name="values", verbose_name=_("batch")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="peer_values", verbose_name=_("indicator")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    place = models.CharField(_("place"), max_length=60)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=4, null=True, blank=True)
    rank = models.PositiveSmallIntegerField(
        _("published rank"), null=True, blank=True, validators=[MinValueValidator(1)]
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("peer value")
        verbose_name_plural = _("peer values")
        ordering = ["indicator", "year", "place"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "place"], name="unique_peer_value_per_batch"),
        ]
        indexes = [models.Index(fields=["indicator", "year"], name="peer_value_indicator_year")]

    def __str__(self):
        return f"{self.place} {self.year}"

    def get_absolute_url(self):
        return self.indicator.get_absolute_url()
