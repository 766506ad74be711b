"""The one SQLAlchemy object every package's models share.

It lives in ``courses`` because that is the innermost domain: ``quizzes`` may
use ``courses`` and ``lti_tool`` uses both, so all of them can import it
without a package depending on one that sits above it.
"""

from __future__ import annotations

from datetime import datetime, timezone

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Connection, DateTime, Engine, MetaData, event
from sqlalchemy.orm import DeclarativeBase, registry
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every backend (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use utcnow()")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def utcnow() -> datetime:
    """Return the current time, timezone-aware, in UTC."""
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime},
    )


# Objects stay readable after a commit: a view commits its writes and then renders them;
# expiring them would reload each one with a query of its own.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})


WRITES = ("INSERT", "UPDATE", "DELETE")


def track_writes(engine: Engine) -> None:
    """Note on each connection whether its current transaction has written anything."""

    @event.listens_for(engine, "before_cursor_execute")
    def _note(conn: Connection, cursor: object, statement: str, *args: object) -> None:
        if statement.lstrip()[:6].upper() in WRITES:
            conn.info["wrote"] = True

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _reset(conn: Connection) -> None:
        conn.info.pop("wrote", None)


def each_statement_commits() -> None:
    """On PostgreSQL, let this request's statements commit one by one until the session's
    next commit or rollback: no BEGIN and COMMIT round trips around them.

    Only for requests whose every write is a single statement, atomic on its own (the
    login's state; the launch's chained write, which consumes the nonce in the same
    statement). The session's next commit or rollback hands the connection back, and what
    follows runs in transactions again. Elsewhere (SQLite's BEGIN costs no round trip),
    and once a transaction has begun, it changes nothing.
    """
    session = db.session()
    if session.in_transaction() or session.get_bind().dialect.name != "postgresql":
        return
    session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def end_read_only_transaction() -> None:
    """Commit a transaction that only read; leave any other to be rolled back.

    A read-only transaction ends the same either way, but psycopg forgets every prepared
    statement on ROLLBACK, so PostgreSQL would plan each query again on the next request.
    A transaction that wrote and was not committed by its service is never committed here.
    """
    session = db.session()
    if not session.in_transaction():
        return
    connection = session.connection()
    if not connection.info.get("wrote"):
        session.commit()
