"""The draft-quiz migration gives the site modules made before it their draft quiz: the
published module's live questions, or the original's while the copy is unpublished."""

from __future__ import annotations

import json

from flask_migrate import upgrade
from sqlalchemy import text

from courses.database import db
from tests.conftest import fresh_database, make_app

NOW = "CURRENT_TIMESTAMP"


def _question(conn, question_id: int, quiz_id: int, idnumber: str, position: int, retired: bool,
              versions: list[tuple[str, int, str]]) -> None:
    conn.execute(text(
        "INSERT INTO quiz_question (id, quiz_id, idnumber, position, kind, retired_at)"
        f" VALUES ({question_id}, {quiz_id}, :idnumber, {position}, 'essay', {NOW if retired else 'NULL'})"
    ), {"idnumber": idnumber})
    for language, version, words in versions:
        conn.execute(text(
            "INSERT INTO question_version (question_id, language, version, snapshot, created_at)"
            f" VALUES ({question_id}, :language, {version}, :snapshot, {NOW})"
        ), {"language": language, "snapshot": json.dumps({"kind": "essay", "text": words, "idnumber": idnumber})})


def test_site_modules_made_before_get_their_draft_quiz(db_kind, tmp_path):
    with fresh_database(db_kind, tmp_path) as url:
        app = make_app(url, str(tmp_path / "instance"))
        with app.app_context():
            upgrade(revision="b3e6b9755f4e")
            with db.engine.begin() as conn:
                conn.execute(text(
                    "INSERT INTO platform (id, issuer, name, auth_login_url, auth_token_url, key_set_url, created_at)"
                    f" VALUES (1, 'https://moodle.example', 'M', 'a', 't', 'k', {NOW})"
                ))
                conn.execute(text(
                    "INSERT INTO programme (id, slug, audience, languages, title, summary, updated_at)"
                    f" VALUES (1, 'p', 'participant', '[\"fi\", \"en\"]', '{{}}', '{{}}', {NOW})"
                ))
                for module_id, slug, site in ((1, "shipped", "NULL"), (2, "published-copy", "1")):
                    conn.execute(text(
                        "INSERT INTO module (id, programme_id, slug, position, title, summary, estimated_minutes,"
                        f" completion_rule, site_id) VALUES ({module_id}, 1, '{slug}', {module_id}, '{{}}', '{{}}',"
                        f" 10, 'pages', {site})"
                    ))
                for quiz_id, module_id in ((1, 1), (2, 2)):
                    conn.execute(text(
                        "INSERT INTO quiz (id, module_id, pass_mark, attempts_allowed, grading_method,"
                        " shuffle_questions, shuffle_answers, review_policy, updated_at)"
                        f" VALUES ({quiz_id}, {module_id}, 60, 0, 'highest', false, true, 'after_each', {NOW})"
                    ))
                _question(conn, 1, 1, "a", 2, False, [("fi", 1, "A1"), ("fi", 2, "A2"), ("en", 1, "A-en")])
                _question(conn, 2, 1, "b", 1, False, [("fi", 1, "B1")])
                _question(conn, 3, 1, "gone", 3, True, [("fi", 1, "X")])
                _question(conn, 4, 2, "mine", 1, False, [("fi", 3, "Oma")])
                for own_id, module_id in ((1, "NULL"), (2, "2")):
                    conn.execute(text(
                        "INSERT INTO library_module (id, site_id, programme_id, slug, title, summary,"
                        " estimated_minutes, completion_rule, adapted_from_id, module_id, created_at,"
                        f" draft_changed_at) VALUES ({own_id}, 1, 1, 'own-{own_id}', '{{}}', '{{}}', 10, 'pages',"
                        f" 1, {module_id}, {NOW}, {NOW})"
                    ))
            upgrade()
            with db.engine.connect() as conn:
                drafted = conn.execute(text(
                    "SELECT q.library_module_id, q.idnumber, q.position, t.language, t.snapshot, t.revision"
                    " FROM draft_question q JOIN draft_question_text t ON t.draft_question_id = q.id"
                    " ORDER BY q.library_module_id, q.position, t.language"
                )).all()
            db.engine.dispose()
    found = [(m, i, p, lang, (json.loads(s) if isinstance(s, str) else s)["text"], r)
             for m, i, p, lang, s, r in drafted]
    assert found == [
        (1, "b", 1, "fi", "B1", 1),  # the original's live questions, in its order, latest versions
        (1, "a", 2, "en", "A-en", 1),
        (1, "a", 2, "fi", "A2", 1),
        (2, "mine", 1, "fi", "Oma", 1),  # a published copy: what learners have
    ]
