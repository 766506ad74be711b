"""Quiz questions in and out: import a GIFT file into a module's quiz, export it again.

An import is one transaction (or, with ``dry_run``, none): a changed question gets a new
version, an unchanged one nothing, a new one is added at the end of the quiz (questions
the quiz has keep their places: the file's order is the order of new questions only). Importing the Finnish source also
retires the questions the file no longer has; other languages only add their texts (a
question missing in a language is shown in Finnish).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased

from courses.database import db, utcnow
from courses.languages import SOURCE_LANGUAGE
from courses.models import Module, Programme
from quizzes.gift.parser import parse_gift
from quizzes.limits import MAX_QUESTIONS_PER_QUIZ, QUESTIONS_LIMIT, read_quiz_file
from quizzes.model import Question
from quizzes.models import QuestionVersion, Quiz, QuizQuestion
from quizzes.snapshot import from_snapshot, to_snapshot


class QuizImportError(ValueError):
    """The import was refused; nothing was written. ``limit`` names the limit of
    quizzes.limits that refused it, if one did."""

    def __init__(self, message: str, *, limit: str | None = None) -> None:
        super().__init__(message)
        self.limit = limit


@dataclass
class ImportReport:
    module: str
    language: str
    added: int = 0
    new_versions: int = 0
    unchanged: int = 0
    retired: int = 0
    dry_run: bool = False
    # Questions whose kind changed: each a new question, the old one retired (_new_kind).
    kind_changed: int = 0

    def summary(self) -> str:
        verb = "would import" if self.dry_run else "imported"
        return (
            f"{self.module} ({self.language}): {verb} {self.added} new, {self.new_versions} changed, "
            f"{self.unchanged} unchanged, {self.retired} retired"
            + (f", {self.kind_changed} of another kind (new questions)" if self.kind_changed else "")
        )


def _module(slug: str) -> tuple[Module, Programme]:
    row = db.session.execute(
        select(Module, Programme)
        .join(Programme, Programme.id == Module.programme_id)
        .where(Module.slug == slug)
    ).first()
    if row is None:
        raise QuizImportError(f"no module {slug!r} (load the content first)")
    return row[0], row[1]


def import_questions(
    module_slug: str, language: str, questions: Sequence[Question], *, dry_run: bool = False
) -> ImportReport:
    """Import one language of a module's quiz; commits, or with ``dry_run`` rolls back."""
    try:
        report = _import_one(module_slug, language, questions, dry_run)
        if dry_run:
            db.session.rollback()
        else:
            db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return report


def _import_one(
    module_slug: str, language: str, questions: Sequence[Question], dry_run: bool
) -> ImportReport:
    module, programme = _module(module_slug)
    if language not in programme.languages:
        raise QuizImportError(
            f"{programme.slug} is not offered in {language!r} ({', '.join(programme.languages)})"
        )
    if not questions:
        raise QuizImportError("the file has no questions: an empty quiz is not imported")
    if len(questions) > MAX_QUESTIONS_PER_QUIZ:
        raise QuizImportError(
            f"{len(questions):,} questions: {QUESTIONS_LIMIT}", limit="MAX_QUESTIONS_PER_QUIZ"
        )
    questions = [
        q if q.idnumber else replace(q, idnumber=f"{module_slug}-{n:02d}")
        for n, q in enumerate(questions, 1)
    ]
    ids = [q.idnumber for q in questions]
    if len(set(ids)) != len(ids):
        raise QuizImportError(
            f"two questions share the id {next(i for i in ids if ids.count(i) > 1)!r}"
        )
    report = ImportReport(module_slug, language, dry_run=dry_run)
    _import(module, language, questions, report)
    return report


