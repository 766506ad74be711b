"""The worker's side of the outbox: claim scores, deliver them, record what happened.

Order: a score is delivered only when every earlier score with its key (the same learner
and line item) has been, so a platform that was down for hours receives them in order.
Claims are leases: several workers may run (on PostgreSQL they skip each other's rows
with ``FOR UPDATE SKIP LOCKED``), and a killed worker's lease runs out so the next one
delivers the score. Timestamps are set when a score is sent, a whole second after the
key's previous one (Moodle compares seconds and answers 409 to a timestamp that is not
newer), so a later score is never lost to an earlier one sent in the same second.

Outcomes: 2xx delivered; 409 delivered (the platform had a newer score); 400 rejected
and not retried (e.g. a teacher, who is not a gradable learner); 404 or 410 dead (the
line item is gone); anything else (5xx, 401 after a fresh token, a timeout, a malformed
answer) retried with exponential backoff until the retry limit, then dead. A coordinator
may send dead scores again (``retry_dead``).
"""

from __future__ import annotations

import functools
import json
import logging
import random
import threading
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import requests
from flask import Flask, current_app
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.exception import LtiException, LtiServiceException
from pylti1p3.lineitem import LineItem
from sqlalchemy import bindparam, exists, func, or_, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import aliased

from courses.database import db, utcnow
from lti_tool.grades.models import DEAD, DELIVERED, PENDING, REJECTED, SUPERSEDED, ScoreOutbox
from lti_tool.grades.outbox import SCOPE_SCORE
from lti_tool.registry.access_tokens import CachedTokenServiceConnector
from lti_tool.registry.tool_config import DatabaseToolConf
from lti_tool.services import services

log = logging.getLogger(__name__)

SCORE_MEDIA_TYPE = "application/vnd.ims.lis.v1.score+json"
SCOPE_LINEITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
LEASE_SECONDS = 60.0


@dataclass(frozen=True)
class RetryPolicy:
    base_seconds: float = 5.0
    cap_seconds: float = 600.0
    limit: int = 40  # about eight hours of retries at the cap

    def delay(self, attempts: int) -> timedelta:
        """Exponential, capped, with jitter so that many scores do not retry in step."""
        seconds = min(self.cap_seconds, self.base_seconds * 2 ** max(0, attempts - 1))
        return timedelta(seconds=seconds * random.uniform(0.8, 1.2))

    @classmethod
    def from_config(cls, app: Flask) -> RetryPolicy:
        return cls(
            float(app.config.get("GRADE_RETRY_BASE_SECONDS", cls.base_seconds)),
            float(app.config.get("GRADE_RETRY_CAP_SECONDS", cls.cap_seconds)),
            int(app.config.get("GRADE_RETRY_LIMIT", cls.limit)),
        )


_O = ScoreOutbox.__table__


def claim(limit: int = 50, lease_seconds: float = LEASE_SECONDS) -> list[int]:
    """Lease up to ``limit`` scores that are due and first in line for their key."""
    now = utcnow()
    lease = timedelta(seconds=lease_seconds)
    earlier = aliased(ScoreOutbox)
    due = (
        select(ScoreOutbox.id)
        .where(
            ScoreOutbox.status == PENDING,
            ScoreOutbox.next_attempt_at <= now,
            or_(ScoreOutbox.lease_until.is_(None), ScoreOutbox.lease_until < now),
            ~exists().where(
                earlier.key == ScoreOutbox.key,
                earlier.status == PENDING,
                earlier.id < ScoreOutbox.id,
            ),
        )
        .order_by(ScoreOutbox.id)
        .limit(limit)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True, of=ScoreOutbox)
    try:
        ids = list(db.session.execute(due).scalars())
        if not ids:
            db.session.rollback()
            return []
        # Conditional, so that two workers on SQLite (no row locks) cannot both take one.
        taken = db.session.execute(
            update(_O)
            .where(
                _O.c.id.in_(ids),
                _O.c.status == PENDING,
                or_(_O.c.lease_until.is_(None), _O.c.lease_until < now),
            )
            .values(lease_until=now + lease)
            .returning(_O.c.id)
        ).scalars()
        claimed = sorted(taken)
        db.session.commit()
    except OperationalError:  # SQLite: another worker wrote first; try again next round
        db.session.rollback()
        return []
    return claimed


