"""The accessibility statement (Act on the Provision of Digital Services 306/2019)."""

from __future__ import annotations

import functools
from pathlib import Path

from flask import abort, g, render_template, request
from flask_babel import get_locale

from courses.packages.render import render_markdown
from lti_tool.i18n import UI_LOCALES
from lti_tool.learning import bp

STATEMENTS = Path(__file__).resolve().parent.parent / "accessibility"


@functools.cache
def statement_html(locale: str) -> str:
    """The statement in one interface language (a shipped file: read and rendered once)."""
    return render_markdown(
        (STATEMENTS / f"{locale}.md").read_text(encoding="utf-8"), top_heading=True
    )


@bp.get("/accessibility")
def accessibility() -> str:
    """Public: linked from every page's footer with the page's language."""
    wanted = request.args.get("lang")
    if wanted is not None:
        if wanted not in UI_LOCALES:
            abort(404)
        g.ui_locale = wanted
    return render_template("learning/accessibility.html", body=statement_html(str(get_locale())))
