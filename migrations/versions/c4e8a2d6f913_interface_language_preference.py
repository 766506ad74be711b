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
    with op.batch_alter_table('learner_preference') as batch_op:
        batch_op.drop_column('interface_language')
