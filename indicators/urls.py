from django.urls import path

from . import views

app_name = "indicators"

urlpatterns = [
    path("", views.IndicatorListView.as_view(), name="indicator-list"),
    path("export.xlsx", views.IndicatorExportView.as_view(), name="indicator-export"),
    path("<int:pk>/", views.IndicatorDetailView.as_view(), name="indicator-detail"),
    path("<int:pk>/peers/enter/", views.PeerEntryView.as_view(), name="peer-entry"),
    path("<int:pk>/peers/import/", views.PeerImportView.as_view(), name="peer-import"),
    path("<int:pk>/chart.json", views.IndicatorChartView.as_view(), name="indicator-chart"),
]
