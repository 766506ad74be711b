"""After a launch validates: write who launched and open a server-side session."""

from __future__ import annotations

import functools
import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, bindparam, delete, func, select

from courses import catalog
from courses.catalog import ModuleInfo
from courses.database import STANDS_ALONE, Precompiled, commit, db, utcnow
from courses.progress.models import LearnerPreference
from lti_tool.identity import services as identity
from lti_tool.identity.models import LtiContext, LtiUser, ResourceLink
from lti_tool.launch.errors import LaunchRejected
from lti_tool.launch.models import LaunchSession
from lti_tool.launch.protocol import LTI, ToolMessageLaunch
from lti_tool.registry.models import Platform
from quizzes.standing import QuizBrief, brief_columns, brief_from

SESSION_LIFETIME = timedelta(hours=12)
# How long the page of a launch without cookies offers to continue it in a new window.
TICKET_LIFETIME = timedelta(minutes=5)
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


AGS_ENDPOINT = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
SCOPE_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"


def score_service(claims: dict[str, Any]) -> dict[str, str | None] | None:
    """Where the launch lets the tool post scores: its line item and/or line items
    URL, when the AGS claim grants the score scope; None otherwise."""
    claim = claims.get(AGS_ENDPOINT)
    if not isinstance(claim, dict) or SCOPE_SCORE not in (claim.get("scope") or ()):
        return None
    lineitem, lineitems = claim.get("lineitem"), claim.get("lineitems")
    if not (isinstance(lineitem, str) and lineitem) and not (isinstance(lineitems, str) and lineitems):
        return None
    return {
        "lineitem": lineitem if isinstance(lineitem, str) and lineitem else None,
        "lineitems": lineitems if isinstance(lineitems, str) and lineitems else None,
    }


def record_launch(
    launch: ToolMessageLaunch, browser_key: str, ticket: str | None = None
) -> RecordedLaunch:
    """Write the launch's people and places and its session in one transaction (on
    PostgreSQL in one statement). With a ``ticket`` (launch/continuation), the session
    waits for the window that redeems it; ``browser_key`` is then one nobody holds."""
    assert launch.client is not None
    claims = launch.claims
    platform_id = launch.client.platform_id
    role_set = identity.classify(claims)
    roles = identity.roles_of(claims)
    rows: dict[str, identity.Row] = {"usr": identity.user_row(platform_id, claims, role_set)}
    if (context := identity.context_row(platform_id, claims)) is not None:
        rows["ctx"] = context
        rows["member"] = identity.membership_row(roles, role_set, "usr", "ctx")
    if (link := identity.resource_link_row(platform_id, claims, "ctx" if context else None)) is not None:
        rows["link"] = link
    now = utcnow()
    session_id = secrets.token_urlsafe(24)
    message_type = claims[LTI + "message_type"]
    rows["sess"] = identity.Row(
        LaunchSession.__table__,
        dict(
            id=session_id,
            browser_key_hash=hash_browser_key(browser_key),
            platform_id=platform_id,
            client_id=launch.client.client_id,
            deployment_id=claims[LTI + "deployment_id"],
            message_type=message_type,
            roles=roles,
            locale=_locale(claims),
            claims=dict(claims),
            client_pk=launch.client.id,
            score_service=score_service(claims),
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
            ticket_hash=hash_browser_key(ticket) if ticket else None,
            ticket_expires_at=now + TICKET_LIFETIME if ticket else None,
        ),
        refs={"user_pk": "usr"}
        | ({"context_pk": "ctx"} if context else {})
        | ({"resource_link_pk": "link"} if link else {}),
    )
    # Everything here is written again by the person's next launch, and nothing a learner
    # did is in it (page views, answers and scores commit on their own, synchronously):
    # the launch does not wait for its WAL flush on PostgreSQL.
    ids = identity.write_rows(rows, consume=launch.consume, synchronous_commit=False)
    if ids is None:  # the state and nonce were used already (or expired): nothing written
        raise LaunchRejected("replayed_nonce")
    global _next_sweep
    if time.monotonic() >= _next_sweep:  # expired sessions are never loaded; sweep once a minute
        _next_sweep = time.monotonic() + 60
        sessions = LaunchSession.__table__
        db.session.execute(
            delete(sessions).where(sessions.c.expires_at < now), execution_options={STANDS_ALONE: True}
        )
    # Committed before the page is shown: the rows it upserts (the person, the course) are
    # shared by concurrent launches, and SQLite has one writer at a time. (On PostgreSQL
    # the launch's statements commit themselves, and the page reads on the same connection.)
    commit()
    return RecordedLaunch(session_id, platform_id, int(ids["usr"]), message_type)


@dataclass(frozen=True)
class SessionUser:
    id: int
    sub: str
    name: str | None
    locale: str | None


@dataclass(frozen=True)
class SessionPlatform:
    id: int
    issuer: str
    name: str


@dataclass(frozen=True)
class SessionContext:
    id: int
    context_id: str
    title: str | None
    label: str | None
    audience: str | None


@dataclass
class SessionLink:
    id: int
    resource_link_id: str
    title: str | None
    custom: dict[str, str]
    module_id: int | None


