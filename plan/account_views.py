"""The password change page, where an account that must choose its own password is sent."""

from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from .accounts import MUST_CHANGE_SESSION_KEY, password_change_require


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change (the old password, the new one twice, every validator of
    ``AUTH_PASSWORD_VALIDATORS``); a success releases the account from a forced change."""

    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("password_change_done")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["forced"] = bool(self.request.session.get(MUST_CHANGE_SESSION_KEY))
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        password_change_require(user=self.request.user, required=False)
        self.request.session.pop(MUST_CHANGE_SESSION_KEY, None)
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/password_change_done.html"
