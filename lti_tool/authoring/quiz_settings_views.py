"""A library module's quiz settings, set in the draft (authoring.quiz_settings): the
defaults its quiz is published with, for every course that has not set its own."""

from __future__ import annotations

import logging

from flask import Response, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from authoring import library, quiz_settings
from courses import catalog
from courses.languages import SOURCE_LANGUAGE
from lti_tool.authoring import bp
from lti_tool.authoring.common import refusing, site_of, trainer_visit
from lti_tool.authoring.forms import LibraryQuizSettingsForm
from lti_tool.learning.context import form_context
from lti_tool.learning.errors import Refused
from quizzes.models import SETTING_NAMES
from quizzes.settings import Settings

log = logging.getLogger(__name__)

SETTINGS_PROBLEMS = {
    "attempts_out_of_range": _l("Give a number from 0 to 100."),
    "not_settings": _l("The form was not filled in correctly."),
}


def _random_problem(questions: int) -> str:
    if questions == 0:
        return str(
            _l(
                "The quiz has no questions yet: leave the number of questions drawn at random empty."
            )
        )
    return str(
        _l(
            "Draw from 1 to %(count)d questions at random: the quiz has %(count)d questions.",
            count=questions,
        )
    )


@bp.route("/l/<launch_id>/library/<int:module_id>/quiz-settings", methods=["GET", "POST"])
@refusing
def library_quiz_settings(launch_id: str, module_id: int) -> Response | tuple[str, int]:
    """The draft's quiz settings; POST keeps them in the draft (learners get them when
    the module is published)."""
    visit = trainer_visit(launch_id)
    site = site_of(visit)
    own = library.own_module(site, module_id)
    current, source = quiz_settings.draft_settings(own)
    questions = quiz_settings.question_count(own)
    status, problem = 200, None
    if request.method == "GET":
        form = LibraryQuizSettingsForm(
            meta=form_context(visit), data={name: getattr(current, name) for name in SETTING_NAMES}
        )
    else:
        form = LibraryQuizSettingsForm(request.form, meta=form_context(visit))
        if form.validate():
            settings = Settings(
                **{name: form[name].data for name in SETTING_NAMES if name != "random_count"},
                random_count=form.random_count.data or None,
            )
            try:
                quiz_settings.save_settings(site, module_id, settings, visit.learner_id)
            except quiz_settings.InvalidSettings as exc:
                status = 400
                if exc.code == "random_out_of_range":
                    form.random_count.errors = [_random_problem(questions)]
                else:
                    problem = SETTINGS_PROBLEMS.get(exc.code, exc.code)
            else:
                log.info("library_quiz_settings_saved site=%s module=%s", site, module_id)
                address = url_for(
                    "authoring.library_quiz_settings", launch_id=launch_id, module_id=module_id
                )
                return redirect(address + "?saved=1", 303)
        else:
            if form.csrf_token.errors:
                raise Refused("bad_form", "csrf")
            status = 400
    return render_template(
        "authoring/quiz_settings.html",
        visit=visit,
        own=own,
        form=form,
        source=source,
        questions=questions,
        problem=problem,
        saved=request.args.get("saved") == "1",
        title=catalog.pick(own.title, SOURCE_LANGUAGE),
    ), status
