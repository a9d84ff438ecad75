"""Root URLconf: each app under its own prefix, the cockpit at /."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("", include("dashboard.urls")),
    path("plan/", include("dashboard.plan_urls")),
    path("projects/", include("projects.urls")),
    path("indicators/", include("indicators.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
