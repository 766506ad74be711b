"""Fault injection: make one of the platform's endpoints misbehave for the next N requests.

For the tool's tests (the platform only exists in development and test). Faults
live in the platform's storage, so one set by a test reaches every worker.

Modes: ``status500``, ``status401``, ``status409`` (that status, JSON error body);
``garbage`` (200 with a body that is not JSON); ``huge`` (200 with 2 MB of JSON); ``slow`` (wait ``seconds``, then
answer normally); ``hang`` (wait ``seconds``, default 30, then answer 503: any client
with a sane timeout has given up long before); ``lost_answer`` (scores only: store the
score and commit, then wait ``seconds`` and answer 504, as a proxy that gave up on a
Moodle which did the work: the tool cannot tell whether the score arrived).
"""

from __future__ import annotations

import time
from typing import Any

from flask import Flask, Response, current_app, jsonify, request
from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from lti_tool.devplatform import storage
from lti_tool.devplatform.storage import FaultRow
from lti_tool.devplatform.views import bp

ENDPOINTS = ("jwks", "token", "scores", "lineitems", "memberships", "configuration", "registration")
MODES = ("status500", "status401", "status409", "garbage", "huge", "slow", "hang", "lost_answer")
HUGE_BYTES = 2 * 1024 * 1024
# Modes whose request is carried out before the fault answers in its place.
AFTER_THE_WORK = frozenset({"lost_answer"})
DEFAULT_HANG_SECONDS = 30.0
MAX_SECONDS = 120.0


def _validate(endpoint: Any, mode: Any, count: Any, seconds: Any) -> str | None:
    if endpoint not in ENDPOINTS:
        return f"endpoint must be one of {', '.join(ENDPOINTS)}"
    if mode not in MODES:
        return f"mode must be one of {', '.join(MODES)}"
    if mode in AFTER_THE_WORK and endpoint != "scores":
        return f"{mode} is for the scores endpoint only"
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        return "count must be a positive integer"
    if not isinstance(seconds, (int, float)) or isinstance(seconds, bool):
        return "seconds must be a number"
    if not 0 <= seconds <= MAX_SECONDS:
        return f"seconds must be between 0 and {MAX_SECONDS:g}"
    return None


def _store(instance_path: str, endpoint: str, mode: str, count: int, seconds: float) -> None:
    with storage.session(instance_path, write=True) as db:
        db.execute(delete(FaultRow).where(FaultRow.endpoint == endpoint))
        db.add(FaultRow(endpoint=endpoint, mode=mode, remaining=count, seconds=float(seconds)))


def inject(app: Flask, endpoint: str, mode: str, count: int = 1, seconds: float = 0) -> None:
    """Make the next ``count`` requests to ``endpoint`` misbehave in ``mode``."""
    problem = _validate(endpoint, mode, count, seconds)
    if problem:
        raise ValueError(problem)
    _store(app.instance_path, endpoint, mode, count, seconds)


def clear(app: Flask) -> None:
    """Remove every injected fault."""
    with storage.session(app.instance_path, write=True) as db:
        db.execute(delete(FaultRow))


# One statement, built once: takes a fault when one is pending (this runs with every
# request, and almost always finds none).
_TAKE = text(
    "UPDATE fault SET remaining = remaining - 1 "
    "WHERE endpoint = :endpoint AND remaining > 0 RETURNING mode, seconds"
)


def take(db: Session, endpoint: str) -> tuple[str, float] | None:
    """Count the request and consume one pending fault for it, in the caller's write
    transaction (atomic across workers). Answer it with ``answer`` after the commit."""
    storage.bump(db, "requests." + endpoint)
    fault = db.execute(_TAKE, {"endpoint": endpoint}).first()
    return (fault[0], fault[1]) if fault is not None else None


def after_the_work(taken: tuple[str, float] | None) -> bool:
    """Whether the request is carried out first, and only its answer misbehaves."""
    return taken is not None and taken[0] in AFTER_THE_WORK


def _error(status: int, code: str) -> Response:
    response = jsonify(error=code, error_description="fault injected by the development platform")
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    return response


def answer(taken: tuple[str, float] | None) -> Response | None:
    """The misbehaving answer for a taken fault, or None to answer normally (after
    waiting, for ``slow``). Never called inside a transaction: it may sleep."""
    if taken is None:
        return None
    mode, seconds = taken
    if mode == "slow":
        time.sleep(seconds)
        return None
    if mode == "hang":
        time.sleep(seconds or DEFAULT_HANG_SECONDS)
        return _error(503, "temporarily_unavailable")
    if mode == "lost_answer":
        time.sleep(seconds)
        return _error(504, "gateway_timeout")
    if mode == "garbage":
        return Response("<html><body>Moodle is being upgraded", 200, mimetype="text/html")
    if mode == "huge":
        filler = (f'"{i:08d}": "{"x" * 100}", ' for i in range(HUGE_BYTES // 116))
        return Response(("{", *filler, '"end": 1}'), 200, mimetype="application/json")
    status = {"status500": 500, "status401": 401, "status409": 409}[mode]
    code = {500: "server_error", 401: "invalid_token", 409: "conflict"}[status]
    return _error(status, code)


def fault_response(endpoint: str) -> Response | None:
    """The misbehaving answer for this request, or None to answer normally."""
    with storage.session(write=True) as db:
        taken = take(db, endpoint)
    return answer(taken)


@bp.post("/faults")
def add_fault() -> tuple[Response, int]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return jsonify(error="send a JSON object"), 400
    endpoint, mode = data.get("endpoint"), data.get("mode")
    count, seconds = data.get("count", 1), data.get("seconds", 0)
    problem = _validate(endpoint, mode, count, seconds)
    if problem:
        return jsonify(error=problem), 400
    _store(current_app.instance_path, str(endpoint), str(mode), count, seconds)
    return jsonify(endpoint=endpoint, mode=mode, count=count, seconds=seconds), 201


@bp.delete("/faults")
def clear_faults() -> tuple[str, int]:
    with storage.session(write=True) as db:
        db.execute(delete(FaultRow))
    return "", 204


@bp.get("/faults")
def list_faults() -> Response:
    """Pending faults and the platform's request counters (token requests included)."""
    with storage.session() as db:
        rows = db.execute(select(FaultRow).where(FaultRow.remaining > 0)).scalars().all()
    faults = [
        {"endpoint": r.endpoint, "mode": r.mode, "remaining": r.remaining, "seconds": r.seconds}
        for r in rows
    ]
    return jsonify(faults=faults, counters=storage.counters())
