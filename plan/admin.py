from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Column, Plan, Responsibility, Safeguard, Task, Unit, UnitMembership


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "code", "issuer", "start_year", "end_year", "is_current", "demo_data"]
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
