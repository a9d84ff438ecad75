"""The dashboard's own rows: a plan workbook uploaded and waiting for its confirmation."""

from django.conf import settings
from django.db import models
from django.urls import reverse
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
