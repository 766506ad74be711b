"""records per course: module progress and quiz attempts belong to their course

Until now a learner had one progress row per module, carrying the latest course it was
opened in, and attempts were numbered and limited across all their courses. From here
on both belong to a course, ``course_key`` (the tool's course row id, 0 for a launch
that named none; unlike ``context_id`` it is never emptied).

How the existing rows move, without losing any:

- Every attempt stays, in the course it was taken in (``course_key`` from its
  ``context_id``); its number is renumbered within that course in the order the
  numbers had (1, 2, ... per learner, quiz and course), so that limits count per course.
- Every progress row stays, in the course it was last opened in. A completion it holds
  stays completed there: it may already have been reported to that course's gradebook,
  and nothing the tool does takes a completion away. Its attempt count and best score
  are recounted from the attempts taken in that course.
- For every other course in which the learner has attempts at the module's quiz, a
  progress row is added: pages seen as the learner's page views say (pages read count in
  every course), the quiz from that course's attempts, completed (when the first
  passing attempt was submitted) if the module's completion rule is met there.

- Scores still waiting in the outbox (pending, or given up and waiting for a retry) that
  are not FullyGraded are set aside as superseded, never sent: Moodle stores such a score
  as an empty grade, and one sent after a learner's pass would wipe it.

The downgrade folds the rows back into one per learner and module (the earliest
completed one, else the latest updated) and numbers attempts across courses again.

Revision ID: 9d2e51c7a4b3
Revises: 5b1d7e0c4a92
Create Date: 2026-12-02 19:00:00

"""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '9d2e51c7a4b3'
down_revision = '5b1d7e0c4a92'
branch_labels = None
depends_on = None

_meta = sa.MetaData()
_attempt = sa.Table(
    'quiz_attempt', _meta,
    sa.Column('id', sa.Integer, primary_key=True), sa.Column('quiz_id', sa.Integer),
    sa.Column('learner_id', sa.Integer), sa.Column('number', sa.Integer),
    sa.Column('course_key', sa.Integer), sa.Column('context_id', sa.Integer),
    sa.Column('resource_link_id', sa.Integer), sa.Column('status', sa.String),
    sa.Column('started_at', sa.DateTime), sa.Column('submitted_at', sa.DateTime),
    sa.Column('score', sa.Float), sa.Column('passed', sa.Boolean),
)
_progress = sa.Table(
    'module_progress', _meta,
    sa.Column('id', sa.Integer, primary_key=True), sa.Column('learner_id', sa.Integer),
    sa.Column('module_id', sa.Integer), sa.Column('course_key', sa.Integer),
    sa.Column('audience', sa.String), sa.Column('status', sa.String),
    sa.Column('pages_seen', sa.Integer), sa.Column('pages_total', sa.Integer),
    sa.Column('percent', sa.Integer), sa.Column('quiz_passed', sa.Boolean),
    sa.Column('last_page_id', sa.Integer), sa.Column('started_at', sa.DateTime),
    sa.Column('completed_at', sa.DateTime), sa.Column('updated_at', sa.DateTime),
    sa.Column('best_score', sa.Float), sa.Column('attempts_used', sa.Integer),
    sa.Column('language', sa.String), sa.Column('platform_id', sa.Integer),
    sa.Column('context_id', sa.Integer), sa.Column('resource_link_id', sa.Integer),
)
_quiz = sa.Table(
    'quiz', _meta, sa.Column('id', sa.Integer, primary_key=True), sa.Column('module_id', sa.Integer)
)
_module = sa.Table(
    'module', _meta, sa.Column('id', sa.Integer, primary_key=True),
    sa.Column('programme_id', sa.Integer), sa.Column('completion_rule', sa.String),
)
_programme = sa.Table(
    'programme', _meta, sa.Column('id', sa.Integer, primary_key=True), sa.Column('audience', sa.String)
)
_page = sa.Table(
    'page', _meta, sa.Column('id', sa.Integer, primary_key=True), sa.Column('module_id', sa.Integer),
    sa.Column('retired_at', sa.DateTime),
)
_view = sa.Table(
    'page_view', _meta, sa.Column('learner_id', sa.Integer), sa.Column('page_id', sa.Integer)
)
_user = sa.Table(
    'lti_user', _meta, sa.Column('id', sa.Integer, primary_key=True), sa.Column('platform_id', sa.Integer)
)


