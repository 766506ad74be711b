"""The menus' language apart from the pages' (learner_preference.interface_language)

Revision ID: c4e8a2d6f913
Revises: a7c3e5f19b42
Create Date: 2026-12-04 03:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'c4e8a2d6f913'
down_revision = 'a7c3e5f19b42'
branch_labels = None
depends_on = None


def upgrade():
    # A column added in place (no table copy): nullable, None meaning "as Moodle says".
    op.add_column('learner_preference', sa.Column('interface_language', sa.String(length=8), nullable=True))


def downgrade():
    # In place on SQLite too: a batch copy of `learner_preference` would recreate the table, and the
    # foreign keys that cascade from it would take learners' records with it.
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE learner_preference DROP COLUMN interface_language')
    else:
        op.drop_column('learner_preference', 'interface_language')
