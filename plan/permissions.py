"""Roles: who may do what. Every view and export asks this module, never its own rules.

Roles are Django groups created by a migration; a user's units come from ``UnitMembership``.
"""

from django.utils.translation import gettext_lazy as _

ADMINISTRATOR = "管理员"
LEADER = "领导"
STAFF = "填报员"

ROLES = {
    ADMINISTRATOR: _("administrator: everything"),
    LEADER: _("leader: reads everything, changes nothing"),
    STAFF: _("unit staff: reports on the projects and tasks of their units"),
}


def is_administrator(user) -> bool:
    return user.is_active and (user.is_superuser or _in_group(user, ADMINISTRATOR))


def is_leader(user) -> bool:
    return user.is_active and _in_group(user, LEADER)


def is_staff_member(user) -> bool:
    return user.is_active and _in_group(user, STAFF)


def _in_group(user, name: str) -> bool:
    # Cached on the user object so a page asking several times runs one query.
    if not hasattr(user, "_role_names"):
        user._role_names = set(user.groups.values_list("name", flat=True))
    return name in user._role_names
