"""Annex project tables (附表), their projects and the quarterly progress reports on them."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.lookups import LessThan
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from plan.figures_cache import PROJECTS, figures_changed
from plan.models import Column, Plan, Unit
from plan.periods import reporting_period
from plan.urlplans import plan_url, short_url
from supervision.colours import Colour, blue_days, in_blue_window
from supervision.models import ReopenScope, Reviewable, ReviewState

from .progress import LAG_TOLERANCE, Period, rollup_from_sums


class ProjectStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("not started")
    IN_PROGRESS = "in_progress", _("in progress")
    COMPLETED = "completed", _("completed")
    LAGGING = "lagging", _("lagging")
    SUSPENDED = "suspended", _("suspended")


class AnnexQuerySet(models.QuerySet):
    def with_project_counts(self):
        """Annexes with ``project_count`` annotated, for lists that show it."""
        return self.annotate(project_count=models.Count("projects"))


class Annex(models.Model):
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="annexes", verbose_name=_("plan")
    )
    column = models.ForeignKey(
        Column,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="annexes",
        verbose_name=_("thematic box"),
    )
    column_group = models.CharField(
        _("group in the box"),
        max_length=100,
        blank=True,
        help_text=_("Heading inside the box, where it has several, e.g. 碳纤维产业."),
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)

    objects = AnnexQuerySet.as_manager()

    class Meta:
        verbose_name = _("annex table")
        verbose_name_plural = _("annex tables")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="unique_annex_number_per_plan"),
        ]

    def __str__(self):
        return f"附表{self.number} {self.title}"

    def get_absolute_url(self):
        return plan_url(self.plan_id, "projects:annex-detail", self.number)

    def clean(self):
        """An annex hangs on a box of its own plan: one plan's figures never count another's."""
        super().clean()
        if self.plan_id and self.column_id and self.column.plan_id != self.plan_id:
            raise ValidationError(
                {"column": _("This box belongs to another plan; choose a box of the annex's plan.")}
            )


class DaysBetween(models.Func):
    """Whole days from the second date to the first (``later - earlier``), on each database."""

    arity = 2
    output_field = models.IntegerField()

    def as_sql(self, compiler, connection, **extra_context):
        raise NotImplementedError(f"DaysBetween has no SQL for {connection.vendor}")

    def as_sqlite(self, compiler, connection, **extra_context):
        template = "CAST(julianday(%(expressions)s) AS INTEGER)"
        return super().as_sql(
            compiler, connection, template=template, arg_joiner=") - julianday(", **extra_context
        )

    def as_postgresql(self, compiler, connection, **extra_context):
        # date - date is an integer number of days in PostgreSQL.
        return super().as_sql(
            compiler, connection, template="(%(expressions)s)", arg_joiner=" - ", **extra_context
        )


def _state_fields(approved: bool) -> tuple[str, str]:
    """The project's status and percent fields: as last reported, or as last approved."""
    return ("approved_status", "approved_percent") if approved else ("status", "percent_complete")


def _lag_expression(today, approved: bool = False):
    """``progress.is_lagging`` as an SQL expression (see ``ProjectQuerySet.with_lag``)."""
    status, percent = _state_fields(approved)
    elapsed = DaysBetween(models.Value(today, output_field=models.DateField()), "planned_start")
    total = DaysBetween("planned_end", "planned_start")
    behind = LessThan((models.F(percent) + LAG_TOLERANCE) * total, 100 * elapsed)
    return models.Case(
        models.When(**{status: ProjectStatus.LAGGING}, then=models.Value(True)),
        models.When(**{status: ProjectStatus.COMPLETED}, then=models.Value(False)),
        models.When(planned_end__lt=today, then=models.Value(True)),
        models.When(behind, then=models.Value(True)),
        default=models.Value(False),
        output_field=models.BooleanField(),
    )


# The join ``with_colour`` names for each project's report of the reporting period; a query that
# counts those reports too (the cockpit's) reuses it instead of joining the same rows again.
COLOUR_REPORT = "colour_report"


