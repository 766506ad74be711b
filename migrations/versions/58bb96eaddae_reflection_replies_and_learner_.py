"""reflection replies and learner exceptions: a trainer's replies (edits kept), and
extra attempts or a reset for one learner (recorded, no attempt touched)

Revision ID: 58bb96eaddae
Revises: f3a8b1c6d250
Create Date: 2026-12-04 01:53:47.143810

"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '58bb96eaddae'
down_revision = 'f3a8b1c6d250'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('quiz_learner_exception',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('quiz_id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('course_key', sa.Integer(), nullable=False),
    sa.Column('context_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('extra_attempts', sa.Integer(), nullable=False),
    sa.Column('reset_after', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['context_id'], ['lti_context.id'], name=op.f('fk_quiz_learner_exception_context_id_lti_context'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by'], ['lti_user.id'], name=op.f('fk_quiz_learner_exception_created_by_lti_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['learner_id'], ['lti_user.id'], name=op.f('fk_quiz_learner_exception_learner_id_lti_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['quiz_id'], ['quiz.id'], name=op.f('fk_quiz_learner_exception_quiz_id_quiz'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_learner_exception'))
    )
    op.create_index('ix_quiz_learner_exception_learner', 'quiz_learner_exception', ['learner_id', 'quiz_id', 'course_key'], unique=False)

    op.create_table('quiz_reflection_reply',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('slot', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('replaced_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['attempt_id'], ['quiz_attempt.id'], name=op.f('fk_quiz_reflection_reply_attempt_id_quiz_attempt'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['author_id'], ['lti_user.id'], name=op.f('fk_quiz_reflection_reply_author_id_lti_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_reflection_reply'))
    )
    op.create_index('ix_quiz_reflection_reply_attempt_id_slot', 'quiz_reflection_reply', ['attempt_id', 'slot'], unique=False)



def downgrade() -> None:
    op.drop_index('ix_quiz_reflection_reply_attempt_id_slot', table_name='quiz_reflection_reply')

    op.drop_table('quiz_reflection_reply')
    op.drop_index('ix_quiz_learner_exception_learner', table_name='quiz_learner_exception')

    op.drop_table('quiz_learner_exception')
