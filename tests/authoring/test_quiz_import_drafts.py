"""GIFT and Moodle XML into a draft quiz: a plan naming every error with its line and
column, nothing written while it has one; then the questions in the draft."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from authoring import library, quiz_drafts, quiz_import
from authoring.library import NotInLibrary
from authoring.quiz_models import DraftQuestion, DraftQuestionText
from courses.database import db
from quizzes.gift.writer import write_gift
from quizzes.model import Choice, Question
from quizzes.moodlexml import write_moodle_xml
from tests.authoring.conftest import shipped

GOOD = """// [id:oma-1]
::Sopimus:: Kannattaako työsopimus tehdä kirjallisena? {T#Kirjallinen on paras.#Oikein.}

// [id:oma-2]
Pohdi, mitä tarkistat ensimmäisenä uudessa työssä. {}
"""

BROKEN = """// [id:a]
Kysymys ilman loppua {=oikein ~väärin

// [id:b]
Hyvä kysymys {=kyllä ~ei}

// [id:c]
::Otsikko ilman loppua Kysymys {T}
"""


def _count() -> tuple[int, int]:
    return (db.session.execute(select(func.count()).select_from(DraftQuestion)).scalar_one(),
            db.session.execute(select(func.count()).select_from(DraftQuestionText)).scalar_one())


def test_a_plan_names_each_question_and_writes_nothing(sites):
    app, site, _ = sites
    with app.app_context():
        lm = library.adapt(site, shipped(), None)
        before = _count()
        plan = quiz_import.plan(site, lm.id, "fi", GOOD, "gift")
        assert plan.ok and [(p.question.kind, p.action, p.line) for p in plan.items] == [
            ("truefalse", "add", 1), ("essay", "add", 4)]
        assert _count() == before
        quiz_import.import_into_draft(site, lm.id, "fi", GOOD, "gift", None)
        assert [q.idnumber for q in quiz_drafts.draft_questions(lm.id)][-2:] == ["oma-1", "oma-2"]
        again = quiz_import.plan(site, lm.id, "fi", GOOD.replace("paras", "hyvä"), "gift")
        assert [p.action for p in again.items] == ["update", "unchanged"]


def test_every_error_has_its_line_and_column_and_nothing_is_saved(sites):
    app, site, _ = sites
    with app.app_context():
        lm = library.adapt(site, shipped(), None)
        before = _count()
        plan = quiz_import.plan(site, lm.id, "fi", BROKEN, "gift")
        assert [(p.line, p.column) for p in plan.problems] == [(2, 22), (8, 1)]
        assert "'}'" in plan.problems[0].message and [p.question.idnumber for p in plan.items] == ["b"]
        with pytest.raises(quiz_import.ImportRefused):
            quiz_import.import_into_draft(site, lm.id, "fi", BROKEN, "gift", None)
        assert _count() == before


def test_a_moodle_xml_export_is_read_and_its_syntax_errors_placed(sites):
    app, site, _ = sites
    with app.app_context():
        lm = library.adapt(site, shipped(), None)
        question = Question("single", "Kumpi?", idnumber="x-1", choices=(Choice("a", 1.0), Choice("b", 0.0)))
        plan = quiz_import.plan(site, lm.id, "fi", write_moodle_xml([question]), "moodlexml")
        assert plan.ok and plan.items[0].question.kind == "single"
        broken = quiz_import.plan(site, lm.id, "fi", "<quiz>\n<question type='essay'>\n</quiz>", "moodlexml")
        assert [(p.line, p.column) for p in broken.problems] == [(3, 3)]
        assert quiz_import.plan(site, lm.id, "fi", b"\xff\xfe", "gift").problems[0].code == "not_utf8"


def test_every_bad_moodle_xml_question_has_its_line_and_column_and_nothing_is_saved(sites):
    from tests.quizzes.test_moodle_xml_errors import BANK

    app, site, _ = sites
    with app.app_context():
        lm = library.adapt(site, shipped(), None)
        before = _count()
        plan = quiz_import.plan(site, lm.id, "fi", BANK, "moodlexml")
        assert [(p.line, p.column) for p in plan.problems] == [(13, 7), (15, 3), (18, 5), (22, 51)]
        assert plan.problems[0].message == "question 2 (Huono arvo): an answer's fraction 'x' is not a number"
        assert [(p.question.title, p.line) for p in plan.items] == [("Hyvä", 3), ("Pohdi", 24)]
        with pytest.raises(quiz_import.ImportRefused):
            quiz_import.import_into_draft(site, lm.id, "fi", BANK, "moodlexml", None)
        assert _count() == before
        # Our own checks of a question read (here a bad id number) are placed on its element too.
        odd = BANK.replace("<name><text>Hyvä</text></name>", "<name><text>Hyvä</text></name><idnumber>a b</idnumber>")
        assert (3, 3, "bad_idnumber") in [(p.line, p.column, p.code) for p in quiz_import.plan(
            site, lm.id, "fi", odd, "moodlexml").problems]


def test_a_translation_must_translate_a_question_of_the_draft(sites):
    app, site, _ = sites
    with app.app_context():
        lm = library.adapt(site, shipped(), None)
        first = quiz_drafts.draft_questions(lm.id)[0]
        fi = quiz_drafts.question_text(first, "fi")
        from dataclasses import replace
        english = write_gift([replace(fi, text="In English now")])
        plan = quiz_import.plan(site, lm.id, "en", english + "\n\n// [id:nowhere]\nNew? {T}\n", "gift")
        assert [p.code for p in plan.problems] == ["no_source_question"]
        quiz_import.import_into_draft(site, lm.id, "en", english, "gift", None)
        assert quiz_drafts.question_text(first, "en").text == "In English now"
        essay = write_gift([Question("essay", "Other kind", idnumber=first.idnumber)])
        assert quiz_import.plan(site, lm.id, "en", essay, "gift").problems[0].code == "other_kind"


@pytest.mark.parametrize(
    ("source", "code"),
    [
        ("Kysymys\x00 {T}", "bad_characters"),
        ("// [id:a]\nYksi {T}\n\n// [id:a]\nKaksi {F}", "idnumber_twice"),
        ("// [id:a b]\nYksi {T}", "bad_idnumber"),
        ("", "no_questions"),
    ],
)
def test_bad_files_are_refused(sites, source, code):
    app, site, other = sites
    with app.app_context():
        lm = library.adapt(site, shipped(), None)
        plan = quiz_import.plan(site, lm.id, "fi", source, "gift")
        assert code in [p.code for p in plan.problems]
        with pytest.raises(NotInLibrary):
            quiz_import.plan(other, lm.id, "fi", GOOD, "gift")
        with pytest.raises(quiz_drafts.InvalidQuestion):
            quiz_import.plan(site, lm.id, "xx", GOOD, "gift")


SCRIPTED = r"""// [id:oma-s]
[html]Turvallinen kysymys? {=kyllä#<b>Hyvä</b> ~ei#<img src\=x onerror\="alert(1)">}

// [id:oma-t]
[html]<p>Toinen</p><script>alert(1)</script> {T}
"""


def test_an_imported_script_is_named_where_it_is_and_nothing_is_saved(sites):
    app, site, _ = sites
    with app.app_context():
        lm = library.adapt(site, shipped(), None)
        before = _count()
        plan = quiz_import.plan(site, lm.id, "fi", SCRIPTED, "gift")
        found = [(p.line, p.code, p.finding.kind, p.finding.name) for p in plan.problems]
        assert found == [(1, "unsafe_markup", "attribute", "onerror"),
                         (4, "unsafe_markup", "element", "script")]
        assert plan.problems[0].finding.field.startswith("choice") and not plan.items
        with pytest.raises(quiz_import.ImportRefused):
            quiz_import.import_into_draft(site, lm.id, "fi", SCRIPTED, "gift", None)
        assert _count() == before
        # The same markup as text (escaped) is a question like any other.
        plan = quiz_import.plan(site, lm.id, "fi", "// [id:oma-u]\nMitä tekee &lt;script&gt;? {}\n", "gift")
        assert plan.ok
