"""Password rules (等保 2.0 level 2): at least ten characters, three kinds of character, none
of the account's last five passwords. Listed in ``AUTH_PASSWORD_VALIDATORS`` beside Django's own
(similarity to the user name, common passwords, all digits), so every place that sets a password
through a form (the password change page, the admin's user pages) applies them."""

import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .accounts import PASSWORD_HISTORY_LENGTH, password_history_record, password_was_used

KINDS = {
    "lower": set(string.ascii_lowercase),
    "upper": set(string.ascii_uppercase),
    "digit": set(string.digits),
}


def character_kinds(password: str) -> int:
    """How many of lower case, upper case, digits and other characters ``password`` uses."""
    used = {kind for kind, chars in KINDS.items() if set(password) & chars}
    if any(not (c in KINDS["lower"] or c in KINDS["upper"] or c in KINDS["digit"])
           for c in password):  # fmt: skip
        used.add("symbol")
    return len(used)


class ComplexityValidator:
    """At least ``min_kinds`` (default three) of: lower case, upper case, digits, symbols."""

    def __init__(self, min_kinds: int = 3):
        self.min_kinds = min_kinds

    def validate(self, password, user=None):
        if character_kinds(password) < self.min_kinds:
            raise ValidationError(self.get_error_message(), code="password_too_simple")

    def get_error_message(self):
        return _(
            "This password uses too few kinds of character: use at least %(kinds)d of lower-case "
            "letters, upper-case letters, digits and symbols."
        ) % {"kinds": self.min_kinds}

    def get_help_text(self):
        return _(
            "Your password must use at least %(kinds)d of: lower-case letters, upper-case "
            "letters, digits, symbols."
        ) % {"kinds": self.min_kinds}


class PasswordHistoryValidator:
    """Not the current password, nor any of the last ``PASSWORD_HISTORY_LENGTH``; and keeps the
    hash of each new password (Django calls ``password_changed`` when the user is saved)."""

    def validate(self, password, user=None):
        if password_was_used(user, password):
            raise ValidationError(self.get_error_message(), code="password_reused")

    def password_changed(self, password, user=None):
        if user is not None and user.pk is not None:
            password_history_record(user)

    def get_error_message(self):
        return _(
            "You have used this password before: choose one that is not one of your last "
            "%(count)d passwords."
        ) % {"count": PASSWORD_HISTORY_LENGTH}

    def get_help_text(self):
        return _("Your password cannot be one of your last %(count)d passwords.") % {
            "count": PASSWORD_HISTORY_LENGTH
        }
