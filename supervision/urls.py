"""The supervision cycle's pages. Their paths are the ones they had before the cycle moved out of
``plan`` and ``dashboard`` (links in e-mails already sent keep working): the office's pages at the
root (/reviews/, /reports/, /reopen/), the task reports and evidence files under /plan/."""

from django.urls import path

from . import briefing_views, cycle_views, matrix_views, review_views, views

app_name = "supervision"

urlpatterns = [
    path("reviews/", review_views.ReviewQueueView.as_view(), name="review-queue"),
    path(
        "reviews/<slug:kind>/<int:pk>/",
        review_views.ReviewDetailView.as_view(),
        name="review-detail",
    ),
    path("reports/", matrix_views.ReportMatrixView.as_view(), name="report-matrix"),
    path(
        "reports/export.xlsx", matrix_views.ReportMatrixExportView.as_view(), name="report-export"
    ),
    path(
        "reports/<int:unit_id>/<str:period>/",
        matrix_views.UnitPeriodReportsView.as_view(),
        name="unit-period-reports",
    ),
    path("reports/remind/", cycle_views.ReminderNoticeView.as_view(), name="reminder-notice"),
    path("briefings/", briefing_views.BriefingListView.as_view(), name="briefing-list"),
    path("briefings/upload/", briefing_views.BriefingUploadView.as_view(), name="briefing-upload"),
    path(
        "briefings/<int:pk>/download/",
        briefing_views.BriefingDownloadView.as_view(),
        name="briefing-download",
    ),
    path("reopen/", cycle_views.ReopenListView.as_view(), name="reopen-list"),
    path("reopen/request/", cycle_views.ReopenRequestView.as_view(), name="reopen-request"),
    path("reopen/<int:pk>/decide/", cycle_views.ReopenDecideView.as_view(), name="reopen-decide"),
    path(
        "plan/tasks/<int:number>/report/<int:unit_id>/<str:period>/",
        views.TaskReportFormView.as_view(),
        name="task-report",
    ),
    path(
        "plan/tasks/<int:number>/summary/<str:period>/",
        views.TaskSummaryFormView.as_view(),
        name="task-summary",
    ),
    path("plan/reports/<int:pk>/", views.TaskReportDetailView.as_view(), name="task-report-detail"),
    path(
        "plan/reports/<int:pk>/evidence/",
        views.TaskReportEvidenceView.as_view(),
        name="task-report-evidence",
    ),
    path(
        "plan/evidence/<int:pk>/download/",
        views.EvidenceDownloadView.as_view(),
        name="evidence-download",
    ),
    path(
        "plan/evidence/<int:pk>/remove/", views.EvidenceRemoveView.as_view(), name="evidence-remove"
    ),
]
