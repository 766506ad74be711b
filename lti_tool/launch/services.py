"""After a launch validates: write who launched and open a server-side session."""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import joinedload

from courses.database import db, utcnow
from lti_tool.identity import services as identity
from lti_tool.launch.errors import LaunchRejected
from lti_tool.launch.models import LaunchSession
from lti_tool.launch.protocol import LTI, ToolMessageLaunch

SESSION_LIFETIME = timedelta(hours=12)
_next_sweep = 0.0


@dataclass(frozen=True)
class RecordedLaunch:
    """What the launch response needs, read before the commit expires the ORM objects."""

    id: str
    platform_id: int
    user_pk: int
    message_type: str


def new_browser_key() -> str:
    return secrets.token_urlsafe(32)


def hash_browser_key(browser_key: str) -> str:
    return hashlib.sha256(browser_key.encode()).hexdigest()


def _locale(claims: dict[str, Any]) -> str | None:
    presentation = claims.get(LTI + "launch_presentation")
    locale = presentation.get("locale") if isinstance(presentation, dict) else None
    return locale[:35] if isinstance(locale, str) and locale else None


def record_launch(launch: ToolMessageLaunch, browser_key: str) -> RecordedLaunch:
    """Write the launch's people and places and its session in one transaction."""
    assert launch.client is not None
    claims = launch.claims
    platform_id = launch.client.platform_id
    role_set = identity.classify(claims)
    roles = identity.roles_of(claims)
    user_pk = identity.record_user(platform_id, claims, role_set)
    context_pk = identity.record_context(platform_id, claims)
    link_pk = identity.record_resource_link(platform_id, claims, context_pk)
    if context_pk is not None:
        identity.record_membership(user_pk, context_pk, roles, role_set)
    now = utcnow()
    recorded = RecordedLaunch(
        secrets.token_urlsafe(24), platform_id, user_pk, claims[LTI + "message_type"]
    )
    db.session.execute(
        insert(LaunchSession.__table__),
        dict(
            id=recorded.id,
            browser_key_hash=hash_browser_key(browser_key),
            platform_id=platform_id,
            user_pk=user_pk,
            context_pk=context_pk,
            resource_link_pk=link_pk,
            client_id=launch.client.client_id,
            deployment_id=claims[LTI + "deployment_id"],
            message_type=recorded.message_type,
            roles=roles,
            locale=_locale(claims),
            claims=dict(claims),
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
        ),
    )
    global _next_sweep
    if time.monotonic() >= _next_sweep:  # expired sessions are never loaded; sweep once a minute
        _next_sweep = time.monotonic() + 60
        db.session.execute(delete(LaunchSession).where(LaunchSession.expires_at < now))
    db.session.commit()
    return recorded


def load_session(launch_id: str, browser_key: str | None) -> LaunchSession:
    """The launch session behind a URL, if this browser owns it and it has not expired."""
    session = db.session.execute(
        select(LaunchSession)
        .where(LaunchSession.id == launch_id)
        .options(
            joinedload(LaunchSession.user),
            joinedload(LaunchSession.platform),
            joinedload(LaunchSession.context),
            joinedload(LaunchSession.resource_link),
        )
    ).scalar_one_or_none()
    if session is None or session.expires_at <= utcnow():
        raise LaunchRejected("session_not_found", launch_id)
    if not browser_key or not secrets.compare_digest(
        session.browser_key_hash, hash_browser_key(browser_key)
    ):
        raise LaunchRejected("session_not_yours", launch_id)
    return session
