from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("", views.ProjectListView.as_view(), name="project-list"),
    path("mine/", views.MyProjectsView.as_view(), name="my-projects"),
    path("annex/<int:number>/", views.AnnexDetailView.as_view(), name="annex-detail"),
    path("annex/<int:number>/export.xlsx", views.AnnexExportView.as_view(), name="annex-export"),
    path("annex/<int:number>/print.xlsx", views.AnnexPrintView.as_view(), name="annex-print"),
    path("export.xlsx", views.ProjectsExportView.as_view(), name="export"),
    path("import/", views.ImportView.as_view(), name="import"),
    path("import/<int:pk>/", views.ImportPreviewView.as_view(), name="import-preview"),
    path("<int:pk>/", views.ProjectDetailView.as_view(), name="project-detail"),
    path("<int:pk>/report/", views.ProjectReportView.as_view(), name="project-report"),
    path("<int:pk>/edit/", views.ProjectEditView.as_view(), name="project-edit"),
    path("updates/<int:pk>/evidence/", views.UpdateEvidenceView.as_view(), name="update-evidence"),
]
