from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from .accounts import AccountSecurity, PasswordHistory, password_change_require
from .admin_roles import ADMIN_ROLES, GUARDED_ROLES
from .history_admin import register_history_admins
from .lifecycle import plan_make_default, plan_state_change
from .login import AdminLoginForm
from .members import UnitMember
from .models import Column, Plan, PlanState, Responsibility, Safeguard, Task, Unit, UnitMembership
from .permissions import can_assign_roles, can_manage_accounts

User = get_user_model()


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    """Plans, with their state and the default plan changed only by the actions (which go
    through ``plan.lifecycle``, one step at a time): a plan saved here is a draft until an
    administrator makes it active, so creating one changes nothing anybody sees."""

    list_display = ["title", "code", "state", "start_year", "end_year", "report_due_days",
                    "close_after_days", "is_current", "demo_data"]  # fmt: skip
    list_filter = ["state", "is_current", "demo_data"]
    search_fields = ["title", "code", "issuer"]
    readonly_fields = ["state", "state_changed_at", "is_current"]
    actions = ["make_active", "make_ended", "make_archived", "make_default"]

    def get_readonly_fields(self, request, obj=None):
        # A published plan's code is in its URLs (/plans/<code>/...), in links already sent and
        # in plan.urlplans' cache of codes: it is fixed once the plan leaves the draft state.
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.state != PlanState.DRAFT:
            fields.append("code")
        return fields

    def _each(self, request, queryset, change, done):
        for plan in queryset:
            try:
                change(plan=plan, user=request.user)
            except (ValidationError, PermissionDenied) as error:
                text = " ".join(getattr(error, "messages", [str(error)]))
                self.message_user(request, f"{plan}: {text}", messages.ERROR)
            else:
                self.message_user(request, f"{plan}: {done}", messages.SUCCESS)

    def _to(self, request, queryset, state):
        def change(*, plan, user):
            plan_state_change(plan=plan, state=state, user=user)

        self._each(request, queryset, change, PlanState(state).label)

    @admin.action(description=_("Make active (units report on it)"))
    def make_active(self, request, queryset):
        self._to(request, queryset, PlanState.ACTIVE)

    @admin.action(description=_("End (no more project or task reports)"))
    def make_ended(self, request, queryset):
        self._to(request, queryset, PlanState.ENDED)

    @admin.action(description=_("Archive (read-only)"))
    def make_archived(self, request, queryset):
        self._to(request, queryset, PlanState.ARCHIVED)

    @admin.action(description=_("Make the default plan"))
    def make_default(self, request, queryset):
        self._each(request, queryset, plan_make_default, _("default plan"))


class ResponsibilityInline(admin.TabularInline):
    model = Responsibility
    extra = 0
    autocomplete_fields = ["unit"]
    ordering = ["order"]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["number", "short_title", "programme", "plan"]
    list_display_links = ["number", "short_title"]
    list_filter = ["plan"]
    search_fields = ["short_title", "programme", "full_text"]
    inlines = [ResponsibilityInline]


class MembershipInline(admin.TabularInline):
    model = UnitMembership
    extra = 0
    autocomplete_fields = ["user"]


class MemberUnitInline(admin.TabularInline):
    """A collective unit's members (issue 26): each reports for its own share from the quarter
    it joined; a member that leaves gets ``member until``, never a deletion, so that its past
    reports keep counting."""

    model = UnitMember
    fk_name = "collective"

    def get_extra(self, request, obj=None, **kwargs):
        # Blank rows to fill on a collective's page (no script needed); none on a department's.
        return 3 if obj is not None and obj.kind == Unit.Kind.COLLECTIVE else 0

    verbose_name = _("member unit")
    verbose_name_plural = _("member units (each reports for its own share)")


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "sort_order"]
    list_filter = ["kind"]
    search_fields = ["name"]
    inlines = [MembershipInline, MemberUnitInline]


@admin.register(UnitMembership)
class UnitMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "created_at"]
    list_filter = ["unit"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "unit__name"]
    autocomplete_fields = ["user", "unit"]
    list_select_related = ["user", "unit"]


@admin.register(UnitMember)
class UnitMemberAdmin(admin.ModelAdmin):
    """Every membership of a collective, with when each member joined and left (and its
    history: who changed it, when)."""

    list_display = ["member", "collective", "joined_on", "left_on"]
    list_filter = ["collective"]
    search_fields = ["member__name", "collective__name"]
    autocomplete_fields = ["collective", "member"]
    list_select_related = ["member", "collective"]


