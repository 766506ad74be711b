"""Migrations are code: one head, a clean upgrade and downgrade, and models that agree."""

from __future__ import annotations

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
