"""The migration that gives records their course moves every existing row, losing none.

The rows are the issue's case: a learner worked on a module in course B (two attempts,
the second passed: completed there), then opened the module's activity in course A,
where they started an attempt. Before the migration the learner had one progress row,
pointing at A and holding B's quiz; attempts were numbered 1, 2 (B) and 3 (A).
"""

from __future__ import annotations

from datetime import datetime, timezone

from flask_migrate import downgrade, upgrade
from sqlalchemy import bindparam, text

from courses.database import UTCDateTime, db
from tests.conftest import fresh_database, make_app

BEFORE = "5b1d7e0c4a92"
T = ":t"
OLD_ROWS = [
    "INSERT INTO platform (id, issuer, name, auth_login_url, auth_token_url, key_set_url, created_at)"
    " VALUES (1, 'https://moodle.example', 'M', 'a', 't', 'k', CURRENT_TIMESTAMP)",
    "INSERT INTO lti_user (id, platform_id, sub, is_tool_admin, created_at, last_launch_at)"
    " VALUES (3, 1, 'u1', false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
    "INSERT INTO lti_context (id, platform_id, context_id, created_at)"
    " VALUES (10, 1, 'A', CURRENT_TIMESTAMP), (20, 1, 'B', CURRENT_TIMESTAMP)",
    "INSERT INTO programme (id, slug, audience, languages, title, summary, updated_at)"
    " VALUES (1, 'p', 'participant', '[\"fi\"]', '{}', '{}', CURRENT_TIMESTAMP)",
    "INSERT INTO module (id, programme_id, slug, position, title, summary, estimated_minutes,"
    " completion_rule) VALUES (1, 1, 'm', 1, '{}', '{}', 5, 'pages_and_quiz')",
    "INSERT INTO page (id, module_id, slug, position) VALUES (1, 1, 'a', 1), (2, 1, 'b', 2)",
    "INSERT INTO page_view (id, learner_id, page_id, first_seen_at)"
    " VALUES (1, 3, 1, CURRENT_TIMESTAMP), (2, 3, 2, CURRENT_TIMESTAMP)",
    "INSERT INTO quiz (id, module_id, pass_mark, attempts_allowed, grading_method,"
    " shuffle_questions, shuffle_answers, review_policy, updated_at)"
    " VALUES (1, 1, 60, 0, 'highest', false, false, 'after_each', CURRENT_TIMESTAMP)",
    f"INSERT INTO quiz_attempt (id, quiz_id, learner_id, number, language, status, layout,"
    f" started_at, submitted_at, score, passed, context_id, pass_mark) VALUES"
    f" (1, 1, 3, 1, 'fi', 'submitted', '[]', {T}, {T}, 0.47, false, 20, 60),"
    f" (2, 1, 3, 2, 'fi', 'submitted', '[]', {T}, :passed, 0.9, true, 20, 60),"
    f" (3, 1, 3, 3, 'fi', 'in_progress', '[]', :later, NULL, NULL, NULL, 10, 60)",
    "INSERT INTO platform_client (id, platform_id, client_id, created_at)"
    " VALUES (5, 1, 'abc', CURRENT_TIMESTAMP)",
    # Waiting scores: a Pending one (Moodle would empty the grade with it) and a graded one.
    "INSERT INTO score_outbox (key, client_pk, user_sub, resource_link_id, resource_id, label,"
    " score_given, score_maximum, activity_progress, grading_progress, comment, created_at,"
    " status, attempts, next_attempt_at) VALUES"
    " ('k', 5, 'u1', '7', 'm', 'M', 47, 100, 'InProgress', 'Pending', '', :t, 'pending', 0, :t),"
    " ('k', 5, 'u1', '7', 'm', 'M', 90, 100, 'Completed', 'FullyGraded', '', :t, 'pending', 0, :t)",
    # Without an id, as the tool writes it (PostgreSQL's sequence gives the next one).
    f"INSERT INTO module_progress (learner_id, module_id, audience, status, pages_seen,"
    f" pages_total, percent, quiz_passed, started_at, completed_at, updated_at, best_score,"
    f" attempts_used, platform_id, context_id) VALUES (3, 1, 'participant', 'completed', 2,"
    f" 2, 100, true, {T}, :passed, :later, 0.9, 3, 1, 10)",
]
TIMES = {
    "t": datetime(2026, 3, 1, 10, tzinfo=timezone.utc),
    "passed": datetime(2026, 3, 1, 10, 30, tzinfo=timezone.utc),
    "later": datetime(2026, 3, 2, 9, tzinfo=timezone.utc),
}


def _rows(conn, sql):
    return [tuple(r) for r in conn.execute(text(sql))]


def test_each_course_gets_its_own_record_and_nothing_is_lost(db_kind, tmp_path):
    with fresh_database(db_kind, tmp_path) as url:
        app = make_app(url, str(tmp_path / "instance"))
        with app.app_context():
            upgrade(revision=BEFORE)
            with db.engine.begin() as conn:
                for statement in OLD_ROWS:
                    names = [n for n in TIMES if f":{n}" in statement]
                    typed = text(statement).bindparams(
                        *(bindparam(n, type_=UTCDateTime()) for n in names)
                    )
                    conn.execute(typed, {n: TIMES[n] for n in names})
            upgrade()
            with db.engine.connect() as conn:
                attempts = _rows(conn, "SELECT id, course_key, number FROM quiz_attempt ORDER BY id")
                waiting = _rows(
                    conn, "SELECT grading_progress, status FROM score_outbox ORDER BY id"
                )
                records = _rows(
                    conn,
                    "SELECT course_key, context_id, status, attempts_used, best_score, quiz_passed,"
                    " pages_seen, completed_at IS NOT NULL FROM module_progress ORDER BY course_key",
                )
            downgrade(revision=BEFORE)
            with db.engine.connect() as conn:
                folded = _rows(conn, "SELECT status, context_id FROM module_progress")
                renumbered = _rows(conn, "SELECT id, number FROM quiz_attempt ORDER BY id")
                waiting_again = _rows(conn, "SELECT status FROM score_outbox ORDER BY id")
            db.engine.dispose()
    assert attempts == [(1, 20, 1), (2, 20, 2), (3, 10, 1)]  # numbered within their course
    (in_a, in_b) = [(r[0], r[1], r[2], r[3], r[4], bool(r[5]), r[6], bool(r[7])) for r in records]
    # A keeps its completion (it may have reached A's gradebook), with A's one attempt.
    assert in_a == (10, 10, "completed", 1, None, True, 2, True)
    # B gets the record of what happened there: completed when the pass was submitted.
    assert in_b == (20, 20, "completed", 2, 0.9, True, 2, True)
    assert folded == [("completed", 10)] or folded == [("completed", 20)]
    assert renumbered == [(1, 1), (2, 2), (3, 3)]
    assert waiting == [("Pending", "superseded"), ("FullyGraded", "pending")]
    assert waiting_again == [("pending",), ("pending",)]
