"""Put a learner's module score in the outbox, inside the transaction that changed it.

Nothing here talks to the platform: the caller's commit makes the progress change and
the score it owes the platform durable together (or neither), and the worker
(lti_tool.grades.delivery) delivers it.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, or_, select, update

from courses.database import db, utcnow
from lti_tool.grades.models import PENDING, SUPERSEDED, ScoreOutbox
from lti_tool.launch.services import SCOPE_SCORE as SCOPE_SCORE  # re-exported for delivery
from lti_tool.launch.services import OpenSession
SCORE_MAXIMUM = 100.0


@dataclass(frozen=True)
class ModuleScore:
    """What the gradebook is told about a learner's completed module."""

    score_given: float  # 0..100
    activity_progress: str  # Completed
    grading_progress: str  # FullyGraded: Moodle keeps nothing else (an empty grade)
    comment: str


def module_score(quiz_grade: float | None, has_quiz: bool) -> ModuleScore:
    """The score for a completed module: pure.

    With a quiz, the score is the quiz grade that counts in the course (0 if the module's
    rule completed it before any attempt); without one, 100 (completion is final, also
    when pages are added later). Always FullyGraded and Completed: Moodle records a grade
    only then, and its "receive a grade" completion follows.
    """
    given = round(100 * (quiz_grade or 0.0), 2) if has_quiz else 100.0
    return ModuleScore(given, "Completed", "FullyGraded", "")


def outbox_key(client_pk: int, resource_link_id: str, resource_id: str, user_sub: str) -> str:
    """Scores sharing a key are delivered in the order they were written."""
    raw = "\x1f".join((str(client_pk), resource_link_id, resource_id, user_sub))
    return hashlib.sha256(raw.encode()).hexdigest()


def grade_service(session: OpenSession) -> dict[str, str | None] | None:
    """Where the launch lets the tool post scores (recorded with the launch), or None."""
    return session.score_service


_O = ScoreOutbox.__table__


@functools.cache
def _latest_statement() -> Any:
    """The key's latest score (what the gradebook holds or is about to)."""
    return (
        select(_O.c.score_given, _O.c.activity_progress, _O.c.grading_progress, _O.c.comment)
        .where(_O.c.key == bindparam("of_key"))
        .order_by(_O.c.id.desc())
        .limit(1)
    )


@functools.cache
def _coalesce_statement() -> Any:
    """Earlier scores of the key still waiting and not in a worker's hands: the new one
    says all they would have said (a leased one may be on its way; it stays)."""
    return (
        update(_O)
        .where(
            _O.c.key == bindparam("of_key"),
            _O.c.status == PENDING,
            or_(_O.c.lease_until.is_(None), _O.c.lease_until < bindparam("now")),
        )
        .values(status=SUPERSEDED, last_error="replaced by a newer score before it was sent")
    )


def enqueue(
    session: OpenSession, *, resource_id: str, label: str, score: ModuleScore
) -> ScoreOutbox | None:
    """Add the score to the caller's transaction, in place of any of the same learner and
    activity still waiting; None when the activity takes no grades or the gradebook has
    (or is about to have) this very score."""
    target = session.score_service
    link = session.resource_link
    if target is None or link is None or session.client_pk is None:
        return None
    key = outbox_key(session.client_pk, link.resource_link_id, resource_id, session.user.sub)
    wanted = (score.score_given, score.activity_progress, score.grading_progress, score.comment)
    latest = db.session.execute(_latest_statement(), {"of_key": key}).first()
    if latest is not None and tuple(latest) == wanted:
        return None
    db.session.execute(_coalesce_statement(), {"of_key": key, "now": utcnow()})
    row = ScoreOutbox(
        key=key,
        client_pk=session.client_pk,
        user_sub=session.user.sub,
        line_item_url=target["lineitem"],
        line_items_url=target["lineitems"],
        resource_link_id=link.resource_link_id,
        resource_id=resource_id,
        label=label,
        score_given=score.score_given,
        score_maximum=SCORE_MAXIMUM,
        activity_progress=score.activity_progress,
        grading_progress=score.grading_progress,
        comment=score.comment,
    )
    db.session.add(row)
    return row
