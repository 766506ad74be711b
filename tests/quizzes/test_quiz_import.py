"""Importing a module's quiz from GIFT and exporting it again, in the database."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import func, select

from courses.database import db
from lti_tool.cli import main
from quizzes.gift.parser import parse_gift
from quizzes.gift.writer import write_gift
from quizzes.models import QuestionVersion, QuizQuestion
from quizzes.services import QuizImportError, export_questions, import_questions

FI = """// [id:q-contract]
::Sopimus:: Kannattaako työsopimus tehdä kirjallisena? {T#Kirjallinen on paras.#Oikein.####Kirjallisesta näet ehdot.}

// [id:q-card]
Verokortin saat {=Verohallinnolta #Kyllä. ~pankista #Ei.####Verohallinto antaa verokortit.} verkossa.

// [id:q-reflect]
::Pohdi:: Mitä tarkistat ensimmäisenä uudessa työssä? {}
"""


def count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.fixture
def ctx(site):
    with site.app.app_context():
        yield site


def test_import_then_export_gives_the_same_questions(ctx):
    report = import_questions("finnish-working-life", "fi", parse_gift(FI))
    assert (report.added, report.new_versions, report.unchanged) == (3, 0, 0)
    exported = export_questions("finnish-working-life", "fi")
    assert [q.idnumber for q in exported] == ["q-contract", "q-card", "q-reflect"]
    assert all(q.category == "keys-to-working-life/finnish-working-life" for q in exported)
    assert parse_gift(write_gift(exported)) == exported
    again = import_questions("finnish-working-life", "fi", parse_gift(write_gift(exported)))
    assert (again.added, again.new_versions, again.unchanged) == (0, 0, 3)


def test_a_change_adds_a_version_and_keeps_the_old_one(ctx):
    import_questions("finnish-working-life", "fi", parse_gift(FI))
    import_questions("finnish-working-life", "fi", parse_gift(FI.replace("pankista", "poliisilta")))
    versions = (
        db.session.execute(select(QuestionVersion.version).order_by(QuestionVersion.id))
        .scalars()
        .all()
    )
    assert versions == [1, 1, 1, 2]
    assert "poliisilta" in write_gift(export_questions("finnish-working-life", "fi"))


def test_a_question_dropped_from_the_finnish_file_is_retired_not_deleted(ctx):
    import_questions("finnish-working-life", "fi", parse_gift(FI))
    report = import_questions(
        "finnish-working-life", "fi", parse_gift(FI.split("\n\n// [id:q-reflect]")[0])
    )
    assert report.retired == 1
    assert count(QuizQuestion) == 3 and count(QuestionVersion) == 3
    assert [q.idnumber for q in export_questions("finnish-working-life", "fi")] == [
        "q-contract",
        "q-card",
    ]


def test_other_languages_add_texts_and_fall_back_to_finnish(ctx):
    import_questions("finnish-working-life", "fi", parse_gift(FI))
    english = (
        "// [id:q-card]\nYou get the tax card from {=the Tax Administration ~the bank} online."
    )
    import_questions("finnish-working-life", "en", parse_gift(english))
    exported = export_questions("finnish-working-life", "en")
    assert [q.text for q in exported][:2] == [
        "Kannattaako työsopimus tehdä kirjallisena?",
        "You get the tax card from",
    ]


@pytest.mark.parametrize(
    ("module", "language", "source", "message"),
    [
        ("no-such-module", "fi", FI, "no module"),
        ("multicultural-competence", "ru", FI, "not offered in 'ru'"),
        ("finnish-working-life", "fi", "", "empty quiz"),
        ("finnish-working-life", "fi", "// [id:a]\nQ {T}\n\n// [id:a]\nQ {F}", "share the id"),
    ],
)
def test_refused_imports_write_nothing(ctx, module, language, source, message):
    with pytest.raises(QuizImportError, match=message):
        import_questions(module, language, parse_gift(source))
    assert count(QuizQuestion) == 0


def test_a_translation_must_keep_the_question_kind(ctx):
    import_questions("finnish-working-life", "fi", parse_gift(FI))
    with pytest.raises(QuizImportError, match="true/false|truefalse"):
        import_questions(
            "finnish-working-life", "en", parse_gift("// [id:q-contract]\nWritten? {=yes ~no}")
        )
    assert count(QuestionVersion) == 3


def test_a_dry_run_writes_nothing(ctx):
    report = import_questions("finnish-working-life", "fi", parse_gift(FI), dry_run=True)
    assert report.added == 3 and "would import" in report.summary()
    assert count(QuizQuestion) == 0


def test_the_cli_imports_exports_and_reports_syntax_errors(ctx, tmp_path):
    runner = CliRunner()
    obj = ScriptInfo(create_app=lambda: ctx.app)
    good = tmp_path / "quiz.gift"
    good.write_text(FI, encoding="utf-8")
    result = runner.invoke(
        main, ["quiz", "import", str(good), "--module", "finnish-working-life"], obj=obj
    )
    assert result.exit_code == 0, result.output
    assert "imported 3 new" in result.output
    xml = runner.invoke(
        main,
        ["quiz", "export", "--module", "finnish-working-life", "--format", "moodlexml"],
        obj=obj,
    )
    assert (
        xml.exit_code == 0 and xml.output.count('<question type="') == 4
    )  # a category and 3 questions
    bad = tmp_path / "bad.gift"
    bad.write_text("// [id:x]\nQuestion {=a ~b\n", encoding="utf-8")
    failed = runner.invoke(main, ["quiz", "import", str(bad), "--module", "job-search"], obj=obj)
    assert failed.exit_code == 1
    assert f"{bad}:2:10: expected '}}'" in failed.output
    assert count(QuizQuestion) == 3


def test_a_moodle_xml_export_moves_to_another_module_through_the_cli(ctx, tmp_path):
    runner = CliRunner()
    obj = ScriptInfo(create_app=lambda: ctx.app)
    import_questions("finnish-working-life", "fi", parse_gift(FI))
    exported = runner.invoke(
        main,
        ["quiz", "export", "--module", "finnish-working-life", "--format", "moodlexml"],
        obj=obj,
    )
    bank = tmp_path / "bank.xml"
    bank.write_text(exported.output, encoding="utf-8")
    moved = runner.invoke(main, ["quiz", "import", str(bank), "--module", "job-search"], obj=obj)
    assert moved.exit_code == 0, moved.output
    assert "imported 3 new" in moved.output
    assert [
        (q.kind, q.text) for q in export_questions("job-search", "fi")
    ] == [(q.kind, q.text) for q in export_questions("finnish-working-life", "fi")]
    broken = tmp_path / "broken.xml"
    broken.write_text("<quiz>\n<question type='essay'>\n</quiz>\n", encoding="utf-8")
    failed = runner.invoke(main, ["quiz", "import", str(broken), "--module", "job-search"], obj=obj)
    assert failed.exit_code == 1 and f"{broken}:3:" in failed.output
    assert count(QuizQuestion) == 6


def test_a_reimport_keeps_the_quiz_s_order_and_adds_new_questions_at_the_end(ctx):
    """A Moodle bank export is sorted by type and name: importing it back must not
    reshuffle the quiz. Questions matched by id number keep their places; new ones go
    after the last, in the file's order."""
    import_questions("finnish-working-life", "fi", parse_gift(FI))
    reshuffled = list(reversed(parse_gift(FI))) + parse_gift(
        "// [id:q-new-b]\nUusi B? {T}\n\n// [id:q-new-a]\nUusi A? {F}"
    )
    report = import_questions("finnish-working-life", "fi", reshuffled)
    assert (report.added, report.unchanged) == (2, 3)
    assert [q.idnumber for q in export_questions("finnish-working-life", "fi")] == [
        "q-contract",
        "q-card",
        "q-reflect",
        "q-new-b",
        "q-new-a",
    ]
