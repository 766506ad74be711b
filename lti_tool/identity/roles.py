"""Map LTI role URIs (full or short) to what the tool cares about."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
TRAINER_ROLES = frozenset({"Instructor", "ContentDeveloper", "TeachingAssistant", "Administrator"})
ADMIN_URIS = frozenset(
    {
        "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator",
        "http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator",
        # Moodle's NRPS answers give site administrators this (LIS v2 "person") URI.
        "http://purl.imsglobal.org/vocab/lis/v2/person#Administrator",
    }
)


def membership_role_name(role: str) -> str | None:
    """Return the membership role name of a full URI or a short name, else None.

    Sub-roles (``membership/Instructor#TeachingAssistant``) count as their sub-role.
    Institution and system roles are not context memberships and give None.
    """
    role = role.strip()
    if not role:
        return None
    if role.startswith(MEMBERSHIP):
        return role[len(MEMBERSHIP) :] or None
    if role.startswith("http://purl.imsglobal.org/vocab/lis/v2/membership/"):
        return role.rsplit("#", 1)[-1] or None
    if role.startswith(("http://", "https://", "urn:")):
        return None
    return role  # a short form such as "Learner", as in Moodle's NRPS answers


@dataclass(frozen=True)
class RoleSet:
    is_trainer: bool
    is_learner: bool
    is_mentor: bool
    is_tool_admin: bool

    @property
    def primary(self) -> str:
        """The role a page should present: trainer beats mentor beats learner."""
        if self.is_trainer or self.is_tool_admin:
            return "trainer"
        if self.is_mentor:
            return "mentor"
        if self.is_learner:
            return "learner"
        return "guest"


def classify_roles(roles: Iterable[str]) -> RoleSet:
    roles = [r for r in roles if isinstance(r, str)]
    names = {membership_role_name(r) for r in roles} - {None}
    is_admin = any(r.strip() in ADMIN_URIS for r in roles)
    return RoleSet(
        is_trainer=bool(names & TRAINER_ROLES),
        is_learner="Learner" in names,
        is_mentor="Mentor" in names,
        is_tool_admin=is_admin,
    )
