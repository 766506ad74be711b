"""Requests the learning pages refuse: a short page in the user's language and a 4xx."""

from __future__ import annotations

import logging
from typing import Any

from flask import render_template
from flask_babel import lazy_gettext as _l

from courses.database import db

log = logging.getLogger(__name__)

MESSAGES = {
    "unknown_module": (
        404,
        _l("This activity points to a module that does not exist"),
        _l("Ask your trainer to check the activity's settings in Moodle."),
    ),
    "retired_module": (
        410,
        _l("This module is no longer offered"),
        _l("Ask your trainer which module replaces it."),
    ),
    "module_elsewhere": (
        404,
        _l("That module is not part of this programme"),
        _l("Go back to the programme overview and choose a module from there."),
    ),
    "unknown_page": (
        404,
        _l("That page is not in this module"),
        _l("Use the module's table of contents to choose a page."),
    ),
    "language_not_offered": (
        400,
        _l("That language is not offered here"),
        _l("Choose one of the languages in the list."),
    ),
    "not_bound": (
        409,
        _l("This activity is not set up yet"),
        _l("Your trainer has not chosen a module for it yet. Please try again later."),
    ),
    "trainers_only": (
        403,
        _l("This page is for trainers"),
        _l("Open the activity from your Moodle course as a trainer."),
    ),
    "no_quiz": (
        404,
        _l("This module has no quiz"),
        _l("Go back to the module's pages."),
    ),
    "empty_quiz": (
        409,
        _l("This quiz has no questions yet"),
        _l("Ask your trainer to add questions to the quiz."),
    ),
    "no_attempts_left": (
        409,
        _l("You have used all your attempts at this quiz"),
        _l("Your results are kept. Ask your trainer if you need another attempt."),
    ),
    "no_such_attempt": (
        404,
        _l("That quiz attempt does not exist"),
        _l("Go back to the quiz and start from there."),
    ),
    "not_your_attempt": (
        403,
        _l("That quiz attempt is someone else's"),
        _l("Go back to the quiz and open your own attempt."),
    ),
    "already_submitted": (
        409,
        _l("This attempt has already been sent"),
        _l("Your answers were graded when you sent them. Open the quiz to see your result."),
    ),
    "bad_choice": (
        400,
        _l("An answer did not match the question"),
        _l("Reload the quiz page and answer again. Your saved answers are kept."),
    ),
    "bad_answer": (
        400,
        _l("An answer did not match the question"),
        _l("Reload the quiz page and answer again. Your saved answers are kept."),
    ),
    "no_such_question": (
        400,
        _l("An answer was sent for a question that is not in this attempt"),
        _l("Reload the quiz page and answer again. Your saved answers are kept."),
    ),
    "not_a_number": (
        400,
        _l("An answer should be a number"),
        _l("Write a number, for example 1,5 or 12."),
    ),
    "response_too_long": (
        413,
        _l("An answer is too long"),
        _l("Shorten your answer and send it again."),
    ),
    "no_such_learner": (
        404,
        _l("That learner is not in this course"),
        _l("Go back to the group overview and choose a learner from there."),
    ),
    "coordinators_only": (
        403,
        _l("This page is for coordinators"),
        _l("Open the tool as Moodle's site administrator to see it."),
    ),
    "roster_not_offered": (
        409,
        _l("Moodle does not share this course's participants with the tool"),
        _l("Ask your Moodle administrator to enable the Names and Roles service for this tool."),
    ),
    "roster_unavailable": (
        502,
        _l("Moodle did not answer with the list of participants"),
        _l("Please try again in a moment. The group page still shows everyone who has opened the tool."),
    ),
    "no_such_learner": (
        404,
        _l("That learner is not in this course"),
        _l("Go back to the group page and choose a learner from there."),
    ),
    "no_such_reflection": (
        404,
        _l("That reflection is not in this course's quiz"),
        _l("Go back to the reflections page and reply from there."),
    ),
    "bad_form": (
        400,
        _l("The form was not filled in correctly"),
        _l("Go back, check your choices and send the form again."),
    ),
}


class Refused(Exception):
    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail


def refused_page(exc: Refused) -> tuple[str, int]:
    return refusal_page(exc.code, exc.detail, MESSAGES, "learning_refused")


def refusal_page(
    code: str, detail: str, messages: dict[str, tuple[int, Any, Any]], event: str
) -> tuple[str, int]:
    """The page of a refusal from a feature's table of (status, title, advice)."""
    db.session.rollback()  # nothing of a refused request is kept
    status, title, advice = messages[code]
    log.warning("%s reason=%s status=%s detail=%s", event, code, status, detail[:200])
    return render_template(
        "lti/error.html", title=title, advice=advice, reason_code=code
    ), status
