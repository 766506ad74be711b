"""The coordinators' summary report: per programme and module, learners who started and
completed, the completion rate and the median time to complete, by audience and by
course, over the courses of one Moodle (on screen, with charts, and as XLSX) or of every
platform (the operator's command line)."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("summary", __name__)


def init_app(app: Flask) -> None:
    from lti_tool.summary import views  # noqa: F401  (routes)

    app.register_blueprint(bp)
