"""Users' names as the platform shared them, for pages that say who did something (who
published a module's version). Moodle may share no name at all (its privacy settings):
the caller then says so in its own words."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from courses.database import db
from lti_tool.identity.models import LtiUser


def display_name(name: str | None, given_name: str | None, family_name: str | None) -> str:
    """The ``name`` claim as stored, else the given and family names; "" if none."""
    return (name or " ".join(p for p in (given_name, family_name) if p) or "").strip()


def display_names(user_ids: Iterable[int | None]) -> dict[int, str]:
    """Each of these users' display name, by id (a user without one is left out)."""
    wanted = {i for i in user_ids if i is not None}
    if not wanted:
        return {}
    rows = db.session.execute(
        select(LtiUser.id, LtiUser.name, LtiUser.given_name, LtiUser.family_name).where(LtiUser.id.in_(wanted))
    ).all()
    names = {row.id: display_name(row.name, row.given_name, row.family_name) for row in rows}
    return {user_id: name for user_id, name in names.items() if name}
