"""Pages of supervision items (督办件): the leader's form and "my instructions", the office's
queue, the unit's to-do, one item's page with its timeline and forms, the list and its export."""

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from plan import permissions
from plan.mixins import CurrentPlanMixin
from plan.models import Plan, Unit
from plan.selectors import current_plan

from . import items
from .colours import Colour
from .item_forms import (
    AnswerForm,
    AssignForm,
    CloseForm,
    ExtensionDecisionForm,
    ExtensionForm,
    InstructionForm,
    NoteForm,
    RemindForm,
    ReturnForm,
)
from .models import Evidence, ItemState, SupervisionItem

PAGE = 25
ORDER = [
    "assign",
    "decide",
    "answer",
    "note",
    "extend",
    "close",
    "return",
    "remind",
]  # the forms on an item's page, in order


def _decorate(rows, today):
    for row in rows:
        row.colour = items.item_colour(row, today)
    return rows


class ItemHomeView(View):
    """The nav link: each role's own list."""

    def get(self, request):
        user = request.user
        if items.can_assign(user) and not permissions.is_leader(user):
            return redirect("supervision:item-queue")
        if permissions.is_leader(user):
            return redirect("supervision:item-mine")
        if permissions.is_staff_member(user):
            return redirect("supervision:item-todo")
        return redirect("supervision:item-list")


