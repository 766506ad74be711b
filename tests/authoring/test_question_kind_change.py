"""A published question whose kind changes in the draft (here by a pasted GIFT with its
id number) becomes another question when published: the old one is retired with its
versions, attempts made on it keep it and their grades (one submitted, one still in
progress and submitted after), the item analysis counts the two apart, and the trainer
is told before publishing."""

from __future__ import annotations

from sqlalchemy import func, select

from authoring import publishing, quiz_drafts, quiz_import, structure
from authoring.models import LibraryModule
from courses.database import db
from courses.models import Module
from quizzes import attempts
from quizzes.item_analysis import quiz_item_analysis
from quizzes.model import Choice, Question
from quizzes.models import Attempt, QuestionVersion, Quiz, QuizQuestion
from quizzes.services import latest_versions
from tests.authoring.conftest import person
from tests.authoring.test_authoring_pages import _adapted

SINGLE = Question(
    "single",
    "Missä verokortti tilataan?",
    idnumber="verokortti",
    choices=(Choice("OmaVerossa", 1.0, "Oikein."), Choice("Pankissa", 0.0, "Ei.")),
)
TRUEFALSE = "// [id:verokortti]\nVerokortti tilataan OmaVerossa. {T}\n"


def _right(attempt: Attempt) -> dict[int, int]:
    return {0: attempt.layout[0]["order"].index(0)}  # the right choice, as shown


def test_a_kind_change_after_publishing_is_a_new_question_and_attempts_keep_theirs(sites):
    app, site, _ = sites
    with app.app_context():
        lm = structure.create_module(site, "keys-to-working-life", "Oma moduuli", None)
        quiz_drafts.add_question(site, lm.id, SINGLE, None)
        publishing.publish(site, lm.id, "1", None)
        module = db.session.execute(select(Module).where(Module.slug == lm.slug)).scalar_one()
        quiz = db.session.execute(select(Quiz).where(Quiz.module_id == module.id)).scalar_one()
        done = attempts.start_attempt(quiz, learner_id=person("done"), language="fi")
        assert attempts.submit(done.id, done.learner_id, _right(done)).score == 1.0
        waiting = attempts.start_attempt(quiz, learner_id=person("waiting"), language="fi")
        attempts.save_responses(waiting, _right(waiting))
        shown_then = attempts.questions_of(done)

        plan = quiz_import.import_into_draft(site, lm.id, "fi", TRUEFALSE, "gift", None)
        assert [p.action for p in plan.items] == ["update"]
        assert (
            publishing.quiz_snapshot(db.session.get(LibraryModule, lm.id))[0]["kind"] == "truefalse"
        )
        assert quiz_drafts.draft_questions(lm.id)[0].kind == "truefalse"
        from authoring.quiz_publishing import published_kinds

        assert published_kinds(db.session.get(LibraryModule, lm.id)) == {"verokortti": "single"}
        publishing.publish(site, lm.id, "2", None)
        db.session.expire_all()

        rows = (
            db.session.execute(
                select(QuizQuestion)
                .where(QuizQuestion.quiz_id == quiz.id)
                .order_by(QuizQuestion.id)
            )
            .scalars()
            .all()
        )
        old, new = rows
        assert (old.kind, new.kind) == ("single", "truefalse")
        assert (
            old.retired_at is not None
            and old.idnumber != "verokortti"
            and new.idnumber == "verokortti"
        )
        assert new.position == old.position and new.retired_at is None
        assert [v.version for v in old.versions] == [1] and [v.version for v in new.versions] == [1]
        # The submitted attempt keeps its question and its grade; the one in progress is
        # still graded on the question it showed.
        assert attempts.questions_of(db.session.get(Attempt, done.id)) == shown_then
        assert db.session.get(Attempt, done.id).score == 1.0
        assert attempts.submit(waiting.id, waiting.learner_id).score == 1.0
        # A new attempt gets the new question; the item analysis counts the two apart.
        later = attempts.start_attempt(quiz, learner_id=person("later"), language="fi")
        (shown,) = attempts.questions_of(later)
        assert shown.kind == "truefalse"
        attempts.submit(later.id, later.learner_id, {0: True})
        items, counted = quiz_item_analysis(quiz.id, 0, "highest", 0)
        assert counted == 3 and sorted((i.question_id, i.kind, i.shown) for i in items) == [
            (old.id, "single", 2),
            (new.id, "truefalse", 1),
        ]
        # Published again unchanged: nothing new.
        versions = db.session.execute(
            select(func.count()).select_from(QuestionVersion)
        ).scalar_one()
        publishing.publish(site, lm.id, "3", None)
        assert (
            db.session.execute(select(func.count()).select_from(QuestionVersion)).scalar_one()
            == versions
        )
        assert len(latest_versions(quiz.id, "fi")) == 1


def test_the_trainer_is_told_before_publishing_a_kind_change(quizzes):
    site = quizzes
    browser, launch_id, module_id, _ = _adapted(site)
    with site.app.app_context():
        site_id = db.session.get(LibraryModule, module_id).site_id
        publishing.publish(site_id, module_id, "1", None)
        first = quiz_drafts.draft_questions(module_id)[0]
        assert first.kind != "essay"
        gift = f"// [id:{first.idnumber}]\nPohdi omaa työtäsi. {{}}\n"
        question_id = first.id
    base = site.url + f"/l/{launch_id}/library/{module_id}/quiz"
    page = browser.get(base + "/")
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    preview = browser.post(
        base + "/import",
        data={
            "csrf_token": csrf,
            "language": "fi",
            "file_format": "gift",
            "text": gift,
            "action": "preview",
        },
    )
    assert preview.status_code == 200 and "Julkaistu tyyppinä:" in preview.text
    with site.app.app_context():
        quiz_import.import_into_draft(site_id, module_id, "fi", gift, "gift", None)
    listed = browser.get(base + "/")
    editor = browser.get(base + f"/{question_id}/fi")
    assert listed.status_code == 200 and "Julkaistu tyyppinä:" in listed.text
    assert editor.status_code == 200 and "Oppijoilla tämä kysymys on tyyppiä:" in editor.text
