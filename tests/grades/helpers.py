"""Run the grade worker against the development platform and read both sides back."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import select

from courses.database import db
from lti_tool.devplatform import directory, storage
from lti_tool.grades.delivery import RetryPolicy, deliver_due
from lti_tool.grades.models import ScoreOutbox

FAST = RetryPolicy(base_seconds=0.0, cap_seconds=0.0, limit=5)

# A worker process with a lease of argv[1] seconds (the CLI has no option for it).
WORKER_WITH_LEASE = (
    "import sys, threading\n"
    "from lti_tool import create_app\n"
    "from lti_tool.grades.delivery import run_worker\n"
    "app = create_app({'GRADE_LEASE_SECONDS': float(sys.argv[1])})\n"
    "run_worker(app, threading.Event(), idle_seconds=0.05)\n"
)


def drain(app: Any, policy: RetryPolicy = FAST, rounds: int = 50) -> None:
    """Run worker rounds until nothing is due (retries are due at once under FAST)."""
    with app.app_context():
        for _ in range(rounds):
            if deliver_due(policy=policy) == 0:
                return
        raise AssertionError("the outbox did not drain")


def outbox(app: Any) -> list[ScoreOutbox]:
    with app.app_context():
        rows = list(db.session.execute(select(ScoreOutbox).order_by(ScoreOutbox.id)).scalars())
        db.session.expunge_all()
        return rows


def inject(app: Any, endpoint: str, mode: str, count: int = 1, seconds: float = 0.0) -> None:
    """Make the platform's endpoint misbehave for the next ``count`` requests."""
    from lti_tool.devplatform import faults  # imported once the app has its routes

    faults.inject(app, endpoint, mode, count, seconds)


def cell(app: Any, course_id: str, link_id: str, user_id: str) -> Any:
    """The platform's gradebook cell for a learner on an activity's grade item."""
    from lti_tool.devplatform.gradebook import course_grades

    with app.app_context():
        grades = course_grades(directory.course(course_id))
    return grades.cells.get((int(link_id), user_id))


def complete_module(site: Any, user: str = "2001", activity: str = "101:301", tool: str | None = None) -> Any:
    """A learner reads every page and passes the quiz, through the pages: the one score
    a module owes (FullyGraded, once it is complete) goes to the outbox."""
    from tests.learning.helpers import walk_module
    from tests.lti import launch
    from tests.quizzes.pages import answers, attempt_id, open_quiz, send, start

    browser = site.browser()
    pages = walk_module(browser, launch(browser, user, activity, tool).page)
    page = start(browser, open_quiz(browser, pages[-1]))
    submitted = send(browser, page, answers(site.app, attempt_id(page)), "submit")
    assert submitted.status_code == 303
    return browser


def newer_score(site: Any, user: str, score_given: float) -> None:
    """A newer score for the learner's latest line item, as a later attempt would give (a
    copy of their latest outbox row, waiting; only delivery is under test with it)."""
    with site.app.app_context():
        latest = db.session.execute(
            select(ScoreOutbox)
            .where(ScoreOutbox.user_sub == user)
            .order_by(ScoreOutbox.id.desc())
            .limit(1)
        ).scalar_one()
        kept = {"key", "client_pk", "user_sub", "line_item_url", "line_items_url",
                "resource_link_id", "resource_id", "label", "score_maximum",
                "activity_progress", "grading_progress", "comment"}
        db.session.add(
            ScoreOutbox(**{c: getattr(latest, c) for c in kept}, score_given=score_given)
        )
        db.session.commit()


def queued(site: Any, count: int, user: str = "2001") -> list[ScoreOutbox]:
    """``count`` scores of one learner on one activity in the outbox: the one their
    completed module owes, then newer ones (see newer_score)."""
    complete_module(site, user)
    for n in range(1, count):
        newer_score(site, user, 100.0 - n)
    return [r for r in outbox(site.app) if r.user_sub == user]


def written(app: Any) -> list[tuple[str, int]]:
    """Every score write the platform accepted, as (learner, timestamp in whole seconds)."""
    return [(h.user_id, h.timestamp_seconds) for h in storage.grade_history(app)]


def sent(rows: list[ScoreOutbox]) -> list[tuple[str, int]]:
    """What the outbox says it sent, in the same terms."""
    return [(r.user_sub, int(r.sent_at.timestamp())) for r in rows if r.sent_at is not None]


def wait_for(condition: Callable[[], bool], what: str, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


@contextmanager
def worker_process(
    site: Any, database_url: str, instance: Path, command: list[str]
) -> Iterator[subprocess.Popen[bytes]]:
    """A grade worker in a process of its own, on the site's database; killed at the end
    if it is still running."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "KOTOPAIKKA_ENV": "development",
        "KOTOPAIKKA_INSTANCE_PATH": str(instance),
        "SECRET_KEY": site.app.config["SECRET_KEY"],
        "KOTOPAIKKA_HTTP_READ_TIMEOUT": "5",
    }
    worker = subprocess.Popen(
        [sys.executable, *command], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        yield worker
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(timeout=10)
        if worker.stdout is not None:
            worker.stdout.close()
