"""Record who launched: upsert the user, context, resource link and membership.

Each is one ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING id`` on its natural key
(SQLite 3.35+ and PostgreSQL both have it): no read-then-write race between two first
launches of the same person, and one statement instead of a select, an insert or
update, and an ORM flush. A launch writes its rows as one chain (``write_rows``): on
PostgreSQL the whole chain, with the launch session and the consumed nonce, is a single
statement of data-modifying CTEs, one round trip instead of six.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from sqlalchemy import BindParameter, Table, TextClause, bindparam, text

from courses.database import Precompiled, db, utcnow
from lti_tool.identity.models import LtiContext, LtiUser, Membership, ResourceLink
from lti_tool.identity.roles import RoleSet, classify_roles
from lti_tool.launch.claims import unstorable_at

LTI = "https://purl.imsglobal.org/spec/lti/claim/"


def _str(value: Any, limit: int) -> str | None:
    return value[:limit] if isinstance(value, str) and value else None


def _defaulted(table: Table, given: tuple[str, ...]) -> tuple[str, ...]:
    """Columns with a Python-side default that a row of this shape does not set."""
    return tuple(
        c.name for c in table.c if c.default is not None and not c.primary_key and c.name not in given
    )


@functools.lru_cache(maxsize=64)
def _upsert_statement(table: Table, key: tuple[str, ...], values: tuple[str, ...]) -> TextClause:
    """``INSERT ... ON CONFLICT DO UPDATE ... RETURNING id`` for one shape of row (without
    a key, a plain ``INSERT ... RETURNING id``).

    The syntax is the same on SQLite and PostgreSQL. Written as text because
    SQLAlchemy cannot cache the compiled form of its dialect upserts ("no key"):
    compiling them cost more than running them. Built once per shape. Columns
    with defaults get them on insert only, so an update never resets them.
    """
    inserted = (*key, *values, *_defaulted(table, (*key, *values)))
    sql = f"INSERT INTO {table.name} ({', '.join(inserted)}) VALUES ({', '.join(':' + c for c in inserted)})"
    sql += _on_conflict(key, values) + " RETURNING id"
    return text(sql).bindparams(*(bindparam(c, type_=table.c[c].type) for c in inserted))


def _on_conflict(key: tuple[str, ...], updated: tuple[str, ...]) -> str:
    """``ON CONFLICT (key) DO UPDATE SET`` the ``updated`` columns; nothing without a key.
    With nothing to update the first key column is set to itself: RETURNING still needs
    the row."""
    if not key:
        return ""
    return f" ON CONFLICT ({', '.join(key)}) DO UPDATE SET " + ", ".join(
        f"{c} = excluded.{c}" for c in (updated or key[:1])
    )


def _with_defaults(table: Table, params: dict[str, Any], given: tuple[str, ...]) -> dict[str, Any]:
    for name in _defaulted(table, given):
        default = table.c[name].default
        params[name] = default.arg(None) if default.is_callable else default.arg
    return params


def _upsert(table: Table, key: dict[str, Any], values: dict[str, Any]) -> Any:
    """Insert the row or update ``values`` on the existing one (no key: insert it);
    return its id."""
    statement = _upsert_statement(table, tuple(key), tuple(values))
    params = _with_defaults(table, {**key, **values}, (*key, *values))
    return db.session.execute(statement, params).scalar_one()


@dataclass(frozen=True)
class Row:
    """One row of a chained write: ``values`` by column, ``refs`` columns that take the id
    of an earlier row (by its name), inserted or, when ``key`` names its natural key,
    updated in place (every column but the key)."""

    table: Table
    values: dict[str, Any]
    key: tuple[str, ...] = ()
    refs: dict[str, str] = dataclass_field(default_factory=dict)

    def shape(self) -> tuple[Any, ...]:
        return (self.table, tuple(self.values), self.key, tuple(self.refs.items()))


@dataclass(frozen=True)
class Consume:
    """A row a chained write deletes before it writes anything, and without which it
    writes nothing: ``equal`` columns equal to their values, ``later`` columns greater."""

    table: Table
    equal: dict[str, Any]
    later: dict[str, Any]

    def shape(self) -> tuple[Any, ...]:
        return (self.table, tuple(self.equal), tuple(self.later))

    def params(self) -> dict[str, Any]:
        return {f"{CONSUMED}_{c}": v for c, v in (*self.equal.items(), *self.later.items())}

    def now(self) -> bool:
        """Delete the row now, in the session's transaction; whether it was there."""
        return _consume_statement(self.shape()).first(self.params()) is not None


CONSUMED = "consumed"


