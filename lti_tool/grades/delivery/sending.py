"""Send one leased score to its platform and record what became of it.

Outcomes: 2xx delivered; 409 delivered (the platform had a newer score); 400 rejected
and not retried (e.g. a teacher, who is not a gradable learner); 404 or 410 dead (the
line item is gone); anything else (5xx, 401 after a fresh token, a timeout, a malformed
answer) retried with exponential backoff until the retry limit, then dead.
"""

from __future__ import annotations

import functools
import json
import logging
from datetime import datetime
from typing import Any

import requests
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.exception import LtiException, LtiServiceException
from pylti1p3.lineitem import LineItem
from sqlalchemy import bindparam, func, update

from courses.database import db, utcnow
from lti_tool.grades.delivery.leases import Claimed, Score, lease_next
from lti_tool.grades.delivery.policy import RetryPolicy
from lti_tool.grades.models import DEAD, DELIVERED, PENDING, REJECTED, ScoreOutbox
from lti_tool.grades.outbox import SCOPE_SCORE
from lti_tool.registry.access_tokens import CachedTokenServiceConnector
from lti_tool.registry.tool_config import DatabaseToolConf
from lti_tool.services import services

log = logging.getLogger(__name__)

SCORE_MEDIA_TYPE = "application/vnd.ims.lis.v1.score+json"
SCOPE_LINEITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"

_O = ScoreOutbox.__table__


class Chain:
    """What one run through a key's scores reuses: the platform connector, and the latest
    timestamp fixed for the key (the next score's is a second later, or now)."""

    def __init__(self, head: Claimed) -> None:
        self._connectors: dict[int, CachedTokenServiceConnector | None] = {}
        self.key_latest = head.key_latest

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


def scores_url(line_item_url: str) -> str:
    path, question, query = line_item_url.partition("?")
    return f"{path.rstrip('/')}/scores{question}{query}"


def _line_item(connector: CachedTokenServiceConnector, row: Score) -> str:
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


def _payload(row: Score, timestamp: datetime) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "userId": row.user_sub,
        "scoreGiven": row.score_given,
        "scoreMaximum": row.score_maximum,
        "activityProgress": row.activity_progress,
        "gradingProgress": row.grading_progress,
        "timestamp": timestamp.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    }
    if row.comment:
        payload["comment"] = row.comment
    return payload


def _post(
    connector: CachedTokenServiceConnector | None, row: Score, payload: dict[str, Any]
) -> tuple[str, int | None, str | None, str | None]:
    """POST the score; returns the outcome, the platform's status, the error and the line
    item it went to (found or created when the launch named none)."""
    line_item_url = row.line_item_url
    try:
        if connector is None:
            raise LookupError("the platform registration was removed")
        if not line_item_url:
            if not row.line_items_url:
                raise LookupError("no line item and no line items endpoint")
            line_item_url = _line_item(connector, row)
        connector.make_service_request(
            [SCOPE_SCORE],
            scores_url(line_item_url),
            is_post=True,
            data=json.dumps(payload),
            content_type=SCORE_MEDIA_TYPE,
        )
    except LtiServiceException as exc:
        status = exc.response.status_code if exc.response is not None else None
        body = exc.response.text[:300] if exc.response is not None else ""
        outcome = {
            409: DELIVERED,  # the platform holds a newer score: nothing is lost
            400: REJECTED,
            404: DEAD,
            410: DEAD,
        }.get(status or 0, PENDING)
        return outcome, status, f"{status}: {body}", line_item_url
    except requests.JSONDecodeError:  # accepted; only its (optional) body was unreadable
        return DELIVERED, 200, None, line_item_url
    except (requests.RequestException, LtiException, ValueError, KeyError) as exc:
        return PENDING, None, f"{type(exc).__name__}: {exc}"[:300], line_item_url
    except LookupError as exc:
        return DEAD, None, str(exc), line_item_url
    return DELIVERED, 200, None, line_item_url


@functools.cache  # built once: a reused statement keeps its compiled form and cache key
def _outcome_statement() -> Any:
    """Record what became of a score (the values left as None keep what the row has)."""
    kept = {
        column: func.coalesce(bindparam(f"new_{column}", type_=_O.c[column].type), _O.c[column])
        for column in ("delivered_at", "next_attempt_at", "line_item_url")
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


def send(row: Score, policy: RetryPolicy, lease_seconds: float, chain: Chain) -> Score | None:
    """Deliver one leased score. Returns the next score of its key when it is due and
    now leased to this worker too (so a learner's scores drain without new claims)."""
    connector = chain.connector(row.client_pk)
    db.session.commit()  # no transaction is held while the platform answers
    # The timestamp its lease fixed and committed: the same on every send of this score.
    outcome, status, error, line_item_url = _post(connector, row, _payload(row, row.sent_at))
    attempts = row.attempts + 1
    values: dict[str, Any] = {
        "row_id": row.id, "new_attempts": attempts, "new_status": outcome,
        "new_response_status": status, "new_last_error": error, "new_delivered_at": None,
        "new_next_attempt_at": None, "new_line_item_url": None,
    }
    if line_item_url and not row.line_item_url:
        values["new_line_item_url"] = line_item_url
        db.session.execute(
            update(_O)
            .where(_O.c.key == row.key, _O.c.status == PENDING, _O.c.line_item_url.is_(None))
            .values(line_item_url=line_item_url)
        )
    if outcome == DELIVERED:
        values["new_delivered_at"] = utcnow()
    elif outcome == PENDING and attempts >= policy.limit:
        values["new_status"] = DEAD
    elif outcome == PENDING:
        values["new_next_attempt_at"] = utcnow() + policy.delay(attempts)
    db.session.execute(_outcome_statement(), values)
    final = values["new_status"]
    # The key's next score is first in line now: keep it, its timestamp fixed in this same
    # commit. It comes back whole, so its send reads nothing first (one transaction per
    # score, not two).
    following = None
    if final != PENDING:
        following = lease_next(row, chain.key_latest, lease_seconds)
        if following is not None:
            chain.key_latest = max(chain.key_latest, following.sent_at)
    db.session.commit()
    log_level = logging.INFO if final == DELIVERED else logging.WARNING
    log.log(log_level, "score_%s outbox=%s status=%s error=%s", final, row.id, status, error)
    return following
