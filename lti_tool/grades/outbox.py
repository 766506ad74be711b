"""Put a learner's module score in the outbox, inside the transaction that changed it.

Nothing here talks to the platform: the caller's commit makes the progress change and
the score it owes the platform durable together (or neither), and the worker
(lti_tool.grades.delivery) delivers it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from courses.database import db
from courses.progress.services import COMPLETED, Progress
from lti_tool.grades.models import ScoreOutbox
from lti_tool.launch.services import OpenSession
from lti_tool.registry.tool_config import DatabaseToolConf

AGS_ENDPOINT = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
SCOPE_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
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


def grade_service(session: OpenSession) -> dict[str, Any] | None:
    """The launch's AGS claim, if it lets the tool post scores to a line item."""
    claim = session.claims.get(AGS_ENDPOINT)
    if not isinstance(claim, dict) or SCOPE_SCORE not in (claim.get("scope") or ()):
        return None
    if not claim.get("lineitem") and not claim.get("lineitems"):
        return None
    return claim


def enqueue(
    session: OpenSession, *, resource_id: str, label: str, score: ModuleScore
) -> ScoreOutbox | None:
    """Add the score to the caller's transaction; None when the activity takes no grades."""
    claim = grade_service(session)
    link = session.resource_link
    if claim is None or link is None:
        return None
    client = DatabaseToolConf().find_client(session.platform.issuer, session.client_id)
    if client is None:
        return None
    row = ScoreOutbox(
        key=outbox_key(client.id, link.resource_link_id, resource_id, session.user.sub),
        client_pk=client.id,
        user_sub=session.user.sub,
        line_item_url=claim.get("lineitem") or None,
        line_items_url=claim.get("lineitems") or None,
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
