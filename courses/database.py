"""The one SQLAlchemy object every package's models share.

It lives in ``courses`` because that is the innermost domain: ``quizzes`` may
use ``courses`` and ``lti_tool`` uses both, so all of them can import it
without a package depending on one that sits above it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Connection, DateTime, Dialect, Engine, MetaData, event
from sqlalchemy.sql import Executable, Select
from sqlalchemy.sql.compiler import Compiled
from sqlalchemy.sql.selectable import TextualSelect
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
# Connection.info key: the connection commits each statement (each_statement_commits).
EACH_STATEMENT_COMMITS = "each_statement_commits"
# Execution option of a write that is atomic on its own, allowed on such a connection.
STANDS_ALONE = "stands_alone"


class WriteOutsideTransaction(RuntimeError):
    """A write through the session on a connection that commits each statement."""


def track_writes(engine: Engine) -> None:
    """Note on each connection whether its current transaction has written anything, and
    refuse a write on a connection that commits each statement unless it stands alone:
    writes that belong together call transaction_for_writes first."""

    @event.listens_for(engine, "before_cursor_execute")
    def _note(
        conn: Connection, cursor: object, statement: str, parameters: object, context: Any, *args: object
    ) -> None:
        if statement.lstrip()[:6].upper() not in WRITES:
            return
        if conn.info.get(EACH_STATEMENT_COMMITS):
            if not context.execution_options.get(STANDS_ALONE):
                raise WriteOutsideTransaction(
                    "this request's connection commits each statement: call "
                    "transaction_for_writes() before writes that belong together"
                )
            return
        conn.info["wrote"] = True

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _reset(conn: Connection) -> None:
        conn.info.pop("wrote", None)
        conn.info.pop(EACH_STATEMENT_COMMITS, None)


@dataclass(frozen=True)
class _Compiled:
    compiled: Compiled
    sql: str
    order: tuple[str, ...] | None  # bind names in order, for a positional driver (SQLite)
    binds: tuple[tuple[str, Callable[[Any], Any]], ...]
    results: tuple[tuple[int, Callable[[Any], Any]], ...]


class Precompiled:
    """A Core statement compiled once per dialect and run straight on the session's own
    DBAPI connection, in the session's transaction.

    For the few statements of every launch and page view. SQLAlchemy's per-execution
    machinery (execution context, events, result metadata built from
    ``cursor.description`` column by column) cost about 100 µs a statement here, twice
    what psycopg takes to run it: a sixth of a page view. The statement is still
    SQLAlchemy's, compiled by it, with its types' bind and result processing applied
    (JSON, UTCDateTime); rows are plain tuples. Not for statements with expanding
    (``IN``) parameters. ``writes``: the statement writes, so a request that runs it and
    does not commit is rolled back, as with ``track_writes``.
    """

    def __init__(self, statement: Executable, *, writes: bool = False) -> None:
        self.statement = statement
        self.writes = writes
        self._by_dialect: dict[str, _Compiled] = {}

    def _compile(self, dialect: Dialect) -> _Compiled:
        found = self._by_dialect.get(dialect.name)
        if found is not None:
            return found
        compiled = self.statement.compile(dialect=dialect)
        sql = compiled.string
        if "POSTCOMPILE" in sql:
            raise ValueError("expanding parameters are not supported: run it through the session")
        escaped = getattr(compiled, "escaped_bind_names", None) or {}
        binds = []
        for name, bind in getattr(compiled, "binds", {}).items():
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                binds.append((escaped.get(name, name), processor))
        columns: Sequence[Any] = ()
        if isinstance(self.statement, (Select, TextualSelect)):
            columns = self.statement.selected_columns
        results = []
        for index, column in enumerate(columns):
            processor = column.type.dialect_impl(dialect).result_processor(dialect, None)
            if processor is not None:
                results.append((index, processor))
        order = tuple(getattr(compiled, "positiontup", None) or ()) if dialect.positional else None
        found = _Compiled(compiled, sql, order, tuple(binds), tuple(results))
        self._by_dialect[dialect.name] = found
        return found

    def _execute(self, params: Mapping[str, Any]) -> tuple[Any, _Compiled]:
        connection = db.session.connection()
        compiled = self._compile(connection.dialect)
        values = compiled.compiled.construct_params(dict(params))
        for name, processor in compiled.binds:
            values[name] = processor(values[name])
        cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        if self.writes and not connection.info.get(EACH_STATEMENT_COMMITS):
            connection.info["wrote"] = True
        if compiled.order is not None:
            cursor.execute(compiled.sql, [values[name] for name in compiled.order])
        else:
            cursor.execute(compiled.sql, values)
        return cursor, compiled

    @staticmethod
    def _processed(row: Sequence[Any], compiled: _Compiled) -> tuple[Any, ...]:
        if not compiled.results:
            return tuple(row)
        values = list(row)
        for index, processor in compiled.results:
            values[index] = processor(values[index])
        return tuple(values)

    def first(self, params: Mapping[str, Any]) -> tuple[Any, ...] | None:
        cursor, compiled = self._execute(params)
        row = cursor.fetchone()
        cursor.close()
        return None if row is None else self._processed(row, compiled)

    def all(self, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        cursor, compiled = self._execute(params)
        rows = cursor.fetchall()
        cursor.close()
        return [self._processed(row, compiled) for row in rows]

    def run(self, params: Mapping[str, Any]) -> int:
        """Execute a statement that returns no rows; the number of rows it touched."""
        cursor, _ = self._execute(params)
        count = int(cursor.rowcount)
        cursor.close()
        return count


def each_statement_commits() -> None:
    """On PostgreSQL, let this request's statements commit one by one: no BEGIN and COMMIT
    round trips around them.

    For the login and the launch, whose writes are single statements, atomic on their
    own (the login's state; the launch's chained write, which consumes the nonce in the
    same statement); the launch's first page then reads on the same connection. A write
    through the session is refused on it (WriteOutsideTransaction) unless it stands alone
    (execution option ``stands_alone``): writes that belong together call
    transaction_for_writes first, and run in a transaction on a connection of their own.
    Elsewhere (SQLite's BEGIN costs no round trip), and once a transaction has begun, this
    changes nothing.
    """
    session = db.session()
    if session.in_transaction() or session.get_bind().dialect.name != "postgresql":
        return
    connection = session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    connection.info[EACH_STATEMENT_COMMITS] = True


def _commits_each_statement() -> bool:
    session = db.session()
    return session.in_transaction() and bool(session.connection().info.get(EACH_STATEMENT_COMMITS))


def commit() -> None:
    """Commit the session's transaction. On a connection that commits each statement
    (each_statement_commits) nothing is pending: the connection is kept for the reads
    that follow, instead of being handed back to the pool and taken again."""
    if not _commits_each_statement():
        db.session.commit()


def transaction_for_writes() -> None:
    """Call before writes that must stand or fall together. On a connection that commits
    each statement (nothing is pending on it), hand it back, so that what follows runs in
    a transaction again; elsewhere nothing changes."""
    if _commits_each_statement():
        db.session.commit()


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