def _scores_url(line_item_url: str) -> str:
    path, question, query = line_item_url.partition("?")
    return f"{path.rstrip('/')}/scores{question}{query}"


def _timestamp(key: str, now: datetime) -> datetime:
    """Now, or a second after the key's last score, whichever is later."""
    last = db.session.execute(
        select(ScoreOutbox.sent_at)
        .where(ScoreOutbox.key == key, ScoreOutbox.status == DELIVERED)
        .order_by(ScoreOutbox.id.desc())
        .limit(1)
    ).scalar()
    return max(now, last + timedelta(seconds=1)) if last is not None else now


def _line_item(connector: CachedTokenServiceConnector, row: _Score) -> str:
    """The line item of the activity: found by resource id, or created tied to the link."""
    claim = {"scope": [SCOPE_LINEITEM, SCOPE_SCORE], "lineitems": row.line_items_url}
    ags = AssignmentsGradesService(connector, claim)  # type: ignore[arg-type]
    wanted = (
        LineItem()
        .set_label(row.label)
        .set_score_maximum(row.score_maximum)
        .set_resource_id(row.resource_id)
        .set_resource_link_id(row.resource_link_id)
    )
    found = ags.find_or_create_lineitem(
        wanted,
        condition=lambda item: (
            item.get("resourceId") == row.resource_id
            and item.get("resourceLinkId") == row.resource_link_id
        ),
    )
    url = found.get_id()
    if not url:
        raise ValueError("the platform returned a line item without an id")
    return str(url)


_SCORE_COLUMNS = (
    _O.c.id, _O.c.key, _O.c.client_pk, _O.c.user_sub, _O.c.line_item_url, _O.c.line_items_url,
    _O.c.resource_link_id, _O.c.resource_id, _O.c.label, _O.c.score_given, _O.c.score_maximum,
    _O.c.activity_progress, _O.c.grading_progress, _O.c.comment, _O.c.status, _O.c.attempts,
)


@dataclass(frozen=True)
class _Score:
    """One outbox row as a delivery needs it: plain data, read with Core (an ORM object
    would cost a unit-of-work flush for every outcome)."""

    id: int
    key: str
    client_pk: int
    user_sub: str
    line_item_url: str | None
    line_items_url: str | None
    resource_link_id: str
    resource_id: str
    label: str
    score_given: float
    score_maximum: float
    activity_progress: str
    grading_progress: str
    comment: str
    status: str
    attempts: int


class _Chain:
    """What one run through a key's scores reuses: the platform connector, the
    timestamp of the score it delivered last, and the next score as its lease returned it."""

    def __init__(self) -> None:
        self._connectors: dict[int, CachedTokenServiceConnector | None] = {}
        self.last_sent: datetime | None = None
        self.next_score: _Score | None = None

    def connector(self, client_pk: int) -> CachedTokenServiceConnector | None:
        if client_pk not in self._connectors:
            conf = DatabaseToolConf()
            client = conf.find_client_by_pk(client_pk)
            self._connectors[client_pk] = (
                None
                if client is None
                else CachedTokenServiceConnector(
                    conf.registration_for(client), client.id, services().http
                )
            )
        return self._connectors[client_pk]

    def timestamp(self, key: str, now: datetime) -> datetime:
        if self.last_sent is None:
            return _timestamp(key, now)
        return max(now, self.last_sent + timedelta(seconds=1))

    def score(self, row_id: int) -> _Score | None:
        """The score to send: the one the last lease returned, or read by id."""
        held, self.next_score = self.next_score, None
        if held is not None and held.id == row_id:
            return held
        row = db.session.execute(_read_statement(), {"row_id": row_id}).first()
        return _Score(*row) if row is not None else None


