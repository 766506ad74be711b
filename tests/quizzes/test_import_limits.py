"""Quiz files beyond the limits of quizzes.limits are refused, naming the limit and the
place, by the readers themselves (the command line and, later, an upload use them), and
nothing is written. Memory and time on hostile files: bench/import_bench.py."""

from __future__ import annotations

import io

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo

from lti_tool.cli import main
from quizzes import limits
from quizzes.gift.parser import GiftError, parse_gift
from quizzes.limits import (
    MAX_ANSWERS_PER_QUESTION,
    MAX_FILE_BYTES,
    MAX_IDNUMBER_CHARS,
    MAX_QUESTIONS_PER_QUIZ,
    MAX_TEXT_CHARS,
    MAX_XML_ELEMENTS_PER_QUESTION,
    NotUtf8,
    QuizFileError,
    read_quiz_file,
)
from quizzes.models import QuizQuestion
from quizzes.moodlexml import MoodleXmlError, read_moodle_xml
from quizzes.services import QuizImportError, import_questions
from tests.quizzes.test_quiz_import import FI, count


def gift_questions(n: int) -> str:
    return "".join(f"// [id:q{i}]\nKysymys {i}? {{T}}\n\n" for i in range(1, n + 1))


def xml_question(name: str, more: str = "") -> str:
    return (
        f"<question type='truefalse'><name><text>{name}</text></name>"
        f"<questiontext format='html'><text>{name}?</text></questiontext>{more}"
        "<answer fraction='100'><text>true</text></answer></question>"
    )


def xml(*questions: str) -> bytes:
    return ("<?xml version='1.0' encoding='UTF-8'?><quiz>" + "".join(questions) + "</quiz>").encode()


@pytest.fixture
def cli(site):
    def run(*args: str):
        return CliRunner().invoke(main, list(args), obj=ScriptInfo(create_app=lambda: site.app))

    with site.app.app_context():
        yield run


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(cli, tmp_path):
    big = tmp_path / "pankki.xml"
    with open(big, "wb") as out:
        out.truncate(MAX_FILE_BYTES + 1)  # sparse: nothing is written, nothing read
    result = cli("quiz", "import", str(big), "--module", "job-search")
    assert result.exit_code == 1
    assert f"{big}: the file is {MAX_FILE_BYTES + 1:,} bytes" in result.output
    assert "MAX_FILE_BYTES" in result.output and "Traceback" not in result.output
    assert count(QuizQuestion) == 0


def test_an_upload_stream_is_read_no_further_than_the_limit():
    stream = io.BytesIO(b"x" * (MAX_FILE_BYTES + 10))
    with pytest.raises(QuizFileError, match="MAX_FILE_BYTES") as raised:
        read_quiz_file(stream, "upload.gift")
    assert raised.value.limit == "MAX_FILE_BYTES" and stream.tell() == MAX_FILE_BYTES + 1
    assert read_quiz_file(io.BytesIO(FI.encode()), "upload.gift") == FI.encode()
    for reader in (parse_gift, read_moodle_xml):  # the readers check what they are given
        with pytest.raises(QuizFileError, match="MAX_FILE_BYTES"):
            reader(b" " * (MAX_FILE_BYTES + 1), "upload")


def test_a_file_that_is_not_utf8_names_the_line_column_and_byte(cli, tmp_path):
    latin1 = tmp_path / "quiz.gift"
    latin1.write_bytes("// [id:a]\nTyösopimus? {T}\n".encode("utf-8") + "\nPäivä? {F}\n".encode("latin-1"))
    result = cli("quiz", "import", str(latin1), "--module", "job-search")
    assert result.exit_code == 1 and "Traceback" not in result.output
    offset = latin1.read_bytes().index(b"\xe4")
    assert f"{latin1}:4:2: byte {offset:,} (0xe4) is not UTF-8" in result.output
    with pytest.raises(NotUtf8) as raised:
        parse_gift(b"\xef\xbb\xbfQ? {T}\n\nQ\xff {F}", "x.gift")  # after a byte order mark
    assert (raised.value.line, raised.value.column, raised.value.offset) == (3, 2, 12)
    assert count(QuizQuestion) == 0


