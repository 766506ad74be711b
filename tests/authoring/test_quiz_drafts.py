"""A library module's quiz as a draft, without a browser: copied on adapt, edited per
language (conflicts kept apart), moved and removed; published through quizzes' import,
so a changed question is a new version and an attempt keeps the one it showed."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select

from authoring import library, publishing, quiz_drafts
from authoring.library import NotInLibrary
from authoring.quiz_drafts import Conflict, InvalidQuestion, Saved
from authoring.quiz_models import DraftQuestion, DraftQuestionText
from courses.database import db
from courses.models import Module
from quizzes import attempts
from quizzes.copying import live_questions
from quizzes.model import Choice, NumericAnswer, Pair, Question
from quizzes.models import QuestionVersion, Quiz, QuizQuestion
from quizzes.services import latest_versions
from quizzes.snapshot import from_snapshot
from tests.authoring.conftest import person, shipped


def _count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def _texts(question: DraftQuestion) -> dict[str, DraftQuestionText]:
    return {t.language: t for t in db.session.execute(
        select(DraftQuestionText).where(DraftQuestionText.draft_question_id == question.id)).scalars()}


SINGLE = Question(
    "single", "Missä verokortti tilataan?", title="Verokortti",
    choices=(Choice("OmaVerossa", 1.0, "Oikein."), Choice("Pankissa", 0.0, "Ei.")),
    general_feedback="Verokortin saa OmaVerosta.",
)


def test_adapt_copies_every_live_question_in_every_language(sites):
    app, site, _ = sites
    with app.app_context():
        original = shipped()
        lm = library.adapt(site, original, None)
        _, questions, languages = quiz_drafts.draft_quiz(site, lm.id)
        live = live_questions(original)
        assert [q.idnumber for q in questions] == [q.idnumber for q in live] and live
        assert [q.kind for q in questions] == [q.kind for q in live]
        texts = _texts(questions[0])
        assert set(texts) == set(live[0].snapshots) and "en" in texts
        assert texts["fi"].snapshot == live[0].snapshots["fi"]
        states = {s.language: s.state for s in quiz_drafts.states(questions[0], languages)}
        assert states["fi"] == "source" and states["en"] == "up_to_date"


def test_a_question_is_added_saved_and_a_stale_save_is_a_conflict(sites):
    app, site, _ = sites
    with app.app_context():
        lm = library.adapt(site, shipped(), None)
        row = quiz_drafts.add_question(site, lm.id, SINGLE, None)
        assert row.idnumber.startswith(lm.slug) and row.kind == "single"
        assert quiz_drafts.draft_questions(lm.id)[-1].id == row.id
        changed = replace(SINGLE, text="Mistä verokortti tilataan?")
        first = quiz_drafts.save_question(site, lm.id, row.id, "fi", base_revision=1, question=changed, author_id=None)
        assert first == Saved(2)
        late = quiz_drafts.save_question(site, lm.id, row.id, "fi", base_revision=1,
                                         question=replace(SINGLE, text="Toinen"), author_id=None)
        assert isinstance(late, Conflict) and late.revision == 2 and late.question.text == "Mistä verokortti tilataan?"
        from authoring.quiz_models import QuestionRevision

        kept = db.session.execute(
            select(QuestionRevision.revision, QuestionRevision.snapshot)
            .join(DraftQuestionText, DraftQuestionText.id == QuestionRevision.draft_question_text_id)
            .where(DraftQuestionText.draft_question_id == row.id)
            .order_by(QuestionRevision.id)
        ).all()
        assert [(r, s["text"]) for r, s in kept] == [  # every save kept, the late one aside
            (1, SINGLE.text), (2, "Mistä verokortti tilataan?"), (None, "Toinen")
        ]
        # The English translation: missing, then written, then behind a newer Finnish text.
        states = {s.language: s.state for s in quiz_drafts.states(row, ["fi", "en"])}
        assert states["en"] == "missing"
        english = replace(SINGLE, text="Where do you order a tax card?")
        assert quiz_drafts.save_question(site, lm.id, row.id, "en", base_revision=None, question=english,
                                         author_id=None) == Saved(1)
        db.session.expire_all()
        assert {s.language: s.state for s in quiz_drafts.states(row, ["fi", "en"])}["en"] == "up_to_date"
        quiz_drafts.save_question(site, lm.id, row.id, "fi", base_revision=2,
                                  question=replace(SINGLE, text="Uusi"), author_id=None)
        db.session.expire_all()
        assert {s.language: s.state for s in quiz_drafts.states(row, ["fi", "en"])}["en"] == "behind"
        with pytest.raises(InvalidQuestion) as refused:  # a translation is of the source's kind
            quiz_drafts.save_question(site, lm.id, row.id, "en", base_revision=1,
                                      question=Question("essay", "Why?"), author_id=None)
        assert refused.value.code == "other_kind"


@pytest.mark.parametrize(
    ("question", "code"),
    [
        (replace(SINGLE, text="a\x00b"), "bad_characters"),
        (replace(SINGLE, general_feedback="\x07"), "bad_characters"),
        (replace(SINGLE, text="x" * 70_000), "too_long"),
        (replace(SINGLE, text=" "), "text_missing"),
        (replace(SINGLE, choices=(Choice("Yksi", 1.0),)), "too_few_choices"),
        (replace(SINGLE, choices=(Choice("a", 0.5), Choice("b", 0.0))), "no_right_choice"),
        (replace(SINGLE, kind="multiple", choices=(Choice("a", 0.5), Choice("b", 0.0))), "grades_not_100"),
        (replace(SINGLE, choices=(Choice("a", 2.0), Choice("b", 0.0))), "bad_grade"),
        (Question("short", "Sana?", choices=(Choice("x", 0.0),)), "no_right_answer"),
        (Question("numerical", "Luku?", numeric=(NumericAnswer(1.0, value=float("nan")),)), "bad_number"),
        (Question("matching", "Yhdistä", pairs=(Pair("a", "b"),)), "too_few_pairs"),
        (Question("truefalse", "Totta?"), "no_truth"),
        (Question("lottery", "?"), "unknown_kind"),
        (replace(SINGLE, idnumber="bad id with spaces"), "bad_idnumber"),
    ],
)
def test_bad_questions_are_refused_with_nothing_written(sites, question, code):
    app, site, _ = sites
    with app.app_context():
        lm = library.adapt(site, shipped(), None)
        before = (_count(DraftQuestion), _count(DraftQuestionText))
        with pytest.raises(InvalidQuestion) as refused:
            quiz_drafts.add_question(site, lm.id, question, None)
        assert refused.value.code == code
        assert (_count(DraftQuestion), _count(DraftQuestionText)) == before


def test_another_sites_or_another_modules_question_is_not_there(sites):
    app, site, other = sites
    with app.app_context():
        mine = library.adapt(site, shipped(), None)
        second = library.adapt(site, shipped("job-search"), None)
        question = quiz_drafts.draft_questions(mine.id)[0]
        with pytest.raises(NotInLibrary):
            quiz_drafts.add_question(other, mine.id, SINGLE, None)
        with pytest.raises(NotInLibrary):  # the right site, the wrong module in the address
            quiz_drafts.save_question(site, second.id, question.id, "fi", base_revision=1, question=SINGLE,
                                      author_id=None)
        for call in (quiz_drafts.remove_question, lambda *a: quiz_drafts.move_question(*a, 1)):
            with pytest.raises(NotInLibrary):
                call(other, mine.id, question.id)
        assert quiz_drafts.draft_questions(mine.id)[0].id == question.id


def test_questions_move_and_a_removed_one_leaves_the_draft(sites):
    app, site, _ = sites
    with app.app_context():
        lm = library.adapt(site, shipped(), None)
        ids = [q.id for q in quiz_drafts.draft_questions(lm.id)]
        quiz_drafts.move_question(site, lm.id, ids[1], -1)
        quiz_drafts.move_question(site, lm.id, ids[1], -1)  # at the top already: nothing
        assert [q.id for q in quiz_drafts.draft_questions(lm.id)] == [ids[1], ids[0], *ids[2:]]
        quiz_drafts.remove_question(site, lm.id, ids[0])
        assert ids[0] not in [q.id for q in quiz_drafts.draft_questions(lm.id)]
        with pytest.raises(NotInLibrary):  # a removed question is not edited
            quiz_drafts.save_question(site, lm.id, ids[0], "fi", base_revision=1, question=SINGLE, author_id=None)


def _published_quiz(lm) -> Quiz:
    module = db.session.execute(select(Module).where(Module.slug == lm.slug)).scalar_one()
    return db.session.execute(select(Quiz).where(Quiz.module_id == module.id)).scalar_one()


def test_publishing_writes_the_draft_quiz_and_attempts_keep_their_versions(sites):
    app, site, _ = sites
    with app.app_context():
        original = db.session.execute(select(Quiz).where(Quiz.module_id == shipped())).scalar_one()
        original.pass_mark = 75
        db.session.commit()
        lm = library.adapt(site, shipped(), None)
        first, second, *_ = quiz_drafts.draft_questions(lm.id)
        publishing.publish(site, lm.id, "1", None)
        quiz = _published_quiz(lm)
        assert quiz.pass_mark == 75  # the original's settings come along
        shown = latest_versions(quiz.id, "fi")
        assert [v.question.idnumber for v in shown] == [q.idnumber for q in quiz_drafts.draft_questions(lm.id)]
        attempt = attempts.start_attempt(quiz, learner_id=_learner(), language="fi")
        before = attempts.questions_of(attempt)

        fi = quiz_drafts.question_text(first, "fi")
        edited = replace(fi, text=fi.text + " (muokattu)")
        assert isinstance(quiz_drafts.save_question(site, lm.id, first.id, "fi", base_revision=1, question=edited,
                                                    author_id=None, strict=False), Saved)
        quiz_drafts.remove_question(site, lm.id, second.id)
        added = quiz_drafts.add_question(site, lm.id, SINGLE, None)
        quiz_drafts.move_question(site, lm.id, added.id, -1)
        publishing.publish(site, lm.id, "2", None)
        db.session.expire_all()
        rows = {q.idnumber: q for q in db.session.execute(select(QuizQuestion).where(QuizQuestion.quiz_id == quiz.id)).scalars()}
        assert rows[second.idnumber].retired_at is not None  # retired, not deleted
        versions = db.session.execute(
            select(QuestionVersion.version).where(QuestionVersion.question_id == rows[first.idnumber].id,
                                                  QuestionVersion.language == "fi")
        ).scalars().all()
        assert sorted(versions) == [1, 2]
        now = latest_versions(quiz.id, "fi")
        assert from_snapshot(now[0].snapshot).text.endswith("(muokattu)")
        assert now[-2].question.idnumber == added.idnumber  # added at the end, then moved up one
        assert second.idnumber not in [v.question.idnumber for v in now]
        # The attempt started before still shows (and grades) what it showed then.
        assert attempts.questions_of(db.session.get(type(attempt), attempt.id)) == before
        # Publishing again without changes adds no version.
        count = _count(QuestionVersion)
        publishing.publish(site, lm.id, "3", None)
        assert _count(QuestionVersion) == count


def test_a_new_module_gets_a_quiz_when_it_has_questions(sites):
    from authoring import structure

    app, site, _ = sites
    with app.app_context():
        lm = structure.create_module(site, "keys-to-working-life", "Oma moduuli", None)
        publishing.publish(site, lm.id, "", None)
        module = db.session.execute(select(Module).where(Module.slug == lm.slug)).scalar_one()
        assert db.session.execute(select(Quiz).where(Quiz.module_id == module.id)).scalar() is None
        quiz_drafts.add_question(site, lm.id, SINGLE, None)
        publishing.publish(site, lm.id, "", None)
        quiz = _published_quiz(lm)
        assert [from_snapshot(v.snapshot).text for v in latest_versions(quiz.id, "fi")] == [SINGLE.text]
        version = publishing.versions(site, lm.id)[0]
        assert version.snapshot["quiz"][0]["texts"]["fi"]["text"] == SINGLE.text


def _learner() -> int:
    return person("quiz-draft-learner")


def test_a_translation_left_behind_another_kind_is_not_published_and_learners_get_finnish(sites):
    from authoring import quiz_import

    app, site, _ = sites
    with app.app_context():
        lm = library.adapt(site, shipped(), None)
        first = quiz_drafts.draft_questions(lm.id)[0]
        assert quiz_drafts.question_text(first, "en") is not None
        gift = f"// [id:{first.idnumber}]\nPohdi omaa työtäsi. {{}}\n"
        quiz_import.import_into_draft(site, lm.id, "fi", gift, "gift", None)
        db.session.expire_all()
        assert quiz_drafts.draft_questions(lm.id)[0].kind == "essay"
        states = {s.language: s.state for s in quiz_drafts.states(quiz_drafts.draft_questions(lm.id)[0], ["fi", "en"])}
        assert states["en"] == "behind"
        publishing.publish(site, lm.id, "", None)
        (shown,) = [v for v in latest_versions(_published_quiz(lm).id, "en") if v.question.idnumber == first.idnumber]
        assert shown.language == "fi" and from_snapshot(shown.snapshot).kind == "essay"
