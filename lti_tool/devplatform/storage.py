"""The development platform's own state, in its own SQLite file in the instance folder.

The platform stands in for Moodle, a separate system: it never touches the tool's
database. Its tables are a fixture (created with ``create_all``, no migrations),
shared by every worker through WAL mode and a busy timeout.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, current_app
from sqlalchemy import (
    JSON,
    Engine,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    delete,
    event,
    select,
    text,
)
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from lti_tool.devplatform import directory

DB_FILE = "devplatform.sqlite"
# Ids of links and line items made here start above the fixed directory's ids.
ID_OFFSET = 1000


class Base(DeclarativeBase):
    pass


class IdSequence(Base):
    """One row per id handed out; AUTOINCREMENT never reuses one, even after reset()."""

    __tablename__ = "id_sequence"
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012 (SQLAlchemy reads it)

    id: Mapped[int] = mapped_column(primary_key=True)


class LinkRow(Base):
    """An activity created in a course through deep linking."""

    __tablename__ = "link"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    course_id: Mapped[str] = mapped_column(String(32), index=True)
    title: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(Text, default="")
    custom: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    accepts_grades: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[float] = mapped_column(default=time.time)


class LineItemRow(Base):
    """A gradebook column: an activity's own (id = link id) or one the tool created."""

    __tablename__ = "line_item"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    course_id: Mapped[str] = mapped_column(String(32), index=True)
    label: Mapped[str] = mapped_column(Text)
    score_maximum: Mapped[float]
    resource_id: Mapped[str] = mapped_column(Text, default="")
    tag: Mapped[str] = mapped_column(Text, default="")
    resource_link_id: Mapped[str | None] = mapped_column(String(32))
    # An activity's own grade item: Moodle refuses to delete it through the service (403).
    is_activity_item: Mapped[bool] = mapped_column(default=False)


class ScoreRow(Base):
    """The latest score accepted for one user on one line item."""

    __tablename__ = "score"
    __table_args__ = (UniqueConstraint("line_item_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    line_item_id: Mapped[int] = mapped_column(ForeignKey("line_item.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(64))
    score_given: Mapped[float | None]
    score_maximum: Mapped[float | None]
    activity_progress: Mapped[str] = mapped_column(String(32))
    grading_progress: Mapped[str] = mapped_column(String(32))
    timestamp: Mapped[str] = mapped_column(String(64))
    # Whole seconds: Moodle compares strtotime(timestamp), so sub-second precision is lost.
    timestamp_seconds: Mapped[int]
    comment: Mapped[str | None] = mapped_column(Text)


class GradeHistoryRow(Base):
    """Every score write the platform accepted, as Moodle's grade_grades_history keeps one
    row per change of a grade: a score the tool delivered twice shows here twice."""

    __tablename__ = "grade_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    line_item_id: Mapped[int] = mapped_column(ForeignKey("line_item.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(64))
    score_given: Mapped[float | None]  # as stored: None unless FullyGraded
    score_maximum: Mapped[float | None]
    activity_progress: Mapped[str] = mapped_column(String(32))
    grading_progress: Mapped[str] = mapped_column(String(32))
    timestamp: Mapped[str] = mapped_column(String(64))
    timestamp_seconds: Mapped[int]
    comment: Mapped[str | None] = mapped_column(Text)  # Moodle's feedback


class ToolTypeRow(Base):
    """A tool registered through dynamic registration (Moodle's lti_types row): pending
    until an administrator activates it; its id is the registration's deployment id."""

    __tablename__ = "tool_type"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    client_id: Mapped[str] = mapped_column(String(255), unique=True)
    name: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    target_link_uri: Mapped[str] = mapped_column(Text)
    domain: Mapped[str] = mapped_column(Text)
    initiate_login_uri: Mapped[str] = mapped_column(Text)
    redirect_uris: Mapped[list[str]] = mapped_column(JSON)
    jwks_uri: Mapped[str] = mapped_column(Text)
    scopes: Mapped[str] = mapped_column(Text, default="")  # what the type grants, space separated
    send_name: Mapped[bool] = mapped_column(default=False)
    send_email: Mapped[bool] = mapped_column(default=False)
    deep_linking: Mapped[bool] = mapped_column(default=False)
    deep_link_url: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[float] = mapped_column(default=time.time)


class AccessTokenRow(Base):
    __tablename__ = "access_token"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    client_id: Mapped[str] = mapped_column(String(255))
    scope: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[float] = mapped_column(index=True)


class UsedJti(Base):
    """Client assertion ids already seen, kept until the assertion could no longer be valid."""

    __tablename__ = "used_jti"

    jti: Mapped[str] = mapped_column(String(255), primary_key=True)
    expires_at: Mapped[float] = mapped_column(index=True)


class FaultRow(Base):
    """Make the next ``remaining`` requests to ``endpoint`` misbehave (tests only)."""

    __tablename__ = "fault"

    endpoint: Mapped[str] = mapped_column(String(32), primary_key=True)
    mode: Mapped[str] = mapped_column(String(32))
    remaining: Mapped[int]
    seconds: Mapped[float] = mapped_column(default=0.0)


