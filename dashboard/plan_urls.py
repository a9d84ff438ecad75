"""The plan's pages (/plan/...): views in ``dashboard`` because they show projects too."""

from django.urls import path

from . import views

app_name = "plan"

urlpatterns = [
    path("tasks/", views.TaskListView.as_view(), name="task-list"),
    path("tasks/<int:number>/", views.TaskDetailView.as_view(), name="task-detail"),
    path("units/", views.UnitListView.as_view(), name="unit-list"),
    path("units/<int:pk>/", views.UnitDetailView.as_view(), name="unit-detail"),
]
