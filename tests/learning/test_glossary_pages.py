"""A learner's page marks its glossary words, explained in plain Finnish and in the
learner's own language, and lists them at its end: real launches, the shipped content."""

from __future__ import annotations

import re

from tests.learning.helpers import choose_language
from tests.lti import PARTICIPANT_RU, launch

BUTTON = re.compile(
    r'<button type="button" class="kp-term" aria-expanded="false" aria-controls="(kp-term-[a-z0-9-]+)">([^<]+)</button>'
    r'<span class="kp-term-note" id="\1" data-term="[^"]*" aria-live="polite"><span class="kp-term-text" hidden>'
)


def _body(html: str) -> str:
    return html.split('<div class="kp-body"', 1)[1].split('<nav class="kp-pager"', 1)[0]


def _gloss_languages(html: str) -> set[str]:
    return set(re.findall(r'class="kp-gloss" data-lang="([^"]+)"', html))


def test_a_finnish_page_marks_its_words_once_and_lists_them(site):
    page = launch(site.browser()).page
    assert page is not None and page.status_code == 200
    body = _body(page.text)
    marked = BUTTON.findall(body)
    ids = [i for i, _ in marked]
    assert "kp-term-employment-contract" in ids
    assert len(ids) == len(set(ids))  # each word marked once: its first occurrence
    assert _gloss_languages(body) == {"fi-x-selko", "fi"}  # plain Finnish, and the learner's own
    assert '<h2 id="words-title" class="kp-words-title">Tämän sivun sanat</h2>' in page.text
    assert page.text.count('<dt lang="fi">') == len(ids)
    assert "/static/terms.js" in page.text and "<script>" not in page.text  # no inline script


def test_a_russian_page_explains_in_plain_finnish_and_russian(site):
    page = launch(site.browser(), PARTICIPANT_RU).page
    assert page is not None
    body = _body(page.text)
    words = [word for _, word in BUTTON.findall(body)]
    assert any(w.lower().startswith("трудов") for w in words), words
    assert _gloss_languages(body) == {"fi-x-selko", "ru"}
    assert "Слова этой страницы" in page.text
    assert "<strong>työsopimus</strong>" in body  # the Finnish word, to learn it


def test_a_russian_speaker_reading_finnish_pages_gets_russian_explanations(site):
    browser = site.browser()
    first = launch(browser, PARTICIPANT_RU).page
    switched = choose_language(browser, first, "fi")
    page = browser.get(browser.url(switched.headers["Location"]), allow_redirects=False)
    assert page.status_code == 200
    body = _body(page.text)
    assert BUTTON.search(body) and ">työsopimus</button>" in body.lower()
    assert _gloss_languages(body) == {"fi-x-selko", "ru"}
    assert "Слова этой страницы" in page.text  # the menus stay Russian
