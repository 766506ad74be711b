"""What coordinators and the operator do with the outbox: count it, send dead scores again."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from courses.database import db, utcnow
from lti_tool.grades.models import DEAD, DELIVERED, PENDING, SUPERSEDED, ScoreOutbox


def retry_dead(row_ids: list[int] | None = None) -> int:
    """Send dead scores again (all, or the given ones); a dead score whose key has had a
    newer score delivered since is superseded instead. Returns how many will be sent."""
    later = aliased(ScoreOutbox)
    query = select(ScoreOutbox).where(ScoreOutbox.status == DEAD)
    if row_ids is not None:
        query = query.where(ScoreOutbox.id.in_(row_ids))
    count = 0
    for row in db.session.execute(query).scalars():
        newer = db.session.execute(
            select(later.id).where(
                later.key == row.key, later.id > row.id, later.status == DELIVERED
            )
        ).first()
        if newer is not None:
            row.status = SUPERSEDED
            continue
        # Its timestamp stays: if the platform took it after all, the retry is refused
        # (409, delivered) rather than written again.
        row.status, row.attempts, row.next_attempt_at = PENDING, 0, utcnow()
        row.lease_until = None
        count += 1
    db.session.commit()
    return count


def outbox_counts() -> dict[str, Any]:
    """How many scores are in each state (for coordinators and the CLI)."""
    rows = db.session.execute(
        select(ScoreOutbox.status, func.count()).group_by(ScoreOutbox.status)
    ).all()
    return {status: count for status, count in rows}