def _renumber(bind: Any, partition: tuple[str, ...], order: tuple[str, ...]) -> None:
    """Number attempts 1, 2, ... within each partition, in the given order (the unique
    constraint on the numbers is dropped while this runs)."""
    counters: dict[tuple[Any, ...], int] = {}
    rows = bind.execute(
        sa.select(_attempt.c.id, _attempt.c.number, *(_attempt.c[c] for c in partition))
        .order_by(*(_attempt.c[c] for c in order), _attempt.c.id)
    ).all()
    for attempt_id, number, *group in rows:
        counters[tuple(group)] = counters.get(tuple(group), 0) + 1
        if counters[tuple(group)] != number:
            bind.execute(
                sa.update(_attempt).where(_attempt.c.id == attempt_id)
                .values(number=counters[tuple(group)])
            )


def _quiz_record(attempts: list[Any]) -> dict[str, Any]:
    scores = [a.score for a in attempts if a.score is not None]
    passes = [a.submitted_at or a.started_at for a in attempts if a.passed]
    return {
        'attempts_used': len(attempts),
        'best_score': max(scores) if scores else None,
        'passed': bool(passes),
        'passed_at': min(passes) if passes else None,
    }


def _pages(bind: Any, learner_id: int, module_id: int) -> tuple[int, int]:
    live = sa.and_(_page.c.module_id == module_id, _page.c.retired_at.is_(None))
    total = bind.execute(sa.select(sa.func.count()).select_from(_page).where(live)).scalar_one()
    seen = bind.execute(
        sa.select(sa.func.count()).select_from(_view.join(_page, _page.c.id == _view.c.page_id))
        .where(live, _view.c.learner_id == learner_id)
    ).scalar_one()
    return seen, total


