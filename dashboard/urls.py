from django.urls import path

from . import cycle_views, review_views, views

app_name = "dashboard"

urlpatterns = [
    path("", views.CockpitView.as_view(), name="home"),
    path("cockpit/<slug:chart>.json", views.CockpitChartView.as_view(), name="cockpit-chart"),
    path("reports/", views.ReportMatrixView.as_view(), name="report-matrix"),
    path("reports/export.xlsx", views.ReportMatrixExportView.as_view(), name="report-export"),
    path("reviews/", review_views.ReviewQueueView.as_view(), name="review-queue"),
    path(
        "reviews/<slug:kind>/<int:pk>/",
        review_views.ReviewDetailView.as_view(),
        name="review-detail",
    ),
    path("audit/", views.AuditView.as_view(), name="audit"),
    path("audit/export.xlsx", views.AuditExportView.as_view(), name="audit-export"),
    path(
        "reports/<int:unit_id>/<str:period>/",
        views.UnitPeriodReportsView.as_view(),
        name="unit-period-reports",
    ),
    path("reports/remind/", cycle_views.ReminderNoticeView.as_view(), name="reminder-notice"),
    path("reopen/", cycle_views.ReopenListView.as_view(), name="reopen-list"),
    path("reopen/request/", cycle_views.ReopenRequestView.as_view(), name="reopen-request"),
    path("reopen/<int:pk>/decide/", cycle_views.ReopenDecideView.as_view(), name="reopen-decide"),
]
