"""The plan itself: its tasks, the units that answer for them, its thematic boxes and safeguards.

Every plan-specific row hangs off a ``Plan`` so that the next plan (2026-2030) can sit beside
this one. Units are not plan-specific: a bureau stays the same bureau from one plan to the next.
"""

import re
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history import register as register_history
from simple_history.models import HistoricalRecords

from . import figures_cache
from .periods import Period, close_date, due_date, is_closed, plan_periods


class PlanState(models.TextChoices):
    """Where a plan stands (issue 18). A new plan is a draft that only administrators see, so
    creating one never changes what anybody reads; an active plan takes reports; an ended plan
    takes no more project or task reports (indicator values for its last years still come in,
    since statistics are published a year late); an archived plan is read-only."""

    DRAFT = "draft", _("draft")
    ACTIVE = "active", _("active")
    ENDED = "ended", _("ended")
    ARCHIVED = "archived", _("archived")


# The only moves between states: forward, one step at a time.
PLAN_TRANSITIONS = {
    PlanState.DRAFT: (PlanState.ACTIVE,),
    PlanState.ACTIVE: (PlanState.ENDED,),
    PlanState.ENDED: (PlanState.ARCHIVED,),
    PlanState.ARCHIVED: (),
}


class PlanQuerySet(models.QuerySet):
    def published(self):
        """Plans everybody may see: every state but the draft."""
        return self.exclude(state=PlanState.DRAFT)

    def active(self):
        """Plans that take reports (reminders and to-dos cover each of them)."""
        return self.filter(state=PlanState.ACTIVE)

    def current(self):
        """The plan the pages show by default: the one an administrator made the default, else
        the active plan that starts latest, else the latest published one; never a draft."""
        return (
            self.published()
            .annotate(is_active=models.Q(state=PlanState.ACTIVE))
            .order_by("-is_current", "-is_active", "-start_year", "-pk")
            .first()
        )


