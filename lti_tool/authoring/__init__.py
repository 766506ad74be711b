"""Trainers' authoring pages: the site's library, adapting, editing page texts in every
language, publishing. The work itself is done by the ``authoring`` package's services;
these pages bring it the site and the trainer of a launch."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("authoring", __name__)


def init_app(app: Flask) -> None:
    from lti_tool.authoring import errors, structure_views, views  # noqa: F401  (messages, routes)

    app.register_blueprint(bp)
