from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Indicator, Observation, Target


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = [
        "code",
        "name",
        "category",
        "unit_of_measure",
        "kind",
        "direction",
        "responsible_unit",
    ]
    list_filter = ["plan", "kind", "direction", "category"]
    search_fields = ["code", "name", "definition"]
    autocomplete_fields = ["responsible_unit"]
    list_select_related = ["responsible_unit"]
    inlines = [TargetInline]


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "year", "value", "rank", "statement"]
    list_filter = ["year", "indicator__plan"]
    search_fields = ["indicator__name", "statement"]
    list_select_related = ["indicator"]


@admin.register(Observation)
class ObservationAdmin(SimpleHistoryAdmin):
    list_display = [
        "indicator",
        "year",
        "quarter",
        "value",
        "rank",
        "source",
        "entered_by",
        "is_demo",
    ]
    list_filter = ["year", "is_demo", "indicator"]
    search_fields = ["indicator__name", "source", "note"]
    list_select_related = ["indicator", "entered_by"]
    autocomplete_fields = ["indicator", "entered_by"]
