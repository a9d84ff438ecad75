"""Root URLconf: each app under its own prefix, the cockpit at /."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path

from plan.account_views import PasswordChangeDoneView, PasswordChangeView
from plan.login import LoginForm


@login_not_required
def favicon(request):
    # Resolved per request: the static manifest exists only after collectstatic.
    return redirect(static("favicon.svg"), permanent=True)


urlpatterns = [
    path("", include("dashboard.urls")),
    path("", include("supervision.urls")),
    path("plan/", include("dashboard.plan_urls")),
    path("projects/", include("projects.urls")),
    path("indicators/", include("indicators.urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/", PasswordChangeDoneView.as_view(), name="password_change_done"
    ),  # fmt: skip
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # Browsers ask for /favicon.ico on pages that name no icon (the admin's).
    path("favicon.ico", favicon, name="favicon"),
]

handler500 = "dashboard.errors.server_error"
