"""/favicon.ico: what a browser asks for on every page when nothing else names an icon
(the pages name the SVG icon too, which sharper screens prefer)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, Response, send_from_directory

ICONS = Path(__file__).resolve().parent / "static" / "icons"
bp = Blueprint("icons", __name__)


@bp.get("/favicon.ico")
def favicon() -> Response:
    return send_from_directory(ICONS, "favicon.ico", mimetype="image/vnd.microsoft.icon", max_age=86400)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
