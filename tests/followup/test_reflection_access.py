"""Who may read and answer a course's reflections (issue 17: "each reads only the trainer's
own course, tested as a matrix"): the reflections page, the reply POST and the CSV export,
as the trainer of the course, the trainer of another course of the same Moodle, a trainer
of another Moodle, learners, and the coordinator (Moodle's site administrator).

The coordinator is treated as every other trainer page treats an Administrator (the group
overview, its charts, the exceptions page): as a trainer of the course they launched from,
whether or not Moodle also enrols them there, and of that course only. Reflections are a
learner's own words to their trainer; a Moodle-wide view of them is not what the
coordinator's reports are for (the summary report has numbers, no texts)."""

from __future__ import annotations

import csv
import io
import re

from sqlalchemy import func, select, update

from courses.database import db
from lti_tool.devplatform.directory import INSTITUTION, SYSTEM
from lti_tool.identity.models import LtiContext, LtiUser, ResourceLink
from lti_tool.registry.services import PlatformSpec, add_platform
from quizzes.models import ReflectionReply
from tests.followup.helpers import REFLECTION, launch_base, send_reflection
from tests.lti import (
    COORDINATOR,
    LTI_CLAIM,
    PARTICIPANT,
    PARTICIPANT_RU,
    TRAINER,
    WORKING_LIFE,
    WORKING_LIFE_AUTUMN,
    launch,
    pending_launch,
    sign_as_platform,
)
from tests.quizzes.pages import form_posting_to, open_quiz

QUIZ = "quiz/finnish-working-life/"


def _launched(site, user, activity=WORKING_LIFE):
    browser = site.browser()
    return browser, site.url + launch_base(launch(browser, user, activity).page)


def _as_administrator_only(site, activity=WORKING_LIFE):
    """The coordinator with Moodle's Administrator roles and no role in the course."""
    browser = site.browser()
    pending = pending_launch(browser, COORDINATOR, activity)
    claims = pending.claims(
        **{LTI_CLAIM + "roles": [INSTITUTION + "Administrator", SYSTEM + "Administrator"]}
    )
    answer = pending.post(sign_as_platform(site.app, claims))
    assert answer.status_code == 200, answer.text
    return browser, site.url + answer.headers["Content-Location"]


def _export_rows(browser, base):
    answer = browser.get(base + "reflections/export.csv", allow_redirects=False)
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig")), delimiter=";"))


def _reply(browser, base, fields, text):
    return browser.post(
        base + QUIZ + "reflections/reply", data={**fields, "text": text}, allow_redirects=False
    )


def _replies(site) -> int:
    with site.app.app_context():
        return db.session.execute(select(func.count()).select_from(ReflectionReply)).scalar()


def _the_courses_reply_form(site):
    """The trainer of course 101 opens the page: the learner's reflection with a reply
    form; the form's fields (its attempt and slot) are what the others try to post."""
    trainer, base = _launched(site, TRAINER)
    page = trainer.get(base + QUIZ + "reflections")
    assert page.status_code == 200 and REFLECTION in page.text
    return trainer, base, form_posting_to(page, "/reflections/reply").fields


def _none_of_it_and_nothing_written(site, browser, base, fields):
    """Their own (empty) reflections page; the reply to course 101's reflection refused
    as if it did not exist; nothing written."""
    # The post carries a valid token of its own launch: only the reflection is not theirs.
    own = {**fields, "csrf_token": launch_csrf(browser, base)}
    before = site.row_counts()
    page = browser.get(base + QUIZ + "reflections", allow_redirects=False)
    assert page.status_code == 200 and REFLECTION not in page.text
    answer = _reply(browser, base, own, "Ei kuulu minulle.")
    assert answer.status_code == 404 and "<code>no_such_reflection</code>" in answer.text
    assert site.row_counts() == before, "a refused request wrote to the database"


def launch_csrf(browser, base) -> str:
    """The launch's form token, from its landing page (the language form)."""
    return re.search(r'name="csrf_token" value="([^"]+)"', browser.get(base).text).group(1)


