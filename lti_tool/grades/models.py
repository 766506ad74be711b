"""The score outbox: every score the tool owes a platform, and what became of it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from courses.database import db, utcnow

# pending: to deliver (now or at next_attempt_at); delivered: the platform took it (or had a
# newer one: 409); rejected: the platform refused it for good (400, e.g. not a gradable
# learner) and it is not retried; dead: the retry limit was reached (a coordinator can
# retry it); superseded: a score a newer one made needless (a dead one after a newer
# delivered score; a waiting one a newer score of its key replaced before it was sent).
PENDING, DELIVERED, REJECTED, DEAD, SUPERSEDED = (
    "pending",
    "delivered",
    "rejected",
    "dead",
    "superseded",
)


class ScoreOutbox(db.Model):
    __tablename__ = "score_outbox"
    __table_args__ = (
        Index("ix_score_outbox_ready", "status", "next_attempt_at"),
        Index("ix_score_outbox_key_id", "key", "id"),
        # Only what is still owed: claiming the next due scores (in id order, the first
        # of each key) never walks the delivered history, however long it grows.
        Index(
            "ix_score_outbox_pending",
            "id",
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),
        Index(
            "ix_score_outbox_pending_key",
            "key",
            "id",
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Scores of one learner on one line item are delivered in order: they share a key.
    key: Mapped[str] = mapped_column(String(64))
    client_pk: Mapped[int] = mapped_column(ForeignKey("platform_client.id", ondelete="CASCADE"))
    user_sub: Mapped[str] = mapped_column(String(255))
    # The line item from the launch, or where to find or create it (by resource id).
    line_item_url: Mapped[str | None] = mapped_column(Text)
    line_items_url: Mapped[str | None] = mapped_column(Text)
    resource_link_id: Mapped[str] = mapped_column(String(255))
    resource_id: Mapped[str] = mapped_column(String(255))
    label: Mapped[str] = mapped_column(Text)
    score_given: Mapped[float]
    score_maximum: Mapped[float]
    activity_progress: Mapped[str] = mapped_column(String(16))
    grading_progress: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A worker's claim: other workers leave the row alone until then (a killed worker's
    # claim runs out and the score is delivered by the next one).
    lease_until: Mapped[datetime | None]
    # The timestamp sent with the score: fixed (and committed) when it is first leased,
    # before its first send, and the same on every send after (see delivery.leases).
    sent_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    response_status: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(Text)
