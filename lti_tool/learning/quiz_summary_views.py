"""The summary of an attempt before it is sent, as Moodle's quiz has: each question
answered or not, with a link back to it, and a confirmation before the final submit.

"Finish attempt" on the questions' page saves the answers and comes here; the submit
from here grades what is saved (the questions' page keeps them as the learner goes), so
nothing typed on the way is lost and nothing left empty is sent by mistake. Without
JavaScript the confirmation is a page of its own; with it, a dialog.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Response, redirect, render_template, request, url_for

from lti_tool.forms import LaunchForm
from lti_tool.launch.errors import LaunchRejected
from lti_tool.launch.pages import rejected_page
from lti_tool.learning import bp
from lti_tool.learning.context import form_context, open_visit
from lti_tool.learning.errors import Refused, refused_page
from lti_tool.learning.quiz_views import (
    attempt_refused,
    open_attempt,
    progress_updater,
    quiz_page_args,
)
from quizzes import attempts as attempt_service
from quizzes.attempts import AttemptRefused
from quizzes.model import Question
from quizzes.models import ATTEMPT_IN_PROGRESS
from quizzes.types import REGISTRY

log = logging.getLogger(__name__)


def summary_rows(questions: list[Question], answered: set[int]) -> list[dict[str, Any]]:
    """Each question of an attempt (not a description), numbered, answered or not."""
    rows = []
    number = 0
    for slot, question in enumerate(questions):
        if not REGISTRY[question.kind].answerable:
            continue
        number += 1
        rows.append({"number": number, "slot": slot, "answered": slot in answered})
    return rows


@bp.route("/l/<launch_id>/attempt/<int:attempt_id>/summary", methods=["GET", "POST"])
def attempt_summary(launch_id: str, attempt_id: int) -> Response | str | tuple[str, int]:
    """GET: the summary. POST: the final submit once confirmed (``confirmed=1``, what the
    dialog sends); an unconfirmed POST shows the confirmation."""
    try:
        visit = open_visit(launch_id, need_module=True)
        attempt, module = open_attempt(visit, attempt_id)
        review_url = url_for("learning.review_attempt", launch_id=launch_id, attempt_id=attempt.id)
        if attempt.status != ATTEMPT_IN_PROGRESS:
            return redirect(review_url, 303)
        form = LaunchForm(request.form if request.method == "POST" else None, meta=form_context(visit))
        confirming = False
        if request.method == "POST":
            if not form.validate():
                raise Refused("bad_form", "csrf")
            confirming = request.form.get("confirmed") != "1"
            if not confirming:
                try:
                    result = attempt_service.submit(
                        attempt.id,
                        visit.learner_id,
                        None,  # what is saved: the questions' page saved it as it went
                        attempt=attempt,
                        on_graded=progress_updater(visit, module, attempt.quiz_id),
                    )
                except AttemptRefused as exc:
                    if exc.code == "already_submitted":
                        return redirect(review_url, 303)
                    raise attempt_refused(exc) from exc
                if result.graded_now:
                    log.info(
                        "attempt_graded attempt=%s quiz=%s score=%.3f passed=%s",
                        attempt.id, attempt.quiz_id, result.score, result.passed,
                    )
                return redirect(review_url + "?submitted=1", 303)
    except LaunchRejected as exc:
        return rejected_page(exc, "session")
    except Refused as exc:
        return refused_page(exc)
    questions = attempt_service.questions_of(attempt)
    rows = summary_rows(questions, set(attempt_service.saved_responses(attempt.id)))
    return render_template(
        "learning/quiz_summary.html",
        **quiz_page_args(visit, module),
        attempt=attempt,
        rows=rows,
        unanswered=sum(1 for r in rows if not r["answered"]),
        confirming=confirming,
        attempt_url=url_for("learning.attempt", launch_id=launch_id, attempt_id=attempt.id),
        form=form,
    )
