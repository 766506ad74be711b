"""A programme's glossary (programme.glossary): its glossary.yaml, which marks the pages' terms

Revision ID: d7b2f4a9c318
Revises: a7c2e9d4b1f3
Create Date: 2026-12-04 04:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'd7b2f4a9c318'
down_revision = 'a7c2e9d4b1f3'
branch_labels = None
depends_on = None


def upgrade():
    # A column added in place (no table copy); the next `content load` fills it.
    op.add_column('programme', sa.Column('glossary', sa.JSON(), nullable=True))


def downgrade():
    # In place on SQLite too: a batch copy of `programme` would recreate the table, and the
    # foreign keys that cascade from it would take learners' records with it.
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE programme DROP COLUMN glossary')
    else:
        op.drop_column('programme', 'glossary')
