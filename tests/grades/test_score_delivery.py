"""Scores reach the platform's gradebook through the outbox: in order, once, whatever fails.

Every test drives real launches into the development platform (Moodle 4.5's AGS rules),
runs the grade worker's rounds in this process against the platform's HTTP endpoints,
and asserts the gradebook's final state, not only the calls made.
"""

from __future__ import annotations

import re
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from courses.database import db, utcnow
from lti_tool.devplatform import storage
from lti_tool.grades.delivery import RetryPolicy, deliver_due, retry_dead
from lti_tool.grades.models import DEAD, DELIVERED, PENDING, REJECTED, SUPERSEDED, ScoreOutbox
from tests.grades.helpers import (
    cell,
    complete_module,
    drain,
    inject,
    newer_score,
    outbox,
    queued,
    sent,
    written,
)
from tests.lti import EMPLOYER_MENTOR, MENTOR_COURSE, PARTICIPANT, TRAINER, launch


def test_a_participant_and_a_mentor_complete_a_module_and_the_gradebook_shows_it(quizzes):
    site = quizzes
    complete_module(site)
    complete_module(site, EMPLOYER_MENTOR, MENTOR_COURSE)
    rows = outbox(site.app)
    # One score each, once the module is complete: Moodle keeps no other kind (an empty
    # grade), so reading the pages owed the gradebook nothing.
    assert sorted(r.user_sub for r in rows) == sorted([PARTICIPANT, EMPLOYER_MENTOR])
    assert {(r.activity_progress, r.grading_progress) for r in rows} == {("Completed", "FullyGraded")}
    assert all(r.status == PENDING for r in rows)  # nothing was sent during the requests
    drain(site.app)
    assert {r.status for r in outbox(site.app)} == {DELIVERED}
    for course, link, user in (("101", "301", PARTICIPANT), ("102", "311", EMPLOYER_MENTOR)):
        final = cell(site.app, course, link, user)
        assert final is not None, (course, user)
        assert (final.activity_progress, final.grading_progress) == ("Completed", "FullyGraded")
        assert final.grade == 100.0 and final.score_maximum == 100.0
        # In the learner's language (both use Finnish): every page, the quiz, completed.
        assert re.fullmatch(
            r"Sivuja luettu: (\d+)/\1\. Testi: 100 %\. Moduuli on suoritettu\.", final.comment or ""
        ), final.comment


def test_scores_are_sent_in_order_with_strictly_increasing_timestamps(quizzes):
    site = quizzes
    queued(site, 4)
    drain(site.app)
    rows = outbox(site.app)
    sent = [r.sent_at for r in rows]
    assert sent == sorted(sent)
    assert all(b - a >= timedelta(seconds=1) for a, b in zip(sent, sent[1:], strict=False))
    assert all(r.response_status == 200 for r in rows)  # no 409: each was newer by a second


def test_the_platform_down_for_a_while_gets_every_score_in_order(quizzes):
    site = quizzes
    inject(site.app, "scores", "status500", count=4)
    queued(site, 3)
    with site.app.app_context():
        deliver_due(policy=RetryPolicy(base_seconds=3600, cap_seconds=3600, limit=5))
    first, *rest = outbox(site.app)
    assert first.status == PENDING and first.attempts == 1 and first.next_attempt_at > utcnow()
    assert all(r.attempts == 0 for r in rest)  # later scores wait for the first: order
    # The first score's timestamp was fixed before it was sent, and is kept for its
    # retries; the others get theirs when their turn comes.
    assert first.sent_at is not None and all(r.sent_at is None for r in rest)
    with site.app.app_context():  # time passes
        db.session.execute(update(ScoreOutbox).values(next_attempt_at=utcnow()))
        db.session.commit()
    drain(site.app)
    rows = outbox(site.app)
    assert {r.status for r in rows} == {DELIVERED}
    assert rows[0].sent_at == first.sent_at and rows[0].attempts == 5
    assert [r.sent_at for r in rows] == sorted(r.sent_at for r in rows)
    assert written(site.app) == sent(rows)  # what the platform took, each once
    final = cell(site.app, "101", "301", PARTICIPANT)
    assert (final.activity_progress, final.grading_progress, final.grade) == (
        "Completed",
        "FullyGraded",
        98.0,  # the last of the three
    )


def test_a_409_for_an_older_score_counts_as_delivered(quizzes):
    site = quizzes
    complete_module(site)
    inject(site.app, "scores", "status409", count=1)
    drain(site.app)
    (row,) = outbox(site.app)
    assert (row.status, row.response_status, row.attempts) == (DELIVERED, 409, 1)


def test_a_score_for_a_teacher_is_rejected_once_and_not_retried(quizzes):
    site = quizzes
    complete_module(site)
    with site.app.app_context():
        learner = db.session.execute(select(ScoreOutbox)).scalar_one()
        db.session.add(
            ScoreOutbox(
                **{
                    c.name: getattr(learner, c.name)
                    for c in ScoreOutbox.__table__.columns
                    if c.name not in {"id", "user_sub", "key"}
                },
                user_sub=TRAINER,
                key="teacher-key",
            )
        )
        db.session.commit()
    drain(site.app)
    statuses = {r.user_sub: (r.status, r.response_status, r.attempts) for r in outbox(site.app)}
    assert statuses[TRAINER] == (REJECTED, 400, 1)
    assert statuses[PARTICIPANT] == (DELIVERED, 200, 1)
    drain(site.app)
    assert {r.user_sub: r.attempts for r in outbox(site.app)}[TRAINER] == 1


