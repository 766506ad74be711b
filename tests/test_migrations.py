"""Migrations are code: one head, a clean upgrade and downgrade, and models that agree."""

from __future__ import annotations

import json

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from courses.database import db
from lti_tool import MIGRATIONS_DIR
from tests.conftest import fresh_database, make_app


def _script() -> ScriptDirectory:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", MIGRATIONS_DIR)
    return ScriptDirectory.from_config(config)


def test_single_head():
    assert len(_script().get_heads()) == 1


def test_upgrade_from_empty_and_downgrade_to_base(db_kind, tmp_path):
    with fresh_database(db_kind, tmp_path) as url:
        app = make_app(url, str(tmp_path / "instance"))
        with app.app_context():
            upgrade()
            tables = set(inspect(db.engine).get_table_names())
            assert set(db.metadata.tables) <= tables
            downgrade(revision="base")
            assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
            upgrade()  # and back up again: downgrades left nothing behind that blocks it
            db.engine.dispose()


def test_models_and_migrations_agree(app):
    with app.app_context():
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "render_as_batch": True}
            )
            differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_sessions_open_during_the_upgrade_keep_where_their_scores_go(db_kind, tmp_path):
    """A learner mid-module when the tool is upgraded still has their scores sent."""
    from sqlalchemy import text

    ags = {
        "scope": ["https://purl.imsglobal.org/spec/lti-ags/scope/score"],
        "lineitem": "https://moodle.example/mod/lti/services.php/2/lineitems/7/lineitem?type_id=1",
    }
    claims = {"https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": ags}
    with fresh_database(db_kind, tmp_path) as url:
        app = make_app(url, str(tmp_path / "instance"))
        with app.app_context():
            upgrade(revision="71fdc646eab4")
            with db.engine.begin() as conn:
                conn.execute(text(
                    "INSERT INTO platform (id, issuer, name, auth_login_url, auth_token_url, key_set_url, created_at)"
                    " VALUES (1, 'https://moodle.example', 'M', 'a', 't', 'k', CURRENT_TIMESTAMP)"
                ))
                conn.execute(text(
                    "INSERT INTO platform_client (id, platform_id, client_id, created_at)"
                    " VALUES (5, 1, 'abc', CURRENT_TIMESTAMP)"
                ))
                conn.execute(text(
                    "INSERT INTO lti_user (id, platform_id, sub, is_tool_admin, created_at, last_launch_at)"
                    " VALUES (3, 1, 'u1', false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                ))
                for launch_id, session_claims in (("graded", claims), ("ungraded", {})):
                    conn.execute(
                        text(
                            "INSERT INTO launch_session (id, browser_key_hash, platform_id, user_pk,"
                            " client_id, deployment_id, message_type, roles, claims, created_at,"
                            " expires_at) VALUES (:id, 'h', 1, 3, 'abc', 'd', 'LtiResourceLinkRequest',"
                            " '[]', :claims, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                        ),
                        {"id": launch_id, "claims": json.dumps(session_claims)},
                    )
            upgrade()
            with db.engine.connect() as conn:
                rows = dict(
                    (r[0], (r[1], r[2]))
                    for r in conn.execute(text("SELECT id, client_pk, score_service FROM launch_session"))
                )
            db.engine.dispose()
    as_json = {k: (pk, json.loads(s) if isinstance(s, str) else s) for k, (pk, s) in rows.items()}
    assert as_json == {
        "graded": (5, {"lineitem": ags["lineitem"], "lineitems": None}),
        "ungraded": (5, None),
    }
