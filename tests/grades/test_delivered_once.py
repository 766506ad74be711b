"""A score reaches the gradebook once, even when the worker that sent it never heard back.

Moodle refuses a score whose timestamp is not newer, in whole seconds, than the grade it
holds (409), and the tool counts a 409 as delivered. So a score is timestamped once, when
it is first leased, and every later send of it carries that same timestamp: if the first
send did reach the platform, the next one is refused and nothing is written twice. The
platform's grade history (Moodle's grade_grades_history) shows every accepted write.
"""

from __future__ import annotations

import signal
from datetime import timedelta

from sqlalchemy import update

from courses.database import db, utcnow
from lti_tool.grades.delivery import RetryPolicy
from lti_tool.grades.models import DEAD, DELIVERED, PENDING, ScoreOutbox
from tests.grades.helpers import (
    WORKER_WITH_LEASE,
    cell,
    complete_module,
    drain,
    inject,
    newer_score,
    outbox,
    sent,
    wait_for,
    worker_process,
    written,
)
from tests.lti import PARTICIPANT, PARTICIPANT_RU


def test_a_worker_killed_before_the_platform_answered_loses_nothing(
    quizzes, database_url, tmp_path
):
    site = quizzes
    complete_module(site)
    inject(site.app, "scores", "slow", count=1, seconds=0.9)  # slow before it stores
    command = ["-m", "lti_tool.cli", "worker", "--idle", "0.2"]
    with worker_process(site, database_url, tmp_path, command) as worker:
        wait_for(lambda: outbox(site.app)[0].lease_until is not None, "the worker's claim")
        worker.send_signal(signal.SIGKILL)  # in the middle of the slow delivery
        worker.wait(timeout=10)
    (row,) = outbox(site.app)
    assert row.status == PENDING and row.attempts == 0
    drain(site.app)  # the lease has not run out: nothing is taken from the killed worker
    assert outbox(site.app)[0].status == PENDING
    with site.app.app_context():  # a minute later
        db.session.execute(update(ScoreOutbox).values(lease_until=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    drain(site.app)
    (row,) = outbox(site.app)
    assert row.status == DELIVERED
    final = cell(site.app, "101", "301", PARTICIPANT)
    assert final is not None and final.grade == 100.0
    assert written(site.app) == sent([row])


def test_a_worker_killed_after_the_platform_took_its_scores_does_not_deliver_them_twice(
    quizzes, database_url, tmp_path
):
    """Two learners' queues, their first scores already delivered; a worker process sends
    the next score of each, the platform stores both and holds its answers, and the worker
    is killed by SIGKILL. Another worker takes them over when the lease (1 s) has run out.

    Two to three seconds: starting the worker process (1 to 2 s of imports, while
    newer scores join the queues), and the lease, which must last at least a second for a
    re-send with a new timestamp to be newer in Moodle's eyes, so that this test fails on
    a tool that stamps a score again when it sends it again."""
    site = quizzes
    learners = (PARTICIPANT, PARTICIPANT_RU)
    for user in learners:
        complete_module(site, user)
    drain(site.app)
    accepted_before = len(written(site.app))
    # The first score each worker sends of a queue is stored and its answer held (1.5 s).
    inject(site.app, "scores", "lost_answer", count=len(learners), seconds=1.5)
    with worker_process(site, database_url, tmp_path, ["-c", WORKER_WITH_LEASE, "1"]) as worker:
        for n in range(1, 4):  # while the worker starts; it may take scores as they come
            for user in learners:
                newer_score(site, user, 100.0 - n)
        wait_for(
            lambda: len(written(site.app)) == accepted_before + len(learners),
            "the platform to store the first score of each queue",
        )
        worker.send_signal(signal.SIGKILL)  # the platform took them; the worker never heard
        worker.wait(timeout=10)
    in_flight = [r for r in outbox(site.app) if r.lease_until is not None]
    assert [r.user_sub for r in in_flight] == list(learners)
    assert all(r.status == PENDING and r.attempts == 0 for r in in_flight)
    lease_end = max(r.lease_until for r in in_flight)
    wait_for(lambda: utcnow() > lease_end, "the killed worker's lease to end", seconds=5)

    drain(site.app)
    rows = outbox(site.app)
    assert {r.status for r in rows} == {DELIVERED}
    assert sorted(written(site.app)) == sorted(sent(rows))  # each score once, none twice
    again = {r.id: r for r in rows}
    assert [again[r.id].response_status for r in in_flight] == [409, 409]  # sent again, refused
    assert [again[r.id].sent_at for r in in_flight] == [r.sent_at for r in in_flight]
    for user in learners:
        queue = [r for r in rows if r.user_sub == user]
        assert len(queue) == 4  # the completed module's, the one in flight, and later ones
        # After the score sent again with its old timestamp, the next ones are newer
        # still: none is lost to a 409, and the gradebook ends with the last.
        seconds = [int(r.sent_at.timestamp()) for r in queue]
        assert all(b > a for a, b in zip(seconds, seconds[1:], strict=False)), seconds
        others = [r.response_status for r in queue if r.id not in {f.id for f in in_flight}]
        assert others == [200] * (len(queue) - 1)
        final = cell(site.app, "101", "301", user)
        assert (final.grade, final.timestamp) == (
            queue[-1].score_given,
            queue[-1].sent_at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        )


def test_a_score_whose_answer_was_lost_is_sent_again_with_its_timestamp(quizzes):
    """The platform stores the score and answers after the tool's read timeout (1 s in
    tests); the retry follows at once. About 1.1 s: the retry must come more than a
    second after the first send for a new timestamp to be accepted as newer."""
    site = quizzes
    complete_module(site)
    inject(site.app, "scores", "lost_answer", seconds=1.05)
    drain(site.app)
    (row,) = outbox(site.app)
    assert (row.status, row.attempts, row.response_status) == (DELIVERED, 2, 409)
    assert written(site.app) == sent([row])


def test_a_score_after_one_that_died_on_the_way_still_reaches_the_gradebook(quizzes):
    """A score the platform stored although the tool heard only an error (and then gave up
    on it) is in the gradebook: the key's next score must be newer than it, not only newer
    than the last one the tool saw delivered."""
    site = quizzes
    complete_module(site)
    drain(site.app)
    with site.app.app_context():  # as after a burst: the queue's timestamps ran ahead
        db.session.execute(
            update(ScoreOutbox).values(sent_at=utcnow() + timedelta(seconds=5))
        )
        db.session.commit()
    newer_score(site, PARTICIPANT, 90.0)
    inject(site.app, "scores", "lost_answer")  # stored, then a 504
    drain(site.app, RetryPolicy(base_seconds=0, cap_seconds=0, limit=1))
    assert outbox(site.app)[-1].status == DEAD
    newer_score(site, PARTICIPANT, 80.0)
    drain(site.app)
    rows = outbox(site.app)
    assert [r.status for r in rows] == [DELIVERED, DEAD, DELIVERED]
    assert rows[-1].response_status == 200
    assert rows[-1].sent_at >= rows[1].sent_at + timedelta(seconds=1)
    assert written(site.app)[1:] == sent(rows)[1:]  # the first was written at its own time
    assert cell(site.app, "101", "301", PARTICIPANT).grade == 80.0
