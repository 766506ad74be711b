"""draft question forms: a trainer's unfinished question form, kept as they type

Revision ID: a7c3e5f19b42
Revises: a7c3e91d5f20
Create Date: 2026-12-04 02:10:00

"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a7c3e5f19b42'
down_revision = 'a7c3e91d5f20'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'draft_question_form',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('library_module_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('draft_question_id', sa.Integer(), nullable=True),
        sa.Column('language', sa.String(length=16), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('fields', sa.JSON(), nullable=False),
        sa.Column('problem', sa.String(length=64), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['library_module_id'], ['library_module.id'],
            name=op.f('fk_draft_question_form_library_module_id_library_module'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['author_id'], ['lti_user.id'], name=op.f('fk_draft_question_form_author_id_lti_user'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['draft_question_id'], ['draft_question.id'],
            name=op.f('fk_draft_question_form_draft_question_id_draft_question'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_draft_question_form')),
        sa.UniqueConstraint(
            'library_module_id', 'author_id', 'key',
            name=op.f('uq_draft_question_form_library_module_id_author_id_key'),
        ),
    )
    op.create_index(
        'ix_draft_question_form_library_module_id', 'draft_question_form', ['library_module_id'], unique=False,
    )


def downgrade() -> None:
    op.drop_index('ix_draft_question_form_library_module_id', table_name='draft_question_form')
    op.drop_table('draft_question_form')
