"""Exceptions for one learner of the course: extra attempts at a quiz, or a reset of their
quiz (after a confirmation). Every exception is recorded and listed; nothing the learner
did is changed (quizzes.exceptions says what a reset does to the grade)."""

from __future__ import annotations

import logging
from typing import Any

from flask import Response, redirect, render_template, request

from lti_tool.followup import bp
from lti_tool.followup.forms import ExtraAttemptsForm, ResetForm
from lti_tool.followup.services import CourseQuiz, course_learner, course_quizzes, names_of
from lti_tool.launch.errors import LaunchRejected
from lti_tool.launch.pages import rejected_page
from lti_tool.learning.context import Visit, form_context, open_visit
from lti_tool.learning.errors import Refused, refused_page
from lti_tool.learning.forms import choices
from quizzes.exceptions import (
    ExceptionRefused,
    exceptions_of,
    grant_extra_attempts,
    reset_quiz,
)
from quizzes.settings import settings_for
from quizzes.standing import standing

log = logging.getLogger(__name__)


def _forms(visit: Visit, quizzes: list[CourseQuiz]) -> tuple[ExtraAttemptsForm, ResetForm]:
    options = choices([(q.slug, q.title[0]) for q in quizzes])
    source = request.form if request.method == "POST" else None
    action = request.form.get("action")
    extra = ExtraAttemptsForm(source if action == "extra" else None, meta=form_context(visit))
    reset = ResetForm(source if action == "reset" else None, meta=form_context(visit))
    extra.module.choices = options
    reset.module.choices = options
    return extra, reset


def _overview(visit: Visit, learner_id: int, quizzes: list[CourseQuiz]) -> list[dict[str, Any]]:
    context_id = visit.session.context.id if visit.session.context else None
    rows = []
    for item in quizzes:
        settings = settings_for(item.quiz, context_id)
        record = standing(item.quiz.id, learner_id, settings.grading_method, visit.course)
        rows.append(
            {
                "quiz": item,
                "settings": settings,
                "record": record,
                "allowed": record.allowed(settings.attempts_allowed),
                "left": record.attempts_left(settings.attempts_allowed),
            }
        )
    return rows


def _page(
    visit: Visit,
    learner: tuple[int, str],
    quizzes: list[CourseQuiz],
    forms: tuple[ExtraAttemptsForm, ResetForm],
    status: int = 200,
    problem: str | None = None,
) -> tuple[str, int]:
    learner_id, name = learner
    recorded = exceptions_of(learner_id, visit.course)
    titles = {q.quiz.id: q.title for q in quizzes}
    return render_template(
        "followup/exceptions.html",
        visit=visit,
        learner_id=learner_id,
        learner_name=name,
        overview=_overview(visit, learner_id, quizzes),
        recorded=recorded,
        titles=titles,
        authors=names_of({e.created_by for e in recorded if e.created_by}),
        extra_form=forms[0],
        reset_form=forms[1],
        saved=request.args.get("saved"),
        problem=problem,
    ), status


@bp.route("/l/<launch_id>/group/learner/<int:learner_id>/exceptions", methods=["GET", "POST"])
def exceptions(launch_id: str, learner_id: int) -> Response | str | tuple[str, int]:
    try:
        visit = open_visit(launch_id, trainer=True)
        learner = course_learner(visit, learner_id)
        quizzes = course_quizzes(visit, learner_id)
        forms = _forms(visit, quizzes)
        if request.method == "GET":
            return _page(visit, learner, quizzes, forms)
        action = request.form.get("action")
        form = forms[0] if action == "extra" else forms[1] if action == "reset" else None
        if form is None:
            raise Refused("bad_form", f"action {action!r}")
        if not form.validate():
            if form.csrf_token.errors or form.module.errors:
                raise Refused("bad_form", str(form.errors)[:200])
            return _page(visit, learner, quizzes, forms, 400)
        chosen = next(q for q in quizzes if q.slug == form.module.data)
        context_id = visit.session.context.id if visit.session.context else None
        common = {"by": visit.learner_id, "context_id": context_id, "note": form.note.data}
        try:
            if isinstance(form, ExtraAttemptsForm):
                grant_extra_attempts(
                    chosen.quiz.id, learner_id, visit.course, form.count.data, **common
                )
            elif form.confirm.data != "yes":
                return render_template(
                    "followup/reset_confirm.html",
                    visit=visit,
                    learner_id=learner_id,
                    learner_name=learner[1],
                    quiz=chosen,
                    form=form,
                ), 200
            else:
                reset_quiz(chosen.quiz.id, learner_id, visit.course, **common)
        except ExceptionRefused as exc:
            return _page(visit, learner, quizzes, forms, 409, problem=exc.code)
        log.info(
            "learner_exception action=%s quiz=%s learner=%s", action, chosen.quiz.id, learner_id
        )
    except LaunchRejected as exc:
        return rejected_page(exc, "session")
    except Refused as exc:
        return refused_page(exc)
    return redirect(f"{request.path}?saved={action}", 303)
