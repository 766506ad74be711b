"""A trainer's item analysis of a quiz: per question, from the attempts in their course."""

from __future__ import annotations

from flask import render_template
from flask_babel import format_decimal

from lti_tool.launch.errors import LaunchRejected
from lti_tool.launch.pages import rejected_page
from lti_tool.learning import bp
from lti_tool.learning.errors import Refused, refused_page
from lti_tool.learning.quiz_trainer_views import course_quiz
from lti_tool.learning.quiz_views import quiz_page_args
from quizzes.item_analysis import quiz_item_analysis
from quizzes.settings import settings_for


@bp.get("/l/<launch_id>/quiz/<module_slug>/items")
def quiz_items(launch_id: str, module_slug: str) -> str | tuple[str, int]:
    """How each question went in this course: only the course's own attempts count."""
    try:
        visit, module, quiz, context_id = course_quiz(launch_id, module_slug)
    except LaunchRejected as exc:
        return rejected_page(exc, "session")
    except Refused as exc:
        return refused_page(exc)
    settings = settings_for(quiz, context_id)
    items, counted = quiz_item_analysis(
        quiz.id, visit.course, settings.grading_method, settings.attempts_allowed
    )
    return render_template(
        "learning/quiz_items.html",
        **quiz_page_args(visit, module),
        items=items,
        counted=counted,
        grading_method=settings.grading_method,
        single_attempt=settings.attempts_allowed == 1,
        decimal=lambda value: format_decimal(value, format="0.0"),
    )
