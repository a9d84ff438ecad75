"""Indicator pages: the table of every indicator, an indicator's page with its value form, and
the JSON its chart draws from."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from plan import permissions
from plan.mixins import CurrentPlanMixin, FiguresMixin
from plan.models import Unit
from plan.periods import Period, value_period
from plan.spreadsheets import file_name, table_workbook, xlsx_response
from supervision.cycle import closing
from supervision.models import ReopenScope, ReviewState
from supervision.review import returned_context
from supervision.services import StaleVersion

from . import peer_entry, peer_import
from .charts import SafeJSONView, indicator_chart
from .forms import PeerEntryForm, PeerImportForm, ValueForm
from .models import Indicator, Observation, PeerGroup, PeerValue, current_batch, shown
from .progress import STATUS_LABELS, Status, competition_ranks
from .selectors import progress_of, standings_of, with_progress_data
from .services import observation_submit


class IndicatorListView(CurrentPlanMixin, FiguresMixin, TemplateView):
    """Every indicator with baseline, latest value, 2025 target, completion and status."""

    template_name = "indicators/indicator_list.html"

    PER_PAGE = 50

    def indicators(self):
        """The indicators that pass the filters of the database, with what their progress needs,
        in the plan's order."""
        params = self.request.GET
        indicators = with_progress_data(
            Indicator.objects.filter(plan=self.plan), latest_only=True, approved=self.approved_only
        )
        if params.get("category") in Indicator.Category.values:
            indicators = indicators.filter(category=params["category"])
        if params.get("unit", "").isdigit():
            indicators = indicators.filter(responsible_unit_id=int(params["unit"]))
        return indicators.order_by("order", "code")

    @staticmethod
    def progress_rows(indicators) -> list:
        rows = [progress_of(i, latest_only=True) for i in indicators]
        for row in rows:
            row.status_label = STATUS_LABELS[row.status]
        return rows

    def rows(self) -> list:
        """Every indicator that passes the filters, with its progress, in the plan's order."""
        rows = self.progress_rows(self.indicators())
        wanted = self.statuses_asked()
        return [row for row in rows if row.status in wanted] if wanted else rows

    # ``?status=trouble``: behind or warned, the cockpit's "indicators behind or warned".
    TROUBLE = "trouble"

    def statuses_asked(self) -> set[str]:
        status = self.request.GET.get("status")
        if status == self.TROUBLE:
            return {Status.BEHIND, Status.WARNING}
        return {status} if status in Status.ORDER else set()

    def page(self):
        """The page of rows asked for. The status is judged in Python, so a status filter needs
        every indicator's progress; without one, only the page's indicators are judged (at 500
        indicators, a tenth of the work)."""
        number = self.request.GET.get("page")
        if self.statuses_asked():
            return Paginator(self.rows(), self.PER_PAGE).get_page(number)
        page = Paginator(self.indicators(), self.PER_PAGE).get_page(number)
        page.object_list = self.progress_rows(page.object_list)
        return page

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET
        # The page of rows is worked out when the table renders, which it does not while the
        # cached table for these filters is fresh ({% figures_cache %}, plan.figures_cache).
        page = SimpleLazyObject(self.page)
        context.update(
            page_obj=page,
            rows=SimpleLazyObject(lambda: page.object_list),
            # The export asks for the view the page shows, whatever the URL said.
            export_query=self.figures_query(self.approved_only),
            categories=Indicator.Category.choices,
            statuses=[(self.TROUBLE, _("behind or warned"))]
            + [(s, STATUS_LABELS[s]) for s in Status.ORDER],
            units=Unit.objects.filter(
                Exists(Indicator.objects.filter(responsible_unit=OuterRef("pk"), plan=self.plan))
            ),
            selected=params,
        )
        return context


