"""How the coordinating office supervises the plan (督办): the review states every report carries,
the units' task reports and the lead units' summaries, reopening requests for closed periods,
reviewers' reminders (催办) and the e-mails sent, and evidence files (佐证材料).

These tables were created by the ``plan`` app and keep its table names (``db_table``): the move to
this app changed no row (migration ``supervision 0001``).
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from plan.models import Plan, Task, Unit, evidence_upload_to
from plan.periods import Period
from plan.urlplans import short_url


class ReviewState(models.TextChoices):
    """Where a report stands with the coordinating office (审核). There is no draft state: a
    report is written in one sitting and submitted; a returned one goes back to its unit."""

    SUBMITTED = "submitted", pgettext_lazy("review state", "submitted")
    APPROVED = "approved", _("approved")
    RETURNED = "returned", _("returned")


class Reviewable(models.Model):
    """The review fields every report carries (project reports, task reports, indicator values).

    Transitions happen only in ``supervision.review``; the model's history records each one with
    who, when and the comment. ``returned_values`` keeps the report as it was when it was
    returned, so that the reviewer sees what the unit changed before resubmitting.
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

    history = HistoricalRecords(table_name="plan_historicaltaskreport")
    # Not a column: lets a page prefetch the files of many reports in one query.
    evidence = GenericRelation("Evidence")

    class Meta:
        db_table = "plan_taskreport"
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
        # The review queue and the menu's count of waiting reports find a plan's reports in a
        # state through their subject (issue 20): one index seek a subject, not every report.
        indexes = [
            models.Index(fields=["year", "quarter"]),
            models.Index(fields=["task", "review_state"], name="task_report_task_state"),
        ]

    def __str__(self):
        return f"{self.task} · {self.unit} · {self.period}"

    def get_absolute_url(self):
        return short_url("supervision:task-report-detail", self.pk)

    def get_evidence_url(self):
        return short_url("supervision:task-report-evidence", self.pk)

    def reopen_target(self):
        """``(plan, scope, object_id)``: the reopening that covers this report and its files."""
        return self.task.plan, ReopenScope.TASK, self.task_id

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

    history = HistoricalRecords(table_name="plan_historicaltasksummary")

    class Meta:
        db_table = "plan_tasksummary"
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
    history = HistoricalRecords(table_name="plan_historicalreopenrequest")

    class Meta:
        db_table = "plan_reopenrequest"
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
        return reverse("supervision:reopen-list") + f"#reopen-{self.pk}"

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

    history = HistoricalRecords(table_name="plan_historicalremindernotice")

    class Meta:
        db_table = "plan_remindernotice"
        verbose_name = _("reminder notice")
        verbose_name_plural = _("reminder notices")
        ordering = ["-sent_at", "-pk"]

    def __str__(self):
        return f"{self.unit} · {self.period}"

    def get_absolute_url(self):
        return reverse("supervision:report-matrix")

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
        db_table = "plan_reminderlog"
        verbose_name = _("reminder e-mail")
        verbose_name_plural = _("reminder e-mails")
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["user", "day"])]

    def __str__(self):
        return f"{self.user} · {self.day}"

    def get_absolute_url(self):
        return reverse("dashboard:home")


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

    history = HistoricalRecords(table_name="plan_historicalevidence")
    objects = EvidenceQuerySet.as_manager()

    class Meta:
        db_table = "plan_evidence"
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return short_url("supervision:evidence-download", self.pk)


def briefing_upload_to(instance, filename):
    """A random storage name under ``briefings/YYYY/``: the uploader's file name never reaches the
    storage path; only the checked extension the service passes in ``filename`` is kept."""
    import re
    import uuid
    from pathlib import PurePosixPath

    suffix = PurePosixPath(filename).suffix.lower()
    if not re.fullmatch(r"\.[a-z0-9]{1,5}", suffix):
        suffix = ""
    return f"briefings/{timezone.now():%Y}/{uuid.uuid4().hex}{suffix}"


class IssuedBriefingQuerySet(models.QuerySet):
    def for_list(self):
        """The briefings page: newest period first, with who uploaded (one query)."""
        return self.select_related("plan", "uploaded_by").order_by("-year", "-quarter", "-pk")


