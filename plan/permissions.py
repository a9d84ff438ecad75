"""Roles: who may do what. Every view and export asks this module, never its own rules.

Roles are Django groups created by a migration; a user's units come from ``UnitMembership``.

- administrator (管理员, or a superuser): everything;
- leader (领导): reads everything, changes nothing;
- unit staff (填报员): reads everything, reports on and edits only what their units answer for;
- reviewer (审核员, staff of the coordinating office): approves or returns reports of other units;
- a logged-in user with no role reads everything and changes nothing, like a leader;
- three separated administrators (三员分立, as 等保 2.0 level 2 asks), none able to do another's
  job, each reading the dashboard like a leader: the system administrator (系统管理员) manages
  user accounts, units and the plan's data in the admin but cannot give anyone a role; the
  security administrator (安全管理员) gives and takes roles (group membership) and lifts login
  lock-outs, and creates no user and edits no plan data; the audit administrator (审计管理员)
  reads the audit trail, and nothing else. The plan administrator (管理员) keeps the plan's data
  and the dashboard's powers but no longer manages accounts, roles or the audit trail. Superusers
  exist for first set-up and break-glass only (``plan.admin_roles`` grants each group its
  permissions);
- anyone not logged in: only the login page (``LoginRequiredMiddleware``).

The rules take any object with a ``unit_id`` (a project, later a task report), so this module
needs nothing from the apps that use it.
"""

import functools

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils.translation import gettext_lazy as _

ADMINISTRATOR = "管理员"
LEADER = "领导"
STAFF = "填报员"
REVIEWER = "审核员"
SYSTEM_ADMINISTRATOR = "系统管理员"
SECURITY_ADMINISTRATOR = "安全管理员"
AUDIT_ADMINISTRATOR = "审计管理员"

ROLES = {
    ADMINISTRATOR: _("plan administrator: every report, project and indicator of the plan"),
    SYSTEM_ADMINISTRATOR: _("system administrator: user accounts, units and plan data"),
    SECURITY_ADMINISTRATOR: _("security administrator: roles and login lock-outs"),
    AUDIT_ADMINISTRATOR: _("audit administrator: reads the audit trail"),
    LEADER: _("leader: reads everything, changes nothing"),
    STAFF: _("unit staff: reports on the projects and tasks of their units"),
    REVIEWER: _("reviewer: approves or returns the units' reports, closes and reopens periods"),
}


def _load(user) -> None:
    """Look up the user's roles and units together, in one query (a UNION), and keep them on the
    user object: nearly every page asks for both, and a page that asks again runs none."""
    if hasattr(user, "_role_names"):
        return
    names, ids, linked = set(), set(), False
    with connection.cursor() as cursor:
        cursor.execute(_load_sql(), [user.pk] * 4)
        for kind, value in cursor.fetchall():
            if kind == "role":
                names.add(value)
            elif kind == "link":
                linked = True
            else:
                ids.add(int(value))
    user._role_names, user._unit_ids, user._member_links = names, frozenset(ids), linked


@functools.cache
def _load_sql() -> str:
    """The UNION ``_load`` runs, written once from the models' tables: a role per group, a unit
    per membership, and whether the user's units take part in a collective's membership
    (plan.members), as a member or as a collective, so that the to-do of everyone else looks
    for members' shares without a query of its own. Each part is one indexed join (an OR
    across both membership joins made an outer join of every membership). Every request runs
    it once; built through the ORM, putting the query together cost 1.8 ms a request, ten
    times what the database spends on it."""
    from django.contrib.auth import get_user_model  # noqa: PLC0415 - models load after us

    from .members import UnitMember  # noqa: PLC0415 - plan.models imports this module's users
    from .models import UnitMembership  # noqa: PLC0415

    def table(model):
        return connection.ops.quote_name(model._meta.db_table)

    def column(model, field):
        return connection.ops.quote_name(model._meta.get_field(field).column)

    user_groups = get_user_model().groups.through
    group = user_groups._meta.get_field("group").related_model
    ug_user, ug_group = column(user_groups, "user"), column(user_groups, "group")
    m_user, m_unit = column(UnitMembership, "user"), column(UnitMembership, "unit")
    member, collective = column(UnitMember, "member"), column(UnitMember, "collective")
    memberships, links = table(UnitMembership), table(UnitMember)
    # Only the models' own table and column names (quoted) go into the SQL text; the user's id
    # is a parameter (bandit B608 answered).
    return (  # nosec B608
        f"SELECT 'role', g.{column(group, 'name')} FROM {table(group)} g"  # nosec B608
        f" JOIN {table(user_groups)} ug ON ug.{ug_group} = g.{column(group, 'id')}"
        f" WHERE ug.{ug_user} = %s"
        f" UNION ALL SELECT 'unit', CAST(m.{m_unit} AS TEXT) FROM {memberships} m"
        f" WHERE m.{m_user} = %s"
        f" UNION ALL SELECT 'link', CAST(l.{collective} AS TEXT) FROM {links} l"
        f" JOIN {memberships} m ON m.{m_unit} = l.{member} WHERE m.{m_user} = %s"
        f" UNION ALL SELECT 'link', CAST(l.{collective} AS TEXT) FROM {links} l"
        f" JOIN {memberships} m ON m.{m_unit} = l.{collective} WHERE m.{m_user} = %s"
    )


