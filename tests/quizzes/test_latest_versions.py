"""A quiz's questions are read without touching other quizzes' versions: the newest
version is found per question through the unique index, not by grouping them all.
(The timing with 100,000 versions elsewhere: bench/quiz_bench.py.)"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import insert, select, text

from courses.database import db
from quizzes.gift.parser import parse_gift
from quizzes.models import QuestionVersion, Quiz, QuizQuestion
from quizzes.services import import_questions, latest_statement, latest_versions
from tests.quizzes.test_quiz_import import FI


@pytest.fixture
def two_quizzes(site):
    with site.app.app_context():
        import_questions("finnish-working-life", "fi", parse_gift(FI))
        import_questions("finnish-working-life", "fi", parse_gift(FI.replace("pankista", "poliisilta")))
        import_questions("finnish-working-life", "en", parse_gift("// [id:q-card]\nTax card {=the Tax Administration ~a bank}"))
        import_questions("job-search", "fi", parse_gift(FI))
        other = db.session.execute(
            select(QuizQuestion.id).join(Quiz).where(QuizQuestion.quiz_id != _quiz("finnish-working-life"))
        ).scalars().all()
        snapshot = db.session.execute(select(QuestionVersion.snapshot).limit(1)).scalar_one()
        db.session.execute(  # other quizzes' versions, newer than any of this quiz's
            insert(QuestionVersion),
            [
                {"question_id": q, "language": lang, "version": v, "snapshot": snapshot}
                for q in other
                for lang in ("en", "sv")
                for v in range(1, 40)
            ],
        )
        db.session.commit()
        yield site


def _quiz(slug: str) -> int:
    from courses.models import Module

    return db.session.execute(select(Quiz.id).join(Module).where(Module.slug == slug)).scalar_one()


def test_each_question_in_its_newest_version_and_language(two_quizzes):
    quiz = _quiz("finnish-working-life")
    english = latest_versions(quiz, "en")
    assert [(v.language, v.version) for v in english] == [("fi", 1), ("en", 1), ("fi", 1)]
    assert [v.question_id for v in english] == [v.question_id for v in latest_versions(quiz, "fi")]
    card = latest_versions(quiz, "fi")[1]
    assert (card.version, "poliisilta" in json.dumps(card.snapshot)) == (2, True)


def test_the_statement_reads_only_the_quiz_s_own_versions(two_quizzes):
    statement = latest_statement(_quiz("finnish-working-life"), "en")
    compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
    if db.engine.dialect.name == "sqlite":
        plan = db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")).all()
        steps = [row[-1] for row in plan if "question_version" in row[-1]]
        # SEARCH: found through an index by the question; SCAN would read them all.
        assert steps and all(step.startswith("SEARCH") for step in steps), plan
        return
    db.session.execute(text("SET LOCAL enable_seqscan = off"))  # tiny tables: plan as if large
    (plan,) = db.session.execute(text(f"EXPLAIN (FORMAT JSON) {compiled}")).scalar_one()

    def nodes(node):
        yield node
        for child in node.get("Plans", ()):
            yield from nodes(child)

    reads = [n for n in nodes(plan["Plan"]) if n.get("Relation Name") == "question_version"]
    # An index scan's condition, or a bitmap scan's (its index scan found the rows).
    conditions = [n.get("Index Cond") or n.get("Recheck Cond") or "" for n in reads]
    assert reads and all("question_id" in c for c in conditions), (conditions, reads)