class ProjectQuerySet(models.QuerySet):
    def for_list(self):
        """Projects with what a list row shows, in plan order, in a fixed number of queries."""
        return self.select_related("annex", "unit").order_by("annex__number", "order")

    def with_lag(self, today, approved: bool = False):
        """Annotate ``is_lagging``: ``progress.is_lagging`` in SQL, so tables filter and sort on it.

        With ``approved``, judged on the state of the latest approved report
        (``approved_status``, ``approved_percent``): what leadership pages show by default.

        Behind the straight line by more than the tolerance means
        ``expected - percent > tolerance`` with ``expected = 100 * elapsed / total``, written
        without division as ``(percent + tolerance) * total < 100 * elapsed``.
        """
        return self.annotate(is_lagging=_lag_expression(today, approved))

    def with_colour(self, plan, today, days=None, approved: bool = False):
        """Annotate ``colour`` (red / yellow / blue / none): ``progress.project_colour`` in SQL,
        for the plan's reporting period on ``today``, so that tables filter, count and sort on
        it. Adds ``is_lagging`` too where it is not annotated yet. With ``approved``, the lag and
        "past its end and not completed" parts judge the project as last approved (the view of
        the figures the headline shows); whether a report is in, or returned, is the same in
        both views.

        Whether the period's due date has passed, or is near, is the same for every row, so it
        is decided here and only the per-project parts (report in? returned? lagging? past the
        end?) go into SQL. The period's report is joined once (a project has at most one a
        period): correlated EXISTS subqueries became one hashed subplan per use on PostgreSQL,
        about 15 ms each at 10,000 projects.
        """
        days = blue_days() if days is None else days
        period = reporting_period(today, plan.start_year, plan.end_year)
        due = plan.due_date(period)
        queryset = (
            self if "is_lagging" in self.query.annotations else self.with_lag(today, approved)
        )
        status, _percent = _state_fields(approved)
        queryset = queryset.annotate(
            **{COLOUR_REPORT: models.FilteredRelation(
                "updates",
                condition=models.Q(updates__year=period.year, updates__quarter=period.quarter),
            )}
        )  # fmt: skip
        missing = models.Q(**{f"{COLOUR_REPORT}__isnull": True})
        red = models.Q(planned_end__lt=today) & ~models.Q(**{status: ProjectStatus.COMPLETED})
        if today > due:
            red |= missing
        rules = [
            (red, Colour.RED),
            (
                models.Q(_lag_expression(today, approved))
                | models.Q(**{f"{COLOUR_REPORT}__review_state": ReviewState.RETURNED}),
                Colour.YELLOW,
            ),
        ]
        if in_blue_window(due, today, days):
            rules.append((missing, Colour.BLUE))
        rank = {c: i for i, c in enumerate(Colour.ORDER)}
        return queryset.annotate(
            colour=models.Case(
                *[models.When(rule, then=models.Value(colour)) for rule, colour in rules],
                default=models.Value(Colour.NONE),
                output_field=models.CharField(),
            ),
            # Most urgent first when sorted ascending (the names do not sort by urgency).
            colour_rank=models.Case(
                *[models.When(rule, then=models.Value(rank[colour])) for rule, colour in rules],
                default=models.Value(rank[Colour.NONE]),
                output_field=models.IntegerField(),
            ),
        )

    def for_export(self):
        """Projects with everything an annex export shows, the latest report's texts included,
        in one query."""
        latest = ProjectUpdate.objects.filter(project=models.OuterRef("pk")).order_by(
            "-year", "-quarter"
        )
        return self.select_related("annex", "unit").annotate(
            latest_progress=models.Subquery(latest.values("progress")[:1]),
            latest_problems=models.Subquery(latest.values("problems")[:1]),
            # The latest report's review state, in a column of its own: the editable export
            # carries the latest report whether approved or not.
            latest_review_state=models.Subquery(latest.values("review_state")[:1]),
        )

    def rollup_by_task(self, today, approved: bool = False) -> dict:
        """``{task_id: Rollup}`` for the tasks of these projects, in one query (on approved
        reports only with ``approved``)."""
        rows = self.task_status_sums(today, by_status=False, approved=approved)
        return {row.pop("task_id"): rollup_from_sums(**row) for row in rows}

    def task_status_sums(
        self, today, by_status: bool = True, approved: bool = False, colour_plan=None
    ):
        """The sums a task's ``Rollup`` is made of, per task (and per status with
        ``by_status``): the cockpit takes its status counts and its task roll-ups from the one
        grouped query. Every sum adds up across statuses. With ``approved``, from the latest
        approved reports' state; with ``colour_plan``, each row also has ``colour`` to count on
        (the three colours for that plan's reporting period)."""
        status, percent = _state_fields(approved)
        keys = {"task_id": models.F("annex__column__task")}
        if by_status:
            keys["project_status"] = models.F(status)
        queryset = self.with_lag(today, approved)
        if colour_plan is not None:
            queryset = queryset.with_colour(colour_plan, today, approved=approved)
        return (
            queryset.order_by()
            .values(**keys)
            .annotate(
                projects=models.Count("pk"),
                percent_sum=models.Sum(percent),
                investment_sum=models.Sum("total_investment"),
                weighted_percent_sum=models.Sum(
                    models.ExpressionWrapper(
                        models.F(percent) * models.F("total_investment"),
                        output_field=models.DecimalField(max_digits=20, decimal_places=2),
                    )
                ),
                without_investment=models.Count("pk", filter=models.Q(total_investment=None)),
                lagging=models.Count("pk", filter=models.Q(is_lagging=True)),
            )
        )


