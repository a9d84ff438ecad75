"""The supervision cycle's pages. Their paths are the ones they had before the cycle moved out of
``plan`` and ``dashboard`` (links in e-mails already sent keep working): the office's pages at the
root (/reviews/, /reports/, /reopen/), the task reports and evidence files under /plan/."""

from django.urls import path

from plan.urlplans import of_object, per_plan, plan_of

from . import briefing_views, cycle_views, item_views, matrix_views, review_views, views
from .models import IssuedBriefing, ReopenRequest, SupervisionItem, TaskReport
from .plans import evidence_plan, review_plan

app_name = "supervision"

urlpatterns = [
    path("reviews/", review_views.ReviewQueueView.as_view(), name="review-queue"),
    path("reviews/approve/", review_views.BulkApproveView.as_view(), name="review-bulk-approve"),
    path(
        "reviews/<slug:kind>/<int:pk>/",
        of_object(review_plan)(review_views.ReviewDetailView.as_view()),
        name="review-detail",
    ),
    path("reports/", per_plan(matrix_views.ReportMatrixView.as_view()), name="report-matrix"),
    path(
        "reports/export.xlsx",
        per_plan(matrix_views.ReportMatrixExportView.as_view()),
        name="report-export",
    ),
    path(
        "reports/<int:unit_id>/<str:period>/",
        per_plan(matrix_views.UnitPeriodReportsView.as_view()),
        name="unit-period-reports",
    ),
    path(
        "reports/remind/",
        per_plan(cycle_views.ReminderNoticeView.as_view()),
        name="reminder-notice",
    ),
    path("briefings/", per_plan(briefing_views.BriefingListView.as_view()), name="briefing-list"),
    path(
        "briefings/upload/",
        per_plan(briefing_views.BriefingUploadView.as_view()),
        name="briefing-upload",
    ),
    path(
        "briefings/<int:pk>/download/",
        of_object(plan_of(IssuedBriefing, "plan"))(briefing_views.BriefingDownloadView.as_view()),
        name="briefing-download",
    ),
    path("reopen/", cycle_views.ReopenListView.as_view(), name="reopen-list"),
    path(
        "reopen/request/", per_plan(cycle_views.ReopenRequestView.as_view()), name="reopen-request"
    ),
    path(
        "reopen/<int:pk>/decide/",
        of_object(plan_of(ReopenRequest, "plan"))(cycle_views.ReopenDecideView.as_view()),
        name="reopen-decide",
    ),
    path(
        "plan/tasks/<int:number>/report/<int:unit_id>/<str:period>/",
        per_plan(views.TaskReportFormView.as_view()),
        name="task-report",
    ),
    path(
        "plan/tasks/<int:number>/summary/<str:period>/",
        per_plan(views.TaskSummaryFormView.as_view()),
        name="task-summary",
    ),
    path(
        "plan/reports/<int:pk>/",
        of_object(plan_of(TaskReport, "task__plan"))(views.TaskReportDetailView.as_view()),
        name="task-report-detail",
    ),
    path(
        "plan/reports/<int:pk>/evidence/",
        of_object(plan_of(TaskReport, "task__plan"))(views.TaskReportEvidenceView.as_view()),
        name="task-report-evidence",
    ),
    path(
        "plan/evidence/<int:pk>/download/",
        of_object(evidence_plan)(views.EvidenceDownloadView.as_view()),
        name="evidence-download",
    ),
    path(
        "plan/evidence/<int:pk>/remove/",
        of_object(evidence_plan)(views.EvidenceRemoveView.as_view()),
        name="evidence-remove",
    ),
    # Supervision items (督办件): the office's queue and the list belong to a plan; a leader's own
    # instructions and a unit's to-do span plans; an item opens in its own plan.
    path("items/", item_views.ItemHomeView.as_view(), name="item-home"),
    path("items/new/", item_views.ItemCreateView.as_view(), name="item-new"),
    path("items/mine/", item_views.ItemMineView.as_view(), name="item-mine"),
    path("items/todo/", item_views.ItemTodoView.as_view(), name="item-todo"),
    path("items/queue/", per_plan(item_views.ItemQueueView.as_view()), name="item-queue"),
    path("items/list/", per_plan(item_views.ItemListView.as_view()), name="item-list"),
    path("items/export.xlsx", per_plan(item_views.ItemExportView.as_view()), name="item-export"),
    path(
        "items/<int:pk>/",
        of_object(plan_of(SupervisionItem, "plan"))(item_views.ItemDetailView.as_view()),
        name="item-detail",
    ),
]
