"""Record who launched: upsert the user, context, resource link and membership.

Each is one ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING id`` on its natural key
(SQLite 3.35+ and PostgreSQL both have it): no read-then-write race between two first
launches of the same person, and one statement instead of a select, an insert or
update, and an ORM flush.
"""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import Table, TextClause, bindparam, text

from courses.database import db, utcnow
from lti_tool.identity.models import LtiContext, LtiUser, Membership, ResourceLink
from lti_tool.identity.roles import RoleSet, classify_roles

LTI = "https://purl.imsglobal.org/spec/lti/claim/"


def _str(value: Any, limit: int) -> str | None:
    return value[:limit] if isinstance(value, str) and value else None


def _defaulted(table: Table, given: tuple[str, ...]) -> tuple[str, ...]:
    """Columns with a Python-side default that a row of this shape does not set."""
    return tuple(
        c.name for c in table.c if c.default is not None and not c.primary_key and c.name not in given
    )


@functools.lru_cache(maxsize=64)
def _upsert_statement(table: Table, key: tuple[str, ...], values: tuple[str, ...]) -> TextClause:
    """``INSERT ... ON CONFLICT DO UPDATE ... RETURNING id`` for one shape of row.

    The syntax is the same on SQLite and PostgreSQL. Written as text because
    SQLAlchemy cannot cache the compiled form of its dialect upserts ("no key"):
    compiling them cost more than running them. Built once per shape. Columns
    with defaults get them on insert only, so an update never resets them.
    """
    inserted = (*key, *values, *_defaulted(table, (*key, *values)))
    updated = values or key[:1]  # with nothing to update, RETURNING still needs a row
    sql = (
        f"INSERT INTO {table.name} ({', '.join(inserted)}) "
        f"VALUES ({', '.join(':' + c for c in inserted)}) "
        f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET "
        + ", ".join(f"{c} = excluded.{c}" for c in updated)
        + " RETURNING id"
    )
    return text(sql).bindparams(*(bindparam(c, type_=table.c[c].type) for c in inserted))


def _upsert(model: type[db.Model], key: dict[str, Any], values: dict[str, Any]) -> int:  # type: ignore[name-defined]
    """Insert the row or update ``values`` on the existing one; return its id."""
    table = model.__table__
    statement = _upsert_statement(table, tuple(key), tuple(values))
    params = {**key, **values}
    for name in _defaulted(table, tuple(params)):
        default = table.c[name].default
        params[name] = default.arg(None) if default.is_callable else default.arg
    return int(db.session.execute(statement, params).scalar_one())


def record_user(platform_id: int, claims: dict[str, Any], roles: RoleSet) -> int:
    now = utcnow()
    values: dict[str, Any] = {"is_tool_admin": roles.is_tool_admin, "last_launch_at": now}
    # Personal data only when the platform sends it; a missing claim leaves what we had.
    for field, limit in (("name", 255), ("given_name", 255), ("family_name", 255), ("email", 320)):
        if (value := _str(claims.get(field), limit)) is not None:
            values[field] = value
    presentation = claims.get(LTI + "launch_presentation")
    if isinstance(presentation, dict) and (locale := _str(presentation.get("locale"), 35)):
        values["locale"] = locale
    key = {"platform_id": platform_id, "sub": str(claims["sub"])}
    return _upsert(LtiUser, key, values)


def record_context(platform_id: int, claims: dict[str, Any]) -> int | None:
    claim = claims.get(LTI + "context")
    if not isinstance(claim, dict) or not _str(claim.get("id"), 255):
        return None
    values = {
        field: value
        for field, limit in (("title", 500), ("label", 255))
        if (value := _str(claim.get(field), limit)) is not None
    }
    return _upsert(LtiContext, {"platform_id": platform_id, "context_id": str(claim["id"])}, values)


def record_resource_link(platform_id: int, claims: dict[str, Any], context_pk: int | None) -> int | None:
    claim = claims.get(LTI + "resource_link")
    if not isinstance(claim, dict) or not _str(claim.get("id"), 255):
        return None
    values: dict[str, Any] = {}
    if (title := _str(claim.get("title"), 500)) is not None:
        values["title"] = title
    if context_pk is not None:
        values["context_pk"] = context_pk
    custom = claims.get(LTI + "custom")
    if isinstance(custom, dict):
        values["custom"] = {str(k): str(v) for k, v in custom.items()}
    key = {"platform_id": platform_id, "resource_link_id": str(claim["id"])}
    return _upsert(ResourceLink, key, values)


def record_membership(user_pk: int, context_pk: int, roles: list[str], role_set: RoleSet) -> int:
    values = {
        "roles": list(roles),
        "is_trainer": role_set.is_trainer,
        "is_learner": role_set.is_learner,
        "is_mentor": role_set.is_mentor,
        "updated_at": utcnow(),
    }
    return _upsert(Membership, {"user_pk": user_pk, "context_pk": context_pk}, values)


def roles_of(claims: dict[str, Any]) -> list[str]:
    roles = claims.get(LTI + "roles")
    return [r for r in roles if isinstance(r, str)] if isinstance(roles, list) else []


def classify(claims: dict[str, Any]) -> RoleSet:
    return classify_roles(roles_of(claims))


def record_roster(platform_id: int, context_pk: int, members: list[dict[str, Any]]) -> int:
    """Keep a course's roster from the platform (Names and Roles): every active member
    as a user (with the personal data the platform shared) and a membership. Returns how
    many members were recorded; the caller commits."""
    count = 0
    for member in members:
        sub = _str(member.get("user_id"), 255)
        if sub is None or member.get("status", "Active") != "Active":
            continue
        values = {
            field: value
            for field, limit in (("name", 255), ("given_name", 255), ("family_name", 255), ("email", 320))
            if (value := _str(member.get(field), limit)) is not None
        }
        user_pk = _upsert(LtiUser, {"platform_id": platform_id, "sub": sub}, values)
        roles = [r for r in member.get("roles") or () if isinstance(r, str)]
        record_membership(user_pk, context_pk, roles, classify_roles(roles))
        count += 1
    return count
