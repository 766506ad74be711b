"""Interface languages and how a launch's locale picks one."""

from __future__ import annotations

from flask import Flask, g, request
from flask_babel import Babel, get_locale

UI_LOCALES = ("fi", "sv", "en", "ru", "uk")
DEFAULT_LOCALE = "fi"
FALLBACK_FOR_OTHER_LANGUAGES = "en"

babel = Babel()


def locale_from_lti(locale: str | None) -> str | None:
    """Map a platform locale (Moodle sends ``fi``, ``sv_fi``, ``pt_br``) to a UI locale.

    A language we do not offer gets English, which more learners read than Finnish.
    """
    if not locale:
        return None
    primary = locale.replace("_", "-").split("-", 1)[0].strip().lower()
    if not primary:
        return None
    return primary if primary in UI_LOCALES else FALLBACK_FOR_OTHER_LANGUAGES


def select_locale() -> str:
    chosen = getattr(g, "ui_locale", None)
    if chosen:
        return chosen
    return request.accept_languages.best_match(UI_LOCALES) or DEFAULT_LOCALE


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale
