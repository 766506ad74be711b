"""Put a learner's module score in the outbox, inside the transaction that changed it.

Nothing here talks to the platform: the caller's commit makes the progress change and
the score it owes the platform durable together (or neither), and the worker
(lti_tool.grades.delivery) delivers it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from courses.database import db
from courses.progress.services import COMPLETED, Progress
from lti_tool.grades.models import ScoreOutbox
from lti_tool.launch.services import SCOPE_SCORE as SCOPE_SCORE  # re-exported for delivery
from lti_tool.launch.services import OpenSession
SCORE_MAXIMUM = 100.0


@dataclass(frozen=True)
class ModuleScore:
    """What the gradebook is told about a learner's module."""

    score_given: float  # 0..100
    activity_progress: str  # Started, InProgress, Completed
    grading_progress: str  # FullyGraded once the module is complete, Pending before
    comment: str


def module_score(progress: Progress, quiz_grade: float | None, has_quiz: bool) -> ModuleScore:
    """The score for a module's progress: pure.

    With a quiz, the score is the quiz grade that counts (0 before any attempt); without
    one, the share of pages seen. Moodle records a grade only when it is FullyGraded,
    which is when the module is complete: its "receive a grade" completion follows.
    """
    if has_quiz:
        given = round(100 * (quiz_grade or 0.0), 2)
    else:
        given = float(progress.percent)
    if progress.status == COMPLETED:
        activity, grading = "Completed", "FullyGraded"
    elif progress.pages_seen <= 1 and quiz_grade is None:
        activity, grading = "Started", "Pending"
    else:
        activity, grading = "InProgress", "Pending"
    return ModuleScore(given, activity, grading, "")


def outbox_key(client_pk: int, resource_link_id: str, resource_id: str, user_sub: str) -> str:
    """Scores sharing a key are delivered in the order they were written."""
    raw = "\x1f".join((str(client_pk), resource_link_id, resource_id, user_sub))
    return hashlib.sha256(raw.encode()).hexdigest()


def grade_service(session: OpenSession) -> dict[str, str | None] | None:
    """Where the launch lets the tool post scores (recorded with the launch), or None."""
    return session.score_service


def enqueue(
    session: OpenSession, *, resource_id: str, label: str, score: ModuleScore
) -> ScoreOutbox | None:
    """Add the score to the caller's transaction; None when the activity takes no grades."""
    target = session.score_service
    link = session.resource_link
    if target is None or link is None or session.client_pk is None:
        return None
    row = ScoreOutbox(
        key=outbox_key(session.client_pk, link.resource_link_id, resource_id, session.user.sub),
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
