"""The pages' language and the menus' language are two choices (issue 18): a Russian-
speaking learner practises with Finnish pages and keeps Russian menus, on every page of
the launch, error pages included; an attempt begun in one language says so when the
pages' language changes."""

from __future__ import annotations

import re

from tests.browser import forms_in
from tests.learning.helpers import walk_module
from tests.lti import PARTICIPANT, PARTICIPANT_RU, launch
from tests.quizzes.pages import open_quiz, start


def _choose(browser, page, **fields):
    (form,) = [f for f in forms_in(page.text) if f.action.endswith("/language")]
    answer = browser.post(browser.url(form.action), data={**form.fields, **fields}, allow_redirects=False)
    assert answer.status_code == 303, answer.text
    return browser.get(browser.url(answer.headers["Location"]))


def _html_lang(page):
    return re.search(r'<html lang="([^"]+)"', page.text).group(1)


def _body_lang(page):
    return re.search(r'<div class="kp-body" lang="([^"]+)"', page.text).group(1)


def test_finnish_pages_with_russian_menus_everywhere(site):
    browser = site.browser()
    page = launch(browser, PARTICIPANT_RU).page
    assert (_html_lang(page), _body_lang(page)) == ("ru", "ru")  # the launch's locale
    page = _choose(browser, page, language="fi")
    assert (_html_lang(page), _body_lang(page)) == ("ru", "fi")
    assert "Язык страниц" in page.text  # the menus' words in Russian
    # Another page and an error page of the same launch keep the menus Russian.
    launch_base = re.search(r"(/l/[^/]+/)", page.url).group(1)
    missing = browser.get(browser.url(launch_base + "m/finnish-working-life/no-such-page"))
    assert missing.status_code == 404 and _html_lang(missing) == "ru"


def test_the_menus_follow_their_own_choice_and_back_to_moodle(site):
    browser = site.browser()
    page = launch(browser, PARTICIPANT_RU).page
    page = _choose(browser, page, language="fi", interface="en")
    assert (_html_lang(page), _body_lang(page)) == ("en", "fi")
    assert "Language of the pages" in page.text
    again = launch(browser, PARTICIPANT_RU).page  # remembered across launches
    assert (_html_lang(again), _body_lang(again)) == ("en", "fi")
    page = _choose(browser, again, language="fi", interface="")
    assert _html_lang(page) == "ru"  # as Moodle says again


def test_a_language_no_interface_has_is_refused(site):
    browser = site.browser()
    page = launch(browser).page
    (form,) = [f for f in forms_in(page.text) if f.action.endswith("/language")]
    bad = browser.post(browser.url(form.action), data={**form.fields, "interface": "de"}, allow_redirects=False)
    assert bad.status_code == 400


def test_an_open_attempt_says_its_questions_stay_in_their_language(quizzes):
    browser = quizzes.browser()
    pages = walk_module(browser, launch(browser, PARTICIPANT).page)
    attempt = start(browser, open_quiz(browser, pages[-1]))
    assert "kp-attempt-language" not in attempt.text
    _choose(browser, pages[-1], language="en")
    again = browser.get(attempt.url)
    assert "kp-attempt-language" in again.text and "suomi" in again.text
    head, main = again.text.split("<main", 1)
    assert "kp-attempt-language" in main and "kp-attempt-language" not in head  # not in <title>
    assert re.search(r'<span class="kp-qtext" lang="fi">', again.text)  # the questions as begun