class IndicatorDetailView(CurrentPlanMixin, FiguresMixin, View):
    """An indicator: its chart and yearly table, its target revisions, the value form."""

    template_name = "indicators/indicator_detail.html"

    def get_indicator(self):
        return get_object_or_404(
            with_progress_data(
                Indicator.objects.filter(plan=self.plan), approved=self.approved_only
            ),
            pk=self.kwargs["pk"],
        )

    def render(self, indicator, form=None, status=200, conflict=None):
        progress = progress_of(indicator)
        for row in progress.years:
            row.status_label = STATUS_LABELS[row.status]
        # The indicator's status as the list and the cockpit judge it: its latest value's,
        # labelled with that value's year (the same rows, judged the same way).
        summary = progress_of(indicator, latest_only=True)
        summary.status_label = STATUS_LABELS[summary.status]
        context = {
            "indicator": indicator,
            "progress": progress,
            # The chart in words, beside it, from the figures its JSON carries (no query).
            "chart_summary": indicator_chart(progress)["summary"]
            if indicator.kind != Indicator.Kind.QUALITATIVE
            else "",
            "summary": summary,
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
            "figures_approved": self.approved_only,
            "figures_param": self.figures_query(self.approved_only),
            "figures_switch": self.figures_query(not self.approved_only),
        }
        if indicator.kind == Indicator.Kind.RANK and indicator.peer_group_id:
            context.update(self.peers(indicator, progress))
        if context["can_enter"]:
            context["closing"] = self.closing(indicator)
            returned = (
                indicator.observations.filter(review_state=ReviewState.RETURNED)
                .select_related("reviewed_by")
                .order_by("-year", "-quarter")
                .first()
            )
            if returned is not None and form is None:
                # Open the form on the returned value, as a correction of it.
                initial = {name: getattr(returned, name) for name in Observation.REPORTED_FIELDS}
                initial.update(year=returned.year, quarter=returned.quarter,
                               version=returned.version)  # fmt: skip
                form = ValueForm(indicator=indicator, initial=initial)
            if form is None:
                form = ValueForm(indicator=indicator)
            context["form"] = form
            context.update(returned_context(form, returned))
        return TemplateResponse(self.request, self.template_name, context, status=status)

    PEER_SORTS = {"place": "place", "value": "value", "rank": "rank"}

    def peers(self, indicator, progress) -> dict:
        """The group's standing year by year (members counted as they were that year, the
        missing listed) and the table of peers for the year asked for, with sources: two
        queries."""
        members = list(indicator.peer_group.members.all())
        standings = standings_of(indicator, members)
        for row in progress.years:
            row.standing = standings.get(row.year)
        if progress.baseline_row is not None:
            progress.baseline_row.standing = standings.get(progress.baseline_row.year)
        years = sorted(standings)
        asked = self.request.GET.get("year", "")
        year = int(asked) if asked.isdigit() and int(asked) in standings else None
        year = year or (years[-1] if years else None)
        table = []
        if year is not None:
            places = {m.place for m in PeerGroup.members_in(members, year)}
            values = PeerValue.objects.filter(indicator=indicator, year=year, place__in=places)
            values = values.filter(current_batch(self.approved_only))
            table = list(values.select_related("batch"))
            measure = "rank" if indicator.published_ranks else "value"
            lower = indicator.published_ranks or indicator.direction == Indicator.Direction.LOWER
            ranks = competition_ranks({v.place: getattr(v, measure) for v in table}, lower)
            home = next((m.place for m in members if m.is_home), None)
            for value in table:
                value.computed_rank = ranks.get(value.place)
                value.is_home = value.place == home
            sort = self.request.GET.get("sort", "rank")
            key = sort.lstrip("-")
            if key in self.PEER_SORTS:
                attr = "computed_rank" if key in ("rank", "value") else "place"
                table.sort(key=lambda v: (getattr(v, attr) is None, getattr(v, attr) or 0)
                           if attr == "computed_rank" else v.place,
                           reverse=sort.startswith("-"))  # fmt: skip
        return {
            "peer_group": indicator.peer_group,
            "members": members,
            "standing_years": years,
            "peer_year": year,
            "peer_table": table,
            "standing": standings.get(year) if year else None,
        }

    def closing(self, indicator):
        """Which years (or quarters) the value form offers are closed; a year's value closes
        with its fourth quarter."""
        plan = self.plan
        periods = {value_period(year, None) for year in plan.years}
        if indicator.quarterly:
            periods.update(plan.reporting_periods)
        periods = sorted(p for p in periods if p <= Period.containing(self.today))
        return closing(plan=plan, unit_id=indicator.responsible_unit_id,
                       scope=ReopenScope.INDICATOR, object_id=indicator.pk, periods=periods,
                       today=self.today)  # fmt: skip

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