def _consume_sql(shape: tuple[Any, ...]) -> tuple[str, list[BindParameter[Any]]]:
    """``DELETE ... RETURNING 1`` of the consumed row: a CTE of the chain on PostgreSQL, a
    statement of its own elsewhere (SQLite 3.35+ has RETURNING too)."""
    table, equal, later = shape
    conditions = [f"{c} = :{CONSUMED}_{c}" for c in equal] + [f"{c} > :{CONSUMED}_{c}" for c in later]
    sql = f"DELETE FROM {table.name} WHERE {' AND '.join(conditions)} RETURNING 1"
    return sql, [bindparam(f"{CONSUMED}_{c}", type_=table.c[c].type) for c in (*equal, *later)]


@functools.lru_cache(maxsize=16)
def _consume_statement(shape: tuple[Any, ...]) -> Precompiled:
    sql, binds = _consume_sql(shape)
    return Precompiled(text(sql).bindparams(*binds), writes=True)


def _row_sql(
    name: str, row_shape: tuple[Any, ...], guarded: bool = False
) -> tuple[str, list[BindParameter[Any]]]:
    """``INSERT ... SELECT ... [ON CONFLICT ... DO UPDATE] RETURNING id`` for one row of a
    chain; its parameters are named ``<name>_<column>``, its refs read earlier rows' CTEs.
    ``guarded``: the row is selected from the consumed row's CTE, so no consumed row, no row."""
    table, values, key, refs = row_shape
    given = (*values, *(column for column, _ in refs))
    literal = (*values, *_defaulted(table, given))
    columns = (*literal, *(column for column, _ in refs))
    selected = [f":{name}_{c}" for c in literal] + [f"(SELECT id FROM {ref})" for _, ref in refs]
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) SELECT {', '.join(selected)}"
    sql += f" FROM {CONSUMED}" if guarded else ""
    sql += _on_conflict(key, tuple(c for c in given if c not in key)) + " RETURNING id"
    binds = [bindparam(f"{name}_{c}", type_=table.c[c].type) for c in literal]
    return sql, binds


@functools.lru_cache(maxsize=64)
def _chain_statement(
    shape: tuple[tuple[str, tuple[Any, ...]], ...],
    consume: tuple[Any, ...] | None,
    synchronous_commit: bool,
) -> Precompiled:
    """One PostgreSQL statement that writes a whole chain: each row a data-modifying CTE
    (they all run, in one snapshot; foreign keys are checked at the statement's end),
    selecting whether the row to consume was there and every row's id. Built once per shape.

    A statement is atomic on its own, so the chain needs no transaction around it. Without
    ``synchronous_commit`` its transaction commits without waiting for the WAL flush
    (``set_config`` local to the transaction; a CTE that is not data-modifying runs only
    when read, so the last column reads it)."""
    parts, binds = [], []
    if not synchronous_commit:
        parts.append("settings AS (SELECT set_config('synchronous_commit', 'off', true) AS value)")
    if consume is not None:
        sql, binds = _consume_sql(consume)
        parts.append(f"{CONSUMED} AS ({sql})")
    for name, row_shape in shape:
        sql, row_binds = _row_sql(name, row_shape, guarded=consume is not None)
        parts.append(f"{name} AS ({sql})")
        binds.extend(row_binds)
    found = f"EXISTS (SELECT FROM {CONSUMED})" if consume is not None else "true"
    ids = ", ".join(f"(SELECT id FROM {name}) AS {name}" for name, _ in shape)
    settings = ", (SELECT value FROM settings)" if not synchronous_commit else ""
    statement = text(f"WITH {', '.join(parts)} SELECT {found}, {ids}{settings}").bindparams(*binds)
    return Precompiled(statement, writes=True)