class Plan(models.Model):
    code = models.SlugField(
        _("code"), max_length=32, unique=True, help_text=_("Short identifier, e.g. 2022-2025.")
    )
    title = models.CharField(_("title"), max_length=200)
    issuer = models.CharField(_("issuer"), max_length=100, blank=True)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    preamble = models.TextField(_("preamble"), blank=True)
    guiding_thought = models.TextField(_("guiding thought"), blank=True)
    principles = models.TextField(_("basic principles"), blank=True)
    goals = models.TextField(_("development goals"), blank=True)
    indicator_system_title = models.CharField(
        _("indicator system title"), max_length=200, blank=True
    )
    data_notes = models.TextField(
        _("notes on the data"),
        blank=True,
        help_text=_("What the data holds beyond the source text, for administrators."),
    )
    is_current = models.BooleanField(
        _("default plan"),
        default=False,
        help_text=_("The plan the dashboard shows by default (an administrator chooses it)."),
    )
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=PlanState.choices,
        default=PlanState.DRAFT,
        help_text=_(
            "Draft: administrators only. Active: takes reports. Ended: no more project or task "
            "reports, indicator values still accepted. Archived: read-only."
        ),
    )
    state_changed_at = models.DateTimeField(_("state changed at"), null=True, blank=True)
    demo_data = models.BooleanField(
        _("demo data loaded"),
        default=False,
        help_text=_("Set while generated demo data is loaded; every page then says so."),
    )
    # Changed after every committed write to the plan's data of one domain: cached figures
    # keyed on an older stamp are stale (plan.figures_cache).
    projects_stamp = models.CharField(
        _("project figures stamp"), max_length=32, default=figures_cache.new_stamp,
        editable=False, help_text=_("Changes after each change to the projects or their reports."),
    )  # fmt: skip
    tasks_stamp = models.CharField(
        _("task figures stamp"), max_length=32, default=figures_cache.new_stamp, editable=False,
        help_text=_("Changes after each change to the task reports."),
    )  # fmt: skip
    indicators_stamp = models.CharField(
        _("indicator figures stamp"), max_length=32, default=figures_cache.new_stamp,
        editable=False, help_text=_("Changes after each change to the indicators or values."),
    )  # fmt: skip
    report_due_days = models.PositiveSmallIntegerField(
        _("days to report"),
        default=10,
        validators=[MaxValueValidator(90)],
        help_text=_("A quarter's reports are due this many days after the quarter ends."),
    )
    close_after_days = models.PositiveSmallIntegerField(
        _("days until a period closes"),
        default=0,
        validators=[MaxValueValidator(366)],
        help_text=_(
            "A period's reports can be changed until this many days after they are due (e.g. "
            "30); after that only a granted reopening lets a unit change them. 0: never close."
        ),
    )
    reporting_start_year = models.PositiveSmallIntegerField(
        _("first reported year"),
        null=True,
        blank=True,
        help_text=_("Year of the first quarter units report on; empty means the first year."),
    )
    reporting_start_quarter = models.PositiveSmallIntegerField(
        _("first reported quarter"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        ordering = ["-start_year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_year__lte=models.F("end_year")),
                name="plan_start_not_after_end",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from .urlplans import plan_path

        return plan_path(self)

    @property
    def years(self):
        return range(self.start_year, self.end_year + 1)

    @property
    def reporting_periods(self) -> list[Period]:
        """The quarters units report on: from the first reported quarter to the plan's end."""
        first = Period(
            self.reporting_start_year or self.start_year, self.reporting_start_quarter or 1
        )
        return [p for p in plan_periods(self.start_year, self.end_year) if p >= first]

    def due_date(self, period: Period):
        return due_date(period, self.report_due_days)

    def close_date(self, period: Period):
        """The last day ``period``'s reports can be changed, or ``None`` (never closes)."""
        return close_date(period, self.report_due_days, self.close_after_days)

    def is_closed(self, period: Period, today) -> bool:
        return is_closed(period, today, self.report_due_days, self.close_after_days)

    def takes_reports(self, *, values: bool = False) -> bool:
        """Whether the plan's state lets units report: project and task reports while it is
        active; indicator values (``values``) while it is active or ended."""
        if values:
            return self.state in (PlanState.ACTIVE, PlanState.ENDED)
        return self.state == PlanState.ACTIVE


class UnitQuerySet(models.QuerySet):
    def with_plan_counts(self, plan):
        """Units named in ``plan`` with their task, lead, project and member counts annotated.

        Each count is a correlated subquery, so the counts stay right (no join fan-out) and
        the page runs one query however many units and projects there are.
        """

        def count(queryset):
            counted = queryset.order_by().values("unit").annotate(n=Count("pk")).values("n")
            return Coalesce(Subquery(counted), Value(0))

        responsibilities = Responsibility.objects.filter(unit=OuterRef("pk"), task__plan=plan)
        projects_model = self.model._meta.get_field("projects").related_model
        return (
            self.filter(
                models.Q(responsibilities__task__plan=plan) | models.Q(safeguards__plan=plan)
            )
            .distinct()
            .annotate(
                task_count=count(responsibilities),
                lead_count=count(responsibilities.filter(order=1)),
                project_count=count(
                    projects_model.objects.filter(unit=OuterRef("pk"), annex__plan=plan)
                ),
                member_count=count(UnitMembership.objects.filter(unit=OuterRef("pk"))),
            )
            .order_by("sort_order", "name")
        )


class Unit(models.Model):
    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("department")
        COLLECTIVE = "collective", _("collective")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(
        _("kind"),
        max_length=16,
        choices=Kind.choices,
        default=Kind.DEPARTMENT,
        help_text=_("A collective names a group of bodies, e.g. 各县(市)区和开发区."),
    )
    sort_order = models.PositiveIntegerField(
        _("sort order"), default=0, help_text=_("Order of first mention in the plan.")
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="UnitMembership",
        related_name="units",
        verbose_name=_("members"),
        blank=True,
    )

    objects = UnitQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("responsible unit")
        verbose_name_plural = _("responsible units")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("plan:unit-detail", args=[self.pk])


class UnitMembership(models.Model):
    """A user works for a unit; staff report for the units they belong to."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="unit_memberships",
        verbose_name=_("user"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("unit")
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("unit membership")
        verbose_name_plural = _("unit memberships")
        ordering = ["unit__sort_order", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "unit"], name="unique_membership"),
        ]

    def __str__(self):
        return f"{self.user} @ {self.unit}"

    def get_absolute_url(self):
        return self.unit.get_absolute_url()


class Task(models.Model):
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("plan")
    )
    number = models.PositiveSmallIntegerField(
        _("number"), validators=[MinValueValidator(1)], help_text=_("1-9 in this plan.")
    )
    short_title = models.CharField(
        _("short title"), max_length=100, help_text=_("e.g. 统筹双链融合")
    )
    headline = models.CharField(
        _("headline"), max_length=200, blank=True, help_text=_("The clause after the short title.")
    )
    programme = models.CharField(
        _("programme"), max_length=100, help_text=_("e.g. 实施产业技术创新促进工程")
    )
    full_text = models.TextField(_("full text"))
    responsibility_note = models.CharField(
        _("note on responsibilities"),
        max_length=100,
        blank=True,
        help_text=_("Wording the plan adds after the units, e.g. 按职责分工负责."),
    )
    units = models.ManyToManyField(
        Unit,
        through="Responsibility",
        related_name="tasks",
        verbose_name=_("responsible units"),
    )

    class Meta:
        verbose_name = _("main task")
        verbose_name_plural = _("main tasks")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="unique_task_number_per_plan"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="task_number_positive"),
        ]

    def __str__(self):
        return f"{self.number}. {self.short_title}"

    def get_absolute_url(self):
        from .urlplans import plan_url

        return plan_url(self.plan_id, "plan:task-detail", self.number)


class Responsibility(models.Model):
    """A unit answers for a task; the unit listed first leads it."""

    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="responsibilities", verbose_name=_("task")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="responsibilities", verbose_name=_("unit")
    )
    order = models.PositiveSmallIntegerField(
        _("order"), help_text=_("Position in the plan's list; 1 is the lead unit.")
    )

    class Meta:
        verbose_name = _("responsibility")
        verbose_name_plural = _("responsibilities")
        ordering = ["task", "order"]
        constraints = [
            models.UniqueConstraint(fields=["task", "unit"], name="unique_unit_per_task"),
            models.UniqueConstraint(fields=["task", "order"], name="unique_order_per_task"),
            models.CheckConstraint(
                condition=models.Q(order__gte=1), name="responsibility_order_positive"
            ),
        ]

    def __str__(self):
        return f"{self.task} - {self.unit}"

    def get_absolute_url(self):
        return self.task.get_absolute_url()

    @property
    def is_lead(self):
        return self.order == 1


class Column(models.Model):
    """A thematic box (专栏) under a task, naming the projects of one or more annexes."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="columns", verbose_name=_("plan")
    )
    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="columns", verbose_name=_("task")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), help_text=_("The box as the plan prints it."))

    class Meta:
        verbose_name = _("thematic box")
        verbose_name_plural = _("thematic boxes")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"], name="unique_column_number_per_plan"
            ),
        ]

    def __str__(self):
        # The plan numbers its boxes in Chinese numerals: 专栏一 ... 专栏五.
        numeral = "一二三四五六七八九十"[self.number - 1] if 1 <= self.number <= 10 else self.number
        return f"专栏{numeral}：{self.title}"

    def get_absolute_url(self):
        return self.task.get_absolute_url()

    def clean(self):
        """A box hangs on a task of its own plan: one plan's page never lists another's rows."""
        super().clean()
        if self.plan_id and self.task_id and self.task.plan_id != self.plan_id:
            raise ValidationError(
                {"task": _("This task belongs to another plan; choose a task of the box's plan.")}
            )


