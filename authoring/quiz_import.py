"""GIFT or a Moodle XML question bank export into a draft quiz: first a plan (each
question, its kind, whether it is new or changes one the draft has, and every error with
its line and column), which writes nothing; then the same plan written, or nothing at all
while it has a problem.

In Finnish a question whose id number the draft has replaces that question's text (a new
revision), and any other is added at the end. Another language translates: each of its
questions must have the id number and kind of a Finnish question of the draft.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from sqlalchemy import update

from authoring.library import own_module
from authoring.markup_check import Finding
from authoring.quiz_drafts import (
    IDNUMBER,
    InvalidQuestion,
    add_rows,
    check,
    draft_questions,
    languages_of,
    text_row,
    touch,
    unsafe_markup,
)
from authoring.quiz_models import DraftQuestion, DraftQuestionText
from courses.database import db, utcnow
from courses.languages import SOURCE_LANGUAGE
from quizzes.gift.parser import read_gift
from quizzes.limits import NotUtf8, QuizFileError
from quizzes.model import Question
from quizzes.moodlexml import MoodleXmlError, read_moodle_xml_all
from quizzes.snapshot import to_snapshot

FORMATS = ("gift", "moodlexml")
_WHERE = re.compile(r"^[^:]*:(\d+):(\d+): (.*)$", re.DOTALL)


@dataclass(frozen=True)
class Problem:
    """What is wrong, where: a parser's own words (``message``) or one of ours (``code``)."""

    line: int | None
    column: int | None
    message: str = ""
    code: str = ""
    finding: Finding | None = None  # code "unsafe_markup": what was found, in which text


@dataclass(frozen=True)
class Planned:
    question: Question
    line: int | None
    action: str  # "add", "update" or "unchanged"


@dataclass(frozen=True)
class ImportPlan:
    language: str
    items: tuple[Planned, ...]
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


class ImportRefused(ValueError):
    def __init__(self, plan: ImportPlan) -> None:
        super().__init__(f"{len(plan.problems)} problems")
        self.plan = plan


def read_questions(
    source: str | bytes, fmt: str
) -> tuple[list[tuple[Question, int | None, int | None]], list[Problem]]:
    """The questions of a GIFT or Moodle XML text, each with where it starts (line and
    column: a GIFT question's first line, a Moodle XML ``<question>`` element), and
    every problem found, each with its line and column if known: a question that cannot
    be read is one problem, and the others are read on."""
    if fmt not in FORMATS:
        raise InvalidQuestion("unknown_import_format", fmt)
    if isinstance(source, str) and "\x00" in source:
        return [], [Problem(None, None, code="bad_characters")]
    try:
        if fmt == "gift":
            reading = read_gift(source, "GIFT")
            problems = [Problem(e.line, e.column, e.message) for e in reading.errors]
            return [(q, line, 1) for q, line in zip(reading.questions, reading.lines, strict=True)], problems
        xml = read_moodle_xml_all(source, "XML")
        read = [(q, line, column) for q, (line, column) in zip(xml.questions, xml.places, strict=True)]
        return read, [Problem(e.line, e.column, e.message) for e in xml.errors]
    except NotUtf8 as exc:
        return [], [Problem(exc.line, exc.column, code="not_utf8")]
    except MoodleXmlError as exc:  # the whole file refused (a limit, entities, no <quiz>)
        message = exc.message.removeprefix("XML: ")
        return [], [Problem(exc.line, exc.column, message)]
    except QuizFileError as exc:
        found = _WHERE.match(str(exc))
        if found:
            return [], [Problem(int(found[1]), int(found[2]), found[3])]
        return [], [Problem(None, None, str(exc).removeprefix("XML: ").removeprefix("GIFT: "))]


def plan(site_id: int, library_module_id: int, language: str, source: str | bytes, fmt: str) -> ImportPlan:
    """What importing ``source`` into the draft in ``language`` would do. Writes nothing."""
    module = own_module(site_id, library_module_id)
    if language not in languages_of(module):
        raise InvalidQuestion("language_not_offered", language)
    read, problems = read_questions(source, fmt)
    drafted = {q.idnumber: q for q in draft_questions(module.id, live=language == SOURCE_LANGUAGE)}
    items, seen = [], set()
    for question, line, column in read:
        where = (line, column if line else None)
        try:
            check(question, strict=False)
        except InvalidQuestion as exc:
            problems.append(Problem(*where, code=exc.code))
            continue
        if (found := unsafe_markup(question)) is not None:
            # Moodle would keep it and clean it when shown; a trainer is told before saving.
            problems.append(Problem(*where, code="unsafe_markup", finding=found))
            continue
        idnumber = question.idnumber
        if idnumber is not None and not IDNUMBER.fullmatch(idnumber):
            problems.append(Problem(*where, code="bad_idnumber"))
            continue
        if idnumber is not None and idnumber in seen:
            problems.append(Problem(*where, code="idnumber_twice", message=idnumber))
            continue
        seen.add(idnumber)
        row = drafted.get(idnumber) if idnumber else None
        if language != SOURCE_LANGUAGE and row is None:
            problems.append(Problem(*where, code="no_source_question", message=idnumber or ""))
            continue
        if language != SOURCE_LANGUAGE and row is not None and row.kind != question.kind:
            problems.append(Problem(*where, code="other_kind", message=idnumber or ""))
            continue
        action = "add"
        if row is not None:
            current = text_row(row.id, language)
            same = current is not None and current.snapshot == to_snapshot(replace(question, category=None))
            action = "unchanged" if same and row.removed_at is None else "update"
        items.append(Planned(question, line, action))
    if not items and not problems:
        problems.append(Problem(None, None, code="no_questions"))
    return ImportPlan(language, tuple(items), tuple(problems))


def import_into_draft(site_id: int, library_module_id: int, language: str, source: str | bytes,
                      fmt: str, author_id: int | None) -> ImportPlan:
    """Write the plan into the draft, or ImportRefused (nothing written). Commits."""
    done = plan(site_id, library_module_id, language, source, fmt)
    if not done.ok:
        raise ImportRefused(done)
    module = own_module(site_id, library_module_id)
    rows = {q.idnumber: q for q in draft_questions(module.id, live=False)}
    source_revision = None
    now = utcnow()
    try:
        add_rows(module, [p.question for p in done.items if p.action == "add"], author_id)
        for item in done.items:
            if item.action != "update":
                continue
            row: DraftQuestion = rows[item.question.idnumber]
            snapshot = to_snapshot(replace(item.question, category=None))
            if language == SOURCE_LANGUAGE:
                row.kind, row.removed_at = item.question.kind, None
            else:
                fi = text_row(row.id, SOURCE_LANGUAGE)
                source_revision = fi.revision if fi else 0
            current = text_row(row.id, language)
            if current is None:
                db.session.add(DraftQuestionText(
                    draft_question_id=row.id, language=language, snapshot=snapshot, revision=1,
                    source_revision=source_revision, updated_at=now, updated_by=author_id,
                ))
            else:
                db.session.execute(
                    update(DraftQuestionText).where(DraftQuestionText.id == current.id).values(
                        snapshot=snapshot, revision=DraftQuestionText.revision + 1,
                        source_revision=source_revision, updated_at=now, updated_by=author_id,
                    )
                )
        touch(module.id)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return done