@dataclass
class OpenSession:
    """A launch session as a page needs it: read in one query, plain data.

    The verified claims (large; only services and deep linking need them) are read on
    first use.
    """

    id: str
    browser_key_hash: str
    platform_id: int
    user_pk: int
    client_id: str
    deployment_id: str
    message_type: str
    roles: list[str]
    locale: str | None
    user: SessionUser
    platform: SessionPlatform
    context: SessionContext | None
    resource_link: SessionLink | None
    # The content language the learner chose, if they ever did, and the menus' language
    # if they chose one (None: the launch's locale).
    language_choice: str | None
    interface_choice: str | None
    # The module the activity is bound to in the database (resource_link.module_id).
    linked_module: ModuleInfo | None
    # The registration the launch came through, and where its scores go (None: nowhere).
    client_pk: int | None = None
    score_service: dict[str, str | None] | None = None
    # The linked module's quiz and the learner's attempts at it, as the session was read.
    linked_quiz: QuizBrief | None = None

    @functools.cached_property
    def claims(self) -> dict[str, Any]:
        return db.session.execute(
            select(LaunchSession.claims).where(LaunchSession.id == self.id)
        ).scalar_one()


@functools.cache
def _session_query() -> Precompiled:
    """Built and compiled once, run on the session's connection (see Precompiled): every
    page of a launch reads it."""
    s, u, p, c, r, pref = (
        m.__table__ for m in (LaunchSession, LtiUser, Platform, LtiContext, ResourceLink, LearnerPreference)
    )
    m, mp = catalog.MODULE, catalog.MODULE_PROGRESS
    query = (
        select(
            s.c.id, s.c.browser_key_hash, s.c.platform_id, s.c.user_pk, s.c.client_id, s.c.deployment_id,
            s.c.message_type, s.c.roles, s.c.locale, s.c.expires_at,
            u.c.sub, u.c.name, u.c.locale, p.c.issuer, p.c.name,
            c.c.id, c.c.context_id, c.c.title, c.c.label, c.c.audience,
            r.c.id, r.c.resource_link_id, r.c.title, r.c.custom, r.c.module_id, pref.c.language,
            pref.c.interface_language,
            s.c.client_pk, s.c.score_service,
            *brief_columns(m.c.id, s.c.user_pk, func.coalesce(s.c.context_pk, 0)),
            *catalog.MODULE_WITH_PROGRESS,
        )
        .select_from(s)
        .join(u, u.c.id == s.c.user_pk)
        .join(p, p.c.id == s.c.platform_id)
        .outerjoin(c, c.c.id == s.c.context_pk)
        .outerjoin(r, r.c.id == s.c.resource_link_pk)
        .outerjoin(pref, pref.c.learner_id == s.c.user_pk)
        # The module the activity was last bound to, so that a page view needs no query
        # of its own to find it.
        .outerjoin(m, m.c.id == r.c.module_id)
        .outerjoin(catalog.MODULE_PROGRAMME, catalog.MODULE_PROGRAMME.c.id == m.c.programme_id)
        # The learner's record of it in the launch's course (courses.progress course_key).
        .outerjoin(
            mp,
            and_(
                mp.c.module_id == m.c.id,
                mp.c.learner_id == s.c.user_pk,
                mp.c.course_key == func.coalesce(s.c.context_pk, 0),
            ),
        )
        .where(s.c.id == bindparam("launch_id"))
    )
    return Precompiled(query)


def load_session(launch_id: str, browser_key: str | None) -> OpenSession:
    """The launch session behind a URL, if this browser owns it and it has not expired."""
    row = _session_query().first({"launch_id": launch_id})
    # A refusal names the launch's locale (row[8]), so that its page is in the language
    # of the launch the URL names, not of the browser (which falls back to Finnish): a
    # cookie-blocked learner meets session_not_yours in Moodle's iframe. Nothing else of
    # the launch goes into the refusal: not the person, the course or their own choices.
    if row is None or row[9] <= utcnow():
        raise LaunchRejected("session_not_found", launch_id, locale=row[8] if row else None)
    if not browser_key or not secrets.compare_digest(row[1], hash_browser_key(browser_key)):
        raise LaunchRejected("session_not_yours", launch_id, locale=row[8])
    return OpenSession(
        id=row[0], browser_key_hash=row[1], platform_id=row[2], user_pk=row[3], client_id=row[4],
        deployment_id=row[5], message_type=row[6], roles=list(row[7] or []), locale=row[8],
        user=SessionUser(row[3], row[10], row[11], row[12]),
        platform=SessionPlatform(row[2], row[13], row[14]),
        context=SessionContext(row[15], row[16], row[17], row[18], row[19]) if row[15] is not None else None,
        resource_link=SessionLink(row[20], row[21], row[22], dict(row[23] or {}), row[24]) if row[20] is not None else None,
        language_choice=row[25],
        interface_choice=row[26],
        client_pk=row[27],
        score_service=row[28],
        linked_quiz=brief_from(tuple(row[29:34])),
        linked_module=catalog.module_info(tuple(row[34:])) if row[34] is not None else None,
    )
