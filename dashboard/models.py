"""The dashboard's own rows: a plan workbook uploaded and waiting for its confirmation, and the
final evaluation of an ended plan as it stood when the plan ended."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PlanWorkbookImport(models.Model):
    """An uploaded plan workbook (``dashboard.plan_workbook``), read and checked: every row and
    every problem, kept until the administrator confirms (then the draft plan is written)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="plan_workbook_imports",
        verbose_name=_("user"),
    )
    file_name = models.CharField(_("file name"), max_length=200)
    plan_code = models.CharField(_("plan code"), max_length=32, blank=True)
    preview = models.JSONField(_("preview"))
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    plan = models.ForeignKey(
        "plan.Plan",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("plan"),
    )

    class Meta:
        verbose_name = _("plan workbook")
        verbose_name_plural = _("plan workbooks")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.file_name} ({self.user})"

    def get_absolute_url(self):
        return reverse("dashboard:plan-builder-preview", args=[self.pk])


class FrozenEvaluation(models.Model):
    """The final evaluation (终期评估) of a plan, rendered when the plan ended, in one view of the
    figures (approved reports only, or every report): what the page said that day, kept as the
    record (``dashboard.evaluation_freeze``). Later reports, corrections and code changes do not
    change it."""

    plan = models.ForeignKey(
        "plan.Plan",
        on_delete=models.CASCADE,
        related_name="frozen_evaluations",
        verbose_name=_("plan"),
    )
    approved_only = models.BooleanField(
        _("approved reports only"),
        help_text=_("The view of the figures: approved reports only, or every report."),
    )
    html = models.TextField(_("page"), help_text=_("The evaluation page's content as rendered."))
    frozen_at = models.DateTimeField(_("frozen at"), default=timezone.now)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("frozen by"),
        help_text=_("The administrator who ended the plan."),
    )

    class Meta:
        verbose_name = _("frozen final evaluation")
        verbose_name_plural = _("frozen final evaluations")
        ordering = ["plan", "-approved_only"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "approved_only"], name="frozen_evaluation_one_per_view"
            )
        ]

    def __str__(self):
        return f"{self.plan} ({self.frozen_at:%Y-%m-%d})"

    def get_absolute_url(self):
        from plan.urlplans import plan_url

        figures = "approved" if self.approved_only else "all"
        return plan_url(self.plan_id, "plan:evaluation") + f"?figures={figures}"
