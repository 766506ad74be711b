"""A launch that arrives without its state cookie continues in a window of its own.

Inside the platform's iframe the tool's cookies are third-party; a browser that blocks
them (Safari always, Chrome and Firefox by setting) sends the launch without the state
cookie that the login set. Such a launch is still checked in full (signature, issuer,
audience, expiry, deployment, the state issued here and its nonce, consumed once) and
recorded, but bound to no browser: its page (``lti/continue.html``) carries a one-time
ticket, and the window that redeems it, a top-level one where the tool's cookies are
first-party, becomes the launch's browser. See docs/design.md, "Browsers that block
third-party cookies", for why this keeps what the state cookie protects.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Request
from sqlalchemy import update

from courses.database import db, transaction_for_writes, utcnow
from lti_tool.launch.models import LaunchSession
from lti_tool.launch.services import hash_browser_key, new_browser_key

# secrets.token_urlsafe(32): 43 characters of the URL-safe alphabet.
TICKET = re.compile(r"[A-Za-z0-9_-]{43}")


def new_ticket() -> str:
    return new_browser_key()  # the same 256 random bits, for another use


def from_this_tool(request: Request) -> bool:
    """A ticket is redeemed only through a page of this tool (the launch's page in the
    iframe, its form or its script): a page elsewhere cannot post one into a browser.
    Browsers send Origin with every POST; an old one that sends none still sends
    Sec-Fetch-Site, or neither."""
    ours = urlsplit(request.host_url)
    origin = request.headers.get("Origin")
    if origin is not None:
        theirs = urlsplit(origin)
        return (theirs.scheme, theirs.netloc) == (ours.scheme, ours.netloc)
    return request.headers.get("Sec-Fetch-Site", "same-origin") == "same-origin"


def redeem(ticket: object, browser_key: str) -> str | None:
    """Bind the launch waiting for ``ticket`` to ``browser_key``; its id, or None when the
    ticket is malformed, unknown, used already or expired. Single use in one statement:
    a second redemption, concurrent or later, finds no ticket. Commits."""
    if not isinstance(ticket, str) or not TICKET.fullmatch(ticket):
        return None
    sessions = LaunchSession.__table__
    now = utcnow()
    transaction_for_writes()
    launch_id = db.session.execute(
        update(sessions)
        .where(
            sessions.c.ticket_hash == hash_browser_key(ticket),
            sessions.c.ticket_expires_at > now,
            sessions.c.expires_at > now,
        )
        .values(browser_key_hash=hash_browser_key(browser_key), ticket_hash=None, ticket_expires_at=None)
        .returning(sessions.c.id)
    ).scalar_one_or_none()
    db.session.commit()
    return launch_id