class IndicatorChartView(CurrentPlanMixin, FiguresMixin, SafeJSONView):
    """Chart data for one indicator: actual values, the target path, the original target path
    (from approved values only or from all, as the page that asks says)."""

    keeps_figures_choice = False

    def get_context_data(self, **kwargs):
        indicator = get_object_or_404(
            with_progress_data(
                Indicator.objects.filter(plan=self.plan), approved=self.approved_only
            ),
            pk=self.kwargs["pk"],
        )
        return indicator_chart(progress_of(indicator))


def latest_shown(progress):
    """The latest value as the table shows it: a number, a rank (the group's 第 n / m for a
    ranked indicator, computed), a milestone's judgement or a description."""
    row = progress.latest
    if row is None:
        return None
    if row.standing is not None and row.standing.rank is not None:
        return f"第 {row.standing.rank} / {row.standing.counted}"
    actual = row.actual
    if actual is None:
        return None
    if actual.value is not None:
        return actual.value
    if actual.judgement:
        return str(actual.get_judgement_display())
    return actual.rank or actual.text


def target_cell(target, original: bool = False):
    """A target for a spreadsheet cell: its value as a number, a rank as 第 n 位, else empty."""
    if target is None:
        return None
    value = target.original_value if original else target.value
    rank = target.original_rank if original else target.rank
    if value is not None:
        return value
    return f"第 {rank} 位" if rank else None


class IndicatorExportView(IndicatorListView):
    """The indicator table, with its filters, as an Excel file, in the view of the figures
    (``?figures=``, else the reader's): the sheet, the file name and a column say which."""

    keeps_figures_choice = False

    def get(self, request, *args, **kwargs):
        rows = self.rows()
        end_year = self.plan.end_year
        view = "仅审核通过的数值" if self.approved_only else "全部数值（含未审核）"
        headers = ["代码", "指标", "类别", "计量单位", "责任单位", "基期年份", "基期值",
                   "最新年份", "最新值", f"{end_year}年目标值", "目标表述", "原定目标值", "完成度",
                   "状态", "状态所属年份", "小数位数", "口径"]  # fmt: skip
        with translation.override("zh-hans"):
            data = [
                [r.indicator.code, r.indicator.name, r.indicator.get_category_display(),
                 r.indicator.unit_of_measure,
                 r.indicator.responsible_unit.name if r.indicator.responsible_unit else "",
                 r.indicator.baseline_year, r.indicator.baseline_value,
                 r.latest.year if r.latest else None,
                 latest_shown(r),
                 target_cell(r.end_target),
                 r.end_target.statement if r.end_target else "",
                 target_cell(r.end_target, original=True),
                 float(r.completion) if r.completion is not None else None,
                 str(r.status_label),
                 r.latest.year if r.latest else None,
                 r.indicator.decimals,
                 view]
                for r in rows
            ]  # fmt: skip
        short = "仅审核通过" if self.approved_only else "全部数值"
        content = table_workbook(f"指标（{short}）", headers, data)
        return xlsx_response(content, file_name(f"指标体系-{short}"))


