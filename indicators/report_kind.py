"""The indicator value (指标实际值) as a kind of report of the supervision cycle.

Registered in ``IndicatorsConfig.ready()``: the review queue and page, the digest and the reopen
form reach indicator values through it, so that ``supervision`` never imports this app. Values
are yearly (a quarter is optional) and owed by no schedule, so the kind has no matrix tab.
"""

from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plan.periods import Period
from supervision.models import ReopenScope
from supervision.registry import ReportKind

from .models import Indicator, Observation


def _describe(report) -> dict:
    indicator = report.indicator
    period = str(Period(report.year, report.quarter)) if report.quarter else str(report.year)
    return {
        "subject": indicator.name,
        "subject_url": indicator.get_absolute_url(),
        "unit": indicator.responsible_unit,
        "period": period,
        "submitted_at": report.entered_at,
    }


def _returned_text(report) -> str:
    return _("indicator value %(what)s") % {"what": report}


def _reopen_subject(plan, object_id: int, unit_id: int) -> str | None:
    indicator = Indicator.objects.filter(plan=plan, pk=object_id, responsible_unit_id=unit_id)
    indicator = indicator.first()
    return _("indicator %(name)s") % {"name": indicator.name} if indicator else None


def indicator_value_kind() -> ReportKind:
    return ReportKind(
        key="indicator",
        label=gettext_lazy("indicator value"),
        model=Observation,
        related=("indicator__responsible_unit",),
        unit_path="indicator__responsible_unit",
        plan_path="indicator__plan",
        subject_name="indicator__name",
        subject_ref="indicator_id",
        describe=_describe,
        revise_url=lambda row: reverse("indicators:indicator-detail", args=[row["subject_id"]]),
        submitted=lambda: F("entered_at"),
        quarterly=False,
        has_files=False,
        returned_text=_returned_text,
        order=30,
        reopen_scope=ReopenScope.INDICATOR,
        reopen_subject=_reopen_subject,
    )