def _move_records(bind: Any) -> None:
    modules = {
        row.id: row
        for row in bind.execute(
            sa.select(_module.c.id, _module.c.completion_rule, _programme.c.audience)
            .join(_programme, _programme.c.id == _module.c.programme_id)
        )
    }
    module_of_quiz = dict(bind.execute(sa.select(_quiz.c.id, _quiz.c.module_id)).all())
    attempts: dict[tuple[int, int, int], list[Any]] = {}
    for row in bind.execute(sa.select(_attempt).order_by(_attempt.c.number)):
        module_id = module_of_quiz.get(row.quiz_id)
        if module_id is not None:
            attempts.setdefault((row.learner_id, module_id, row.course_key), []).append(row)
    existing = {
        (row.learner_id, row.module_id, row.course_key): row
        for row in bind.execute(sa.select(_progress))
    }
    for key, row in existing.items():
        record = _quiz_record(attempts.get(key, []))
        values: dict[str, Any] = {
            'attempts_used': record['attempts_used'], 'best_score': record['best_score'],
        }
        if row.status != 'completed' and row.quiz_passed is not None:
            values['quiz_passed'] = record['passed']
        bind.execute(sa.update(_progress).where(_progress.c.id == row.id).values(**values))
    platform_of = dict(bind.execute(sa.select(_user.c.id, _user.c.platform_id)).all())
    for (learner_id, module_id, course), tries in attempts.items():
        if (learner_id, module_id, course) in existing or module_id not in modules:
            continue
        module = modules[module_id]
        elsewhere = next(
            (r for (l, m, _), r in existing.items() if l == learner_id and m == module_id), None
        )
        seen, total = _pages(bind, learner_id, module_id)
        record = _quiz_record(tries)
        pages_done = total > 0 and seen >= total
        rule = module.completion_rule
        done = record['passed'] if rule == 'quiz_passed' else (
            pages_done and record['passed'] if rule == 'pages_and_quiz' else pages_done
        )
        first: datetime = min(t.started_at for t in tries)
        last: datetime = max(t.submitted_at or t.started_at for t in tries)
        bind.execute(
            sa.insert(_progress).values(
                learner_id=learner_id, module_id=module_id, course_key=course,
                audience=elsewhere.audience if elsewhere is not None else module.audience,
                status='completed' if done else 'in_progress',
                pages_seen=seen, pages_total=total,
                percent=100 if total == 0 else min(100, seen * 100 // total),
                quiz_passed=record['passed'], last_page_id=None,
                started_at=first, completed_at=(record['passed_at'] or last) if done else None,
                updated_at=last, best_score=record['best_score'],
                attempts_used=record['attempts_used'],
                language=elsewhere.language if elsewhere is not None else None,
                platform_id=platform_of.get(learner_id),
                context_id=course or None, resource_link_id=tries[-1].resource_link_id,
            )
        )


_outbox = sa.Table(
    'score_outbox', _meta, sa.Column('id', sa.Integer, primary_key=True),
    sa.Column('status', sa.String), sa.Column('grading_progress', sa.String),
    sa.Column('last_error', sa.Text),
)
SET_ASIDE = "not FullyGraded: Moodle would store an empty grade (set aside on upgrade)"


def upgrade():
    bind = op.get_bind()
    bind.execute(
        sa.update(_outbox)
        .where(_outbox.c.status.in_(('pending', 'dead')), _outbox.c.grading_progress != 'FullyGraded')
        .values(status='superseded', last_error=SET_ASIDE)
    )
    with op.batch_alter_table('quiz_attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('course_key', sa.Integer(), server_default='0', nullable=False))
        batch_op.drop_constraint('uq_quiz_attempt_quiz_id_learner_id_number', type_='unique')
    bind.execute(sa.update(_attempt).values(course_key=sa.func.coalesce(_attempt.c.context_id, 0)))
    _renumber(bind, ('quiz_id', 'learner_id', 'course_key'), ('number',))
    with op.batch_alter_table('quiz_attempt', schema=None) as batch_op:
        batch_op.create_unique_constraint(
            'uq_quiz_attempt_quiz_id_learner_id_course_key_number',
            ['quiz_id', 'learner_id', 'course_key', 'number'],
        )
        batch_op.create_index(
            'ix_quiz_attempt_learner_id_quiz_id_course_key', ['learner_id', 'quiz_id', 'course_key']
        )

    with op.batch_alter_table('module_progress', schema=None) as batch_op:
        batch_op.add_column(sa.Column('course_key', sa.Integer(), server_default='0', nullable=False))
        batch_op.drop_constraint('uq_module_progress_learner_id_module_id', type_='unique')
    bind.execute(sa.update(_progress).values(course_key=sa.func.coalesce(_progress.c.context_id, 0)))
    with op.batch_alter_table('module_progress', schema=None) as batch_op:
        batch_op.create_unique_constraint(
            'uq_module_progress_learner_id_module_id_course_key',
            ['learner_id', 'module_id', 'course_key'],
        )
    _move_records(bind)


def downgrade():
    bind = op.get_bind()
    bind.execute(
        sa.update(_outbox).where(_outbox.c.last_error == SET_ASIDE).values(status='pending')
    )
    keep: dict[tuple[int, int], Any] = {}
    for row in bind.execute(sa.select(_progress)):
        key = (row.learner_id, row.module_id)
        held = keep.get(key)
        if held is None:
            keep[key] = row
        elif row.completed_at is not None and (
            held.completed_at is None or row.completed_at < held.completed_at
        ):
            keep[key] = row
        elif held.completed_at is None and row.completed_at is None and row.updated_at > held.updated_at:
            keep[key] = row
    kept = [row.id for row in keep.values()]
    bind.execute(sa.delete(_progress).where(_progress.c.id.not_in(kept)))
    with op.batch_alter_table('module_progress', schema=None) as batch_op:
        batch_op.drop_constraint('uq_module_progress_learner_id_module_id_course_key', type_='unique')
        batch_op.create_unique_constraint(
            'uq_module_progress_learner_id_module_id', ['learner_id', 'module_id']
        )
        batch_op.drop_column('course_key')

    with op.batch_alter_table('quiz_attempt', schema=None) as batch_op:
        batch_op.drop_index('ix_quiz_attempt_learner_id_quiz_id_course_key')
        batch_op.drop_constraint('uq_quiz_attempt_quiz_id_learner_id_course_key_number', type_='unique')
    _renumber(bind, ('quiz_id', 'learner_id'), ('started_at',))
    with op.batch_alter_table('quiz_attempt', schema=None) as batch_op:
        batch_op.create_unique_constraint(
            'uq_quiz_attempt_quiz_id_learner_id_number', ['quiz_id', 'learner_id', 'number']
        )
        batch_op.drop_column('course_key')
