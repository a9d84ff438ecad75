from django.urls import path

from plan.urlplans import per_plan

from . import briefing_views, views

app_name = "dashboard"

urlpatterns = [
    path("", per_plan(views.CockpitView.as_view()), name="home"),
    path(
        "cockpit/<slug:chart>.json",
        per_plan(views.CockpitChartView.as_view()),
        name="cockpit-chart",
    ),
    path("briefing/", per_plan(briefing_views.BriefingView.as_view()), name="briefing"),
    path(
        "briefing/download.docx",
        per_plan(briefing_views.BriefingDownloadView.as_view()),
        name="briefing-download",
    ),
    path("audit/", views.AuditView.as_view(), name="audit"),
    path("audit/export.xlsx", views.AuditExportView.as_view(), name="audit-export"),
]
