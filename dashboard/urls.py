from django.urls import path

from . import briefing_views, views

app_name = "dashboard"

urlpatterns = [
    path("", views.CockpitView.as_view(), name="home"),
    path("cockpit/<slug:chart>.json", views.CockpitChartView.as_view(), name="cockpit-chart"),
    path("briefing/", briefing_views.BriefingView.as_view(), name="briefing"),
    path(
        "briefing/download.docx",
        briefing_views.BriefingDownloadView.as_view(),
        name="briefing-download",
    ),
    path("audit/", views.AuditView.as_view(), name="audit"),
    path("audit/export.xlsx", views.AuditExportView.as_view(), name="audit-export"),
]
