"""The learner's and trainer's pages after a launch: modules, pages, quizzes, progress."""

from __future__ import annotations

from flask import Blueprint, Flask

from quizzes.types import MAX_RESPONSE_CHARS

bp = Blueprint("learning", __name__)


def init_app(app: Flask) -> None:
    from lti_tool.learning import (  # noqa: F401  (routes)
        accessibility,
        export_views,
        grades_views,
        item_views,
        quiz_summary_views,
        quiz_trainer_views,
        quiz_views,
        trainer_views,
        views,
    )

    app.register_blueprint(bp)
    app.jinja_env.globals["html_lang"] = html_lang
    app.jinja_env.globals["max_response_chars"] = MAX_RESPONSE_CHARS


def html_lang(tag: str) -> str:
    """A content language tag as an HTML ``lang`` value (plain Finnish is ``fi``)."""
    from courses.languages import HTML_LANG

    return HTML_LANG.get(tag, tag.split("-", 1)[0])
