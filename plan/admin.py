from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .login import AdminLoginForm
from .models import Column, Plan, Responsibility, Safeguard, Task, Unit, UnitMembership
from .permissions import ADMINISTRATOR

User = get_user_model()


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "code", "issuer", "start_year", "end_year", "report_due_days",
                    "close_after_days", "is_current", "demo_data"]  # fmt: skip
    list_filter = ["is_current", "demo_data"]
    search_fields = ["title", "code", "issuer"]


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


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "sort_order"]
    list_filter = ["kind"]
    search_fields = ["name"]
    inlines = [MembershipInline]


@admin.register(UnitMembership)
class UnitMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "created_at"]
    list_filter = ["unit"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "unit__name"]
    autocomplete_fields = ["user", "unit"]
    list_select_related = ["user", "unit"]


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
    """Django's user admin, plus the user's units, so roles and units are set on one page."""

    inlines = [UserMembershipInline]
    list_display = ["username", "get_full_name", "is_active", "roles", "unit_names", "last_login"]
    list_filter = ["is_active", "groups", "unit_memberships__unit"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups", "unit_memberships__unit")

    def save_related(self, request, form, formsets, change):
        # The admin site opens to administrators: a user put in (or taken out of) the 管理员
        # role gets (or loses) staff status with it; superusers keep theirs.
        super().save_related(request, form, formsets, change)
        user = form.instance
        wanted = user.is_superuser or user.groups.filter(name=ADMINISTRATOR).exists()
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


# The admin's login refuses over-long user names like the dashboard's (plan.login).
admin.site.login_form = AdminLoginForm