class CounterRow(Base):
    __tablename__ = "counter"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(default=0)


_engines: dict[tuple[int, str], Engine] = {}
_engines_lock = threading.Lock()


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite would defer it).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _on_begin(connection: Any) -> None:
    # Writers take the write lock up front: a read-then-write (the 409 check, id
    # allocation) then never fails halfway with SQLITE_BUSY in another worker.
    immediate = connection.get_execution_options().get("devplatform_write", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _create_engine(path: str) -> Engine:
    engine = create_engine("sqlite:///" + path)
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    for attempt in range(3):
        try:
            Base.metadata.create_all(engine)
            break
        except OperationalError:  # another worker created the tables at the same moment
            if attempt == 2:
                raise
            time.sleep(0.1)
    return engine


def engine_for(instance_path: str) -> Engine:
    """One engine per (process, file): a forked gunicorn worker gets its own pool."""
    path = os.path.join(instance_path, DB_FILE)
    key = (os.getpid(), path)
    with _engines_lock:
        engine = _engines.get(key)
        if engine is None:
            os.makedirs(instance_path, exist_ok=True)
            engine = _engines[key] = _create_engine(path)
    return engine


@contextmanager
def session(instance_path: str | None = None, write: bool = False) -> Iterator[Session]:
    """A session in one transaction, committed on success; ``write`` takes the lock first."""
    engine = engine_for(instance_path or current_app.instance_path)
    bind = engine.execution_options(devplatform_write=True) if write else engine
    with Session(bind, expire_on_commit=False) as db, db.begin():
        yield db


def reset(app: Flask) -> None:
    """Delete every row (tests): links, line items, scores and their history, tokens,
    faults, counters."""
    with session(app.instance_path, write=True) as db:
        for table in reversed(Base.metadata.sorted_tables):
            db.execute(delete(table))


def dispose(app: Flask) -> None:
    """Close this process's connections to the platform's file."""
    engine = _engines.pop((os.getpid(), os.path.join(app.instance_path, DB_FILE)), None)
    if engine is not None:
        engine.dispose()


def next_id(db: Session) -> int:
    row = IdSequence()
    db.add(row)
    db.flush()
    return ID_OFFSET + row.id


# Text, built once: SQLAlchemy cannot cache the compiled form of its dialect upserts, and
# this runs with every request.
_BUMP = text(
    "INSERT INTO counter (name, value) VALUES (:name, :by) "
    "ON CONFLICT (name) DO UPDATE SET value = counter.value + excluded.value"
)


def bump(db: Session, name: str, by: int = 1) -> None:
    db.execute(_BUMP, {"name": name, "by": by})


def counters(app: Flask | None = None) -> dict[str, int]:
    """Every counter, e.g. ``token_requests``, ``tokens_issued``, ``requests.scores``."""
    with session(app.instance_path if app else None) as db:
        return {row.name: row.value for row in db.execute(select(CounterRow)).scalars()}


def counter(app: Flask, name: str) -> int:
    return counters(app).get(name, 0)


def grade_history(app: Flask | None = None) -> list[GradeHistoryRow]:
    """Every accepted score write, oldest first."""
    with session(app.instance_path if app else None) as db:
        return list(db.execute(select(GradeHistoryRow).order_by(GradeHistoryRow.id)).scalars())


# Links: the fixed directory's plus those deep linking created.


def _as_dev_link(row: LinkRow) -> directory.DevLink:
    return directory.DevLink(
        str(row.id), row.course_id, row.title, dict(row.custom or {}), row.accepts_grades
    )


def stored_link(link_id: str) -> directory.DevLink | None:
    if not link_id.isdigit():
        return None
    with session() as db:
        row = db.get(LinkRow, int(link_id))
        return _as_dev_link(row) if row is not None else None


def stored_links(course_id: str) -> list[directory.DevLink]:
    with session() as db:
        rows = db.execute(
            select(LinkRow).where(LinkRow.course_id == course_id).order_by(LinkRow.id)
        ).scalars()
        return [_as_dev_link(row) for row in rows]


def all_links(db: Session, course_id: str) -> list[directory.DevLink]:
    static = [link for link in directory.LINKS if link.course_id == course_id]
    rows = db.execute(
        select(LinkRow).where(LinkRow.course_id == course_id).order_by(LinkRow.id)
    ).scalars()
    return static + [_as_dev_link(row) for row in rows]


def ensure_activity_items(db: Session, course_id: str) -> None:
    """Create the grade items of the fixed activities on first use (id = link id)."""
    wanted = {
        int(link.id): link
        for link in directory.LINKS
        if link.course_id == course_id and link.accepts_grades
    }
    if not wanted:
        return
    existing = set(db.execute(select(LineItemRow.id).where(LineItemRow.id.in_(wanted))).scalars())
    for item_id, link in wanted.items():
        if item_id not in existing:
            db.add(
                LineItemRow(
                    id=item_id,
                    course_id=course_id,
                    label=link.title,
                    score_maximum=100.0,
                    resource_link_id=link.id,
                    is_activity_item=True,
                )
            )
    db.flush()