class ItemCreateView(View):
    """The leader's one-step form (posted from the include on a project, task or indicator page
    or the cockpit; this page shows it again when something needs correcting)."""

    template_name = "supervision/items/item_form.html"

    def _form(self, request, data=None):
        initial = {
            "subject_kind": request.GET.get("subject_kind", ""),
            "subject_id": request.GET.get("subject_id", ""),
        }
        return InstructionForm(data, initial=initial, may_assign=items.can_assign(request.user))

    def _render(self, request, form, status=200):
        data = form.data or form.initial
        subject = items.find_subject(data.get("subject_kind"), data.get("subject_id"))
        url = subject.kind.url(subject.pk) if subject else ""
        return TemplateResponse(
            request,
            self.template_name,
            {"form": form, "subject": subject, "subject_url": url},
            status=status,
        )

    def get(self, request):
        if not items.can_write(request.user):
            raise PermissionDenied(
                _("Only leaders and the coordinating office write instructions.")
            )
        return self._render(request, self._form(request))

    def post(self, request):
        if not items.can_write(request.user):
            raise PermissionDenied(
                _("Only leaders and the coordinating office write instructions.")
            )
        form = self._form(request, request.POST)
        if not form.is_valid():
            return self._render(request, form)
        data = form.cleaned_data
        subject = None
        if data["subject_kind"]:
            subject = items.find_subject(data["subject_kind"], data["subject_id"])
            if subject is None:
                raise Http404(_("What the instruction is about no longer exists."))
            plan = Plan.objects.get(pk=subject.plan_id)
        else:
            plan = current_plan(request)
            if plan is None:
                raise Http404("No plan loaded.")
        try:
            item = items.create_item(
                user=request.user,
                plan=plan,
                instruction=data["instruction"],
                subject=subject,
                source=data["source"],
                given_by_name=data["given_by_name"],
                lead_unit=data.get("lead_unit"),
                co_units=data.get("co_units") or [],
                deadline=data.get("deadline"),
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self._render(request, form)
        messages.success(
            request,
            _("Instruction written: it is item #%(pk)s, %(state)s.")
            % {"pk": item.pk, "state": item.get_state_display()},
        )
        return redirect(item.get_absolute_url())


class ItemDetailView(View):
    """One item: what was written, about what, the assignment, the timeline (history, notes,
    answer, files) and the forms the user may use now."""

    template_name = "supervision/items/item_detail.html"
    FORMS = {
        "assign": AssignForm,
        "note": NoteForm,
        "answer": AnswerForm,
        "return": ReturnForm,
        "close": CloseForm,
        "extend": ExtensionForm,
        "decide": ExtensionDecisionForm,
        "remind": RemindForm,
    }

    def _item(self, pk):
        return get_object_or_404(
            SupervisionItem.objects.select_related(
                "plan", "lead_unit", "given_by", "answered_by", "closed_by", "assigned_by"
            ),
            pk=pk,
        )

    def _actions(self, user, item) -> set[str]:
        state = item.state
        open_for_unit = state in (ItemState.ASSIGNED, ItemState.IN_PROGRESS, ItemState.RETURNED)
        actions = set()
        if items.can_assign(user) and state in (ItemState.REGISTERED, ItemState.ASSIGNED):
            actions.add("assign")
        if open_for_unit and (items.is_lead_staff(user, item) or items.co_unit_ids_of(user, item)):
            actions.add("note")
        if open_for_unit and items.is_lead_staff(user, item):
            actions.add("answer")
        if open_for_unit and items.is_lead_staff(user, item) and item.extension_until is None:
            actions.add("extend")
        if item.extension_until is not None and items.can_assign(user):
            actions.add("decide")
        if state == ItemState.ANSWERED and items.can_close(user, item):
            actions |= {"return", "close"}
        if open_for_unit and items.can_assign(user):
            actions.add("remind")
        return actions

    def _render(self, request, item, bound=None, status=200):
        actions = self._actions(request.user, item)
        forms = {}
        for name in [n for n in ORDER if n in actions]:
            if bound and name in bound:
                forms[name] = bound[name]
            elif name == "assign":
                forms[name] = AssignForm(
                    initial={
                        "version": item.version,
                        "lead_unit": item.lead_unit_id,
                        "co_units": [u.pk for u in item.co_units.all()],
                        "deadline": item.deadline,
                        **({} if item.lead_unit_id else {"lead_unit": self._suggested(item)}),
                    }
                )
            else:
                forms[name] = self.FORMS[name](initial={"version": item.version})
        history = list(item.history.select_related("history_user").order_by("history_date"))
        context = {
            "item": item,
            "colour": items.item_colour(item),
            "subject_url": items.subject_url(item),
            "co_units": list(item.co_units.all()),
            "notes": list(item.notes.select_related("unit", "written_by")),
            "files": list(Evidence.objects.for_report(item).active().for_list()),
            "history": history,
            "forms": forms,
        }
        return TemplateResponse(request, self.template_name, context, status=status)

    @staticmethod
    def _suggested(item):
        subject = items.find_subject(item.subject_kind, item.subject_id)
        return subject.unit_id if subject else None

    def get(self, request, pk):
        return self._render(request, self._item(pk))

    def post(self, request, pk):
        item = self._item(pk)
        action = request.POST.get("action", "")
        if action not in self.FORMS:
            raise Http404("No such action.")
        if action not in self._actions(request.user, item):
            raise PermissionDenied(_("You may not do that to this item now."))
        form = self.FORMS[action](request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, item, {action: form})
        data = form.cleaned_data
        common = {"item": item, "user": request.user, "version": data["version"]}
        try:
            if action == "assign":
                items.assign_item(
                    **common,
                    lead_unit=data["lead_unit"],
                    co_units=list(data["co_units"]),
                    deadline=data["deadline"],
                )
                done = _("Assigned.")
            elif action == "note":
                items.add_note(**common, text=data["text"])
                done = _("Note added.")
            elif action == "answer":
                items.answer_item(**common, answer=data["answer"], uploads=data["files"])
                done = _("Answer sent to the coordinating office.")
            elif action == "extend":
                items.request_extension(**common, until=data["until"], reason=data["reason"])
                done = _("Extension asked for.")
            elif action == "decide":
                items.decide_extension(**common, grant=data["decision"] == "grant")
                done = _("Extension decided.")
            elif action == "return":
                items.return_item(**common, comment=data["comment"])
                done = _("Returned to the unit.")
            elif action == "remind":
                items.remind_item(item=item, user=request.user)
                done = _("The units were reminded by e-mail.")
            else:
                items.close_item(**common)
                done = _("Closed (办结).")
        except ValidationError as error:
            form.add_error(None, error)
            return self._render(
                request,
                self._item(pk),
                {action: form},
                status=409 if isinstance(error, items.ItemConflict) else 200,
            )
        messages.success(request, done)
        return redirect(item.get_absolute_url())


def _filters(request, plan):
    params = request.GET
    f = {
        "state": params.get("state") if params.get("state") in ItemState.values else "",
        "colour": params.get("colour") if params.get("colour") in Colour.MARKED else "",
        "unit": int(params["unit"]) if params.get("unit", "").isdigit() else None,
        "kind": params.get("kind") if items.subject_kind(params.get("kind", "")) else "",
        "q": params.get("q", "").strip()[:100],
    }
    rows = SupervisionItem.objects.filter(plan=plan)
    if f["state"]:
        rows = rows.filter(state=f["state"])
    if f["colour"]:
        rows = items.colour_filter(rows, f["colour"], timezone.localdate())
    if f["unit"]:
        rows = rows.filter(Q(lead_unit_id=f["unit"]) | Q(co_units=f["unit"])).distinct()
    if f["kind"]:
        rows = rows.filter(subject_kind=f["kind"])
    if f["q"]:
        rows = rows.filter(Q(instruction__icontains=f["q"]) | Q(subject_name__icontains=f["q"]))
    return f, rows


class ItemListView(CurrentPlanMixin, View):
    """Every item of the plan, filtered by state, colour, unit, subject kind and text, paged."""

    template_name = "supervision/items/item_list.html"

    def get(self, request):
        f, rows = _filters(request, self.plan)
        page = Paginator(rows.for_list(), PAGE).get_page(request.GET.get("page"))
        context = {
            "page_obj": page,
            "rows": _decorate(list(page.object_list), self.today),
            "f": f,
            "states": ItemState.choices,
            "kinds": items.subject_kinds(),
            "units": Unit.objects.filter(items_led__plan=self.plan)
            .distinct()
            .order_by("sort_order"),
            "colours": [(c, c) for c in Colour.MARKED],
        }
        return TemplateResponse(request, self.template_name, context)


class ItemExportView(CurrentPlanMixin, View):
    """The list's items (same filters) as an Excel workbook."""

    def get(self, request):
        import xlsxwriter

        _f, rows = _filters(request, self.plan)
        buffer = io.BytesIO()
        book = xlsxwriter.Workbook(buffer, {"in_memory": True})
        sheet = book.add_worksheet(_("Supervision items")[:31])
        bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        wrap = book.add_format({"text_wrap": True, "valign": "top"})
        heads = [
            _("Item no."),
            _("Source"),
            _("Instruction (as written)"),
            _("Given by"),
            _("Given on"),
            _("About"),
            _("Lead unit"),
            _("Co-units"),
            _("Deadline"),
            _("Item state"),
            _("Colour"),
            _("Answer (办理情况)"),
            _("Closed at"),
        ]
        widths = [6, 10, 50, 12, 11, 30, 16, 24, 11, 10, 8, 50, 16]
        for col, (head, width) in enumerate(zip(heads, widths, strict=True)):
            sheet.write(0, col, head, bold)
            sheet.set_column(col, col, width)
        sheet.freeze_panes(1, 0)
        today = timezone.localdate()
        names = {Colour.RED: _("Red"), Colour.YELLOW: _("Yellow"), Colour.BLUE: _("Blue")}
        for r, item in enumerate(rows.for_list().order_by("pk"), start=1):
            values = [
                item.pk,
                item.get_source_display(),
                item.instruction,
                item.given_by_name or item.given_by.get_full_name() or item.given_by.username,
                item.given_on.isoformat(),
                item.subject_name,
                item.lead_unit.name if item.lead_unit else "",
                "、".join(u.name for u in item.co_units.all()),
                item.deadline.isoformat() if item.deadline else "",
                item.get_state_display(),
                str(names.get(items.item_colour(item, today), "")),
                item.answer,
                timezone.localtime(item.closed_at).strftime("%Y-%m-%d %H:%M")
                if item.closed_at
                else "",
            ]
            for col, value in enumerate(values):
                sheet.write(r, col, value if isinstance(value, int) else str(value), wrap)
        book.close()
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="items-{self.plan.code}.xlsx"'
        return response


class ItemQueueView(CurrentPlanMixin, View):
    """The coordinating office's queue: instructions to register and assign, answers to accept
    or return, and the items overdue."""

    template_name = "supervision/items/item_queue.html"

    def get(self, request):
        if not (items.can_assign(request.user) or permissions.can_review(request.user)):
            raise PermissionDenied(_("Only the coordinating office assigns items."))
        base = (
            SupervisionItem.objects.filter(plan=self.plan).for_list().order_by("created_at", "pk")
        )
        sections = [
            ("to_assign", _("To register and assign"), base.filter(state=ItemState.REGISTERED)),
            ("to_close", _("Answers to accept or return"), base.filter(state=ItemState.ANSWERED)),
            ("extensions", _("Extensions asked for"), base.filter(extension_until__isnull=False)),
            ("overdue", _("Overdue items"), items.colour_filter(base, Colour.RED, self.today)),
        ]
        shown = [
            (key, title, _decorate(list(rows[:100]), self.today)) for key, title, rows in sections
        ]
        return TemplateResponse(request, self.template_name, {"sections": shown})


class ItemTodoView(View):
    """A unit's open items, as lead unit or co-unit, across plans, the most urgent first."""

    template_name = "supervision/items/item_todo.html"

    def get(self, request):
        if not permissions.is_staff_member(request.user):
            raise PermissionDenied(_("Only unit staff have a to-do of items."))
        rows = items.todo_items(request.user).for_list().order_by("deadline", "pk")
        page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
        today = timezone.localdate()
        own = permissions.unit_ids(request.user)
        rows = _decorate(list(page.object_list), today)
        for row in rows:
            row.as_lead = row.lead_unit_id in own
        return TemplateResponse(request, self.template_name, {"page_obj": page, "rows": rows})


class ItemMineView(View):
    """A leader's own instructions, with their states and answers, across plans."""

    template_name = "supervision/items/item_mine.html"

    def get(self, request):
        if not items.can_write(request.user):
            raise PermissionDenied(
                _("Only leaders and the coordinating office write instructions.")
            )
        rows = SupervisionItem.objects.filter(given_by=request.user).for_list()
        page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
        rows = _decorate(list(page.object_list), timezone.localdate())
        return TemplateResponse(
            request,
            self.template_name,
            {"page_obj": page, "rows": rows, "new_url": reverse("supervision:item-new")},
        )
