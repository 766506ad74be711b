"""The follow-up pages through real launches: replies, the export, exceptions, and who
may open them."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select

from courses.database import db
from lti_tool.identity.models import LtiUser, Membership
from quizzes.models import LearnerException, ReflectionReply
from tests.browser import forms_in
from tests.followup.helpers import (
    REFLECTION,
    launch_base,
    limit_attempts,
    send_reflection,
    trainer_quiz_home,
    user_pk,
)
from tests.lti import (
    EMPLOYER_MENTOR,
    MENTOR_COURSE,
    PARTICIPANT,
    PARTICIPANT_RU,
    launch,
)
from tests.quizzes.pages import form_posting_to, open_quiz


def _reply(trainer, page, text):
    form = form_posting_to(page, "/reflections/reply")
    return trainer.post(
        trainer.url(form.action), data={**form.fields, "text": text}, allow_redirects=False
    )


def test_a_trainer_replies_and_the_learner_sees_it_on_the_next_visit(quizzes):
    site = quizzes
    send_reflection(site)
    trainer, home = trainer_quiz_home(site)
    page = trainer.get(home.url + "reflections")
    assert page.status_code == 200 and REFLECTION in page.text
    assert _reply(trainer, page, "Hyvä kysymys!").status_code == 303
    page = trainer.get(home.url + "reflections")
    assert "Hyvä kysymys!" in page.text
    assert _reply(trainer, page, "Hyvä kysymys! Kysy myös lomista.").status_code == 303
    page = trainer.get(home.url + "reflections")
    assert "Vastauksen aiemmat versiot" in page.text  # earlier versions of the reply
    with site.app.app_context():
        assert db.session.execute(select(func.count()).select_from(ReflectionReply)).scalar() == 2
    # The learner's next visit: a notice on the module page, the reply on the quiz page.
    learner = site.browser()
    module_page = launch(learner).page
    assert "kp-reply-notice" in module_page.text
    quiz_home = open_quiz(learner, module_page)
    assert "Hyvä kysymys! Kysy myös lomista." in quiz_home.text
    assert "Hyvä kysymys!" in quiz_home.text
    again = launch(site.browser()).page
    assert "kp-reply-notice" not in again.text  # seen
    assert "oppija on nähnyt" in trainer.get(home.url + "reflections").text  # seen


def test_a_bad_reply_is_refused_with_nothing_written(quizzes):
    site = quizzes
    send_reflection(site)
    trainer, home = trainer_quiz_home(site)
    page = trainer.get(home.url + "reflections")
    assert _reply(trainer, page, "x" * 2001).status_code == 400
    assert _reply(trainer, page, "   ").status_code == 400
    form = form_posting_to(page, "/reflections/reply")
    url = trainer.url(form.action)
    no_csrf = {**form.fields, "csrf_token": "forged", "text": "Hei"}
    assert trainer.post(url, data=no_csrf, allow_redirects=False).status_code == 400
    wrong_slot = {**form.fields, "slot": "999", "text": "Hei"}
    assert trainer.post(url, data=wrong_slot, allow_redirects=False).status_code == 404
    with site.app.app_context():
        assert db.session.execute(select(func.count()).select_from(ReflectionReply)).scalar() == 0


def test_the_export_is_a_csv_for_excel_with_formula_safe_cells(quizzes):
    site = quizzes
    send_reflection(site, text='=HYPERLINK("http://example.invalid")')
    trainer, home = trainer_quiz_home(site)
    page = trainer.get(home.url + "reflections")
    _reply(trainer, page, "+ hyvä")
    answer = trainer.get(trainer.url(launch_base(home) + "reflections/export.csv"))
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/csv")
    assert answer.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows[0]) == 10 and len(rows) == 2
    assert rows[1][6].startswith("'=") and rows[1][7] == "'+ hyvä"
    learner = site.browser()
    first = launch(learner).page
    refused = learner.get(learner.url(launch_base(first) + "reflections/export.csv"))
    assert refused.status_code == 403


def _exceptions_url(browser, page, learner_id):
    return browser.url(f"{launch_base(page)}group/learner/{learner_id}/exceptions")


def _post(browser, page, **fields):
    form = next(f for f in forms_in(page.text) if f.fields.get("action") == fields["action"])
    return browser.post(page.url, data={**form.fields, **fields}, allow_redirects=False)


def test_extra_attempts_and_a_confirmed_reset(quizzes):
    site = quizzes
    _learner, _ = send_reflection(site)
    limit_attempts(site.app, 1)
    trainer, home = trainer_quiz_home(site)
    learner_id = user_pk(site.app, PARTICIPANT)
    page = trainer.get(_exceptions_url(trainer, home, learner_id))
    assert page.status_code == 200
    assert _post(trainer, page, action="extra", count="11").status_code == 400
    assert _post(trainer, page, action="extra", module="nope", count="1").status_code == 400
    saved = _post(trainer, page, action="extra", module="finnish-working-life", count="1")
    assert saved.status_code == 303
    page = trainer.get(_exceptions_url(trainer, home, learner_id))
    asked = _post(trainer, page, action="reset", module="finnish-working-life", note="uusi alku")
    assert asked.status_code == 200 and 'name="confirm" value="yes"' in asked.text
    with site.app.app_context():
        assert db.session.execute(select(func.count()).select_from(LearnerException)).scalar() == 1
    confirm = form_posting_to(asked, "/exceptions")
    done = trainer.post(trainer.url(confirm.action), data=confirm.fields, allow_redirects=False)
    assert done.status_code == 303
    page = trainer.get(_exceptions_url(trainer, home, learner_id))
    assert "uusi alku" in page.text and "ennen nollausta" in page.text  # before the reset
    with site.app.app_context():
        kinds = db.session.execute(select(LearnerException.kind).order_by(LearnerException.id))
        assert list(kinds.scalars()) == ["extra_attempts", "reset"]


def test_the_exceptions_page_access_matrix(quizzes):
    site = quizzes
    send_reflection(site)
    launch(site.browser(), EMPLOYER_MENTOR, MENTOR_COURSE)  # a learner of another course
    trainer, home = trainer_quiz_home(site)
    mine = user_pk(site.app, PARTICIPANT)
    assert trainer.get(_exceptions_url(trainer, home, mine)).status_code == 200
    other_course = user_pk(site.app, EMPLOYER_MENTOR)
    assert trainer.get(_exceptions_url(trainer, home, other_course)).status_code == 404
    assert trainer.get(_exceptions_url(trainer, home, 999999)).status_code == 404
    # Another platform's user, even with a membership row in this course, is not found.
    with site.app.app_context():
        from lti_tool.registry.models import Platform

        other = Platform(
            issuer="https://other.example.invalid",
            name="Other",
            auth_login_url="https://other.example.invalid/a",
            auth_token_url="https://other.example.invalid/t",
            key_set_url="https://other.example.invalid/k",
        )
        db.session.add(other)
        db.session.flush()
        stranger = LtiUser(platform_id=other.id, sub=PARTICIPANT)
        db.session.add(stranger)
        db.session.flush()
        context_pk = db.session.execute(
            select(Membership.context_pk).where(Membership.user_pk == mine)
        ).scalar_one()
        db.session.add(Membership(user_pk=stranger.id, context_pk=context_pk, is_learner=True))
        db.session.commit()
        stranger_id = stranger.id
    assert trainer.get(_exceptions_url(trainer, home, stranger_id)).status_code == 404
    learner = site.browser()
    first = launch(learner, PARTICIPANT_RU).page
    assert learner.get(_exceptions_url(learner, first, mine)).status_code == 403
    assert learner.get(
        first.url.rsplit("/m/", 1)[0] + "/quiz/finnish-working-life/reflections"
    ).status_code in {403, 404}
    forged = {
        "csrf_token": "forged",
        "action": "extra",
        "module": "finnish-working-life",
        "count": "1",
    }
    answer = trainer.post(_exceptions_url(trainer, home, mine), data=forged, allow_redirects=False)
    assert answer.status_code == 400
    with site.app.app_context():
        assert db.session.execute(select(func.count()).select_from(LearnerException)).scalar() == 0


@pytest.mark.parametrize("user", [PARTICIPANT])
def test_the_learner_path_honours_extra_attempts(quizzes, user):
    site = quizzes
    learner, _ = send_reflection(site)
    limit_attempts(site.app, 1)
    first = launch(learner).page
    home = open_quiz(learner, first)
    assert 'action="' + launch_base(home) + 'quiz/finnish-working-life/start"' not in home.text
    trainer, thome = trainer_quiz_home(site)
    page = trainer.get(_exceptions_url(trainer, thome, user_pk(site.app, user)))
    _post(trainer, page, action="extra", module="finnish-working-life", count="1")
    home = open_quiz(learner, launch(learner).page)
    form = form_posting_to(home, "/start")
    started = learner.post(learner.url(form.action), data=form.fields, allow_redirects=False)
    assert started.status_code == 303
