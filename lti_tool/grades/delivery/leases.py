"""Which scores a worker takes, and for how long.

A score is taken only when it is due and every earlier score with its key (the same
learner and line item) has been settled, so a platform that was down for hours receives
them in order. Claims are leases: several workers may run (on PostgreSQL they skip each
other's rows with ``FOR UPDATE SKIP LOCKED``; on SQLite the claim is conditional), and a
killed worker's lease runs out so the next one delivers the score.

A score's timestamp is fixed by the statement that first leases it, committed before the
score is sent, and never changed: every later send of it (a retry after a 5xx or a
timeout, another worker after a killed one's lease ran out) carries the same timestamp.
Moodle refuses a score whose timestamp is not newer than its grade's, in whole seconds,
with 409, which counts as delivered; so a send whose outcome was never recorded but that
did reach the platform is not written twice. Each score of a key is fixed a whole second
after the latest timestamp fixed for the key (or now, if later): a key's timestamps only
go forward, whatever became of the earlier scores, and a later score is never refused
for an earlier one that reached the platform in the same second.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, case, exists, func, literal, or_, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import aliased

from courses.database import db, utcnow
from lti_tool.grades.models import PENDING, ScoreOutbox

_O = ScoreOutbox.__table__

_SCORE_COLUMNS = (
    _O.c.id, _O.c.key, _O.c.client_pk, _O.c.user_sub, _O.c.line_item_url, _O.c.line_items_url,
    _O.c.resource_link_id, _O.c.resource_id, _O.c.label, _O.c.score_given, _O.c.score_maximum,
    _O.c.activity_progress, _O.c.grading_progress, _O.c.comment, _O.c.attempts, _O.c.sent_at,
)
ONE_SECOND = timedelta(seconds=1)


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
    sent_at: datetime  # the timestamp it is sent with, fixed when it was first leased


@dataclass(frozen=True)
class Claimed:
    """A score at the head of its key's queue, and the latest timestamp fixed for the key
    (its own, unless a later score of the key was stamped before it was sent again)."""

    score: Score
    key_latest: datetime


def next_timestamp(latest: datetime | None, now: datetime) -> datetime:
    """Now, or a whole second after the key's latest fixed timestamp, whichever is later."""
    return now if latest is None else max(now, latest + ONE_SECOND)


def claim(limit: int, lease_seconds: float) -> list[Claimed]:
    """Lease up to ``limit`` scores that are due and first in line for their key, fix the
    timestamp of those that have none yet, and return them whole (in id order)."""
    now = utcnow()
    earlier, stamped = aliased(ScoreOutbox), aliased(ScoreOutbox)
    key_latest = (
        select(func.max(stamped.sent_at)).where(stamped.key == ScoreOutbox.key).scalar_subquery()
    )
    due = (
        select(ScoreOutbox.id, ScoreOutbox.sent_at, key_latest)
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
        heads = db.session.execute(due).all()
        if not heads:
            db.session.rollback()
            return []
        stamps = {row_id: own or next_timestamp(before, now) for row_id, own, before in heads}
        stamp = case(
            *((_O.c.id == row_id, literal(at, _O.c.sent_at.type)) for row_id, at in stamps.items())
        )
        # Conditional, so that two workers on SQLite (no row locks) cannot both take one.
        taken = db.session.execute(
            update(_O)
            .where(
                _O.c.id.in_(stamps),
                _O.c.status == PENDING,
                or_(_O.c.lease_until.is_(None), _O.c.lease_until < now),
            )
            .values(
                lease_until=now + timedelta(seconds=lease_seconds),
                sent_at=func.coalesce(_O.c.sent_at, stamp),  # a fixed timestamp stays
            )
            .returning(*_SCORE_COLUMNS)
        ).all()
        db.session.commit()
    except OperationalError:  # SQLite: another worker wrote first; try again next round
        db.session.rollback()
        return []
    before = {row_id: key_max for row_id, _own, key_max in heads}
    claimed = [Score(*row) for row in taken]
    return [
        Claimed(score, max(score.sent_at, before[score.id] or score.sent_at))
        for score in sorted(claimed, key=lambda score: score.id)
    ]


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
        .values(
            lease_until=bindparam("until"),
            sent_at=func.coalesce(_O.c.sent_at, bindparam("stamp", type_=_O.c.sent_at.type)),
        )
        .returning(*_SCORE_COLUMNS)
    )


def lease_next(score: Score, key_latest: datetime, lease_seconds: float) -> Score | None:
    """Lease the next score of ``score``'s key and fix its timestamp (unless it has one),
    in the caller's transaction: the one that records ``score``'s outcome, so a learner's
    scores drain without new claims and the timestamp is committed before it is sent."""
    now = utcnow()
    leased = db.session.execute(
        _next_lease_statement(),
        {
            "of_key": score.key,
            "after": score.id,
            "now": now,
            "until": now + timedelta(seconds=lease_seconds),
            "stamp": next_timestamp(key_latest, now),
        },
    ).first()
    return Score(*leased) if leased is not None else None


def release(score: Score) -> None:
    """Give a leased score back before its lease ends (this round's share is done)."""
    db.session.execute(update(_O).where(_O.c.id == score.id).values(lease_until=None))
    db.session.commit()