@admin.register(Responsibility)
class ResponsibilityAdmin(admin.ModelAdmin):
    list_display = ["task", "unit", "order", "lead"]
    list_filter = ["task__plan", "task", "unit"]
    search_fields = ["unit__name", "task__short_title"]
    list_select_related = ["task", "unit"]

    @admin.display(boolean=True, description=_("lead"))
    def lead(self, obj):
        return obj.is_lead


@admin.register(Column)
class ColumnAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "task", "plan"]
    list_filter = ["plan"]
    search_fields = ["title", "text"]
    list_select_related = ["task", "plan"]


@admin.register(Safeguard)
class SafeguardAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "responsible", "plan"]
    list_filter = ["plan"]
    search_fields = ["title", "text"]
    list_select_related = ["responsible", "plan"]


class UserMembershipInline(admin.TabularInline):
    model = UnitMembership
    extra = 0
    autocomplete_fields = ["unit"]
    verbose_name = _("unit")
    verbose_name_plural = _("units this user reports for")


class UserWithUnitsAdmin(UserAdmin):
    """Django's user admin, plus the user's units, so roles and units are set on one page.

    Separated duties (``plan.admin_roles``): the system administrator creates accounts, edits
    them and resets passwords but sees roles read-only; the security administrator changes
    other users' roles (groups) and nothing else on the page; only a superuser touches a
    superuser's account, a security or audit administrator's account, the superuser flag or
    individual permissions. No one deletes a user (their history would lose its "who"): untick
    "active" instead. An account an administrator creates, or whose password an administrator
    sets, must choose its own password at its next login.
    """

    inlines = [UserMembershipInline]
    list_display = ["username", "get_full_name", "is_active", "roles", "unit_names", "last_login"]
    list_filter = ["is_active", "groups", "unit_memberships__unit"]
    ROLE_FIELDS = ("groups", "user_permissions")
    ACCOUNT_FIELDS = ("username", "first_name", "last_name", "email", "is_active", "last_login",
                      "date_joined")  # fmt: skip

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups", "unit_memberships__unit")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        readonly = {"is_staff"}  # follows the roles (save_related)
        if not request.user.is_superuser:
            readonly.update(("is_superuser", "user_permissions"))
        if not can_assign_roles(request.user) or (
            obj.pk == request.user.pk and not request.user.is_superuser
        ):
            readonly.update(self.ROLE_FIELDS)
        if not can_manage_accounts(request.user):
            readonly.update(self.ACCOUNT_FIELDS)
        return tuple(readonly)

    def get_inlines(self, request, obj):
        # Unit membership is account management (the system administrator's).
        return self.inlines if can_manage_accounts(request.user) else []

    def has_change_permission(self, request, obj=None):
        if (
            obj is not None
            and not request.user.is_superuser
            and (obj.is_superuser or obj.groups.filter(name__in=GUARDED_ROLES).exists())
        ):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            password_change_require(user=obj)

    def user_change_password(self, request, id, form_url=""):
        if not can_manage_accounts(request.user):
            raise PermissionDenied
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, id)
            if user.pk != request.user.pk:
                password_change_require(user=user)
        return response

    def save_related(self, request, form, formsets, change):
        # The admin site opens to the administrator roles: a user put in (or taken out of) one
        # gets (or loses) staff status with it; superusers keep theirs.
        super().save_related(request, form, formsets, change)
        user = form.instance
        wanted = user.is_superuser or user.groups.filter(name__in=ADMIN_ROLES).exists()
        if user.is_staff != wanted:
            user.is_staff = wanted
            user.save(update_fields=["is_staff"])

    @admin.display(description=_("roles"))
    def roles(self, obj):
        return "、".join(g.name for g in obj.groups.all())

    @admin.display(description=_("units"))
    def unit_names(self, obj):
        return "、".join(m.unit.name for m in obj.unit_memberships.all())


admin.site.unregister(User)
admin.site.register(User, UserWithUnitsAdmin)


class ReadOnlyMixin:
    """For rows that only a service writes: the admin shows them (and their history) but adds,
    changes and deletes none, so that the record stays whole."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccountSecurity)
class AccountSecurityAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Who must change their password: set by the user pages, cleared by the user."""

    list_display = ["user", "must_change_password"]
    list_filter = ["must_change_password"]
    search_fields = ["user__username"]
    list_select_related = ["user"]


@admin.register(PasswordHistory)
class PasswordHistoryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """When each account's password was set; the hashes are not shown."""

    list_display = ["user", "created_at"]
    fields = ["user", "created_at"]
    search_fields = ["user__username"]
    list_select_related = ["user"]


# The admin's login refuses over-long user names like the dashboard's (plan.login).
admin.site.login_form = AdminLoginForm

# Last: every history table, read-only for all (plan.history_admin).
register_history_admins(admin.site)
