"""Quiz pages for trainers: the course's quiz settings (the reflections are in
lti_tool.followup)."""

from __future__ import annotations

import logging

from flask import Response, redirect, render_template, request

from courses.catalog import ModuleInfo
from courses.languages import SOURCE_LANGUAGE
from lti_tool.launch.errors import LaunchRejected
from lti_tool.launch.pages import rejected_page
from lti_tool.learning import bp
from lti_tool.learning.context import Visit, form_context, open_visit
from lti_tool.learning.errors import Refused, refused_page
from lti_tool.learning.forms import QuizSettingsForm
from lti_tool.learning.quiz_views import course_context_id, quiz_of, quiz_page_args
from quizzes.models import Quiz
from quizzes.services import latest_versions
from quizzes.settings import (
    Band,
    Settings,
    reset_course_settings,
    save_course_settings,
    settings_for,
)

log = logging.getLogger(__name__)


def _settings_from(form: QuizSettingsForm) -> Settings:
    bands = tuple(
        Band(int(low), (text or "").strip())
        for low, text in zip(form.band_from.data, form.band_text.data, strict=True)
        if low is not None and (text or "").strip()
    )
    return Settings(
        pass_mark=form.pass_mark.data,
        attempts_allowed=form.attempts_allowed.data,
        grading_method=form.grading_method.data,
        shuffle_questions=form.shuffle_questions.data,
        shuffle_answers=form.shuffle_answers.data,
        random_count=form.random_count.data or None,
        review_policy=form.review_policy.data,
        bands=bands,
    )


def _settings_form(visit: Visit, settings: Settings) -> QuizSettingsForm:
    bands = sorted(settings.bands, key=lambda b: -b.low)
    return QuizSettingsForm(
        meta=form_context(visit),
        data={
            "pass_mark": settings.pass_mark,
            "attempts_allowed": settings.attempts_allowed,
            "grading_method": settings.grading_method,
            "shuffle_questions": settings.shuffle_questions,
            "shuffle_answers": settings.shuffle_answers,
            "random_count": settings.random_count,
            "review_policy": settings.review_policy,
            "band_from": [b.low for b in bands] + [None] * (3 - len(bands)),
            "band_text": [b.text for b in bands] + [""] * (3 - len(bands)),
        },
    )


def course_quiz(launch_id: str, module_slug: str) -> tuple[Visit, ModuleInfo, Quiz, int]:
    """A trainer's visit, the module, its quiz and the course's context id (403/404)."""
    visit = open_visit(launch_id, trainer=True, need_module=True)
    module = visit.module(module_slug)
    quiz = quiz_of(module)
    context_id = course_context_id(visit)
    if context_id is None:
        raise Refused("bad_form", "no course")
    return visit, module, quiz, context_id


@bp.route("/l/<launch_id>/quiz/<module_slug>/settings", methods=["GET", "POST"])
def quiz_settings(launch_id: str, module_slug: str) -> Response | str | tuple[str, int]:
    """A trainer adapts the quiz for their own course (other courses keep theirs)."""
    try:
        visit, module, quiz, context_id = course_quiz(launch_id, module_slug)
        status = 200
        if request.method == "GET":
            form = _settings_form(visit, settings_for(quiz, context_id))
        else:
            pool = len(latest_versions(quiz.id, SOURCE_LANGUAGE))
            form = QuizSettingsForm(request.form, meta=form_context(visit), pool=pool)
            if form.validate() and request.form.get("action") == "reset":
                reset_course_settings(quiz, context_id)
                return redirect(request.path + "?saved=1", 303)
            if form.validate():
                save_course_settings(quiz, context_id, _settings_from(form), visit.learner_id)
                log.info("quiz_settings_saved quiz=%s context=%s", quiz.id, context_id)
                return redirect(request.path + "?saved=1", 303)
            if form.csrf_token.errors:
                raise Refused("bad_form", "csrf")
            status = 422
    except LaunchRejected as exc:
        return rejected_page(exc, "session")
    except Refused as exc:
        return refused_page(exc)
    current = settings_for(quiz, context_id)
    return render_template(
        "learning/quiz_settings.html",
        **quiz_page_args(visit, module),
        form=form,
        from_course=current.from_course,
        saved=request.args.get("saved") == "1",
    ), status