class Safeguard(models.Model):
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="safeguards", verbose_name=_("plan")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=100)
    text = models.TextField(_("text"))
    responsible = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="safeguards",
        verbose_name=_("responsible body"),
    )

    class Meta:
        verbose_name = _("safeguard")
        verbose_name_plural = _("safeguards")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"], name="unique_safeguard_number_per_plan"
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def get_absolute_url(self):
        return reverse("dashboard:home") + "#safeguards"


# Kept here, not in ``supervision``: migration plan 0005 names ``plan.models.evidence_upload_to``,
# and ``supervision.models.Evidence`` uses it from here.
def evidence_upload_to(instance, filename):
    """A random storage name under ``evidence/YYYY/MM/``: the uploader's file name never reaches
    the storage path; only the checked extension the service passes in ``filename`` is kept."""
    suffix = PurePosixPath(filename).suffix.lower()
    if not re.fullmatch(r"\.[a-z0-9]{1,5}", suffix):
        suffix = ""
    return f"evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


# Users' changes (roles aside) are audited like everything else: who changed an account, when,
# and what (activation, names). The historical model lives in this app.
register_history(get_user_model(), app="plan", excluded_fields=["password", "last_login"])

# Account security (password history, forced password change) lives in its own module.
from .accounts import AccountSecurity, PasswordHistory  # noqa: E402, F401

# Member units of collective units (各县(市)区和开发区), and the rules of who owes what.
from .members import UnitMember  # noqa: E402, F401