def _role_names(user) -> set[str]:
    _load(user)
    return user._role_names


def unit_ids(user) -> frozenset[int]:
    """The ids of the units ``user`` belongs to, looked up once per user object."""
    if not user.is_authenticated:
        return frozenset()
    _load(user)
    return user._unit_ids


def has_member_links(user) -> bool:
    """Whether any of ``user``'s units is a member of a collective unit or a collective with
    members (``plan.members``), looked up with the user's roles and units."""
    if not user.is_authenticated:
        return False
    _load(user)
    return user._member_links


def is_administrator(user) -> bool:
    return user.is_active and (user.is_superuser or ADMINISTRATOR in _role_names(user))


def is_leader(user) -> bool:
    return user.is_active and LEADER in _role_names(user)


def is_staff_member(user) -> bool:
    return user.is_active and STAFF in _role_names(user)


def is_reviewer(user) -> bool:
    return user.is_active and REVIEWER in _role_names(user)


def can_manage_accounts(user) -> bool:
    """May ``user`` create accounts and set passwords (not roles)? System administrators."""
    return user.is_active and (user.is_superuser or SYSTEM_ADMINISTRATOR in _role_names(user))


def can_assign_roles(user) -> bool:
    """May ``user`` give and take roles (groups) and lift lock-outs? Security administrators."""
    return user.is_active and (user.is_superuser or SECURITY_ADMINISTRATOR in _role_names(user))


def can_read_audit(user) -> bool:
    """May ``user`` read the audit trail? Audit administrators (and superusers, break-glass)."""
    return user.is_active and (user.is_superuser or AUDIT_ADMINISTRATOR in _role_names(user))


def can_review(user, report=None) -> bool:
    """May ``user`` approve, return or un-approve ``report`` (anything with a ``unit_id``)?

    Reviewers (审核员, staff of the coordinating office) and administrators review; nobody
    reviews a report of a unit they belong to, not even an administrator who is also unit staff.
    Without ``report``: may the user review at all (to show the review queue)?
    """
    if not user.is_authenticated or not user.is_active:
        return False
    if not (is_administrator(user) or is_reviewer(user)):
        return False
    return report is None or report.unit_id not in unit_ids(user)


def require_review(user, report) -> None:
    if not can_review(user, report):
        raise PermissionDenied(
            _("Only a reviewer outside the reporting unit may review this report.")
        )


def can_issue_briefings(user) -> bool:
    """May ``user`` generate the quarterly briefing (季度通报) and upload the issued version?
    The coordinating office's reviewers and the plan administrators; everyone reads them."""
    return is_reviewer(user) or is_administrator(user)


def reads_approved_by_default(user) -> bool:
    """Leaders (and readers) see figures from approved reports only unless they ask for more;
    those who write or review reports see every figure by default. Either can switch."""
    return not (is_administrator(user) or is_reviewer(user) or is_staff_member(user))


def role_label(user) -> str:
    """The user's role in a word, for the page header."""
    if is_administrator(user):
        return str(_("administrator"))
    if is_reviewer(user):
        return str(_("reviewer"))
    if is_staff_member(user):
        return str(_("unit staff"))
    if is_leader(user):
        return str(_("leader"))
    names = _role_names(user)
    for role, label in ((SYSTEM_ADMINISTRATOR, _("system administrator")),
                        (SECURITY_ADMINISTRATOR, _("security administrator")),
                        (AUDIT_ADMINISTRATOR, _("audit administrator"))):  # fmt: skip
        if role in names:
            return str(label)
    return str(_("reader"))


def can_report_on(user, obj) -> bool:
    """May ``user`` report on, or edit, ``obj`` (anything with a ``unit_id``)?"""
    if not user.is_authenticated or not user.is_active:
        return False
    if is_administrator(user):
        return True
    return is_staff_member(user) and obj.unit_id in unit_ids(user)


def require_report_on(user, obj) -> None:
    """Raise ``PermissionDenied`` (403) unless ``user`` may report on ``obj``."""
    if not can_report_on(user, obj):
        raise PermissionDenied(_("Only staff of the responsible unit may change this."))


def reportable_unit_ids(user) -> frozenset[int] | None:
    """Units whose objects ``user`` may change: ``None`` means every unit (administrators)."""
    if is_administrator(user):
        return None
    if is_staff_member(user):
        return unit_ids(user)
    return frozenset()
