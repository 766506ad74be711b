"""The worker's rounds: claim the keys that are due, drain each in order, in a few threads."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

from flask import Flask, current_app

from courses.database import db
from lti_tool.grades.delivery.leases import Claimed, Score, claim, release
from lti_tool.grades.delivery.policy import RetryPolicy, lease_seconds
from lti_tool.grades.delivery.sending import Chain, send

log = logging.getLogger(__name__)


def _drain_key(head: Claimed, policy: RetryPolicy, lease: float, budget: int) -> int:
    """Deliver a claimed score and then its key's next ones; returns how many were tried."""
    tried = 0
    chain = Chain(head)
    score: Score | None = head.score
    while score is not None and tried < budget:
        tried += 1
        try:
            score = send(score, policy, lease, chain)
        except Exception:  # one bad row must not stop the others; its lease runs out
            db.session.rollback()
            log.exception("score_delivery_failed outbox=%s", score.id)
            score = None
    if score is not None:  # this round's share is done: let the next round take it
        release(score)
    return tried


def deliver_due(
    limit: int = 50, policy: RetryPolicy | None = None, threads: int | None = None
) -> int:
    """One round: claim up to ``limit`` keys whose scores are due and deliver them;
    returns how many scores were tried.

    Different learners' scores go out in parallel (``GRADE_WORKER_THREADS``, default 8):
    a score waits mostly for the platform's answer. One learner's scores stay in order.
    A key is claimed when a thread is free for it, so no thread idles while another
    finishes a long queue, and no key is leased long before its turn.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    policy = policy or RetryPolicy.from_config(app)
    lease = lease_seconds(app)
    threads = threads or int(app.config.get("GRADE_WORKER_THREADS", 8))
    if threads <= 1:
        heads = claim(limit, lease)
        return sum(_drain_key(head, policy, lease, 10 * limit) for head in heads)

    def drain(head: Claimed) -> int:
        with app.app_context():  # a session of its own
            try:
                return _drain_key(head, policy, lease, 10 * limit)
            finally:
                db.session.remove()

    tried = claimed = 0
    running: set[Future[int]] = set()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        while True:
            free = min(threads - len(running), limit - claimed)
            heads = claim(free, lease) if free > 0 else []
            db.session.remove()  # the claim's connection goes back while threads work
            claimed += len(heads)
            running.update(pool.submit(drain, head) for head in heads)
            if not running:
                return tried
            done, running = wait(running, return_when=FIRST_COMPLETED)
            tried += sum(future.result() for future in done)


def run_worker(app: Flask, stop: threading.Event, idle_seconds: float = 1.0) -> None:
    """Deliver until ``stop`` is set; sleep ``idle_seconds`` when nothing is due."""
    log.info("grade_worker_started")
    while not stop.is_set():
        with app.app_context():
            try:
                busy = deliver_due()
            except Exception:  # the database was away: wait and try again
                log.exception("grade_worker_round_failed")
                busy = 0
            finally:
                db.session.remove()
        if not busy:
            stop.wait(idle_seconds)
    log.info("grade_worker_stopped")


def start_background_worker(app: Flask, idle_seconds: float = 1.0) -> threading.Event:
    """The demo's in-process worker: a daemon thread; set the returned event to stop it."""
    stop = threading.Event()
    thread = threading.Thread(
        target=run_worker, args=(app, stop, idle_seconds), name="grade-worker", daemon=True
    )
    thread.start()
    return stop
