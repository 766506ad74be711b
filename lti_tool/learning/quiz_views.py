"""Quiz pages: a module's quiz, an attempt (answers saved as the learner goes), its review.
The trainer's quiz pages are in quiz_trainer_views.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from flask import Response, jsonify, redirect, render_template, request, url_for
from sqlalchemy import select

from courses import catalog
from courses.catalog import ModuleInfo
from courses.database import db
from courses.languages import ENDONYMS
from courses.progress.services import record_quiz_result
from lti_tool.followup.services import replies_shown
from lti_tool.forms import LaunchForm
from lti_tool.launch.errors import LaunchRejected
from lti_tool.launch.pages import rejected_page
from lti_tool.learning import bp
from lti_tool.learning.context import Visit, form_context, open_visit
from lti_tool.learning.errors import Refused, refused_page
from lti_tool.learning.forms import attempt_form
from lti_tool.learning.grading import course_standing, publish_progress
from quizzes import attempts as attempt_service
from quizzes.attempts import AttemptRefused, AttemptRow, Result
from quizzes.model import Question
from quizzes.models import ATTEMPT_IN_PROGRESS, Quiz
from quizzes.presenting import review, shown_questions
from quizzes.settings import (
    settings_for,
)
from quizzes.standing import standing
from quizzes.types import REGISTRY

log = logging.getLogger(__name__)

ANSWER_KEY = re.compile(r"q\d+(-\d+)?")  # the attempt form's answer fields


def quiz_of(module: ModuleInfo) -> Quiz:
    quiz = db.session.execute(select(Quiz).where(Quiz.module_id == module.id)).scalar_one_or_none()
    if quiz is None:
        raise Refused("no_quiz", module.slug)
    return quiz


def course_context_id(visit: Visit) -> int | None:
    return visit.session.context.id if visit.session.context else None


def attempt_refused(exc: AttemptRefused) -> Refused:
    return Refused(exc.code, str(exc))


def progress_updater(
    visit: Visit, module: ModuleInfo, quiz_id: int
) -> Callable[[Result], None]:
    """The learner's record of the module in the course after a graded attempt, in the
    grade's own transaction: from their standing there (pages seen and every attempt),
    not from this attempt alone, so an earlier pass is kept."""

    def update_progress(result: Result) -> None:
        seen, live = catalog.pages_seen(module.id, visit.learner_id)
        record = course_standing(visit, quiz_id)  # one read for the progress and the score
        progress = record_quiz_result(
            learner_id=visit.learner_id,
            module_id=module.id,
            rule=module.completion_rule,
            audience=visit.audience(module),
            seen=seen,
            live_pages=live,
            quiz_passed=record.passed,
            best_score=record.best,
            attempts_used=record.used,
            place=visit.place,
            commit=False,
        )
        publish_progress(visit, module, progress, quiz_id, record)

    return update_progress


def quiz_page_args(visit: Visit, module: ModuleInfo) -> dict[str, Any]:
    language = visit.content_language(module)
    return {
        "visit": visit,
        "module": module,
        "language": language,
        "module_title": catalog.pick(module.title, language),
        "programme_title": catalog.pick(module.programme_title, language),
        "module_url": url_for("learning.page", launch_id=visit.session.id, module_slug=module.slug),
        "quiz_url": url_for(
            "learning.quiz_home", launch_id=visit.session.id, module_slug=module.slug
        ),
    }


# ------------------------------------------------------------------ the quiz's home page


@bp.get("/l/<launch_id>/quiz/<module_slug>/")
def quiz_home(launch_id: str, module_slug: str) -> str | tuple[str, int]:
    """The quiz: how it works, the learner's attempts, and a button to start or go on."""
    try:
        visit = open_visit(launch_id, need_module=True)
        module = visit.module(module_slug)
        quiz = quiz_of(module)
    except LaunchRejected as exc:
        return rejected_page(exc, "session")
    except Refused as exc:
        return refused_page(exc)
    settings = settings_for(quiz, course_context_id(visit))
    record = standing(
        quiz.id, visit.learner_id, settings.grading_method, visit.course
    )
    live = len(attempt_service.latest_versions(quiz.id, visit.content_language(module)))
    return render_template(
        "learning/quiz_home.html",
        **quiz_page_args(visit, module),
        quiz=quiz,
        settings=settings,
        record=record,
        attempts_left=record.attempts_left(settings.attempts_allowed),
        question_count=min(live, settings.random_count or live),
        form=LaunchForm(meta=form_context(visit)),  # the buttons' CSRF token
        replies=replies_shown(visit, quiz.id),
    )


