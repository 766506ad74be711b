"""Interface languages and how a launch's locale picks one."""

from __future__ import annotations

from typing import Any

from flask import Flask, g, request
from flask_babel import Babel, get_locale, get_translations

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


def _translations() -> Any:
    """This request's catalogue, looked up once per request and locale.

    Flask-Babel resolves the domain, the locale and its cache on every call; a page calls
    gettext a dozen or more times.
    """
    locale = getattr(g, "ui_locale", None)
    cached = g.get("_translations")
    if cached is None or cached[0] != locale:
        cached = g._translations = (locale, get_translations())
    return cached[1]


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        newstyle=True,
    )
