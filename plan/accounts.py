"""What the dashboard keeps about an account beyond Django's user: the hashes of its earlier
passwords (none may be used again) and whether it must choose a new password before anything
else (等保 2.0: an account an administrator created or reset is not the user's own until they
set a password only they know).

Imported by ``plan.models`` so that Django finds the models; the migration is
``plan/migrations/0008_security_accounts.py``.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

PASSWORD_HISTORY_LENGTH = 5
# Set in the session at login when the account must change its password, so that pages ask the
# session, not the database (config.middleware.PasswordChangeRequiredMiddleware).
MUST_CHANGE_SESSION_KEY = "_must_change_password"


class PasswordHistory(models.Model):
    """One password an account has had (its hash only), newest first."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="password_history",
        verbose_name=_("user"),
        help_text=_("Whose password it was."),
    )
    password = models.CharField(
        _("password hash"),
        max_length=128,
        help_text=_("The hash as Django stores it; the password itself is never kept."),
    )
    created_at = models.DateTimeField(
        _("set at"), auto_now_add=True, help_text=_("When the password was set.")
    )

    class Meta:
        app_label = "plan"
        ordering = ["user", "-created_at", "-id"]
        verbose_name = _("earlier password")
        verbose_name_plural = _("earlier passwords")

    def __str__(self):
        return f"{self.user_id} @ {self.created_at:%Y-%m-%d %H:%M}"


class AccountSecurity(models.Model):
    """Per-account security state: for now, whether the next page must be the password change."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="account_security",
        verbose_name=_("user"),
        help_text=_("The account this state belongs to."),
    )
    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_(
            "Set when an administrator creates the account or resets its password; the user "
            "sees only the password change page until they choose a new password."
        ),
    )

    class Meta:
        app_label = "plan"
        ordering = ["user"]
        verbose_name = _("account security")
        verbose_name_plural = _("account security")

    def __str__(self):
        return str(self.user_id)


def password_was_used(user, password: str) -> bool:
    """Is ``password`` the account's current one or one of its last few?"""
    if user is None or user.pk is None:
        return False
    hashes = list(
        PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[
            :PASSWORD_HISTORY_LENGTH
        ]
    )
    users = get_user_model().objects
    current = users.filter(pk=user.pk).values_list("password", flat=True).first()
    return any(check_password(password, h) for h in [current, *hashes] if h)


@transaction.atomic
def password_history_record(user) -> None:
    """Keep the hash of the password ``user`` has just been given, and only the last few."""
    PasswordHistory.objects.create(user=user, password=user.password)
    old = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[
        PASSWORD_HISTORY_LENGTH:
    ]
    PasswordHistory.objects.filter(pk__in=list(old)).delete()


def password_change_require(*, user, required: bool = True) -> None:
    """Make ``user`` choose a new password at their next page (or release them from it)."""
    AccountSecurity.objects.update_or_create(user=user, defaults={"must_change_password": required})


def must_change_password(user) -> bool:
    """Must ``user`` change their password before anything else? One query, by primary key:
    asked once at login (``plan.signals``), and the answer kept in the session."""
    return AccountSecurity.objects.filter(user_id=user.pk, must_change_password=True).exists()
