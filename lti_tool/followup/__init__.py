"""Following learners up: replies to their reflections, the reflections' export, and
exceptions for one learner (extra attempts, a reset of their quiz)."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("followup", __name__)


def init_app(app: Flask) -> None:
    from lti_tool.followup import (  # noqa: F401  (routes)
        exception_views,
        reflection_views,
    )

    app.register_blueprint(bp)