class IssuedBriefing(models.Model):
    """A quarterly briefing (季度通报) as the coordinating office issued it: the generated draft,
    edited in Word or WPS and uploaded back. Checked by its content like evidence files, stored
    under a random name, downloaded only through the dashboard as an attachment."""

    plan = models.ForeignKey(
        Plan,
        on_delete=models.PROTECT,
        related_name="issued_briefings",
        verbose_name=_("plan"),
        help_text=_("The plan the briefing reports on."),
    )
    year = models.PositiveSmallIntegerField(_("year"), help_text=_("Year of the period."))
    quarter = models.PositiveSmallIntegerField(
        _("quarter"),
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text=_("Quarter of the period (1-4)."),
    )
    file = models.FileField(
        _("stored file"),
        upload_to=briefing_upload_to,
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
        related_name="briefings_uploaded",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    history = HistoricalRecords()
    objects = IssuedBriefingQuerySet.as_manager()

    class Meta:
        verbose_name = _("issued briefing")
        verbose_name_plural = _("issued briefings")
        ordering = ["-year", "-quarter", "-pk"]

    def __str__(self):
        return f"{self.period} {self.name}"

    def get_absolute_url(self):
        return short_url("supervision:briefing-download", self.pk)

    @property
    def period(self) -> Period:
        return Period(self.year, self.quarter)


class ItemSource(models.TextChoices):
    """Where a supervision item (督办件) comes from."""

    INSTRUCTION = "instruction", _("leader's instruction")
    MEETING = "meeting", _("meeting decision")
    DOCUMENT = "document", _("document")


class ItemState(models.TextChoices):
    """立项 → 交办 → 跟踪 → 反馈 → 办结, or returned to the unit with a comment."""

    REGISTERED = "registered", pgettext_lazy("supervision item", "registered")
    ASSIGNED = "assigned", pgettext_lazy("supervision item", "assigned")
    IN_PROGRESS = "in_progress", pgettext_lazy("supervision item", "in progress")
    ANSWERED = "answered", pgettext_lazy("supervision item", "answered")
    RETURNED = "returned_item", pgettext_lazy("supervision item", "returned")
    CLOSED = "closed", pgettext_lazy("supervision item", "closed")


class SupervisionItemQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(state=ItemState.CLOSED)

    def for_list(self):
        """What a list of items shows, in one query plus one for the co-units."""
        return self.select_related("plan", "lead_unit", "given_by").prefetch_related("co_units")


class SupervisionItem(models.Model):
    """A supervision item (督办件): a leader's instruction (or a meeting's decision, a document)
    that the coordinating office registers and assigns to a lead unit with co-units and a
    deadline, the unit answers, and the office closes or returns. Transitions happen only in
    ``supervision.items``; ``version`` guards against two people changing it at once.

    What it is about is a subject kind (``project``, ``task``, ``indicator``, registered in
    ``supervision.items`` by the apps that hold them) and an id, with the subject's name as it was
    when written; an item about nothing in the plan has no subject and belongs to the plan it
    was written under."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="supervision_items", verbose_name=_("plan")
    )
    source = models.CharField(
        _("source"), max_length=12, choices=ItemSource.choices, default=ItemSource.INSTRUCTION
    )
    instruction = models.TextField(_("instruction as written"))
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="instructions_given",
        verbose_name=_("given by"),
    )
    given_by_name = models.CharField(
        _("given by (as named)"),
        max_length=100,
        blank=True,
        help_text=_("A leader or meeting named in the record, when not the writer."),
    )
    given_on = models.DateField(_("given on"), default=timezone.localdate)
    subject_kind = models.CharField(_("kind of subject"), max_length=20, blank=True)
    subject_id = models.PositiveIntegerField(_("subject id"), null=True, blank=True)
    subject_name = models.CharField(_("about"), max_length=300, blank=True)
    lead_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items_led",
        verbose_name=_("lead unit"),
    )
    co_units = models.ManyToManyField(
        Unit, blank=True, related_name="items_shared", verbose_name=_("co-units")
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    original_deadline = models.DateField(
        _("original deadline"),
        null=True,
        blank=True,
        help_text=_("The deadline first given, kept when an extension is granted."),
    )
    extension_until = models.DateField(_("extension asked until"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=ItemState.choices,
        default=ItemState.REGISTERED,
        db_index=True,
    )
    answer = models.TextField(_("answer (办理情况)"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    office_comment = models.TextField(_("office's comment"), blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("written at"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"), default=1)
    is_demo = models.BooleanField(_("demo data"), default=False)

    history = HistoricalRecords()  # co-units: named in the change reason of each assignment
    evidence = GenericRelation("Evidence")
    objects = SupervisionItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("supervision item")
        verbose_name_plural = _("supervision items")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["subject_kind", "subject_id"])]

    def __str__(self):
        return f"#{self.pk} {self.instruction[:40]}"

    def get_absolute_url(self):
        return short_url("supervision:item-detail", self.pk)

    @property
    def unit_id(self):
        """The unit whose staff may change the item's files (the evidence rules)."""
        return self.lead_unit_id


class ItemNote(models.Model):
    """A progress note (进展) of the lead unit, or a co-unit's part of the answer (协办意见).
    Written once and never changed: the item's timeline lists them."""

    class Kind(models.TextChoices):
        PROGRESS = "progress", _("progress note")
        PART = "part", _("co-unit's part")
        REMINDER = "reminder", _("reminder (催办)")

    item = models.ForeignKey(
        SupervisionItem, on_delete=models.CASCADE, related_name="notes", verbose_name=_("item")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    text = models.TextField(_("text"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("written by"),
    )  # fmt: skip
    written_at = models.DateTimeField(_("written at"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("item note")
        verbose_name_plural = _("item notes")
        ordering = ["written_at", "pk"]

    def __str__(self):
        return self.text[:40]
