"""The plan itself: its tasks, the units that answer for them, its thematic boxes and safeguards.

Every plan-specific row hangs off a ``Plan`` so that the next plan (2026-2030) can sit beside
this one. Units are not plan-specific: a bureau stays the same bureau from one plan to the next.
"""

import re
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history import register as register_history
from simple_history.models import HistoricalRecords

from . import figures_cache
from .periods import Period, close_date, due_date, is_closed, plan_periods


class PlanQuerySet(models.QuerySet):
    def current(self):
        """The plan the pages show: the one marked current, else the one that starts latest."""
        return self.order_by("-is_current", "-start_year", "-pk").first()


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
        _("current plan"), default=True, help_text=_("The plan the dashboard shows by default.")
    )
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
        return reverse("dashboard:home")

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
        return reverse("plan:task-detail", args=[self.number])


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


class ReviewState(models.TextChoices):
    """Where a report stands with the coordinating office (审核). There is no draft state: a
    report is written in one sitting and submitted; a returned one goes back to its unit."""

    SUBMITTED = "submitted", pgettext_lazy("review state", "submitted")
    APPROVED = "approved", _("approved")
    RETURNED = "returned", _("returned")


class Reviewable(models.Model):
    """The review fields every report carries (project reports, task reports, indicator values).

    Transitions happen only in ``plan.review``; the model's history records each one with who,
    when and the comment. ``returned_values`` keeps the report as it was when it was returned, so
    that the reviewer sees what the unit changed before resubmitting.
    """

    review_state = models.CharField(
        _("review state"),
        max_length=12,
        choices=ReviewState.choices,
        default=ReviewState.SUBMITTED,
        db_index=True,
    )
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    returned_fields = models.JSONField(_("fields the comment is about"), default=list, blank=True)
    returned_values = models.JSONField(_("values when returned"), default=dict, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    edited_after_approval = models.BooleanField(
        _("edited after approval"),
        default=False,
        help_text=_("The unit changed the report after it had been approved."),
    )

    class Meta:
        abstract = True

    @property
    def is_approved(self) -> bool:
        return self.review_state == ReviewState.APPROVED

    @property
    def is_returned(self) -> bool:
        return self.review_state == ReviewState.RETURNED


class TaskReportStatus(models.TextChoices):
    ON_TRACK = "on_track", _("on track")
    LAGGING = "lagging", _("lagging")
    COMPLETED = "completed", _("completed")


class TaskReport(Reviewable):
    """One unit's quarterly report on one task it shares (任务进展填报)."""

    REPORTED_FIELDS = ("status", "progress", "figures", "problems", "next_steps")

    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="reports", verbose_name=_("task")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="task_reports", verbose_name=_("unit")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    status = models.CharField(
        _("self-assessed status"), max_length=16, choices=TaskReportStatus.choices
    )
    progress = models.TextField(_("work done"))
    figures = models.TextField(
        _("figures achieved"), blank=True, help_text=_("e.g. 新认定国家高新技术企业35家")
    )
    problems = models.TextField(_("problems met"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="task_reports",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(
        _("first submitted at"), help_text=_("Timeliness is judged on this.")
    )
    revised_at = models.DateTimeField(_("last revised at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    is_demo = models.BooleanField(_("demo data"), default=False)

    history = HistoricalRecords()
    # Not a column: lets a page prefetch the files of many reports in one query.
    evidence = GenericRelation("Evidence")

    class Meta:
        verbose_name = _("task report")
        verbose_name_plural = _("task reports")
        ordering = ["task", "-year", "-quarter", "unit__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "unit", "year", "quarter"], name="unique_task_report_per_period"
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="task_report_quarter_1_4"
            ),
        ]
        indexes = [models.Index(fields=["year", "quarter"])]

    def __str__(self):
        return f"{self.task} · {self.unit} · {self.period}"

    def get_absolute_url(self):
        return reverse("plan:task-report-detail", args=[self.pk])

    def get_evidence_url(self):
        return reverse("plan:task-report-evidence", args=[self.pk])

    @property
    def period(self) -> Period:
        return Period(self.year, self.quarter)


class TaskSummary(models.Model):
    """The lead unit's summary of a task for one period (牵头单位汇总)."""

    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="summaries", verbose_name=_("task")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    summary = models.TextField(_("summary"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="task_summaries",
        verbose_name=_("written by"),
    )
    written_at = models.DateTimeField(_("written at"))
    version = models.PositiveIntegerField(_("version"), default=1)
    is_demo = models.BooleanField(_("demo data"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("task summary")
        verbose_name_plural = _("task summaries")
        ordering = ["task", "-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "year", "quarter"], name="unique_task_summary_per_period"
            ),
        ]

    def __str__(self):
        return f"{self.task} · {self.period}"

    def get_absolute_url(self):
        return self.task.get_absolute_url()

    @property
    def period(self) -> Period:
        return Period(self.year, self.quarter)


class ReopenScope(models.TextChoices):
    """What a reopening covers, always for one unit and one period."""

    PERIOD = "period", _("the unit's whole period")
    TASK = "task", _("one task (report and summary)")
    PROJECT = "project", _("one project")
    INDICATOR = "indicator", _("one indicator")


class ReopenState(models.TextChoices):
    OPEN = "open", _("waiting for a decision")
    GRANTED = "granted", _("granted")
    REFUSED = "refused", _("refused")
    EXPIRED = "expired", _("expired")


class ReopenRequestQuerySet(models.QuerySet):
    def waiting(self):
        """Requests no reviewer has decided yet, oldest first."""
        return self.filter(state=ReopenState.OPEN).order_by("requested_at", "pk")

    def in_force(self, today):
        """Granted reopenings that have not expired on ``today``."""
        return self.filter(state=ReopenState.GRANTED, open_until__gte=today)


class ReopenRequest(models.Model):
    """A unit's request to change reports of a closed period (申请重新开放), and the decision.

    Scoped to one unit and one period, and to one task, project or indicator or to the unit's
    whole period. ``object_id`` is not a foreign key because projects and indicators live in apps
    that ``plan`` does not import; ``subject`` keeps what it was called when asked. Every step is
    saved through the model, so the history (and the audit trail) records who, when and why.
    """

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="reopen_requests", verbose_name=_("plan")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="reopen_requests", verbose_name=_("unit")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    scope = models.CharField(
        _("scope"), max_length=12, choices=ReopenScope.choices, default=ReopenScope.PERIOD
    )
    object_id = models.PositiveIntegerField(
        _("object"), null=True, blank=True, help_text=_("The task, project or indicator reopened.")
    )
    subject = models.CharField(
        _("subject"), max_length=300, help_text=_("What is reopened, as named when asked.")
    )
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="reopen_requests",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"))
    state = models.CharField(
        _("state"), max_length=10, choices=ReopenState.choices, default=ReopenState.OPEN,
        db_index=True,
    )  # fmt: skip
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.TextField(_("reviewer's comment"), blank=True)
    open_until = models.DateField(
        _("open until"), null=True, blank=True, help_text=_("The last day the grant allows edits.")
    )

    objects = ReopenRequestQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reopening request")
        verbose_name_plural = _("reopening requests")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["unit", "year", "quarter", "state"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="reopen_quarter_1_4"
            ),
        ]

    def __str__(self):
        return f"{self.unit} · {self.period} · {self.subject}"

    def get_absolute_url(self):
        return reverse("dashboard:reopen-list") + f"#reopen-{self.pk}"

    @property
    def period(self) -> Period:
        return Period(self.year, self.quarter)


class ReminderNotice(models.Model):
    """A reviewer's reminder (催办) to a unit about one period's missing reports.

    It shows on the to-do of the unit's staff and goes into their next reminder e-mail.
    """

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="reminder_notices", verbose_name=_("plan")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="reminder_notices", verbose_name=_("unit")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    kind = models.CharField(
        _("kind of report"), max_length=12, blank=True, help_text=_("tasks or projects")
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="reminder_notices",
        verbose_name=_("sent by"),
    )
    sent_at = models.DateTimeField(_("sent at"), db_index=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reminder notice")
        verbose_name_plural = _("reminder notices")
        ordering = ["-sent_at", "-pk"]

    def __str__(self):
        return f"{self.unit} · {self.period}"

    def get_absolute_url(self):
        return reverse("dashboard:report-matrix")

    @property
    def period(self) -> Period:
        return Period(self.year, self.quarter)


class ReminderLog(models.Model):
    """One reminder e-mail sent to one person: what it listed (``fingerprint``) and when, so
    that a second run on the same day sends nothing for a state already sent."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reminder_logs",
        verbose_name=_("user"),
    )
    day = models.DateField(_("day"))
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    items = models.PositiveIntegerField(_("items listed"))
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        verbose_name = _("reminder e-mail")
        verbose_name_plural = _("reminder e-mails")
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["user", "day"])]

    def __str__(self):
        return f"{self.user} · {self.day}"

    def get_absolute_url(self):
        return reverse("dashboard:home")


# Users' changes (roles aside) are audited like everything else: who changed an account, when,
# and what (activation, names). The historical model lives in this app.
def evidence_upload_to(instance, filename):
    """A random storage name under ``evidence/YYYY/MM/``: the uploader's file name never reaches
    the storage path; only the checked extension the service passes in ``filename`` is kept."""
    suffix = PurePosixPath(filename).suffix.lower()
    if not re.fullmatch(r"\.[a-z0-9]{1,5}", suffix):
        suffix = ""
    return f"evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class EvidenceQuerySet(models.QuerySet):
    def active(self):
        """Files still attached: removed ones stay in the table and in storage for the record."""
        return self.filter(removed_at__isnull=True)

    def for_report(self, report):
        """Files of one report (any model: a project report, a task report, a value)."""
        return self.filter(
            content_type=ContentType.objects.get_for_model(type(report)), object_id=report.pk
        )

    def for_list(self):
        """What a list of files shows: who uploaded and who removed, in one query."""
        return self.select_related("uploaded_by", "removed_by").order_by("uploaded_at", "pk")


class Evidence(models.Model):
    """A file attached to a report as evidence (佐证材料): checked by its content, stored under a
    random name through the default storage, downloaded only through the dashboard."""

    content_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        verbose_name=_("kind of report"),
        help_text=_("Which kind of report the file belongs to."),
    )
    object_id = models.PositiveBigIntegerField(
        _("report id"), help_text=_("The report the file belongs to.")
    )
    report = GenericForeignKey("content_type", "object_id")
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="evidence",
        verbose_name=_("unit"),
        help_text=_("The unit whose staff may add and remove the report's files."),
    )
    file = models.FileField(
        _("stored file"),
        upload_to=evidence_upload_to,
        max_length=200,
        help_text=_("Stored under a random name; never served from a public path."),
    )
    name = models.CharField(
        _("file name"), max_length=120, help_text=_("The name the file was uploaded with.")
    )
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    media_type = models.CharField(
        _("media type"), max_length=100, help_text=_("Found from the file's content.")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="evidence_uploaded",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence_removed",
        verbose_name=_("removed by"),
    )
    removed_at = models.DateTimeField(
        _("removed at"),
        null=True,
        blank=True,
        help_text=_("A removed file leaves the report but stays in storage and in the history."),
    )

    history = HistoricalRecords()
    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("plan:evidence-download", args=[self.pk])


register_history(get_user_model(), app="plan", excluded_fields=["password", "last_login"])

# Account security (password history, forced password change) lives in its own module.
from .accounts import AccountSecurity, PasswordHistory  # noqa: E402, F401
