from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("annex/<int:number>/", views.AnnexDetailView.as_view(), name="annex-detail"),
    path("<int:pk>/", views.ProjectDetailView.as_view(), name="project-detail"),
]
