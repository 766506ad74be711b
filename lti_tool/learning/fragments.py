"""Parts of the learner's page that are the same on every view for the same languages:
the listen and print tools, and the two language menus. Each is rendered once per
interface language (and page language, or menu choice) and kept, instead of translating
a dozen words and escaping each option on every page view and launch (bench/README.md,
"Page views and launches before and after issues 14–20")."""

from __future__ import annotations

import functools

from flask import current_app
from markupsafe import Markup

from lti_tool.i18n import select_locale


def listen_tools(content_lang: str) -> Markup:
    return _rendered("learning/_listen_tools.html", select_locale(), (("content_lang", content_lang),))


def language_menus(
    label: str,
    choices: tuple[tuple[str, str], ...],
    language: str,
    interface_choices: tuple[tuple[str, str], ...],
    interface: str,
) -> Markup:
    return _rendered(
        "learning/_language_menus.html",
        select_locale(),
        (("label", label), ("choices", choices), ("language", language),
         ("interface_choices", interface_choices), ("interface", interface)),
    )


@functools.lru_cache(maxsize=512)
def _rendered(template: str, locale: str, values: tuple[tuple[str, object], ...]) -> Markup:
    """``template`` rendered with ``values`` in ``locale``, the request's own (the key
    names it so that each interface language has its own copy)."""
    return Markup(current_app.jinja_env.get_template(template).render(dict(values)))
