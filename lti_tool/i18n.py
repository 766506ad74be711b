"""Interface languages and how a launch's locale picks one."""

from __future__ import annotations

from typing import Any

from flask import Flask, g, request
from flask_babel import Babel, format_decimal, get_locale, get_translations
from jinja2.runtime import Context
from jinja2.utils import pass_context
from markupsafe import Markup

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
    here = g._get_current_object()  # type: ignore[attr-defined]  # one proxy lookup, not three
    locale = getattr(here, "ui_locale", None)
    cached = getattr(here, "_translations", None)
    if cached is None or cached[0] != locale:
        cached = here._translations = (locale, get_translations())
    return cached[1]


def _ugettext(string: str) -> str:
    return _translations().ugettext(string)


def _ungettext(singular: str, plural: str, num: int) -> str:
    return _translations().ungettext(singular, plural, num)


@pass_context
def _gettext(context: Context, string: str, **variables: Any) -> str:
    """Jinja's new-style ``_()``: the translation, autoescaped when the template is, with
    ``%(name)s`` variables filled in (and ``%%`` read as ``%``).

    The same result as Jinja's own wrapper, without its generic ``Context.call`` and the
    ``%`` formatting of strings that hold no ``%``: a page calls this a dozen or more times.
    """
    translated = _ugettext(string)
    if context.eval_ctx.autoescape:
        translated = Markup(translated)
    return translated % variables if "%" in translated else translated


@pass_context
def _ngettext(__context: Context, __singular: str, __plural: str, __num: int, **variables: Any) -> str:
    """Jinja's new-style ``ngettext()`` the same way: the form for the number, autoescaped
    when the template is, with ``%(num)d`` (unless given) and the other variables filled in.
    Parameter names as in Jinja's, so that ``num=`` can be passed as a variable."""
    translated = _ungettext(__singular, __plural, __num)
    if __context.eval_ctx.autoescape:
        translated = Markup(translated)
    variables.setdefault("num", __num)
    return translated % variables


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=_ugettext,
        ngettext=_ungettext,
        newstyle=True,
    )
    # Jinja's new-style wrappers are replaced by ``_gettext`` and ``_ngettext`` (the
    # ``{% trans %}`` tag still uses Jinja's own), and ``_`` goes straight to
    # ``_gettext``: Jinja's ``_`` alias would look ``gettext`` up and call it through the
    # context once more.
    app.jinja_env.globals["gettext"] = app.jinja_env.globals["_"] = _gettext
    app.jinja_env.globals["ngettext"] = _ngettext
    app.jinja_env.filters["format_number"] = format_decimal  # 5 000 in fi, 5,000 in en
