"""draft quiz questions: a library module's quiz as a draft, per language

Trainers edit a module's questions in the browser (authoring/quiz_models.py); publishing
writes them into the published module's quiz through quizzes' own import, so a changed
question becomes a new question version. The site's modules made before this revision
get their draft quiz here: the published module's live questions, or (not yet
published) the original's, each language's latest version.

Revision ID: e9992dc2d7bd
Revises: 1193b7636c52
Create Date: 2026-12-04 10:00:00

"""
from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e9992dc2d7bd'
down_revision = '1193b7636c52'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('draft_question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('library_module_id', sa.Integer(), nullable=False),
    sa.Column('idnumber', sa.String(length=100), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['library_module_id'], ['library_module.id'], name=op.f('fk_draft_question_library_module_id_library_module'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_draft_question')),
    sa.UniqueConstraint('library_module_id', 'idnumber', name=op.f('uq_draft_question_library_module_id_idnumber'))
    )
    with op.batch_alter_table('draft_question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_draft_question_library_module_id'), ['library_module_id'], unique=False)

    op.create_table('draft_question_text',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('draft_question_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('source_revision', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['draft_question_id'], ['draft_question.id'], name=op.f('fk_draft_question_text_draft_question_id_draft_question'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by'], ['lti_user.id'], name=op.f('fk_draft_question_text_updated_by_lti_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_draft_question_text')),
    sa.UniqueConstraint('draft_question_id', 'language', name=op.f('uq_draft_question_text_draft_question_id_language'))
    )
    _draft_the_quizzes_there_are()


def _draft_the_quizzes_there_are() -> None:
    bind = op.get_bind()
    library_module = sa.table('library_module', sa.column('id'), sa.column('module_id'), sa.column('adapted_from_id'))
    quiz = sa.table('quiz', sa.column('id'), sa.column('module_id'))
    question = sa.table('quiz_question', sa.column('id'), sa.column('quiz_id'), sa.column('idnumber'),
                        sa.column('position'), sa.column('kind'), sa.column('retired_at'))
    version = sa.table('question_version', sa.column('question_id'), sa.column('language'),
                       sa.column('version'), sa.column('snapshot', sa.JSON()))
    draft = sa.table('draft_question', sa.column('id'), sa.column('library_module_id'), sa.column('idnumber'),
                     sa.column('position'), sa.column('kind'), sa.column('created_at'))
    text = sa.table('draft_question_text', sa.column('draft_question_id'), sa.column('language'),
                    sa.column('snapshot', sa.JSON()), sa.column('revision'), sa.column('source_revision'),
                    sa.column('updated_at'))
    now = datetime.now(UTC)
    for own_id, module_id, original_id in bind.execute(sa.select(library_module)).all():
        quiz_id = bind.execute(
            sa.select(quiz.c.id).where(quiz.c.module_id == (module_id or original_id))
        ).scalar()
        if quiz_id is None:
            continue
        rows = bind.execute(
            sa.select(question.c.id, question.c.idnumber, question.c.kind)
            .where(question.c.quiz_id == quiz_id, question.c.retired_at.is_(None))
            .order_by(question.c.position, question.c.id)
        ).all()
        for position, (question_id, idnumber, kind) in enumerate(rows, 1):
            latest = {}
            for language, snapshot in bind.execute(
                sa.select(version.c.language, version.c.snapshot)
                .where(version.c.question_id == question_id).order_by(version.c.version)
            ):
                latest[language] = snapshot
            draft_id = bind.execute(
                sa.insert(draft).values(library_module_id=own_id, idnumber=idnumber, position=position,
                                        kind=kind, created_at=now).returning(draft.c.id)
            ).scalar_one()
            for language, snapshot in latest.items():
                bind.execute(sa.insert(text).values(
                    draft_question_id=draft_id, language=language, snapshot=snapshot, revision=1,
                    source_revision=None if language == 'fi' else 1, updated_at=now,
                ))


def downgrade() -> None:
    op.drop_table('draft_question_text')
    with op.batch_alter_table('draft_question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_draft_question_library_module_id'))

    op.drop_table('draft_question')