class PeerImportView(CurrentPlanMixin, View):
    """Import a year of the group's values from a workbook: upload, preview, confirm. The
    preview is kept in the session until confirmed; the confirmed import is one batch that the
    coordinating office reviews whole."""

    template_name = "indicators/peer_import.html"
    SESSION_KEY = "peer-import-%s"

    def dispatch(self, request, *args, **kwargs):
        self.indicator = get_object_or_404(
            Indicator.objects.select_related("peer_group", "plan"), plan=self.plan,
            pk=kwargs["pk"],
        )  # fmt: skip
        if request.user.is_authenticated:
            permissions.require_report_on(request.user, self.indicator)
        return super().dispatch(request, *args, **kwargs)

    def render(self, form, preview=None, status=200):
        context = {"indicator": self.indicator, "form": form, "preview": preview,
                   "place": peer_import.PLACE,
                   "column": peer_import.RANK if self.indicator.published_ranks
                   else peer_import.VALUE}  # fmt: skip
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def get(self, request, pk):
        return self.render(PeerImportForm(initial={"year": self.plan.end_year}))

    def post(self, request, pk):
        key = self.SESSION_KEY % self.indicator.pk
        if request.POST.get("confirm") and key in request.session:
            stored = request.session.pop(key)
            preview = peer_import.PeerPreview.from_json(stored["preview"])
            try:
                peer_import.apply_preview(preview, indicator=self.indicator, user=request.user,
                                          file_name=stored["file_name"])  # fmt: skip
            except peer_import.ImportConflict:
                messages.error(request, _("The year's values changed meanwhile: nothing was "
                                          "imported. Upload the file again."))  # fmt: skip
                return redirect("indicators:peer-import", pk=self.indicator.pk)
            messages.success(request, _("Imported as one batch, waiting for review."))
            return redirect(self.indicator)
        form = PeerImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(form)
        upload = form.cleaned_data["file"]
        try:
            preview = peer_import.build_preview(
                upload.read(), indicator=self.indicator, year=form.cleaned_data["year"],
                source=form.cleaned_data["source"],
            )  # fmt: skip
        except peer_import.BadFile as error:
            form.add_error("file", str(error))
            return self.render(form)
        if not preview.errors:
            request.session[key] = {"preview": preview.to_json(), "file_name": upload.name}
        return self.render(form, preview)