# Built once: a reused statement keeps its compiled form and cache key.
@functools.cache
def _read_statement() -> Any:
    return select(*_SCORE_COLUMNS).where(_O.c.id == bindparam("row_id"))


@functools.cache
def _next_lease_statement() -> Any:
    """Lease a key's next pending score if it is due, returning it whole."""
    return (
        update(_O)
        .where(
            _O.c.id
            == select(_O.c.id)
            .where(_O.c.key == bindparam("of_key"), _O.c.status == PENDING, _O.c.id > bindparam("after"))
            .order_by(_O.c.id)
            .limit(1)
            .scalar_subquery(),
            _O.c.next_attempt_at <= bindparam("now"),
            or_(_O.c.lease_until.is_(None), _O.c.lease_until < bindparam("now")),
        )
        .values(lease_until=bindparam("until"))
        .returning(*_SCORE_COLUMNS)
    )


@functools.cache
def _outcome_statement() -> Any:
    """Record what became of a score (the values left as None keep what the row has)."""
    kept = {
        column: func.coalesce(bindparam(f"new_{column}", type_=_O.c[column].type), _O.c[column])
        for column in ("sent_at", "delivered_at", "next_attempt_at", "line_item_url")
    }
    return (
        update(_O)
        .where(_O.c.id == bindparam("row_id"))
        .values(
            attempts=bindparam("new_attempts"),
            status=bindparam("new_status"),
            response_status=bindparam("new_response_status", type_=_O.c.response_status.type),
            last_error=bindparam("new_last_error", type_=_O.c.last_error.type),
            lease_until=None,
            **kept,
        )
    )


def _send(
    row_id: int,
    policy: RetryPolicy,
    lease_seconds: float = LEASE_SECONDS,
    chain: _Chain | None = None,
) -> int | None:
    """Deliver one leased score. Returns the next score of its key when it is due and
    now leased to this worker too (so a learner's scores drain without new claims)."""
    chain = chain or _Chain()
    row = chain.score(row_id)
    if row is None or row.status != PENDING:
        db.session.rollback()
        return None
    connector = chain.connector(row.client_pk)
    now = utcnow()
    sent_at = chain.timestamp(row.key, now)
    payload = {
        "userId": row.user_sub,
        "scoreGiven": row.score_given,
        "scoreMaximum": row.score_maximum,
        "activityProgress": row.activity_progress,
        "gradingProgress": row.grading_progress,
        "timestamp": sent_at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    }
    if row.comment:
        payload["comment"] = row.comment
    line_item_url = row.line_item_url
    db.session.commit()  # no transaction is held while the platform answers
    status: int | None = None
    error: str | None = None
    outcome = DELIVERED
    try:
        if connector is None:
            raise LookupError("the platform registration was removed")
        if not line_item_url:
            if not row.line_items_url:
                raise LookupError("no line item and no line items endpoint")
            line_item_url = _line_item(connector, row)
        connector.make_service_request(
            [SCOPE_SCORE],
            _scores_url(line_item_url),
            is_post=True,
            data=json.dumps(payload),
            content_type=SCORE_MEDIA_TYPE,
        )
        status = 200
    except LtiServiceException as exc:
        status = exc.response.status_code if exc.response is not None else None
        body = exc.response.text[:300] if exc.response is not None else ""
        error = f"{status}: {body}"
        if status == 409:
            outcome = DELIVERED  # the platform holds a newer score: nothing is lost
        elif status == 400:
            outcome = REJECTED
        elif status in (404, 410):
            outcome = DEAD
        else:
            outcome = PENDING
    except requests.JSONDecodeError:
        status, outcome = 200, DELIVERED  # accepted; only its (optional) body was unreadable
    except (requests.RequestException, LtiException, ValueError, KeyError) as exc:
        error, outcome = f"{type(exc).__name__}: {exc}"[:300], PENDING
    except LookupError as exc:
        error, outcome = str(exc), DEAD
    attempts = row.attempts + 1
    values: dict[str, Any] = {
        "row_id": row_id, "new_attempts": attempts, "new_status": outcome,
        "new_response_status": status, "new_last_error": error, "new_sent_at": None,
        "new_delivered_at": None, "new_next_attempt_at": None, "new_line_item_url": None,
    }
    if line_item_url and not row.line_item_url:
        values["new_line_item_url"] = line_item_url
        db.session.execute(
            update(_O)
            .where(_O.c.key == row.key, _O.c.status == PENDING, _O.c.line_item_url.is_(None))
            .values(line_item_url=line_item_url)
        )
    if outcome == DELIVERED:
        values.update(new_sent_at=sent_at, new_delivered_at=utcnow())
        chain.last_sent = sent_at
    elif outcome == PENDING and attempts >= policy.limit:
        values["new_status"] = DEAD
    elif outcome == PENDING:
        values["new_next_attempt_at"] = utcnow() + policy.delay(attempts)
    db.session.execute(_outcome_statement(), values)
    final = values["new_status"]
    following = None
    if final != PENDING:  # the key's next score is first in line now: keep it
        now = utcnow()
        # The next score comes back whole, so its _send reads nothing before sending
        # (one transaction per score, not two).
        leased = db.session.execute(
            _next_lease_statement(),
            {"of_key": row.key, "after": row_id, "now": now, "until": now + timedelta(seconds=lease_seconds)},
        ).first()
        chain.next_score = _Score(*leased) if leased is not None else None
        following = leased[0] if leased is not None else None
    db.session.commit()
    log_level = logging.INFO if final == DELIVERED else logging.WARNING
    log.log(log_level, "score_%s outbox=%s status=%s error=%s", final, row_id, status, error)
    return following