class Project(models.Model):
    annex = models.ForeignKey(
        Annex, on_delete=models.CASCADE, related_name="projects", verbose_name=_("annex table")
    )
    order = models.PositiveSmallIntegerField(
        _("order"), help_text=_("Position in the annex, in the order the plan names them.")
    )
    name = models.CharField(_("name"), max_length=200)
    builder = models.CharField(_("builder"), max_length=200, blank=True)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("responsible unit"),
    )
    location = models.CharField(_("location"), max_length=200, blank=True)
    content = models.TextField(_("construction content"), blank=True)
    total_investment = models.DecimalField(
        _("total investment (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ProjectStatus.choices, default=ProjectStatus.NOT_STARTED
    )
    percent_complete = models.PositiveSmallIntegerField(
        _("percent complete"), default=0, validators=[MaxValueValidator(100)]
    )
    investment_completed = models.DecimalField(
        _("investment completed (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    last_reported_at = models.DateTimeField(_("last report"), null=True, blank=True)
    # The state as of the latest *approved* report, kept by ``refresh_approved`` on every
    # review transition: leadership pages read these by default.
    approved_status = models.CharField(
        _("approved status"),
        max_length=16,
        choices=ProjectStatus.choices,
        default=ProjectStatus.NOT_STARTED,
    )
    approved_percent = models.PositiveSmallIntegerField(
        _("approved percent complete"), default=0, validators=[MaxValueValidator(100)]
    )
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=_("Raised on every save; guards against lost updates.")
    )
    data_note = models.CharField(_("note on the data"), max_length=300, blank=True)
    # Carry-over (结转, issue 18): a project an ended plan left unfinished, continued in the next
    # plan as a new project; this read-only link to its predecessor is the one link allowed to
    # cross plans (``clean``). PROTECT: the old project, its reports and figures stay.
    carried_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="carried_to",
        verbose_name=_("carried over from"),
        help_text=_("The project of an earlier plan this one continues (结转)."),
    )

    history = HistoricalRecords()
    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("key project")
        verbose_name_plural = _("key projects")
        ordering = ["annex", "order"]
        constraints = [
            models.UniqueConstraint(fields=["annex", "order"], name="unique_project_order"),
            models.CheckConstraint(
                condition=models.Q(percent_complete__lte=100), name="project_percent_0_100"
            ),
            models.CheckConstraint(
                condition=models.Q(planned_start__isnull=True)
                | models.Q(planned_end__isnull=True)
                | models.Q(planned_start__lte=models.F("planned_end")),
                name="project_start_not_after_end",
                violation_error_message=_("The planned start must not be after the planned end."),
            ),
            models.CheckConstraint(
                condition=models.Q(total_investment__isnull=True)
                | models.Q(total_investment__gte=0),
                name="project_total_investment_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(investment_completed__isnull=True)
                | models.Q(investment_completed__gte=0),
                name="project_investment_completed_not_negative",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return short_url("projects:project-detail", self.pk)

    def clean(self):
        """A project belongs to its annex's plan; the one link that may reach another plan is
        ``carried_from``, and it must: a project is carried over from another plan's project,
        never from one of its own plan (nor from itself)."""
        super().clean()
        if not (self.carried_from_id and self.annex_id):
            return
        if self.carried_from_id == self.pk or self.carried_from.annex.plan_id == self.annex.plan_id:
            raise ValidationError(
                {"carried_from": _("A project is carried over from another plan's project.")}
            )

    @property
    def reference_label(self) -> str:
        """The annex number, the row in it and the name ("2-3 name"); reads ``annex``."""
        return f"{self.annex.number}-{self.order} {self.name}"

    def refresh_approved(self) -> None:
        """Bring ``approved_status``/``approved_percent`` up to the latest approved report
        (none: not started, 0). Saved with ``update()``: not a change by a user, not a version."""
        latest = (
            self.updates.filter(review_state="approved")
            .order_by("-year", "-quarter")
            .values("status", "percent_complete")
            .first()
        )
        status = latest["status"] if latest else ProjectStatus.NOT_STARTED
        percent = latest["percent_complete"] if latest else 0
        if (status, percent) != (self.approved_status, self.approved_percent):
            Project.objects.filter(pk=self.pk).update(
                approved_status=status, approved_percent=percent
            )
            figures_changed(PROJECTS)
            self.approved_status, self.approved_percent = status, percent


class ProjectUpdate(Reviewable):
    """One quarterly progress report (进展填报) on one project."""

    REPORTED_FIELDS = ("status", "percent_complete", "investment_completed", "progress",
                       "problems", "next_steps", "reason")  # fmt: skip

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="updates", verbose_name=_("project")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    status = models.CharField(_("status"), max_length=16, choices=ProjectStatus.choices)
    percent_complete = models.PositiveSmallIntegerField(
        _("percent complete"), validators=[MaxValueValidator(100)]
    )
    investment_completed = models.DecimalField(
        _("investment completed to date (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    progress = models.TextField(_("work done"), blank=True)
    problems = models.TextField(_("problems met"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    reason = models.TextField(
        _("reason"), blank=True, help_text=_("Why the percent went down, where it did.")
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="project_updates",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(
        _("first submitted at"), help_text=_("Timeliness is judged on this.")
    )
    revised_at = models.DateTimeField(_("last revised at"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    history = HistoricalRecords()
    # Not a column: lets the project page prefetch every report's files in one query.
    evidence = GenericRelation("supervision.Evidence")

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["project", "-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "year", "quarter"], name="unique_update_per_period"
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="update_quarter_1_4"
            ),
            models.CheckConstraint(
                condition=models.Q(percent_complete__lte=100), name="update_percent_0_100"
            ),
            models.CheckConstraint(
                condition=models.Q(investment_completed__isnull=True)
                | models.Q(investment_completed__gte=0),
                name="update_investment_not_negative",
            ),
        ]
        # The review queue and the menu's count of waiting reports find a plan's reports in a
        # state through their subject (issue 20): one index seek a subject, not every report.
        indexes = [
            models.Index(fields=["year", "quarter"]),
            models.Index(fields=["project", "review_state"], name="update_project_state"),
        ]

    def __str__(self):
        return f"{self.project} {self.year}Q{self.quarter}"

    @property
    def unit_id(self):
        """The unit that answers for the report: its project's (for the roles module)."""
        return self.project.unit_id

    def after_review(self) -> None:
        """Called by ``supervision.review`` after each transition: the project's approved state."""
        self.project.refresh_approved()

    def get_absolute_url(self):
        return self.project.get_absolute_url()

    def get_evidence_url(self):
        return short_url("projects:update-evidence", self.pk)

    @property
    def evidence_owner(self):
        """Whose staff may add and remove this report's files: the project's unit."""
        return self.project

    def reopen_target(self):
        """``(plan, scope, object_id)``: the reopening that covers this report and its files."""
        return self.project.annex.plan, ReopenScope.PROJECT, self.project_id

    @property
    def period(self) -> Period:
        return Period(self.year, self.quarter)

    @property
    def period_label(self):
        return str(self.period)


class ProjectImport(models.Model):
    """An uploaded annex workbook, checked and waiting for its user to confirm the preview."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="project_imports",
        verbose_name=_("user"),
    )
    file_name = models.CharField(_("file name"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    preview = models.JSONField(_("preview"))
    # The conflicts where the user chose the file's value ("<project id>:<field>"), kept here as
    # they are chosen page by page, so paging the preview loses none of them.
    choices = models.JSONField(_("conflicts taken from the file"), default=list, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    applied_rows = models.PositiveIntegerField(_("rows applied"), default=0)

    class Meta:
        verbose_name = _("Excel import")
        verbose_name_plural = _("Excel imports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.file_name} ({self.user})"

    def get_absolute_url(self):
        return short_url("projects:import-preview", self.pk)

    @property
    def period(self) -> Period:
        return Period(self.year, self.quarter)
