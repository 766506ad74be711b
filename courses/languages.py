"""Content languages: which exist, what they are called, and which one a learner gets."""

from __future__ import annotations

SOURCE_LANGUAGE = "fi"
PLAIN_FINNISH = "fi-x-selko"
# Every tag a content package may use, in the order a language switcher lists them.
CONTENT_LANGUAGES = (SOURCE_LANGUAGE, PLAIN_FINNISH, "en", "ru", "uk")
# Each language's name in itself, for the switcher (a learner looks for their own language).
ENDONYMS = {
    "fi": "suomi",
    "fi-x-selko": "selkosuomi",
    "en": "English",
    "ru": "русский",
    "uk": "українська",
}
# The value of an HTML lang attribute: browsers and screen readers know no private-use
# subtag, and plain Finnish is Finnish to a speech synthesiser.
HTML_LANG = {tag: tag.split("-", 1)[0] for tag in CONTENT_LANGUAGES}


def language_for_locale(locale: str | None, offered: tuple[str, ...] | list[str]) -> str:
    """The content language for a platform locale (``fi``, ``sv_fi``, ``ru``, ``pt_br``).

    A language the programme does not offer falls back to Finnish, the source.
    """
    if locale:
        primary = locale.replace("_", "-").split("-", 1)[0].strip().lower()
        if primary in offered:
            return primary
    return SOURCE_LANGUAGE
