"""A learner takes a module's quiz through real launches: start, save, send, review, retry."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from courses.database import db
from courses.models import Module
from courses.progress.models import ModuleProgress
from lti_tool.identity.models import LtiContext
from quizzes.models import Attempt, AttemptResponse, CourseQuizSettings, Quiz
from quizzes.settings import settings_for
from tests.browser import forms_in
from tests.learning.helpers import choose_language, toc_links, walk_module
from lti_tool.learning import html_lang
from tests.lti import (
    EMPLOYER_MENTOR,
    MENTOR_COURSE,
    PARTICIPANT,
    PARTICIPANT_RU,
    TRAINER,
    WORKING_LIFE,
    launch,
)
from tests.quizzes.pages import (
    answers,
    attempt_id,
    form_posting_to,
    open_quiz,
    questions,
    send,
    start,
)


def test_a_participant_passes_the_quiz_and_completes_the_module(quizzes):
    site = quizzes
    browser = site.browser()
    first = launch(browser).page
    assert "/quiz/finnish-working-life/" in first.text
    pages = walk_module(browser, first)
    home = open_quiz(browser, pages[-1])
    page = start(browser, home)
    attempt = attempt_id(page)
    assert page.text.count("<fieldset") >= 6
    saved = send(browser, page, answers(site.app, attempt), "submit")
    assert saved.status_code == 303
    review = browser.get(browser.url(saved.headers["Location"]))
    assert review.status_code == 200
    assert "100 %" in review.text
    with site.app.app_context():
        row = db.session.execute(select(ModuleProgress)).scalar_one()
        assert (row.status, row.quiz_passed) == ("completed", True)
        # The completion record: score, attempts, language, and where it happened.
        assert (row.best_score, row.attempts_used, row.language) == (1.0, 1, "fi")
        context = db.session.get(LtiContext, row.context_id)
        assert context is not None and context.context_id == "101"
        assert row.platform_id is not None and row.resource_link_id is not None


def test_the_record_keeps_the_language_the_pages_were_read_in_most(quizzes):
    site = quizzes
    browser = site.browser()
    first = launch(browser).page  # page 1 in Finnish
    assert choose_language(browser, first, "en").status_code == 303
    walk_module(browser, browser.get(browser.url(toc_links(first)[1])))  # pages 2-5 in English
    with site.app.app_context():
        row = db.session.execute(select(ModuleProgress)).scalar_one()
        assert (row.language, row.pages_seen, row.attempts_used) == ("en", 5, 0)


def _attempt_rows(app):
    with app.app_context():
        return (
            db.session.execute(select(AttemptResponse).order_by(AttemptResponse.slot))
            .scalars()
            .all()
        )


def _start(site, user=PARTICIPANT):
    browser = site.browser()
    first = launch(browser, user).page
    page = start(browser, open_quiz(browser, first))
    return browser, page, attempt_id(page)


def _slot_of(app, attempt, kind):
    layout, qs = questions(app, attempt)
    return next(slot for slot, q in enumerate(qs) if q.kind == kind)


def test_answers_are_kept_across_a_reload_and_by_autosave(quizzes):
    site = quizzes
    browser, page, attempt = _start(site)
    right = answers(site.app, attempt)
    single = _slot_of(site.app, attempt, "single")
    saved = send(browser, page, {f"q{single}": right[f"q{single}"]}, "save")
    assert saved.status_code == 303 and "saved=1" in saved.headers["Location"]
    again = browser.get(page.url)
    assert (
        f'id="q{single}-{right[f"q{single}"]}" value="{right[f"q{single}"]}" checked' in again.text
    )
    assert 'role="status"' in again.text
    # The page's script saves in the background with the same form and JSON back.
    essay = _slot_of(site.app, attempt, "essay")
    form = forms_in(again.text)[-1]
    background = browser.post(
        page.url,
        data={
            "csrf_token": form.fields["csrf_token"],
            f"q{single}": right[f"q{single}"],
            f"q{essay}": "Kysyn työvuoroista.",
            "action": "save",
        },
        headers={"Accept": "application/json"},
    )
    assert background.status_code == 200 and background.json() == {"saved": True}
    assert [r.slot for r in _attempt_rows(site.app)] == sorted([single, essay])
    assert "Kysyn työvuoroista." in browser.get(page.url).text


def test_a_number_with_a_decimal_comma_counts_and_a_non_number_is_explained(quizzes):
    site = quizzes
    browser, page, attempt = _start(site)
    numerical = _slot_of(site.app, attempt, "numerical")
    single = _slot_of(site.app, attempt, "single")
    right = answers(site.app, attempt)
    bad = send(
        browser,
        page,
        {f"q{single}": right[f"q{single}"], f"q{numerical}": "kuusikymmentä"},
        "submit",
    )
    assert bad.status_code == 422
    assert 'aria-invalid="true"' in bad.text and f'href="#q{numerical}"' in bad.text
    assert f'value="{right[f"q{single}"]}" checked' in bad.text  # the other answer is still there
    assert _attempt_rows(site.app) == []  # nothing written, nothing graded
    with site.app.app_context():
        assert db.session.get(Attempt, attempt).status == "in_progress"
    assert "," in right[f"q{numerical}"] or right[f"q{numerical}"].lstrip("-").isdigit()
    sent = send(browser, page, right, "submit")
    assert sent.status_code == 303
    with site.app.app_context():
        assert db.session.get(Attempt, attempt).score == 1.0


@pytest.mark.parametrize(
    ("tamper", "status", "reason"),
    [
        (lambda slots: {f"q{slots['single']}": "99"}, 400, "bad_choice"),
        (lambda slots: {f"q{slots['truefalse']}": "maybe"}, 400, "bad_choice"),
        (lambda slots: {f"q{slots['matching']}-0": "42"}, 400, "bad_choice"),
        (lambda slots: {"q77": "an answer to a question not shown"}, 400, "no_such_question"),
    ],
)
def test_tampered_answers_are_refused_and_nothing_is_saved(quizzes, tamper, status, reason, caplog):
    site = quizzes
    browser, page, attempt = _start(site)
    slots = {k: _slot_of(site.app, attempt, k) for k in ("single", "truefalse", "matching")}
    answer = send(browser, page, tamper(slots), "submit")
    assert answer.status_code == status
    assert f"reason={reason}" in caplog.text
    assert _attempt_rows(site.app) == []
    with site.app.app_context():
        assert db.session.get(Attempt, attempt).status == "in_progress"


def test_an_oversized_reflection_is_explained_and_an_oversized_request_refused(quizzes):
    site = quizzes
    browser, page, attempt = _start(site)
    essay = _slot_of(site.app, attempt, "essay")
    long = send(browser, page, {f"q{essay}": "sana " * 1100}, "save")
    assert long.status_code == 422 and "5000" in long.text
    huge = send(browser, page, {f"q{essay}": "x" * 300_000}, "save")
    assert huge.status_code == 413
    assert _attempt_rows(site.app) == []


def test_another_learners_attempt_is_refused(quizzes):
    site = quizzes
    browser, page, attempt = _start(site)
    other = site.browser()
    other_first = launch(other, PARTICIPANT_RU).page
    launch_base = re.search(r'href="(/l/[^/]+/)', other_first.text).group(1)
    url = other.url(f"{launch_base}attempt/{attempt}")
    assert other.get(url).status_code == 403
    assert other.get(url + "/review").status_code == 403
    csrf = forms_in(other_first.text)[0].fields["csrf_token"]
    assert other.post(url, data={"csrf_token": csrf, "action": "submit"}).status_code == 403
    assert other.get(other.url(f"{launch_base}attempt/999999")).status_code == 404
    with site.app.app_context():
        assert db.session.get(Attempt, attempt).status == "in_progress"


def test_sending_twice_grades_once_and_the_second_send_shows_the_result(quizzes):
    site = quizzes
    browser, page, attempt = _start(site)
    right = answers(site.app, attempt)
    first = send(browser, page, right, "submit")
    second = send(browser, page, answers(site.app, attempt, right=False), "submit")
    assert first.status_code == second.status_code == 303
    assert second.headers["Location"].endswith("/review")
    with site.app.app_context():
        assert db.session.get(Attempt, attempt).score == 1.0


def test_an_empty_quiz_cannot_be_started(site):
    with site.app.app_context():
        module = db.session.execute(
            select(Module).where(Module.slug == "finnish-working-life")
        ).scalar_one()
        db.session.add(Quiz(module_id=module.id))
        db.session.commit()
    browser = site.browser()
    home = open_quiz(browser, launch(browser).page)
    form = form_posting_to(home, "/start")
    answer = browser.post(browser.url(form.action), data=form.fields, allow_redirects=False)
    assert answer.status_code == 409
    assert "error-title" in answer.text
    with site.app.app_context():
        assert db.session.execute(select(Attempt)).first() is None


def test_a_failed_attempt_after_a_pass_takes_nothing_away(quizzes):
    site = quizzes
    browser = site.browser()
    pages = walk_module(browser, launch(browser).page)
    home = open_quiz(browser, pages[-1])
    page = start(browser, home)
    assert send(browser, page, answers(site.app, attempt_id(page)), "submit").status_code == 303
    page = start(browser, open_quiz(browser, pages[0]))
    failed = send(browser, page, answers(site.app, attempt_id(page), right=False), "submit")
    review = browser.get(browser.url(failed.headers["Location"]))
    assert "alert-warning" in review.text
    with site.app.app_context():
        row = db.session.execute(select(ModuleProgress)).scalar_one()
        assert (row.status, row.quiz_passed) == ("completed", True)
    home = browser.get(home.url)
    assert home.text.count("<tr>") == 3  # header and two attempts


def _trainer_settings(site, activity="101:301", **changes):
    """A trainer of the activity's course opens the quiz settings and saves them with
    ``changes``."""
    browser = site.browser()
    first = launch(browser, TRAINER, activity).page
    home = open_quiz(browser, first)
    link = re.search(r'href="([^"]+/settings)"', home.text).group(1)
    page = browser.get(browser.url(link))
    assert page.status_code == 200
    form = forms_in(page.text)[-1]
    fields = {**form.fields, **changes, "action": "save"}
    fields = {k: v for k, v in fields.items() if v is not None}
    return browser, browser.post(browser.url(link), data=fields, allow_redirects=False)


def test_a_trainer_adapts_the_quiz_for_their_course_only(quizzes):
    site = quizzes
    _, saved = _trainer_settings(
        site,
        pass_mark="100",
        attempts_allowed="1",
        review_policy="never",
        **{"band_from-0": "0", "band_text-0": "Lue sivut uudelleen ja kysy kouluttajalta."},
    )
    assert saved.status_code == 303
    with site.app.app_context():
        quiz = db.session.execute(
            select(Quiz).join(Module).where(Module.slug == "finnish-working-life")
        ).scalar_one()
        own = settings_for(
            quiz,
            db.session.execute(
                select(LtiContext.id).where(LtiContext.context_id == "101")
            ).scalar_one(),
        )
        assert (own.pass_mark, own.attempts_allowed, own.review_policy) == (100, 1, "never")
        assert settings_for(quiz, None).pass_mark == quiz.pass_mark == 60  # the package's default

    browser, page, attempt = _start(site)
    right = answers(site.app, attempt)
    single = _slot_of(site.app, attempt, "single")
    right[f"q{single}"] = answers(site.app, attempt, right=False)[f"q{single}"]
    sent = send(browser, page, right, "submit")
    review = browser.get(browser.url(sent.headers["Location"]))
    assert "Lue sivut uudelleen ja kysy kouluttajalta." in review.text
    assert "kp-review" not in review.text and "kp-feedback" not in review.text  # never
    assert "/start" not in review.text  # one attempt only
    home = browser.get(browser.url(re.search(r'href="([^"]+/quiz/[^"]+/)"', review.text).group(1)))
    refused = browser.post(
        browser.url(home.url.rstrip("/") + "/start"),
        data={"csrf_token": forms_in(page.text)[-1].fields["csrf_token"]},
        allow_redirects=False,
    )
    assert refused.status_code == 409
    with site.app.app_context():
        assert db.session.execute(select(func.count()).select_from(Attempt)).scalar_one() == 1


def test_review_after_passing_shows_the_answers_only_once_passed(quizzes):
    site = quizzes
    _trainer_settings(site, review_policy="after_passing")
    browser, page, attempt = _start(site)
    failed = send(browser, page, answers(site.app, attempt, right=False), "submit")
    review = browser.get(browser.url(failed.headers["Location"]))
    assert "kp-review" not in review.text
    page = start(browser, review)
    passed = send(browser, page, answers(site.app, attempt_id(page)), "submit")
    review = browser.get(browser.url(passed.headers["Location"]))
    assert review.text.count('class="kp-review') >= 6 and "kp-general" in review.text


def test_review_after_each_attempt_explains_each_answer(quizzes):
    site = quizzes
    browser, page, attempt = _start(site)
    wrong = send(browser, page, answers(site.app, attempt, right=False), "submit")
    review = browser.get(browser.url(wrong.headers["Location"]))
    assert review.status_code == 200
    assert 'role="status"' in review.text and "data-focus" in review.text
    assert (
        "kp-wrong" in review.text and "kp-tag-right" in review.text and "kp-feedback" in review.text
    )


def test_settings_refuse_bad_values_and_learners(quizzes):
    site = quizzes
    _, bad = _trainer_settings(site, pass_mark="150")
    assert bad.status_code == 422 and 'id="pass_mark-error"' in bad.text
    with site.app.app_context():
        assert db.session.execute(select(CourseQuizSettings)).first() is None
    browser = site.browser()
    first = launch(browser).page
    home = open_quiz(browser, first)
    assert browser.get(home.url + "settings").status_code == 403
    assert browser.get(home.url + "reflections").status_code == 403


def test_a_trainer_reads_the_groups_reflections(quizzes):
    site = quizzes
    browser, page, attempt = _start(site)
    fields = answers(site.app, attempt)
    essay = _slot_of(site.app, attempt, "essay")
    fields[f"q{essay}"] = "Kysyn esihenkilöltä <b>työvuoroista</b>."
    send(browser, page, fields, "submit")
    trainer = site.browser()
    home = open_quiz(trainer, launch(trainer, TRAINER).page)
    page = trainer.get(home.url + "reflections")
    assert page.status_code == 200
    assert "Kysyn esihenkilöltä &lt;b&gt;työvuoroista&lt;/b&gt;." in page.text


@pytest.mark.parametrize(
    ("user", "activity", "languages"),
    [
        (PARTICIPANT, WORKING_LIFE, ["fi", "fi-x-selko", "en", "ru", "uk"]),
        (EMPLOYER_MENTOR, MENTOR_COURSE, ["fi", "fi-x-selko", "en"]),
    ],
)
def test_every_shipped_quiz_can_be_taken_in_every_language(quizzes, user, activity, languages):
    """Each module's quiz, in each language of its pages: every question shows, and the
    right answers, typed as a person would (a decimal comma), score 100 %."""
    site = quizzes
    browser = site.browser()
    first = launch(browser, user, activity).page
    base = re.search(r'href="(/l/[^/]+/)programme"', first.text).group(1)
    overview = browser.get(browser.url(base + "programme"))
    modules = list(dict.fromkeys(re.findall(rf'href="{base}m/([^/"]+)/"', overview.text)))
    assert len(modules) in {6, 7}  # each programme's modules: mentors 6, participants 7
    taken = 0
    for language in languages:
        assert choose_language(browser, first, language).status_code == 303
        for module in modules:
            home = browser.get(browser.url(f"{base}quiz/{module}/"))
            assert home.status_code == 200, (module, language)
            page = start(browser, home)
            attempt = attempt_id(page)
            layout, qs = questions(site.app, attempt)
            assert 6 <= sum(q.kind != "description" for q in qs) <= 10
            assert page.text.count('<fieldset class="kp-question"') == sum(
                q.kind != "description" for q in qs
            )
            assert f'<span class="kp-qtext" lang="{html_lang(language)}">' in page.text, page.text[
                page.text.find("<legend") :
            ][:600]
            sent = send(browser, page, answers(site.app, attempt), "submit")
            assert sent.status_code == 303, (module, language, sent.text[:500])
            review = browser.get(browser.url(sent.headers["Location"]))
            assert "100 %" in review.text, (module, language)
            assert "kp-general" in review.text  # the feedback that teaches
            taken += 1
    assert taken == len(languages) * len(modules)
    with site.app.app_context():
        languages_used = set(db.session.execute(select(Attempt.language)).scalars())
        assert languages_used == set(languages)


def test_a_forged_form_token_is_refused_as_an_expired_form(quizzes, caplog):
    site = quizzes
    browser, page, attempt = _start(site)
    forged = browser.post(page.url, data={"csrf_token": "forged", "action": "submit"}, allow_redirects=False)
    assert forged.status_code == 400 and "reason=bad_form" in caplog.text
    with site.app.app_context():
        assert db.session.get(Attempt, attempt).status == "in_progress"


def test_each_module_page_tells_the_learner_where_they_are_with_its_own_quiz(quizzes):
    """The quiz line on a module page is about that module's quiz and this learner."""
    # The participant's Moodle speaks Finnish.
    NOT_TAKEN, STARTED, PASSED = "Testi: ei vielä aloitettu.", "Testi: aloitettu, ei vielä lähetetty.", "Testi: hyväksytty."
    CONTINUE = "Jatka testiä"
    site = quizzes
    browser = site.browser()
    first = launch(browser, activity="101:301").page  # finnish-working-life
    assert NOT_TAKEN in first.text
    page = start(browser, open_quiz(browser, first))
    assert STARTED in launch(browser, activity="101:301").page.text
    # Another module's page: its own quiz is untouched.
    other = launch(browser, activity="101:302").page  # job-search
    assert NOT_TAKEN in other.text and CONTINUE not in other.text
    send(browser, page, answers(site.app, attempt_id(page)), "submit")
    assert PASSED in launch(browser, activity="101:301").page.text
    assert NOT_TAKEN in launch(browser, activity="101:302").page.text
    # Another learner of the same course (their Moodle speaks Russian) has taken nothing.
    assert "Тест: ещё не начат." in launch(site.browser(), PARTICIPANT_RU, "101:301").page.text
