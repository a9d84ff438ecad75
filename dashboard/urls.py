from django.urls import path

from plan.urlplans import per_plan

from . import briefing_views, plan_builder_views, views

app_name = "dashboard"

urlpatterns = [
    path("", per_plan(views.CockpitView.as_view()), name="home"),
    path(
        "cockpit/<slug:chart>.json",
        per_plan(views.CockpitChartView.as_view()),
        name="cockpit-chart",
    ),
    path("briefing/", per_plan(briefing_views.BriefingView.as_view()), name="briefing"),
    path(
        "briefing/download.docx",
        per_plan(briefing_views.BriefingDownloadView.as_view()),
        name="briefing-download",
    ),
    path("audit/", views.AuditView.as_view(), name="audit"),
    # Starting the next plan (issue 18): the plan workbook and the carry-over (结转).
    path("plan-builder/", plan_builder_views.PlanBuilderView.as_view(), name="plan-builder"),
    path(
        "plan-builder/template.xlsx",
        plan_builder_views.TemplateDownloadView.as_view(),
        name="plan-builder-template",
    ),
    path(
        "plan-builder/<int:pk>/",
        plan_builder_views.PlanBuilderPreviewView.as_view(),
        name="plan-builder-preview",
    ),
    path(
        "plan-builder/export/<slug:code>.xlsx",
        plan_builder_views.PlanExportView.as_view(),
        name="plan-export",
    ),
    path("carry-over/", plan_builder_views.CarryOverView.as_view(), name="carry-over"),
    path("audit/export.xlsx", views.AuditExportView.as_view(), name="audit-export"),
]
