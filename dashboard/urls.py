from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.CockpitView.as_view(), name="home"),
    path("cockpit/<slug:chart>.json", views.CockpitChartView.as_view(), name="cockpit-chart"),
    path("audit/", views.AuditView.as_view(), name="audit"),
    path("audit/export.xlsx", views.AuditExportView.as_view(), name="audit-export"),
]
