"""The login forms refuse a user name longer than any account's before anyone stores it.

A failed login is recorded by django-axes with the user name as typed, in a ``varchar(255)``
column: a 256-character name was a ``DataError`` (a 500) on PostgreSQL. No account's name is
longer than ``User.username``'s ``max_length`` (150), so a longer one is refused on the field and
never reaches ``authenticate()`` (Django's form sets the widget's ``maxlength`` but does not
check it). Both the dashboard's login page and the admin's use these forms.
"""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator


def _limit_username(form) -> None:
    field = form.fields["username"]
    field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
    field.validators.append(MaxLengthValidator(field.max_length))


class LoginForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_username(self)


class AdminLoginForm(AdminAuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_username(self)