def write_rows(
    rows: dict[str, Row], consume: Consume | None = None, synchronous_commit: bool = True
) -> dict[str, Any] | None:
    """Write rows in order, each taking the ids of earlier ones; returns every row's id.

    With ``consume``, delete that row first and write nothing (returning None) unless it
    was there: a launch's nonce goes if and only if the launch is recorded.

    ``synchronous_commit=False`` (PostgreSQL): the commit does not wait for the WAL to
    reach the disk. For rows the next launch writes again anyway: a crash of the database
    may lose the last fraction of a second of them, never anything committed later (the
    WAL is flushed in order), and never half of them.

    On PostgreSQL the chain is one statement (one round trip instead of one per row);
    elsewhere (SQLite has no data-modifying CTEs) one statement per row. The caller commits.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        params: dict[str, Any] = consume.params() if consume is not None else {}
        for name, row in rows.items():
            given = (*row.values, *row.refs)
            own = _with_defaults(row.table, dict(row.values), given)
            params.update({f"{name}_{c}": v for c, v in own.items()})
        shape = tuple((name, row.shape()) for name, row in rows.items())
        statement = _chain_statement(
            shape, consume.shape() if consume is not None else None, synchronous_commit
        )
        result = statement.first(params)
        assert result is not None
        found = result[1 : 1 + len(rows)]
        return dict(zip(rows, found, strict=True)) if result[0] else None
    if consume is not None and not consume.now():
        return None
    ids: dict[str, Any] = {}
    for name, row in rows.items():
        values = {**row.values, **{column: ids[ref] for column, ref in row.refs.items()}}
        key = {c: values[c] for c in row.key}
        ids[name] = _upsert(row.table, key, {c: v for c, v in values.items() if c not in row.key})
    return ids


def user_row(platform_id: int, claims: dict[str, Any], roles: RoleSet) -> Row:
    values: dict[str, Any] = {
        "platform_id": platform_id,
        "sub": str(claims["sub"]),
        "is_tool_admin": roles.is_tool_admin,
        "last_launch_at": utcnow(),
    }
    # Personal data only when the platform sends it; a missing claim leaves what we had.
    for field, limit in (("name", 255), ("given_name", 255), ("family_name", 255), ("email", 320)):
        if (value := _str(claims.get(field), limit)) is not None:
            values[field] = value
    presentation = claims.get(LTI + "launch_presentation")
    if isinstance(presentation, dict) and (locale := _str(presentation.get("locale"), 35)):
        values["locale"] = locale
    return Row(LtiUser.__table__, values, key=("platform_id", "sub"))


def context_row(platform_id: int, claims: dict[str, Any]) -> Row | None:
    claim = claims.get(LTI + "context")
    if not isinstance(claim, dict) or not _str(claim.get("id"), 255):
        return None
    values = {"platform_id": platform_id, "context_id": str(claim["id"])}
    for field, limit in (("title", 500), ("label", 255)):
        if (value := _str(claim.get(field), limit)) is not None:
            values[field] = value
    return Row(LtiContext.__table__, values, key=("platform_id", "context_id"))


def resource_link_row(platform_id: int, claims: dict[str, Any], context: str | None) -> Row | None:
    """The launch's resource link; ``context`` names the chain's context row, if any."""
    claim = claims.get(LTI + "resource_link")
    if not isinstance(claim, dict) or not _str(claim.get("id"), 255):
        return None
    values: dict[str, Any] = {"platform_id": platform_id, "resource_link_id": str(claim["id"])}
    if (title := _str(claim.get("title"), 500)) is not None:
        values["title"] = title
    custom = claims.get(LTI + "custom")
    if isinstance(custom, dict):
        values["custom"] = {str(k): str(v) for k, v in custom.items()}
    refs = {"context_pk": context} if context else {}
    return Row(ResourceLink.__table__, values, key=("platform_id", "resource_link_id"), refs=refs)


def _membership_values(roles: list[str], role_set: RoleSet) -> dict[str, Any]:
    return {
        "roles": list(roles),
        "is_trainer": role_set.is_trainer,
        "is_learner": role_set.is_learner,
        "is_mentor": role_set.is_mentor,
        "updated_at": utcnow(),
    }


def membership_row(roles: list[str], role_set: RoleSet, user: str, context: str) -> Row:
    """The user's membership of the context, both rows of the same chain (by name)."""
    return Row(
        Membership.__table__,
        _membership_values(roles, role_set),
        key=("user_pk", "context_pk"),
        refs={"user_pk": user, "context_pk": context},
    )


def record_membership(user_pk: int, context_pk: int, roles: list[str], role_set: RoleSet) -> int:
    return int(
        _upsert(
            Membership.__table__,
            {"user_pk": user_pk, "context_pk": context_pk},
            _membership_values(roles, role_set),
        )
    )


def roles_of(claims: dict[str, Any]) -> list[str]:
    roles = claims.get(LTI + "roles")
    return [r for r in roles if isinstance(r, str)] if isinstance(roles, list) else []


def classify(claims: dict[str, Any]) -> RoleSet:
    return classify_roles(roles_of(claims))


def record_roster(platform_id: int, context_pk: int, members: list[dict[str, Any]]) -> int:
    """Keep a course's roster from the platform (Names and Roles): every active member
    as a user (with the personal data the platform shared) and a membership. Returns how
    many members were recorded; the caller commits.

    A member the database could not keep as sent (not an object, an id longer than its
    column, a NUL or a lone surrogate anywhere in it) is left out, as at a launch."""
    count = 0
    for member in members:
        if not isinstance(member, dict) or unstorable_at(member) is not None:
            continue
        sub = member.get("user_id")
        if not isinstance(sub, str) or not 0 < len(sub) <= 255:
            continue
        if member.get("status", "Active") != "Active":
            continue
        values = {
            field: value
            for field, limit in (("name", 255), ("given_name", 255), ("family_name", 255), ("email", 320))
            if (value := _str(member.get(field), limit)) is not None
        }
        user_pk = int(_upsert(LtiUser.__table__, {"platform_id": platform_id, "sub": sub}, values))
        roles = [r for r in member.get("roles") or () if isinstance(r, str)]
        record_membership(user_pk, context_pk, roles, classify_roles(roles))
        count += 1
    return count