@bp.post("/l/<launch_id>/quiz/<module_slug>/start")
def start(launch_id: str, module_slug: str) -> Response | tuple[str, int]:
    try:
        visit = open_visit(launch_id, need_module=True)
        module = visit.module(module_slug)
        quiz = quiz_of(module)
        if not LaunchForm(request.form, meta=form_context(visit)).validate():
            raise Refused("bad_form", "csrf")
        link = visit.session.resource_link
        attempt = attempt_service.start_attempt(
            quiz,
            visit.learner_id,
            visit.content_language(module),
            settings_for(quiz, course_context_id(visit)),
            context_id=course_context_id(visit),
            resource_link_id=link.id if link else None,
        )
    except LaunchRejected as exc:
        return rejected_page(exc, "session")
    except Refused as exc:
        return refused_page(exc)
    except AttemptRefused as exc:
        return refused_page(attempt_refused(exc))
    return redirect(url_for("learning.attempt", launch_id=launch_id, attempt_id=attempt.id), 303)


# ------------------------------------------------------------------ an attempt


def open_attempt(visit: Visit, attempt_id: int) -> tuple[AttemptRow, ModuleInfo]:
    """The learner's own attempt at a quiz of this programme, taken in this course (403 or
    404 otherwise)."""
    try:
        attempt = attempt_service.own_attempt(attempt_id, visit.learner_id)
    except AttemptRefused as exc:
        raise attempt_refused(exc) from exc
    module = visit.module(attempt.module_slug) if visit.bound else None
    if module is None or attempt.course_key != visit.course:
        raise Refused("no_such_attempt", str(attempt_id))
    return attempt, module


def read_answers(
    form: Any, layout: list[dict[str, Any]], questions: list[Question]
) -> dict[int, Any]:
    """The form's answers by slot, as shown (None: left empty)."""
    answers = {}
    for slot, question in enumerate(questions):
        field = getattr(form, f"q{slot}", None)
        if field is None:
            continue
        answers[slot] = REGISTRY[question.kind].from_field(
            question, layout[slot]["order"], field.data
        )
    return answers


def posted_answers(
    visit: Visit, layout: list[dict[str, Any]], questions: list[Question]
) -> tuple[Any, bool]:
    """The attempt's form as posted, and whether its answers are valid (else they are
    shown again with what to correct). Refused for what no person can send with the page
    as shown: an answer to no question, a choice not offered, a stale CSRF token."""
    form = attempt_form(layout, questions, request.form, meta=form_context(visit))
    strangers = [k for k in request.form if ANSWER_KEY.fullmatch(k) and k.split("-")[0] not in form]
    if strangers:
        raise Refused("no_such_question", ",".join(strangers)[:200])
    if form.validate():
        return form, True
    if form.csrf_token.errors:
        raise Refused("bad_form", "csrf")
    if tampered(form):
        raise Refused("bad_choice", str(form.errors)[:200])
    return form, False


def tampered(form: Any) -> bool:
    """Errors no person can make with the page as shown: a choice that was not offered."""
    for name in form.errors:
        field = getattr(form, name, None)
        if field is not None and field.type in {"RadioField", "SelectMultipleField", "FieldList"}:
            return True
    return False


def _attempt_page(
    visit: Visit,
    attempt: AttemptRow,
    module: ModuleInfo,
    questions: list[Question],
    form: Any,
    status: int = 200,
    saved: dict[int, Any] | None = None,
) -> tuple[str, int]:
    saved = attempt_service.saved_responses(attempt.id) if saved is None else saved
    args = quiz_page_args(visit, module)
    return render_template(
        "learning/quiz_attempt.html",
        **args,
        # The pages' language changed since the attempt began: its questions stay as they
        # were shown (answers are kept as shown), and the page says so.
        attempt_language=ENDONYMS.get(attempt.language, attempt.language)
        if attempt.language != args["language"]
        else None,
        attempt=attempt,
        shown=shown_questions(attempt.layout, questions, saved, attempt.language),
        form=form,
        answered=len(saved),
        answerable=sum(1 for q in questions if REGISTRY[q.kind].answerable),
    ), status


