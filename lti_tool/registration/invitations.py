"""Create, list, revoke and redeem registration invitations (one use each)."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from sqlalchemy import select, update

from courses.database import db, utcnow
from lti_tool.registration.models import RegistrationInvitation

DEFAULT_LIFETIME = timedelta(days=7)
MAX_LIFETIME = timedelta(days=90)
_DURATION = re.compile(r"^\s*(\d{1,4})\s*([mhdw])\s*$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
# A secret is 32 random bytes, URL-safe base64 (43 characters); anything else is not one.
_SECRET = re.compile(r"^[A-Za-z0-9_-]{43}$")


class InvitationRefused(Exception):
    """The URL is no (longer a) valid invitation; ``reason`` says which case."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_lifetime(text: str) -> timedelta:
    """``30m``, ``12h``, ``7d`` or ``2w``; at least a minute, at most 90 days."""
    match = _DURATION.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not a duration such as 30m, 12h, 7d or 2w")
    lifetime = timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    if not timedelta(minutes=1) <= lifetime <= MAX_LIFETIME:
        raise ValueError("an invitation lives from one minute to 90 days")
    return lifetime


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_invitation(name: str, lifetime: timedelta = DEFAULT_LIFETIME) -> tuple[RegistrationInvitation, str]:
    """A new invitation and its secret (shown once, never stored)."""
    name = name.strip()
    if not name or len(name) > 200:
        raise ValueError("the name must be 1 to 200 characters")
    secret = secrets.token_urlsafe(32)
    invitation = RegistrationInvitation(
        name=name, secret_hash=secret_hash(secret), expires_at=utcnow() + lifetime
    )
    db.session.add(invitation)
    db.session.commit()
    return invitation, secret


def list_invitations() -> list[RegistrationInvitation]:
    return list(
        db.session.execute(select(RegistrationInvitation).order_by(RegistrationInvitation.id)).scalars()
    )


def revoke_invitation(invitation_id: int) -> RegistrationInvitation:
    invitation = db.session.get(RegistrationInvitation, invitation_id)
    if invitation is None:
        raise LookupError(f"No invitation {invitation_id}.")
    if invitation.used_at is not None:
        raise ValueError(f"Invitation {invitation_id} was already used; remove the platform instead.")
    if invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        db.session.commit()
    return invitation


def usable_invitation(secret: str) -> RegistrationInvitation:
    """The open invitation of ``secret``, or InvitationRefused (nothing is written)."""
    if not _SECRET.match(secret or ""):
        raise InvitationRefused("unknown")
    invitation = db.session.execute(
        select(RegistrationInvitation).where(RegistrationInvitation.secret_hash == secret_hash(secret))
    ).scalar_one_or_none()
    if invitation is None:
        raise InvitationRefused("unknown")
    status = invitation.status
    if status != "open":
        raise InvitationRefused(status)
    return invitation


def claim_invitation(invitation_id: int) -> None:
    """Mark the invitation used, in the caller's transaction, only if it is still open:
    of two registrations racing with one invitation, the second finds it taken."""
    now = utcnow()
    table = RegistrationInvitation.__table__
    claimed = db.session.execute(
        update(table)
        .where(
            table.c.id == invitation_id,
            table.c.used_at.is_(None),
            table.c.revoked_at.is_(None),
            table.c.expires_at > now,
        )
        .values(used_at=now)
    )
    if claimed.rowcount != 1:
        raise InvitationRefused("used")
