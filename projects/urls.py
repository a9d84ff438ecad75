from django.urls import path

from plan.urlplans import of_object, per_plan, plan_of

from . import views
from .models import Project, ProjectUpdate

app_name = "projects"

# Pages of one project open in the project's own plan (plan.urlplans).
in_project = of_object(plan_of(Project, "annex__plan"))

urlpatterns = [
    path("", per_plan(views.ProjectListView.as_view()), name="project-list"),
    path("mine/", per_plan(views.MyProjectsView.as_view()), name="my-projects"),
    path("annex/<int:number>/", per_plan(views.AnnexDetailView.as_view()), name="annex-detail"),
    path(
        "annex/<int:number>/export.xlsx",
        per_plan(views.AnnexExportView.as_view()),
        name="annex-export",
    ),
    path(
        "annex/<int:number>/print.xlsx",
        per_plan(views.AnnexPrintView.as_view()),
        name="annex-print",
    ),
    path("export.xlsx", per_plan(views.ProjectsExportView.as_view()), name="export"),
    path("import/", per_plan(views.ImportView.as_view()), name="import"),
    path("import/<int:pk>/", views.ImportPreviewView.as_view(), name="import-preview"),
    path(
        "<int:pk>/",
        in_project(views.ProjectDetailView.as_view()),
        name="project-detail",
    ),
    path(
        "<int:pk>/report/",
        in_project(views.ProjectReportView.as_view()),
        name="project-report",
    ),
    path(
        "<int:pk>/edit/",
        in_project(views.ProjectEditView.as_view()),
        name="project-edit",
    ),
    path(
        "updates/<int:pk>/evidence/",
        of_object(plan_of(ProjectUpdate, "project__annex__plan"))(
            views.UpdateEvidenceView.as_view()
        ),
        name="update-evidence",
    ),
]
