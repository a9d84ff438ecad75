"""The plan's pages (/plan/...). Task and unit pages are dashboard views because they show
projects too; task report and evidence pages are the supervision cycle's (``supervision.urls``,
at the same /plan/... paths as before)."""

from django.urls import path

from plan.urlplans import per_plan

from . import views

app_name = "plan"

urlpatterns = [
    path("", per_plan(views.OverviewView.as_view()), name="overview"),
    path("evaluation/", per_plan(views.EvaluationView.as_view()), name="evaluation"),
    path("changes/", per_plan(views.ChangesView.as_view()), name="changes"),
    path("tasks/", per_plan(views.TaskListView.as_view()), name="task-list"),
    path("tasks/<int:number>/", per_plan(views.TaskDetailView.as_view()), name="task-detail"),
    path("units/", per_plan(views.UnitListView.as_view()), name="unit-list"),
    path("units/<int:pk>/", per_plan(views.UnitDetailView.as_view()), name="unit-detail"),
]
