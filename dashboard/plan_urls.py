"""The plan's pages (/plan/...). Task and unit pages are dashboard views because they show
projects too; task report and evidence pages are the supervision cycle's (``supervision.urls``,
at the same /plan/... paths as before)."""

from django.urls import path

from . import views

app_name = "plan"

urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("evaluation/", views.EvaluationView.as_view(), name="evaluation"),
    path("changes/", views.ChangesView.as_view(), name="changes"),
    path("tasks/", views.TaskListView.as_view(), name="task-list"),
    path("tasks/<int:number>/", views.TaskDetailView.as_view(), name="task-detail"),
    path("units/", views.UnitListView.as_view(), name="unit-list"),
    path("units/<int:pk>/", views.UnitDetailView.as_view(), name="unit-detail"),
]
