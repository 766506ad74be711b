"""Which scores a worker takes, and for how long.

A score is taken only when it is due and every earlier score with its key (the same
learner and line item) has been settled, so a platform that was down for hours receives
them in order. Claims are leases: several workers may run (on PostgreSQL they skip each
other's rows with ``FOR UPDATE SKIP LOCKED``; on SQLite the claim is conditional), and a
killed worker's lease runs out so the next one delivers the score.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, exists, or_, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import aliased

from courses.database import db, utcnow
from lti_tool.grades.models import DELIVERED, PENDING, ScoreOutbox

_O = ScoreOutbox.__table__

_SCORE_COLUMNS = (
    _O.c.id, _O.c.key, _O.c.client_pk, _O.c.user_sub, _O.c.line_item_url, _O.c.line_items_url,
    _O.c.resource_link_id, _O.c.resource_id, _O.c.label, _O.c.score_given, _O.c.score_maximum,
    _O.c.activity_progress, _O.c.grading_progress, _O.c.comment, _O.c.attempts,
)


@dataclass(frozen=True)
class Score:
    """One leased outbox row as a delivery needs it: plain data, returned by the statement
    that leased it (an ORM object would cost a unit-of-work flush for every outcome)."""

    id: int
    key: str
    client_pk: int
    user_sub: str
    line_item_url: str | None
    line_items_url: str | None
    resource_link_id: str
    resource_id: str
    label: str
    score_given: float
    score_maximum: float
    activity_progress: str
    grading_progress: str
    comment: str
    attempts: int


def claim(limit: int, lease_seconds: float) -> list[Score]:
    """Lease up to ``limit`` scores that are due and first in line for their key, and
    return them whole (in id order)."""
    now = utcnow()
    earlier = aliased(ScoreOutbox)
    due = (
        select(ScoreOutbox.id)
        .where(
            ScoreOutbox.status == PENDING,
            ScoreOutbox.next_attempt_at <= now,
            or_(ScoreOutbox.lease_until.is_(None), ScoreOutbox.lease_until < now),
            ~exists().where(
                earlier.key == ScoreOutbox.key,
                earlier.status == PENDING,
                earlier.id < ScoreOutbox.id,
            ),
        )
        .order_by(ScoreOutbox.id)
        .limit(limit)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True, of=ScoreOutbox)
    try:
        ids = list(db.session.execute(due).scalars())
        if not ids:
            db.session.rollback()
            return []
        # Conditional, so that two workers on SQLite (no row locks) cannot both take one.
        taken = db.session.execute(
            update(_O)
            .where(
                _O.c.id.in_(ids),
                _O.c.status == PENDING,
                or_(_O.c.lease_until.is_(None), _O.c.lease_until < now),
            )
            .values(lease_until=now + timedelta(seconds=lease_seconds))
            .returning(*_SCORE_COLUMNS)
        ).all()
        db.session.commit()
    except OperationalError:  # SQLite: another worker wrote first; try again next round
        db.session.rollback()
        return []
    return sorted((Score(*row) for row in taken), key=lambda score: score.id)


@functools.cache  # built once: a reused statement keeps its compiled form and cache key
def _next_lease_statement() -> Any:
    """Lease a key's next pending score if it is due, returning it whole."""
    return (
        update(_O)
        .where(
            _O.c.id
            == select(_O.c.id)
            .where(
                _O.c.key == bindparam("of_key"),
                _O.c.status == PENDING,
                _O.c.id > bindparam("after"),
            )
            .order_by(_O.c.id)
            .limit(1)
            .scalar_subquery(),
            _O.c.next_attempt_at <= bindparam("now"),
            or_(_O.c.lease_until.is_(None), _O.c.lease_until < bindparam("now")),
        )
        .values(lease_until=bindparam("until"))
        .returning(*_SCORE_COLUMNS)
    )


def lease_next(score: Score, lease_seconds: float) -> Score | None:
    """Lease the next score of ``score``'s key, in the caller's transaction (the one that
    records ``score``'s outcome, so a learner's scores drain without new claims)."""
    now = utcnow()
    leased = db.session.execute(
        _next_lease_statement(),
        {
            "of_key": score.key,
            "after": score.id,
            "now": now,
            "until": now + timedelta(seconds=lease_seconds),
        },
    ).first()
    return Score(*leased) if leased is not None else None


def release(score: Score) -> None:
    """Give a leased score back before its lease ends (this round's share is done)."""
    db.session.execute(update(_O).where(_O.c.id == score.id).values(lease_until=None))
    db.session.commit()


def latest_timestamp(key: str) -> datetime | None:
    """The timestamp of the key's last delivered score."""
    return db.session.execute(
        select(ScoreOutbox.sent_at)
        .where(ScoreOutbox.key == key, ScoreOutbox.status == DELIVERED)
        .order_by(ScoreOutbox.id.desc())
        .limit(1)
    ).scalar()
