"""A learner in a module: pages, progress, resuming, languages, through real launches."""

from __future__ import annotations

import pytest

from courses.database import db
from courses.progress.models import LearnerPreference
from tests.learning.helpers import (
    choose_language,
    content_lang,
    counted_statements,
    page_views,
    progress_of,
    progress_rows,
    toc_links,
    walk_module,
)
from tests.lti import EMPLOYER_MENTOR, MENTOR_COURSE, PARTICIPANT_RU, launch

LANGUAGES = ["fi", "fi-x-selko", "en", "ru", "uk"]


def test_a_launch_lands_on_the_first_page_of_the_bound_module(site):
    result = launch(site.browser())
    page = result.page
    assert page is not None and page.status_code == 200
    assert '<h1 lang="fi">Suomalainen työelämä</h1>' in page.text
    assert '<h2 id="page-title" lang="fi">Työsopimus</h2>' in page.text
    assert progress_of(page) == (1, 5)
    assert len(toc_links(page)) == 5
    assert 'aria-current="page"' in page.text
    (row,) = progress_rows(site.app)
    assert (row.status, row.pages_seen, row.pages_total, row.percent) == ("in_progress", 1, 5, 20)
    assert row.audience == "participant"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_participant_goes_through_a_whole_module_in_each_language(site, language):
    browser = site.browser()
    first = launch(browser).page
    assert first is not None
    switched = choose_language(browser, first, language)
    assert switched.status_code == 303
    page = browser.get(browser.url(switched.headers["Location"]), allow_redirects=False)
    assert content_lang(page) == language.split("-")[0]
    pages = walk_module(browser, page)
    assert len(pages) == 5
    assert progress_of(pages[-1]) == (5, 5)
    assert all(content_lang(p) == language.split("-")[0] for p in pages)
    (row,) = progress_rows(site.app)
    assert (row.status, row.percent) == ("completed", 100)
    assert row.completed_at is not None


def test_plain_finnish_is_its_own_text_not_the_standard_one(site):
    browser = site.browser()
    first = launch(browser).page
    standard = first.text
    plain = browser.get(
        browser.url(choose_language(browser, first, "fi-x-selko").headers["Location"])
    )
    assert content_lang(plain) == "fi"
    body = lambda html: html.split('class="kp-body"', 1)[1].split("</div>", 1)[0]  # noqa: E731
    assert body(plain.text) != body(standard)


def test_an_employer_mentor_goes_through_a_mentor_training_module(site):
    browser = site.browser()
    first = launch(browser, EMPLOYER_MENTOR, MENTOR_COURSE).page
    assert first is not None and "Monikulttuurinen osaaminen" in first.text
    pages = walk_module(browser, first)
    assert progress_of(pages[-1]) == (4, 4)
    (row,) = progress_rows(site.app)
    assert (row.status, row.audience) == ("completed", "employer_mentor")


def test_the_learner_resumes_where_they_left_off(site):
    browser = site.browser()
    first = launch(browser).page
    links = toc_links(first)
    browser.get(browser.url(links[1]))
    third = browser.get(browser.url(links[2]))
    assert progress_of(third) == (3, 5)
    again = launch(browser).page
    assert again is not None
    assert (
        again.text.split('id="page-title"', 1)[1][:80]
        == third.text.split('id="page-title"', 1)[1][:80]
    )
    assert progress_of(again) == (3, 5)


def test_the_default_language_follows_the_launch_locale(site):
    page = launch(site.browser(), PARTICIPANT_RU).page
    assert page is not None
    assert content_lang(page) == "ru"
    assert '<html lang="ru">' in page.text


def test_the_chosen_language_is_remembered_for_the_next_launch(site):
    browser = site.browser()
    first = launch(browser).page
    choose_language(browser, first, "uk")
    later = launch(site.browser()).page  # another browser, the same person
    assert later is not None and content_lang(later) == "uk"
    # The menus are chosen apart from the pages (tests/ux/test_languages.py): still Finnish.
    assert '<html lang="fi">' in later.text


def test_a_missing_translation_falls_back_to_finnish_with_a_note(site):
    from sqlalchemy import delete, select

    from courses.models import Page, PageText

    with site.app.app_context():
        page_id = db.session.execute(
            select(Page.id).where(Page.slug == "employment-contract")
        ).scalar_one()
        db.session.execute(
            delete(PageText).where(PageText.page_id == page_id, PageText.language == "en")
        )
        db.session.commit()
    try:
        browser = site.browser()
        first = launch(browser).page
        answer = choose_language(browser, first, "en")
        page = browser.get(browser.url(answer.headers["Location"]))
        assert content_lang(page) == "fi"
        assert 'class="alert alert-info kp-fallback"' in page.text
        assert '<h2 id="page-title" lang="fi">Työsopimus</h2>' in page.text
    finally:
        from courses.packages.loader import load_content

        with site.app.app_context():
            assert load_content().created == {"page texts": 1}