def _import(module: Module, language: str, questions: list[Question], report: ImportReport) -> None:
    quiz = db.session.execute(select(Quiz).where(Quiz.module_id == module.id)).scalar_one_or_none()
    if quiz is None:
        quiz = Quiz(module_id=module.id)
        db.session.add(quiz)
        db.session.flush()
    existing = {
        q.idnumber: q
        for q in db.session.execute(
            select(QuizQuestion).where(QuizQuestion.quiz_id == quiz.id)
        ).scalars()
    }
    # The quiz's order stands: a question it has (by id number) keeps its place, whatever
    # the file's order (a Moodle bank export is sorted by type and name); a new one goes
    # after the last, in the order of the file.
    last = max((row.position for row in existing.values()), default=0)
    for question in questions:
        assert question.idnumber is not None
        row = existing.pop(question.idnumber, None)
        if row is None:
            last += 1
            row = QuizQuestion(
                quiz_id=quiz.id, idnumber=question.idnumber, position=last, kind=question.kind
            )
            db.session.add(row)
            db.session.flush()
            report.added += 1
        elif language == SOURCE_LANGUAGE and row.kind != question.kind and row.versions:
            row = _new_kind(row, question)
            report.kind_changed += 1
        elif language == SOURCE_LANGUAGE:
            row.kind, row.retired_at = question.kind, None
        elif row.kind != question.kind:
            raise QuizImportError(
                f"question {question.idnumber!r} is a {row.kind} question in Finnish but a {question.kind} here"
            )
        snapshot = to_snapshot(question)
        latest = db.session.execute(
            select(QuestionVersion)
            .where(QuestionVersion.question_id == row.id, QuestionVersion.language == language)
            .order_by(QuestionVersion.version.desc())
            .limit(1)
        ).scalar_one_or_none()
        if latest is not None and latest.snapshot == snapshot:
            report.unchanged += 1
            continue
        if latest is not None:
            report.new_versions += 1
        db.session.add(
            QuestionVersion(
                question_id=row.id,
                language=language,
                version=(latest.version + 1) if latest else 1,
                snapshot=snapshot,
            )
        )
    if language == SOURCE_LANGUAGE:
        for gone in existing.values():
            if gone.retired_at is None:
                gone.retired_at = utcnow()
                report.retired += 1
    db.session.flush()
    live = db.session.execute(
        select(func.count())
        .select_from(QuizQuestion)
        .where(QuizQuestion.quiz_id == quiz.id, QuizQuestion.retired_at.is_(None))
    ).scalar_one()
    if live > MAX_QUESTIONS_PER_QUIZ:  # a translation brought questions of its own
        raise QuizImportError(
            f"the quiz would have {live:,} questions: {QUESTIONS_LIMIT}",
            limit="MAX_QUESTIONS_PER_QUIZ",
        )


def _new_kind(old: QuizQuestion, question: Question) -> QuizQuestion:
    """A question whose kind changed is another question: answers given to the old one
    (a choice's index, a number) mean nothing to the new one. The old one is retired
    under an id number no file can have ("~" is not allowed in one), keeping its
    versions, so attempts made on it keep them and the item analysis counts them apart;
    the new one takes its id number and its place."""
    idnumber = old.idnumber
    old.idnumber, old.retired_at = f"{idnumber[:80]}~{old.id}", old.retired_at or utcnow()
    db.session.flush()
    row = QuizQuestion(quiz_id=old.quiz_id, idnumber=idnumber, position=old.position, kind=question.kind)
    db.session.add(row)
    db.session.flush()
    return row


def latest_statement(quiz_id: int, language: str) -> Select[tuple[QuestionVersion]]:
    """The statement of latest_versions: the newest version is looked up per question and
    language (the unique index on question, language, version answers it), so reading a
    quiz costs the same whatever other quizzes hold. Grouping every version of every quiz
    first took 60 ms a page with 100,000 versions elsewhere (bench/quiz_bench.py)."""
    other = aliased(QuestionVersion)
    newest = (
        select(func.max(other.version))
        .where(other.question_id == QuestionVersion.question_id)
        .where(other.language == QuestionVersion.language)
        .scalar_subquery()
    )
    return (
        select(QuestionVersion)
        .join(QuizQuestion, QuizQuestion.id == QuestionVersion.question_id)
        .where(
            QuizQuestion.quiz_id == quiz_id,
            QuizQuestion.retired_at.is_(None),
            QuestionVersion.language.in_({language, SOURCE_LANGUAGE}),
            QuestionVersion.version == newest,
        )
        .order_by(QuizQuestion.position)
    )