@pytest.mark.parametrize(
    ("endpoint", "mode", "seconds"),
    [
        ("scores", "status500", 0),
        ("scores", "hang", 3),  # longer than the tool's read timeout (1 s in tests)
        ("token", "garbage", 0),  # a token response that is not JSON
        ("token", "status500", 0),
        ("scores", "status401", 0),  # a revoked token: a fresh one, then the score
        ("scores", "slow", 0.3),
    ],
)
def test_faults_delay_a_score_but_never_lose_it(quizzes, endpoint, mode, seconds):
    site = quizzes
    complete_module(site)
    inject(site.app, endpoint, mode, count=1, seconds=seconds)
    drain(site.app)
    (row,) = outbox(site.app)
    assert row.status == DELIVERED
    final = cell(site.app, "101", "301", PARTICIPANT)
    assert final is not None and final.grade == 100.0


def test_the_retry_limit_ends_in_the_dead_letter_state_and_a_coordinator_retries(quizzes):
    site = quizzes
    complete_module(site)
    inject(site.app, "scores", "status500", count=5)
    drain(site.app, RetryPolicy(base_seconds=0, cap_seconds=0, limit=3))
    (dead,) = outbox(site.app)
    assert (dead.status, dead.attempts, dead.response_status) == (DEAD, 3, 500)
    assert cell(site.app, "101", "301", PARTICIPANT) is None
    with site.app.app_context():
        assert retry_dead() == 1
    drain(site.app)
    (row,) = outbox(site.app)
    assert row.status == DELIVERED and cell(site.app, "101", "301", PARTICIPANT) is not None
    assert row.sent_at == dead.sent_at  # sent again as it was first sent


def test_a_dead_score_replaced_by_a_newer_one_is_superseded_not_resent(quizzes):
    site = quizzes
    complete_module(site)
    inject(site.app, "scores", "status500", count=3)
    drain(site.app, RetryPolicy(base_seconds=0, cap_seconds=0, limit=3))
    newer_score(site, PARTICIPANT, 99.0)  # delivered now that the platform is back
    drain(site.app)
    with site.app.app_context():
        assert retry_dead() == 0
    rows = outbox(site.app)
    assert rows[0].status == SUPERSEDED and {r.status for r in rows[1:]} == {DELIVERED}


def test_tokens_are_reused_across_scores(quizzes):
    site = quizzes
    before = storage.counter(site.app, "token_requests")
    queued(site, 6)
    drain(site.app)
    assert len(outbox(site.app)) == 6
    assert storage.counter(site.app, "token_requests") - before == 1


def test_several_workers_deliver_each_score_exactly_once(quizzes):
    site = quizzes
    for user in (PARTICIPANT, "2002"):
        queued(site, 5, user)
    before = storage.counter(site.app, "requests.scores")
    errors = []

    def work():
        try:
            drain(site.app)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    rows = outbox(site.app)
    assert {r.status for r in rows} == {DELIVERED}
    assert all(r.attempts == 1 for r in rows)
    assert storage.counter(site.app, "requests.scores") - before == len(rows)


def test_a_coordinator_sees_given_up_scores_and_sends_them_again(quizzes):
    from tests.browser import forms_in
    from tests.lti import COORDINATOR

    site = quizzes
    complete_module(site)
    inject(site.app, "scores", "status500", count=3)
    drain(site.app, RetryPolicy(base_seconds=0, cap_seconds=0, limit=3))
    browser = site.browser()
    first = launch(browser, COORDINATOR).page
    base = re.search(r'href="(/l/[^/]+/)programme"', first.text).group(1)
    page = browser.get(browser.url(base + "grades"))
    assert page.status_code == 200 and PARTICIPANT in page.text and "500" in page.text
    form = forms_in(page.text)[-1]
    sent = browser.post(browser.url(base + "grades"), data=form.fields, allow_redirects=False)
    assert sent.status_code == 303 and "sent=1" in sent.headers["Location"]
    drain(site.app)
    assert {r.status for r in outbox(site.app)} == {DELIVERED}
    trainer = site.browser()
    trainer_base = re.search(
        r'href="(/l/[^/]+/)programme"', launch(trainer, TRAINER).page.text
    ).group(1)
    assert trainer.get(trainer.url(trainer_base + "grades")).status_code == 403


def test_the_demos_background_worker_delivers_without_being_asked(quizzes):
    from lti_tool.grades.delivery import start_background_worker

    site = quizzes
    stop = start_background_worker(site.app, idle_seconds=0.05)
    try:
        complete_module(site)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and outbox(site.app)[0].status != DELIVERED:
            time.sleep(0.05)
    finally:
        stop.set()
        for thread in threading.enumerate():
            if thread.name == "grade-worker":
                thread.join(timeout=10)  # nothing of it runs into the next test
    assert outbox(site.app)[0].status == DELIVERED
    assert cell(site.app, "101", "301", PARTICIPANT).grade == 100.0
