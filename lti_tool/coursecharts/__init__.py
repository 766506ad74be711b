"""A trainer's charts of their course: completion per module, progress over time and the
distribution of quiz results, drawn on the server (the ``charts`` package) from the
course's own records only."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("coursecharts", __name__)


def init_app(app: Flask) -> None:
    from lti_tool.coursecharts import views  # noqa: F401  (routes)

    app.register_blueprint(bp)
