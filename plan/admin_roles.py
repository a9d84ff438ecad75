"""What each administrator role may do in Django's admin, granted after every migrate.

等保 2.0 level 2 asks for separated administrators (三员分立), none able to do another's job:

============  ==========================================================================
role          permissions (set exactly, so a permission added by hand is taken away again)
============  ==========================================================================
管理员        the plan's data (plan, projects, indicators, supervision); sees user names
              (to pick unit members) but manages no account, role or audit row
系统管理员    the plan's data, units, and user accounts: add, change, see; sees the roles
              but cannot give them (``plan.admin.UserWithUnitsAdmin`` keeps them read-only)
安全管理员    roles: group membership on the user page (nothing else there, and not their
              own); login lock-outs (django-axes: see and delete, i.e. unlock). What each
              role group may do is this module's, reset at every migrate, not a page's
审计管理员    reads the audit trail: the history tables, the login records; changes nothing
============  ==========================================================================

Nobody, superusers included, may change or delete a history row (``plan.history_admin``), nor
delete a user (that would blank the "who" of their history: deactivate instead). Only a
superuser changes a superuser's account, the account of a security or audit administrator
(else the system administrator could reset their password and act as them), anyone's own roles,
or a user's individual permissions (roles are groups). The dashboard's own pages ask
``plan.permissions`` (``can_read_audit`` for the audit trail).
"""

from django.db.models import Q

from .permissions import (
    ADMINISTRATOR,
    AUDIT_ADMINISTRATOR,
    SECURITY_ADMINISTRATOR,
    SYSTEM_ADMINISTRATOR,
)

PLAN_APPS = ("plan", "projects", "indicators", "supervision")
# Rows about accounts that only their own services write: no role edits them in the admin.
ACCOUNT_MODELS = ("passwordhistory", "accountsecurity")
ADMIN_ROLES = (ADMINISTRATOR, SYSTEM_ADMINISTRATOR, SECURITY_ADMINISTRATOR, AUDIT_ADMINISTRATOR)
# Accounts only a superuser may change: the administrators who check the system administrator.
GUARDED_ROLES = (SECURITY_ADMINISTRATOR, AUDIT_ADMINISTRATOR)


def _history() -> Q:
    return Q(content_type__model__startswith="historical")


def role_permissions(Permission) -> dict[str, object]:
    """Each administrator role's permissions, as querysets of ``Permission``."""
    plan_data = (
        Permission.objects.filter(content_type__app_label__in=PLAN_APPS)
        .exclude(_history())
        .exclude(content_type__model__in=ACCOUNT_MODELS)
    )

    def auth(*codenames):
        return Q(content_type__app_label="auth", codename__in=codenames)

    return {
        ADMINISTRATOR: plan_data | Permission.objects.filter(auth("view_user")),
        SYSTEM_ADMINISTRATOR: plan_data
        | Permission.objects.filter(auth("add_user", "change_user", "view_user", "view_group")),
        SECURITY_ADMINISTRATOR: Permission.objects.filter(
            auth("view_user", "change_user", "view_group", "view_permission")
            | Q(content_type__app_label="axes", codename__startswith="view_")
            | Q(content_type__app_label="axes", codename="delete_accessattempt")
        ),
        AUDIT_ADMINISTRATOR: Permission.objects.filter(
            (_history() & Q(codename__startswith="view_"))
            | Q(
                content_type__app_label="axes",
                codename__in=["view_accesslog", "view_accessfailurelog"],
            )
        ),
    }


def grant_role_permissions(sender=None, using="default", **kwargs):
    """Give each administrator role exactly its permissions (run after migrate, idempotent)."""
    from django.contrib.auth.models import Group, Permission

    for name, permissions in role_permissions(Permission).items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        wanted = set(permissions.using(using).values_list("pk", flat=True))
        if set(group.permissions.values_list("pk", flat=True)) != wanted:
            group.permissions.set(wanted)
