from django.urls import path

from plan.urlplans import of_object, per_plan, plan_of

from . import views
from .models import Indicator

app_name = "indicators"

urlpatterns = [
    path("", per_plan(views.IndicatorListView.as_view()), name="indicator-list"),
    path("export.xlsx", per_plan(views.IndicatorExportView.as_view()), name="indicator-export"),
    path(
        "<int:pk>/",
        of_object(plan_of(Indicator, "plan"))(views.IndicatorDetailView.as_view()),
        name="indicator-detail",
    ),
    path(
        "<int:pk>/peers/enter/",
        of_object(plan_of(Indicator, "plan"))(views.PeerEntryView.as_view()),
        name="peer-entry",
    ),
    path(
        "<int:pk>/peers/import/",
        of_object(plan_of(Indicator, "plan"))(views.PeerImportView.as_view()),
        name="peer-import",
    ),
    path(
        "<int:pk>/chart.json",
        of_object(plan_of(Indicator, "plan"))(views.IndicatorChartView.as_view()),
        name="indicator-chart",
    ),
]
