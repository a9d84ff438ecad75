from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("reports/", views.ReportMatrixView.as_view(), name="report-matrix"),
    path(
        "reports/<int:unit_id>/<str:period>/",
        views.UnitPeriodReportsView.as_view(),
        name="unit-period-reports",
    ),
]