def test_the_courses_trainer_and_its_coordinator_read_reply_and_export(quizzes):
    site = quizzes
    send_reflection(site)
    trainer, base, fields = _the_courses_reply_form(site)
    assert _reply(trainer, base, fields, "Hyvä kysymys!").status_code == 303
    rows = _export_rows(trainer, base)
    assert len(rows) == 2 and REFLECTION in rows[1] and "Hyvä kysymys!" in rows[1]
    # The coordinator launching in course 101, as Moodle enrols them (Instructor and
    # Administrator), and with Administrator roles only: a trainer of this course.
    for text, (coordinator, coordinator_base) in (
        ("Hyvä kysymys! Kysy myös lomista.", _launched(site, COORDINATOR)),
        ("Hyvä kysymys! Kysy myös vuoroista.", _as_administrator_only(site)),
    ):
        page = coordinator.get(coordinator_base + QUIZ + "reflections")
        assert page.status_code == 200 and REFLECTION in page.text and "Hyvä kysymys!" in page.text
        own = form_posting_to(page, "/reflections/reply").fields
        assert _reply(coordinator, coordinator_base, own, text).status_code == 303
        assert text in _export_rows(coordinator, coordinator_base)[1]
    assert _replies(site) == 3  # each edit kept


def test_another_course_of_the_same_moodle_gets_nothing_of_it(quizzes):
    site = quizzes
    send_reflection(site)
    _trainer, _base, fields = _the_courses_reply_form(site)
    # The same trainer, and the coordinator, in course 103 (the same module and quiz).
    for user in (TRAINER, COORDINATOR):
        browser, base = _launched(site, user, WORKING_LIFE_AUTUMN)
        _none_of_it_and_nothing_written(site, browser, base, fields)
        assert _export_rows(browser, base) == [_export_rows(browser, base)[0]]  # a header only
    assert _replies(site) == 0


def test_a_trainer_of_another_moodle_gets_nothing_of_it(quizzes):
    """The course's records move to another Moodle whose course and activity have the
    same ids (101, 301): the development platform's trainer of its own course 101 then
    finds nothing of them, not even by posting the reflection's attempt and slot."""
    site = quizzes
    send_reflection(site)
    _trainer, _base, fields = _the_courses_reply_form(site)
    with site.app.app_context():
        client, _ = add_platform(
            PlatformSpec(
                "https://moodle.other.example", "other", "1", "https://moodle.other.example/a",
                "https://moodle.other.example/t", "https://moodle.other.example/k",
            )
        )  # fmt: skip
        other = client.platform_id
        context = db.session.execute(
            select(LtiContext).where(LtiContext.context_id == "101")
        ).scalar_one()
        db.session.execute(
            update(ResourceLink)
            .where(ResourceLink.context_pk == context.id)
            .values(platform_id=other)
        )
        db.session.execute(
            update(LtiUser).where(LtiUser.sub == PARTICIPANT).values(platform_id=other)
        )
        context.platform_id = other
        db.session.commit()
    for user in (TRAINER, COORDINATOR):
        browser, base = _launched(site, user)
        _none_of_it_and_nothing_written(site, browser, base, fields)
        assert len(_export_rows(browser, base)) == 1
    assert _replies(site) == 0


def test_learners_are_refused_everything(quizzes):
    site = quizzes
    send_reflection(site)
    _trainer, _base, fields = _the_courses_reply_form(site)
    # The reflection's own author and another learner of the course.
    for user in (PARTICIPANT, PARTICIPANT_RU):
        browser, base = _launched(site, user)
        open_quiz(browser, browser.get(base))  # a learner's quiz page opens as usual
        own = {**fields, "csrf_token": launch_csrf(browser, base)}
        before = site.row_counts()
        assert browser.get(base + QUIZ + "reflections").status_code == 403
        answer = _reply(browser, base, own, "Vastaan itse.")
        assert answer.status_code == 403 and "<code>trainers_only</code>" in answer.text
        export = browser.get(base + "reflections/export.csv")
        assert export.status_code == 403 and REFLECTION not in export.text
        assert site.row_counts() == before
    assert _replies(site) == 0