def _drain_key(first: int, policy: RetryPolicy, lease: float, budget: int) -> int:
    """Deliver a claimed score and then its key's next ones; returns how many were tried."""
    tried = 0
    chain = _Chain()
    row_id: int | None = first
    while row_id is not None and tried < budget:
        tried += 1
        try:
            row_id = _send(row_id, policy, lease, chain)
        except Exception:  # one bad row must not stop the others; its lease runs out
            db.session.rollback()
            log.exception("score_delivery_failed outbox=%s", row_id)
            row_id = None
    if row_id is not None:  # this round's share is done: let the next round take it
        db.session.execute(update(_O).where(_O.c.id == row_id).values(lease_until=None))
        db.session.commit()
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
    lease = float(app.config.get("GRADE_LEASE_SECONDS", LEASE_SECONDS))
    threads = threads or int(app.config.get("GRADE_WORKER_THREADS", 8))
    if threads <= 1:
        heads = claim(limit, lease)
        return sum(_drain_key(head, policy, lease, 10 * limit) for head in heads)

    def drain(head: int) -> int:
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


def retry_dead(row_ids: list[int] | None = None) -> int:
    """Send dead scores again (all, or the given ones); a dead score whose key has had a
    newer score delivered since is superseded instead. Returns how many will be sent."""
    later = aliased(ScoreOutbox)
    query = select(ScoreOutbox).where(ScoreOutbox.status == DEAD)
    if row_ids is not None:
        query = query.where(ScoreOutbox.id.in_(row_ids))
    count = 0
    for row in db.session.execute(query).scalars():
        newer = db.session.execute(
            select(later.id).where(
                later.key == row.key, later.id > row.id, later.status == DELIVERED
            )
        ).first()
        if newer is not None:
            row.status = SUPERSEDED
            continue
        row.status, row.attempts, row.next_attempt_at = PENDING, 0, utcnow()
        row.lease_until = None
        count += 1
    db.session.commit()
    return count


def outbox_counts() -> dict[str, Any]:
    """How many scores are in each state (for coordinators and the CLI)."""
    rows = db.session.execute(
        select(ScoreOutbox.status, func.count()).group_by(ScoreOutbox.status)
    ).all()
    return {status: count for status, count in rows}