def latest_versions(quiz_id: int, language: str) -> list[QuestionVersion]:
    """The quiz's live questions, each in its newest version in ``language`` (or in
    Finnish where that translation is missing), in quiz order."""
    rows = db.session.execute(latest_statement(quiz_id, language)).scalars()
    best: dict[int, QuestionVersion] = {}
    for version in rows:  # the wanted language beats the Finnish source
        if version.question_id not in best or version.language == language:
            best[version.question_id] = version
    return list(best.values())


def export_questions(module_slug: str, language: str) -> list[Question]:
    """The quiz's live questions in ``language`` (Finnish where a translation is missing)."""
    module, programme = _module(module_slug)
    quiz_id = db.session.execute(select(Quiz.id).where(Quiz.module_id == module.id)).scalar()
    if quiz_id is None:
        return []
    category = f"{programme.slug}/{module.slug}"
    return [
        replace(from_snapshot(v.snapshot), category=category)
        for v in latest_versions(quiz_id, language)
    ]


def load_quiz_files(root: Path) -> list[ImportReport]:
    """Import every ``quiz.<language>.gift`` of the content packages under ``root``
    (Finnish first), all in one transaction."""
    reports = []
    try:
        for module_yaml in sorted(root.glob("**/module.yaml")):
            folder = module_yaml.parent
            slug = folder.name.split("-", 1)[1]
            files = sorted(
                folder.glob("quiz.*.gift"),
                key=lambda p: (p.name != f"quiz.{SOURCE_LANGUAGE}.gift", p.name),
            )
            for path in files:
                language = path.name[len("quiz.") : -len(".gift")]
                questions = parse_gift(read_quiz_file(path), str(path))
                try:
                    reports.append(_import_one(slug, language, questions, dry_run=False))
                except QuizImportError as exc:
                    raise QuizImportError(f"{path}: {exc}", limit=exc.limit) from exc
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return reports


def write_quiz(module_slug: str, by_language: Mapping[str, Sequence[Question]]) -> list[ImportReport]:
    """Make a module's quiz what ``by_language`` holds, in the caller's transaction (the
    authoring tool's publishing): the Finnish questions, in that order, are the quiz (any
    other is retired); each other language adds its texts. A changed question gets a new
    version and an unchanged one nothing, as with an import, so attempts keep theirs."""
    source = list(by_language.get(SOURCE_LANGUAGE, ()))
    module, _ = _module(module_slug)
    if not source:  # no questions left: whatever the quiz had is retired
        quiz_id = db.session.execute(select(Quiz.id).where(Quiz.module_id == module.id)).scalar()
        if quiz_id is not None:
            for row in db.session.execute(
                select(QuizQuestion).where(QuizQuestion.quiz_id == quiz_id, QuizQuestion.retired_at.is_(None))
            ).scalars():
                row.retired_at = utcnow()
        return []
    if any(q.idnumber is None for q in source):
        raise QuizImportError("every question needs its id number here")
    reports = [_import_one(module_slug, SOURCE_LANGUAGE, source, dry_run=False)]
    for language, questions in by_language.items():
        if language != SOURCE_LANGUAGE and questions:
            reports.append(_import_one(module_slug, language, list(questions), dry_run=False))
    positions = {q.idnumber: n for n, q in enumerate(source, 1)}
    quiz_id = db.session.execute(select(Quiz.id).where(Quiz.module_id == module.id)).scalar_one()
    for row in db.session.execute(select(QuizQuestion).where(QuizQuestion.quiz_id == quiz_id)).scalars():
        if row.idnumber in positions:
            row.position = positions[row.idnumber]
    db.session.flush()
    return reports
