"""Trainers' authoring pages: the site's library, adapting, editing page texts in every
language, publishing. The work itself is done by the ``authoring`` package's services;
these pages bring it the site and the trainer of a launch."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("authoring", __name__)


def init_app(app: Flask) -> None:
    from lti_tool.authoring import (  # noqa: F401  (messages, routes)
        errors,
        exchange_views,
        image_library_views,
        image_views,
        preview_views,
        quiz_import_views,
        quiz_settings_views,
        structure_views,
        upstream_views,
        views,
    )

    app.register_blueprint(bp)