class PeerEntryView(CurrentPlanMixin, View):
    """Type a year's values of the group: one row per member of that year, saved as one batch
    that waits for review (rules in ``peer_entry``). For administrators and the responsible
    unit; a refused save keeps what was typed and says what is wrong on its row."""

    template_name = "indicators/peer_entry.html"

    def dispatch(self, request, *args, **kwargs):
        self.indicator = get_object_or_404(
            Indicator.objects.select_related("peer_group", "plan", "responsible_unit"),
            plan=self.plan, pk=kwargs["pk"],
        )  # fmt: skip
        if request.user.is_authenticated:
            permissions.require_report_on(request.user, self.indicator)
        self.years = peer_entry.entry_years(self.indicator, self.today)
        self.all_members = (
            list(self.indicator.peer_group.members.all()) if self.indicator.peer_group else []
        )
        return super().dispatch(request, *args, **kwargs)

    @property
    def measure(self) -> str:
        return "rank" if self.indicator.published_ranks else "value"

    def year_asked(self, raw) -> int:
        raw = str(raw or "")
        return int(raw) if raw.isdigit() and int(raw) in self.years else self.years[0]

    def make_form(self, year, data=None):
        members = PeerGroup.members_in(self.all_members, year)
        initial = self.initial(year, members) if data is None else None
        return PeerEntryForm(
            data, indicator=self.indicator, members=members, years=self.years, initial=initial
        )

    def initial(self, year, members) -> dict:
        saved = peer_entry.year_values(self.indicator, year)
        own = self.own_value(year)
        initial = {"year": year, "seen": peer_entry.stamp(saved, self.measure)}
        batch = peer_entry.open_batch(self.indicator, year)
        sources = [v.batch.source for v in saved.values()]
        initial["source"] = batch.source if batch else (sources[0] if sources else "")
        initial["note"] = batch.note if batch else ""
        for member in members:
            value = saved.get(member.place)
            if value is not None:
                initial[PeerEntryForm.field_name(member)] = shown(getattr(value, self.measure))
            elif member.is_home and own is not None:
                # offered, from the unit's own value of the year
                initial[PeerEntryForm.field_name(member)] = shown(own)
        return initial

    def own_value(self, year):
        """The unit's own value for the year (its rank, for published ranks), if any."""
        own = Observation.objects.filter(indicator=self.indicator, year=year, quarter=None)
        own = own.values_list(self.measure, flat=True).first()
        return own

    def render(self, form, year, status=200, changed=False):
        saved = peer_entry.year_values(self.indicator, year)
        batch = peer_entry.open_batch(self.indicator, year)
        rows = []
        for member, field in form.rows():
            value = saved.get(member.place)
            saved_shown = shown(getattr(value, self.measure)) if value else ""
            rows.append({"member": member, "field": field, "saved": value,
                         "saved_shown": saved_shown})  # fmt: skip
        context = {
            "indicator": self.indicator,
            "form": form,
            "rows": rows,
            "year": year,
            "years": self.years,
            "own_value": shown(self.own_value(year)),
            "batch": batch,
            "returned": batch if batch and batch.review_state == ReviewState.RETURNED else None,
            "changed": changed,
            "measure_label": _("Published rank") if self.indicator.published_ranks
            else _("Value"),
        }  # fmt: skip
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def get(self, request, pk):
        year = self.year_asked(request.GET.get("year"))
        return self.render(self.make_form(year), year)

    def add_entry_errors(self, form) -> None:
        """With a number refused, the other rows' problems too (a missing home value, the
        source), so that one round shows every mistake; a row keeps its number's message."""
        data = form.cleaned_data
        if "year" not in data:
            return
        values = []
        for member in form.members:
            name = form.field_name(member)
            # a refused number stands in as a present value: its own message is enough
            values.append((member.place, data.get(name) if name not in form.errors else 1))
        entry = peer_entry.PeerEntry(year=data["year"], source=data.get("source", ""),
                                     values=tuple(values))  # fmt: skip
        errors = peer_entry.validate_entry(self.indicator, entry, form.members, self.years)
        by_place = {m.place: form.field_name(m) for m in form.members}
        for key, messages_ in errors.items():
            target = by_place.get(key) or (key if key in form.fields else None)
            if target is not None and target in form.errors:
                continue
            for message in messages_:
                form.add_error(target, message)

    def post(self, request, pk):
        year = self.year_asked(request.POST.get("year"))
        form = self.make_form(year, request.POST)
        if not form.is_valid():
            self.add_entry_errors(form)
            return self.render(form, year)
        try:
            batch = peer_entry.peer_values_enter(
                indicator=self.indicator, user=request.user, entry=form.entry(),
                seen=form.cleaned_data["seen"], years=self.years,
            )  # fmt: skip
        except peer_entry.PeerValuesChanged:
            # Keep what was typed; show the values as they are now, and let a second save win.
            bound = request.POST.copy()
            bound["seen"] = peer_entry.stamp(peer_entry.year_values(self.indicator, year),
                                             self.measure)  # fmt: skip
            return self.render(self.make_form(year, bound), year, status=409, changed=True)
        except ValidationError as error:
            by_place = {m.place: PeerEntryForm.field_name(m) for m in form.members}
            for key, messages_ in error.message_dict.items():
                target = by_place.get(key) or (key if key in form.fields else None)
                for message in messages_:
                    form.add_error(target, message)
            return self.render(form, year)
        messages.success(request, _("The values of %(year)s are saved as one batch, waiting for "
                                    "review.") % {"year": batch.year})  # fmt: skip
        return redirect(f"{self.indicator.get_absolute_url()}?year={batch.year}#peers")