def test_one_question_too_many_is_refused_where_it_starts():
    assert len(parse_gift(gift_questions(MAX_QUESTIONS_PER_QUIZ))) == MAX_QUESTIONS_PER_QUIZ
    with pytest.raises(GiftError) as raised:
        parse_gift(gift_questions(MAX_QUESTIONS_PER_QUIZ + 1), "iso.gift")
    error = raised.value
    assert (error.line, error.column, error.limit) == (3 * MAX_QUESTIONS_PER_QUIZ + 1, 1, "MAX_QUESTIONS_PER_QUIZ")
    assert f"question {MAX_QUESTIONS_PER_QUIZ + 1:,} is one too many" in str(error)
    bank = xml(*(xml_question(f"Q{i}") for i in range(MAX_QUESTIONS_PER_QUIZ + 1)))
    with pytest.raises(MoodleXmlError, match=f"bank.xml: question {MAX_QUESTIONS_PER_QUIZ + 1} \\(Q1000\\) is one too many") as xml_error:
        read_moodle_xml(bank, "bank.xml")
    assert xml_error.value.limit == "MAX_QUESTIONS_PER_QUIZ"


def test_a_huge_single_line_question_is_refused_at_once():
    line = b"Kysymys " + b"x" * 20_000_000 + b" {T}\n"  # 20 MB, under the file limit
    with pytest.raises(GiftError, match="MAX_QUESTION_CHARS") as raised:
        parse_gift(b"Hyva? {T}\n\n" + line, "yksi.gift")
    assert (raised.value.line, raised.value.column) == (3, 1)


@pytest.mark.parametrize(
    ("source", "what", "limit"),
    [
        ("Q {=a ~b #" + "x" * (MAX_TEXT_CHARS + 1) + "}", "the feedback of answer 2", "MAX_TEXT_CHARS"),
        ("::" + "t" * (MAX_TEXT_CHARS + 1) + ":: Q {T}", "the title", "MAX_TEXT_CHARS"),
        ("Q {" + " ".join(f"~a{i}" for i in range(MAX_ANSWERS_PER_QUESTION + 1)) + "}", "101 answers", "MAX_ANSWERS_PER_QUESTION"),
        ("// [id:" + "i" * (MAX_IDNUMBER_CHARS + 1) + "]\nQ {T}", "the id number", "MAX_IDNUMBER_CHARS"),
    ],
)
def test_a_text_over_its_limit_names_the_question_and_the_text(source, what, limit):
    with pytest.raises(GiftError) as raised:
        parse_gift("Ensin? {T}\n\n" + source, "quiz.gift")
    error = raised.value
    assert error.limit == limit and limit in error.message and what in error.message
    assert error.line == 3 and error.column == 1


def test_moodle_xml_limits_name_the_question():
    long_text = xml_question("Pitkä", f"<generalfeedback><text>{'x' * (MAX_TEXT_CHARS + 1)}</text></generalfeedback>")
    with pytest.raises(MoodleXmlError, match="question 2 \\(Pitkä\\): the general feedback is") as raised:
        read_moodle_xml(xml(xml_question("Lyhyt"), long_text), "bank.xml")
    assert raised.value.limit == "MAX_TEXT_CHARS"
    crowded = xml_question("Täynnä", "<x/>" * (MAX_XML_ELEMENTS_PER_QUESTION + 1))
    with pytest.raises(MoodleXmlError, match="bank.xml: question 1: more than") as raised:
        read_moodle_xml(xml(crowded, xml_question("Never read")), "bank.xml")
    assert raised.value.limit == "MAX_XML_ELEMENTS_PER_QUESTION"
    answers = "".join(f"<answer fraction='0'><text>{i}</text></answer>" for i in range(MAX_ANSWERS_PER_QUESTION + 1))
    many = f"<question type='multichoice'><name><text>Monta</text></name>{answers}</question>"
    with pytest.raises(MoodleXmlError, match="question 1 \\(Monta\\): 101 answers"):
        read_moodle_xml(xml(many), "bank.xml")


def test_the_import_service_keeps_a_quiz_within_the_limit(site, monkeypatch):
    with site.app.app_context():
        too_many = parse_gift(gift_questions(3))
        monkeypatch.setattr("quizzes.services.MAX_QUESTIONS_PER_QUIZ", 2)
        with pytest.raises(QuizImportError, match="3 questions") as raised:
            import_questions("job-search", "fi", too_many)
        assert raised.value.limit == "MAX_QUESTIONS_PER_QUIZ"
        import_questions("job-search", "fi", too_many[:2])
        # A translation with a question of its own would make it three.
        with pytest.raises(QuizImportError, match="would have 3 questions"):
            import_questions("job-search", "en", parse_gift("// [id:own]\nOwn? {T}"))
        assert count(QuizQuestion) == 2


def test_the_limits_are_far_above_the_shipped_quizzes():
    from courses.packages.loader import DEFAULT_CONTENT

    for path in DEFAULT_CONTENT.glob("**/quiz.*.gift"):
        assert path.stat().st_size < MAX_FILE_BYTES / 100
        assert len(parse_gift(read_quiz_file(path), str(path))) < MAX_QUESTIONS_PER_QUIZ / 10
    assert limits.MAX_QUESTION_CHARS > 2 * MAX_TEXT_CHARS
