"""The plan's pages (/plan/...). Task and unit pages are dashboard views because they show
projects too; task report pages use plan models only and live in ``plan.views``."""

from django.urls import path

from plan import views as plan_views

from . import views

app_name = "plan"

urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("evaluation/", views.EvaluationView.as_view(), name="evaluation"),
    path("changes/", views.ChangesView.as_view(), name="changes"),
    path("tasks/", views.TaskListView.as_view(), name="task-list"),
    path("tasks/<int:number>/", views.TaskDetailView.as_view(), name="task-detail"),
    path(
        "tasks/<int:number>/report/<int:unit_id>/<str:period>/",
        plan_views.TaskReportFormView.as_view(),
        name="task-report",
    ),
    path(
        "tasks/<int:number>/summary/<str:period>/",
        plan_views.TaskSummaryFormView.as_view(),
        name="task-summary",
    ),
    path("reports/<int:pk>/", plan_views.TaskReportDetailView.as_view(), name="task-report-detail"),
    path(
        "reports/<int:pk>/evidence/",
        plan_views.TaskReportEvidenceView.as_view(),
        name="task-report-evidence",
    ),
    path(
        "evidence/<int:pk>/download/",
        plan_views.EvidenceDownloadView.as_view(),
        name="evidence-download",
    ),
    path(
        "evidence/<int:pk>/remove/", plan_views.EvidenceRemoveView.as_view(), name="evidence-remove"
    ),
    path("units/", views.UnitListView.as_view(), name="unit-list"),
    path("units/<int:pk>/", views.UnitDetailView.as_view(), name="unit-detail"),
]