def test_a_language_the_programme_does_not_offer_is_refused(site):
    browser = site.browser()
    first = launch(browser, EMPLOYER_MENTOR, MENTOR_COURSE).page  # no Russian in mentor training
    answer = choose_language(browser, first, "ru")
    assert answer.status_code == 400
    assert "<code>language_not_offered</code>" in answer.text
    with site.app.app_context():
        assert db.session.query(LearnerPreference).count() == 0


def test_reading_a_page_again_writes_nothing_and_costs_few_queries(site):
    browser = site.browser()
    first = launch(browser).page
    second_url = browser.url(toc_links(first)[1])
    browser.get(second_url)
    views = page_views(site.app)
    with counted_statements(site.app) as statements:
        again = browser.get(second_url)
    assert again.status_code == 200
    assert page_views(site.app) == views
    writes = [
        s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    # The session with its module and the learner's attempts at its quiz; the outline
    # with the page.
    assert len(statements) <= 2, statements


def test_a_page_view_renders_without_deriving_template_contexts(quizzes, monkeypatch):
    """After a {% set %} in a template block, Jinja derives a whole new context for every
    _() that follows it: a score of them on a module page, on every page view. The page's
    values are the view's (the quiz's address too), so it derives none."""
    import jinja2.runtime

    derived = []
    original = jinja2.runtime.Context.derived

    def counting(self, locals=None):
        derived.append(self.name)
        return original(self, locals)

    browser = quizzes.browser()
    first = launch(browser).page
    assert "/quiz/finnish-working-life/" in first.text  # the module has a quiz: its link
    monkeypatch.setattr(jinja2.runtime.Context, "derived", counting)
    page = browser.get(browser.url(toc_links(first)[1]))
    assert page.status_code == 200 and "/quiz/finnish-working-life/" in page.text
    assert derived == []


def test_the_menus_and_listen_tools_are_made_once_per_language_and_follow_it(site):
    """The language menus and the listen tools are the same words for the same languages:
    made once and kept (lti_tool/learning/fragments.py), each interface language its own."""
    from lti_tool.learning.fragments import _rendered

    _rendered.cache_clear()
    finnish = site.browser()
    first = launch(finnish).page
    page = finnish.get(finnish.url(toc_links(first)[1]))
    assert _rendered.cache_info().hits >= 2  # the second view made neither again
    assert "<span data-label-play>Kuuntele</span>" in page.text and "Valikoiden kieli" in page.text
    assert 'data-listen-lang="fi"' in page.text and '<option value="fi" lang="fi" selected>' in page.text
    russian = site.browser()
    page = launch(russian, PARTICIPANT_RU).page
    assert "<span data-label-play>Слушать</span>" in page.text and "Язык меню" in page.text
    assert "Kuuntele" not in page.text and 'data-listen-lang="ru"' in page.text


def test_the_programme_overview_shows_every_module_with_its_status(site):
    browser = site.browser()
    first = launch(browser).page
    for link in toc_links(first)[1:]:
        browser.get(browser.url(link))  # the whole first module
    overview = browser.get(first.url + "programme")
    assert overview.status_code == 200
    cards = overview.text.split('<li class="card mb-3" id="module-')[1:]
    assert [c.split('"', 1)[0] for c in cards] == [
        "finnish-working-life",
        "job-search",
        "finnish-at-work",
        "your-competence",
        "permit-cards",
        "jobs-in-central-finland",
        "integration-and-participation",
    ]
    # Moodle 4.5's completion words: "Done" (Tehty), and "To do" (Tekemättä) until then.
    assert "<strong>Tehty</strong> · 100 %" in cards[0]
    assert "<strong>Tekemättä</strong> · 0 %" in cards[1]


@pytest.mark.parametrize("locale", ["fi", "sv", "en", "ru", "uk"])
def test_the_accessibility_statement_is_published_in_each_interface_language(site, locale):
    import requests

    page = requests.get(f"{site.url}/accessibility?lang={locale}")
    assert page.status_code == 200
    assert f'<html lang="{locale}">' in page.text
    assert "<h1>" in page.text and "WCAG 2.1" in page.text
    assert "saavutettavuusvaatimukset.fi" in page.text  # where to complain, in every language


def test_an_accessibility_statement_in_a_language_not_offered_is_not_found(site):
    import requests

    assert requests.get(f"{site.url}/accessibility?lang=de").status_code == 404