@bp.route("/l/<launch_id>/attempt/<int:attempt_id>", methods=["GET", "POST"])
def attempt(launch_id: str, attempt_id: int) -> Response | str | tuple[str, int]:
    """The questions with the learner's saved answers; POST saves them, or submits."""
    wants_json = request.accept_mimetypes.best == "application/json"
    try:
        visit = open_visit(launch_id, need_module=True)
        attempt, module = open_attempt(visit, attempt_id)
        review_url = url_for("learning.review_attempt", launch_id=launch_id, attempt_id=attempt.id)
        if attempt.status != ATTEMPT_IN_PROGRESS:
            if request.method == "POST" and not wants_json:
                return redirect(review_url, 303)
            if request.method == "POST":
                raise Refused("already_submitted", str(attempt.id))
            return redirect(review_url, 303)
        questions = attempt_service.questions_of(attempt)
        if request.method == "GET":
            saved = attempt_service.saved_responses(attempt.id)
            data = {
                f"q{slot}": REGISTRY[q.kind].field_data(
                    q, attempt.layout[slot]["order"], saved[slot]
                )
                for slot, q in enumerate(questions)
                if slot in saved
            }
            form = attempt_form(attempt.layout, questions, meta=form_context(visit), data=data)
            return _attempt_page(visit, attempt, module, questions, form, saved=saved)
        form, valid = posted_answers(visit, attempt.layout, questions)
        if not valid:
            if wants_json:
                return jsonify({"saved": False, "errors": form.errors}), 422
            return _attempt_page(visit, attempt, module, questions, form, 422)
        answers = read_answers(form, attempt.layout, questions)
        try:
            if request.form.get("action") != "submit":
                attempt_service.save_responses(attempt, answers, questions)
                if wants_json:
                    return jsonify({"saved": True})
                if request.form.get("action") == "finish":
                    return redirect(
                        url_for("learning.attempt_summary", launch_id=launch_id, attempt_id=attempt.id),
                        303,
                    )
                page_url = url_for("learning.attempt", launch_id=launch_id, attempt_id=attempt.id)
                return redirect(page_url + "?saved=1", 303)
            result = attempt_service.submit(
                attempt.id,
                visit.learner_id,
                answers,
                attempt=attempt,
                questions=questions,
                on_graded=progress_updater(visit, module, attempt.quiz_id),
            )
        except AttemptRefused as exc:
            if exc.code == "already_submitted" and not wants_json:
                return redirect(review_url, 303)
            raise attempt_refused(exc) from exc
        if result.graded_now:
            log.info(
                "attempt_graded attempt=%s quiz=%s score=%.3f passed=%s",
                attempt.id,
                attempt.quiz_id,
                result.score,
                result.passed,
            )
    except LaunchRejected as exc:
        return rejected_page(exc, "session")
    except Refused as exc:
        return refused_page(exc)
    return redirect(review_url + "?submitted=1", 303)


@bp.get("/l/<launch_id>/attempt/<int:attempt_id>/review")
def review_attempt(launch_id: str, attempt_id: int) -> Response | str | tuple[str, int]:
    try:
        visit = open_visit(launch_id, need_module=True)
        attempt, module = open_attempt(visit, attempt_id)
    except LaunchRejected as exc:
        return rejected_page(exc, "session")
    except Refused as exc:
        return refused_page(exc)
    if attempt.status == ATTEMPT_IN_PROGRESS:
        return redirect(
            url_for("learning.attempt", launch_id=launch_id, attempt_id=attempt.id), 303
        )
    quiz = db.session.get(Quiz, attempt.quiz_id)
    assert quiz is not None
    settings = settings_for(quiz, attempt.context_id)
    record = standing(
        quiz.id, visit.learner_id, settings.grading_method, attempt.course_key
    )
    assert attempt.score is not None
    percent = round(attempt.score * 100)
    questions = attempt_service.questions_of(attempt)
    show = settings.shows_review(bool(attempt.passed))
    left = record.attempts_left(settings.attempts_allowed)
    return render_template(
        "learning/quiz_review.html",
        **quiz_page_args(visit, module),
        attempt=attempt,
        percent=percent,
        band=settings.band_for(percent),
        settings=settings,
        show_review=show,
        reviewed=review(
            attempt.layout, questions, attempt_service.saved_responses(attempt.id), attempt.language
        )
        if show
        else [],
        record=record,
        can_retry=left is None or left > 0,
        attempts_left=left,
        just_submitted=request.args.get("submitted") == "1",
        next_module=_next_module(visit, module) if attempt.passed else None,
        form=LaunchForm(meta=form_context(visit)),
        replies=replies_shown(visit, quiz.id, attempt.id),
    )


def _next_module(visit: Visit, module: ModuleInfo) -> tuple[str, tuple[str, str]] | None:
    """The programme's module after this one (its slug and title in the learner's
    language), as Moodle's "next activity" is the course's next one; None after the last."""
    modules = catalog.programme_modules(
        module.programme_id, visit.learner_id, visit.course, visit.session.platform_id
    )
    slugs = [m.slug for m, _status, _percent in modules]
    if module.slug not in slugs or slugs.index(module.slug) + 1 == len(slugs):
        return None
    following = modules[slugs.index(module.slug) + 1][0]
    return following.slug, catalog.pick(following.title, visit.content_language(following))
