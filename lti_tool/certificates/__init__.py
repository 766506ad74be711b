"""Certificates on the web: the learner's download, the trainer's course setting, and
the public verification page. The record and the PDF are the ``certificates`` package's."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("certificates", __name__)


def init_app(app: Flask) -> None:
    from lti_tool.certificates import verify_views, views  # noqa: F401  (routes)

    app.register_blueprint(bp)
