from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courses.database import db, utcnow
from lti_tool.identity.models import LtiContext, LtiUser, ResourceLink
from lti_tool.registry.models import Platform


class LoginState(db.Model):
    """An OIDC login in progress: the state we issued and the nonce bound to it.

    Deleted when the launch consumes it, so an id_token can be used once only,
    whichever worker or host receives it.
    """

    __tablename__ = "login_state"

    state: Mapped[str] = mapped_column(String(96), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(96))
    expires_at: Mapped[datetime] = mapped_column(index=True)


class LaunchSession(db.Model):
    """A validated launch, referenced by id in URLs and bound to a browser cookie."""

    __tablename__ = "launch_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    # SHA-256 of the browser session cookie value; the cookie itself is never stored.
    browser_key_hash: Mapped[str] = mapped_column(String(64), index=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("platform.id", ondelete="CASCADE"))
    user_pk: Mapped[int] = mapped_column(ForeignKey("lti_user.id", ondelete="CASCADE"))
    context_pk: Mapped[int | None] = mapped_column(ForeignKey("lti_context.id", ondelete="CASCADE"))
    resource_link_pk: Mapped[int | None] = mapped_column(
        ForeignKey("resource_link.id", ondelete="CASCADE")
    )
    client_id: Mapped[str] = mapped_column(String(255))
    deployment_id: Mapped[str] = mapped_column(String(255))
    message_type: Mapped[str] = mapped_column(String(64))
    roles: Mapped[list[str]] = mapped_column(JSON)
    locale: Mapped[str | None] = mapped_column(String(35))
    # The verified id_token claims: services (AGS, NRPS, deep linking) need them later.
    claims: Mapped[dict[str, object]] = mapped_column(JSON)
    # The registration the launch came through (platform_client.id), and where its scores
    # go ({"lineitem", "lineitems"}; NULL when the launch lets the tool post none): what
    # a page view or a submit needs to queue a score, without reading the claims.
    client_pk: Mapped[int | None] = mapped_column(
        ForeignKey("platform_client.id", ondelete="CASCADE")
    )
    score_service: Mapped[dict[str, str | None] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    # A launch whose browser kept no cookie in the platform's iframe is bound to no browser
    # yet: it waits for its one-time ticket (SHA-256 here, the ticket only in the page),
    # redeemed once, before ticket_expires_at, by the window it opens (launch/continuation).
    ticket_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    ticket_expires_at: Mapped[datetime | None]

    platform: Mapped[Platform] = relationship()
    user: Mapped[LtiUser] = relationship()
    context: Mapped[LtiContext | None] = relationship()
    resource_link: Mapped[ResourceLink | None] = relationship()
