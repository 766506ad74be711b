"""Where OIDC state and nonce pairs wait for their launch: the database or Redis.

Either way the pair is shared by every worker and host and is consumed on first
use, so an id_token cannot be replayed (pylti1p3 keeps nonces in the cookie
session and never consumes them). On PostgreSQL the table is UNLOGGED (migration
5b1d7e0c4a92): a login commits without a WAL flush, and a crash empties the table,
which ends logins in flight and leaves nothing to replay.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Protocol

from sqlalchemy import bindparam, delete, insert

from courses.database import STANDS_ALONE, Precompiled, commit, db, utcnow
from lti_tool.identity.services import Consume
from lti_tool.launch.models import LoginState

STATE_LIFETIME = timedelta(minutes=10)


class StateStore(Protocol):
    def issue(self, state: str, nonce: str) -> None:
        """Remember a login's state and nonce until the launch or expiry."""

    def consume(self, state: str, nonce: str) -> bool:
        """Forget the pair and say whether it was there, unexpired, exactly as given."""

    def consumed_by_launch(self, state: str, nonce: str) -> Consume | None:
        """The pair as a row for the launch's own write to delete first (the write is then
        refused, with nothing written, if the pair is not there), or None: call consume."""


_STATE = LoginState.__table__
_ISSUE = Precompiled(
    insert(_STATE).values(state=bindparam("state"), nonce=bindparam("nonce"), expires_at=bindparam("expires_at")),
    writes=True,
)


class DatabaseStateStore:
    # Expired pairs are harmless (consume checks expires_at), so sweep them at most once a
    # minute per process instead of with every login.
    _next_cleanup = 0.0

    def issue(self, state: str, nonce: str) -> None:
        now = utcnow()
        if time.monotonic() >= DatabaseStateStore._next_cleanup:
            DatabaseStateStore._next_cleanup = time.monotonic() + 60
            db.session.execute(
                delete(_STATE).where(_STATE.c.expires_at < now),
                execution_options={STANDS_ALONE: True},
            )
        _ISSUE.run({"state": state, "nonce": nonce, "expires_at": now + STATE_LIFETIME})
        commit()

    def consume(self, state: str, nonce: str) -> bool:
        return self.consumed_by_launch(state, nonce).now()

    def consumed_by_launch(self, state: str, nonce: str) -> Consume:
        # Deleted by the statement (PostgreSQL) or the transaction (SQLite) that records
        # the launch: the nonce goes if and only if the launch is recorded. A concurrent
        # replay blocks on the row lock and then finds nothing to delete.
        return Consume(_STATE, {"state": state, "nonce": nonce}, {"expires_at": utcnow()})


class RedisStateStore:
    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url)

    @staticmethod
    def _key(state: str) -> str:
        return f"kotopaikka:oidc-state:{state}"

    def issue(self, state: str, nonce: str) -> None:
        self._redis.set(self._key(state), nonce, ex=int(STATE_LIFETIME.total_seconds()), nx=True)

    def consume(self, state: str, nonce: str) -> bool:
        stored = self._redis.getdel(self._key(state))
        return stored is not None and stored.decode() == nonce

    def consumed_by_launch(self, state: str, nonce: str) -> None:
        return None  # Redis is not in the database's transaction: consumed at validation


def state_store_for(redis_url: str | None) -> StateStore:
    return RedisStateStore(redis_url) if redis_url else DatabaseStateStore()
