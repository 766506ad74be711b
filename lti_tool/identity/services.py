"""Record who launched: upsert the user, context, resource link and membership."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from courses.database import db, utcnow
from lti_tool.identity.models import LtiContext, LtiUser, Membership, ResourceLink
from lti_tool.identity.roles import RoleSet, classify_roles

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
M = TypeVar("M", LtiUser, LtiContext, ResourceLink, Membership)


def _str(value: Any, limit: int) -> str | None:
    return value[:limit] if isinstance(value, str) and value else None


def _get_or_create(model: type[M], **key: Any) -> M:
    """Find a row by its natural key or insert it; safe when two launches race."""
    query = select(model).filter_by(**key)
    row = db.session.execute(query).scalar_one_or_none()
    if row is not None:
        return row
    try:
        with db.session.begin_nested():
            row = model(**key)
            db.session.add(row)
        return row
    except IntegrityError:
        return db.session.execute(query).scalar_one()


def record_user(platform_id: int, claims: dict[str, Any], roles: RoleSet) -> LtiUser:
    user = _get_or_create(LtiUser, platform_id=platform_id, sub=str(claims["sub"]))
    # Personal data only when the platform sends it; a missing claim leaves what we had.
    for field, limit in (("name", 255), ("given_name", 255), ("family_name", 255), ("email", 320)):
        if (value := _str(claims.get(field), limit)) is not None:
            setattr(user, field, value)
    presentation = claims.get(LTI + "launch_presentation")
    if isinstance(presentation, dict) and (locale := _str(presentation.get("locale"), 35)):
        user.locale = locale
    user.is_tool_admin = roles.is_tool_admin
    user.last_launch_at = utcnow()
    return user


def record_context(platform_id: int, claims: dict[str, Any]) -> LtiContext | None:
    claim = claims.get(LTI + "context")
    if not isinstance(claim, dict) or not _str(claim.get("id"), 255):
        return None
    context = _get_or_create(LtiContext, platform_id=platform_id, context_id=str(claim["id"]))
    context.title = _str(claim.get("title"), 500) or context.title
    context.label = _str(claim.get("label"), 255) or context.label
    return context


def record_resource_link(
    platform_id: int, claims: dict[str, Any], context: LtiContext | None
) -> ResourceLink | None:
    claim = claims.get(LTI + "resource_link")
    if not isinstance(claim, dict) or not _str(claim.get("id"), 255):
        return None
    link = _get_or_create(
        ResourceLink, platform_id=platform_id, resource_link_id=str(claim["id"])
    )
    link.title = _str(claim.get("title"), 500) or link.title
    if context is not None:
        link.context_pk = context.id
    custom = claims.get(LTI + "custom")
    if isinstance(custom, dict):
        link.custom = {str(k): str(v) for k, v in custom.items()}
    return link


def record_membership(user: LtiUser, context: LtiContext, roles: list[str], role_set: RoleSet) -> Membership:
    membership = _get_or_create(Membership, user_pk=user.id, context_pk=context.id)
    membership.roles = list(roles)
    membership.is_trainer = role_set.is_trainer
    membership.is_learner = role_set.is_learner
    membership.is_mentor = role_set.is_mentor
    return membership


def roles_of(claims: dict[str, Any]) -> list[str]:
    roles = claims.get(LTI + "roles")
    return [r for r in roles if isinstance(r, str)] if isinstance(roles, list) else []


def classify(claims: dict[str, Any]) -> RoleSet:
    return classify_roles(roles_of(claims))
