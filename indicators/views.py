"""Indicator pages: the table of every indicator, an indicator's page with its value form, and
the JSON its chart draws from."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from plan import permissions
from plan.mixins import CurrentPlanMixin
from plan.models import Unit
from plan.services import StaleVersion
from plan.spreadsheets import file_name, table_workbook, xlsx_response

from .charts import SafeJSONView, indicator_chart
from .forms import ValueForm
from .models import Indicator, Observation
from .progress import STATUS_LABELS, Status
from .selectors import progress_of, with_progress_data
from .services import observation_submit


class IndicatorListView(CurrentPlanMixin, TemplateView):
    """Every indicator with baseline, latest value, 2025 target, completion and status."""

    template_name = "indicators/indicator_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET
        indicators = with_progress_data(Indicator.objects.filter(plan=self.plan), latest_only=True)
        if params.get("category") in Indicator.Category.values:
            indicators = indicators.filter(category=params["category"])
        if params.get("unit", "").isdigit():
            indicators = indicators.filter(responsible_unit_id=int(params["unit"]))
        rows = [progress_of(i, latest_only=True) for i in indicators.order_by("order", "code")]
        if params.get("status") in Status.ORDER:
            rows = [row for row in rows if row.status == params["status"]]
        for row in rows:
            row.status_label = STATUS_LABELS[row.status]
        page = Paginator(rows, 50).get_page(params.get("page"))
        context.update(
            rows_all=rows,
            page_obj=page,
            rows=page.object_list,
            categories=Indicator.Category.choices,
            statuses=[(s, STATUS_LABELS[s]) for s in Status.ORDER],
            units=Unit.objects.filter(indicators__plan=self.plan).distinct(),
            selected=params,
        )
        return context


class IndicatorDetailView(CurrentPlanMixin, View):
    """An indicator: its chart and yearly table, its target revisions, the value form."""

    template_name = "indicators/indicator_detail.html"

    def get_indicator(self):
        return get_object_or_404(
            with_progress_data(Indicator.objects.filter(plan=self.plan)), pk=self.kwargs["pk"]
        )

    def render(self, indicator, form=None, status=200, conflict=None):
        progress = progress_of(indicator)
        for row in progress.years:
            row.status_label = STATUS_LABELS[row.status]
        context = {
            "indicator": indicator,
            "progress": progress,
            "revisions": [
                r for t in indicator.target_list for r in t.revisions.select_related("changed_by")
            ],
            "can_enter": permissions.can_report_on(self.request.user, indicator),
            "form": form,
            "conflict": conflict,
            "quarters": indicator.observations.exclude(quarter=None).order_by("year", "quarter")
            if indicator.quarterly
            else [],
            "status_labels": STATUS_LABELS,
        }
        if context["can_enter"] and form is None:
            context["form"] = ValueForm(indicator=indicator)
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def get(self, request, pk):
        return self.render(self.get_indicator())

    def post(self, request, pk):
        indicator = self.get_indicator()
        permissions.require_report_on(request.user, indicator)
        form = ValueForm(request.POST, indicator=indicator)
        if form.is_valid():
            data = form.value_input()
            existing = Observation.objects.filter(
                indicator=indicator, year=data.year, quarter=data.quarter
            ).first()
            version = form.cleaned_data["version"]
            if version == 0 and existing is not None and not request.POST.get("correct"):
                # The user did not see the value already there: show it and ask.
                version = -1
            try:
                observation_submit(
                    indicator=indicator, user=request.user, data=data,
                    expected_version=version, today=self.today,
                )  # fmt: skip
            except StaleVersion as stale:
                bound = request.POST.copy()
                bound["version"] = stale.current.version if stale.current else 0
                bound["correct"] = "1"
                return self.render(indicator, ValueForm(bound, indicator=indicator), 409, stale)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Value for %(year)s saved.") % {"year": data.year})
                return redirect(indicator)
        return self.render(indicator, form)


class IndicatorChartView(CurrentPlanMixin, SafeJSONView):
    """Chart data for one indicator: actual values, the target path, the original target path."""

    def get_context_data(self, **kwargs):
        indicator = get_object_or_404(
            with_progress_data(Indicator.objects.filter(plan=self.plan)), pk=self.kwargs["pk"]
        )
        return indicator_chart(progress_of(indicator))


class IndicatorExportView(IndicatorListView):
    """The indicator table, with its filters, as an Excel file."""

    def get(self, request, *args, **kwargs):
        rows = self.get_context_data()["rows_all"]
        headers = ["代码", "指标", "类别", "计量单位", "责任单位", "基期年份", "基期值",
                   "最新年份", "最新值", "2025年目标值", "目标表述", "原定目标值", "完成度",
                   "状态"]  # fmt: skip
        with translation.override("zh-hans"):
            data = [
                [r.indicator.code, r.indicator.name, r.indicator.get_category_display(),
                 r.indicator.unit_of_measure,
                 r.indicator.responsible_unit.name if r.indicator.responsible_unit else "",
                 r.indicator.baseline_year, r.indicator.baseline_value,
                 r.latest.year if r.latest else None,
                 (r.latest.actual.value if r.latest and r.latest.actual.value is not None
                  else (r.latest.actual.rank or r.latest.actual.text) if r.latest else None),
                 r.end_target.value if r.end_target else None,
                 r.end_target.statement if r.end_target else "",
                 r.end_target.original_value if r.end_target else None,
                 float(r.completion) if r.completion is not None else None,
                 str(r.status_label)]
                for r in rows
            ]  # fmt: skip
        content = table_workbook("指标", headers, data)
        return xlsx_response(content, file_name("指标体系"))
