"""The main authoring pages in every interface language (issue 16's quality bar: 0 axe
violations at 360 and 1280 px in every interface language). The interface language is
the launch's locale: the development platform launches the trainer with it. Each page
says its language (``<html lang>``), marks the Finnish texts it shows as Finnish, and
shows no message untranslated (no msgid of the interface catalogue whose translation
differs from it)."""

from __future__ import annotations

import dataclasses
import functools
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import select

from authoring.models import DraftText
from authoring.quiz_models import DraftQuestion
from courses.database import db
from tests.authoring.chromium_pages import adapt, checked, trainer_page
from tests.chromium import require_chromium
from tests.lti import TRAINER

require_chromium()

TRANSLATIONS = Path(__file__).resolve().parents[2] / "lti_tool" / "translations"
BROWSER_LOCALES = {"fi": "fi-FI", "sv": "sv-FI", "en": "en-GB", "ru": "ru-RU", "uk": "uk-UA"}


@pytest.fixture
def trainer_locale(monkeypatch):
    """Set the locale the development platform sends for the trainer (Moodle: the user's
    language), as a launch of that trainer in another Moodle language would."""
    from lti_tool.devplatform import directory

    real = directory.user

    def launching(locale: str) -> None:
        monkeypatch.setattr(
            directory, "user",
            lambda uid: dataclasses.replace(real(uid), locale=locale) if uid == TRAINER else real(uid),
        )

    return launching


@functools.cache
def _untranslated_looks(locale: str) -> tuple[str, ...]:
    """The interface messages that would show as their English msgid if left untranslated
    in ``locale``: whole phrases only (two words or more, no placeholders)."""
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalog = read_po(handle)
    return tuple(
        m.id for m in catalog
        if isinstance(m.id, str) and m.id and m.string and m.string != m.id
        and " " in m.id.strip() and "%" not in m.id and len(m.id) >= 12
    )


# Texts inside the page that are in Finnish but not inside an element saying so (the
# course's and activity's names come from Moodle, in whatever language they were typed).
FINNISH_UNMARKED = """finnish => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    if (!text || !finnish.some(f => text.includes(f)) || node.parentElement.closest('.kp-who')) continue;
    const marked = node.parentElement.closest('[lang]');
    if (!marked || !marked.getAttribute('lang').startsWith('fi')) found.push(node.parentElement.outerHTML.slice(0, 160));
  }
  return found;
}"""


def _finnish_texts(app, module_id: int) -> list[str]:
    """The module's Finnish titles (of its pages and questions) a page may show."""
    from authoring.models import DraftPage
    from authoring.quiz_models import DraftQuestionText

    with app.app_context():
        pages = db.session.execute(
            select(DraftText.title).join(DraftPage).where(
                DraftPage.library_module_id == module_id, DraftText.language == "fi")
        ).scalars().all()
        questions = db.session.execute(
            select(DraftQuestionText.snapshot).join(DraftQuestion).where(
                DraftQuestion.library_module_id == module_id, DraftQuestionText.language == "fi")
        ).scalars().all()
    return ["Suomalainen työelämä", *pages, *[q["title"] for q in questions if q.get("title")]]


def _in_its_language(page, locale: str, name: str, finnish: list[str]) -> None:
    assert page.evaluate("document.documentElement.lang") == locale, name
    unmarked = page.evaluate(FINNISH_UNMARKED, finnish)
    assert unmarked == [], (name, "Finnish text not marked lang=fi", unmarked)
    if locale != "en":  # English is the msgid language
        shown = page.evaluate("document.body.innerText")
        left = [m for m in _untranslated_looks(locale) if m in shown]
        assert left == [], (name, f"untranslated in {locale}", left)
    checked(page, f"{name}-{locale}")


@pytest.mark.parametrize("locale", ["fi", "sv", "en", "ru", "uk"])
def test_the_main_authoring_pages_in_each_interface_language(chromium, quizzes, trainer_locale, locale):
    """(About 10 s a language: five pages, each checked by axe at two widths.)"""
    site = quizzes
    trainer_locale(locale)
    context, page, launch_id = trainer_page(chromium, site, locale=BROWSER_LOCALES[locale])
    module_id, pages = adapt(page, site, launch_id)
    finnish = _finnish_texts(site.app, module_id)
    base = site.url + f"/l/{launch_id}/library"
    with site.app.app_context():
        question = db.session.execute(
            select(DraftQuestion.id).where(DraftQuestion.library_module_id == module_id)
            .order_by(DraftQuestion.position)
        ).scalars().first()
    for name, address in (
        ("library", base),
        ("module", base + f"/{module_id}/"),
        ("page-text", base + f"/page/{pages[0][0]}/en"),  # the Finnish source beside English
        ("quiz", base + f"/{module_id}/quiz/"),
        ("quiz-question", base + f"/{module_id}/quiz/{question}/fi"),
    ):
        page.goto(address)
        assert re.search(r"/library", page.url), name
        _in_its_language(page, locale, name, finnish)
    context.close()
