"""A library module's quiz as a draft: questions added, saved per language, moved and
removed. Each write commits on its own; a refused one writes nothing.

The Finnish question is the source; another language translates it (the same idnumber
and kind). A save names the revision it was written on: one made over an older revision
is a Conflict that returns the newer question, never an overwrite.
"""

from __future__ import annotations

import math
import re
import secrets
from dataclasses import dataclass, replace

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from authoring.drafts import (
    UNSTORABLE,
    Saved,  # the same answer as a page text's save
)
from authoring.library import NotInLibrary, own_module
from authoring.markup_check import Finding, in_text
from authoring.models import LibraryModule
from authoring.quiz_models import DraftQuestion, DraftQuestionText, QuestionRevision
from authoring.refusals import Refusal
from courses.database import db, utcnow
from courses.languages import SOURCE_LANGUAGE
from courses.models import Programme
from quizzes.limits import MAX_QUESTIONS_PER_QUIZ, over_limit
from quizzes.model import TEXT_FORMATS, Question
from quizzes.snapshot import from_snapshot, to_snapshot
from quizzes.types import REGISTRY

IDNUMBER = re.compile(r"[A-Za-z0-9_.:-]{1,100}")


class InvalidQuestion(Refusal):
    """A question that is not saved; ``code`` says why (the page's message), ``detail``
    what (a text's name, an id number)."""


@dataclass(frozen=True)
class Conflict:
    """Someone saved revision ``revision`` since: their question (yours stays in the form)."""

    revision: int
    question: Question


@dataclass(frozen=True)
class QuestionState:
    language: str
    state: str  # "source", "up_to_date", "behind" or "missing"
    revision: int | None


def _texts(q: Question) -> list[str]:
    texts = [q.text, q.title or "", q.idnumber or "", q.general_feedback, q.text_after or ""]
    texts += [q.feedback_right, q.feedback_wrong, *q.tags, q.category or ""]
    texts += [t for c in q.choices for t in (c.text, c.feedback)]
    texts += [p.left for p in q.pairs] + [p.right for p in q.pairs] + [n.feedback for n in q.numeric]
    return texts


def _shown_texts(q: Question) -> list[tuple[str, str, str]]:
    """Each text a learner is shown as markup: (the piece, as markup_check names a field;
    its text; its format). Answers are counted from 1 as the question has them."""
    texts = [("text", q.text, q.text_format), ("text_after", q.text_after or "", q.text_format)]
    for name in ("general_feedback", "feedback_right", "feedback_wrong"):
        texts.append((name, getattr(q, name), q.format_of(getattr(q, f"{name}_format"))))
    for n, c in enumerate(q.choices, 1):
        texts += [(f"choice {n}", c.text, q.format_of(c.format)),
                  (f"choice {n} feedback", c.feedback, q.format_of(c.feedback_format))]
    texts += [(f"pair {n}", p.left, q.format_of(p.format)) for n, p in enumerate(q.pairs, 1)]
    texts += [(f"number {n} feedback", a.feedback, q.format_of(a.feedback_format))
              for n, a in enumerate(q.numeric, 1)]
    return texts


def unsafe_markup(q: Question) -> Finding | None:
    """The first raw HTML in the question's texts that could run a script (markup_check)."""
    for field, text, text_format in _shown_texts(q):
        found = in_text(text, text_format) if text else None
        if found is not None:
            return Finding(found.kind, found.name, found.line, field)
    return None


def _fractions(q: Question) -> list[float]:
    return [c.fraction for c in q.choices] + [n.fraction for n in q.numeric]


def check(q: Question, *, strict: bool = True) -> Question:
    """A question fit to keep, or InvalidQuestion. ``strict`` (a question written in the
    form) also asks what Moodle's forms ask: answers enough, and one that is right; and
    refuses a script in its texts (an imported or restored question keeps its markup,
    which the sanitiser removes when it is shown, as it always does)."""
    if q.kind not in REGISTRY:
        raise InvalidQuestion("unknown_kind", q.kind)
    if q.text_format not in TEXT_FORMATS:
        raise InvalidQuestion("unknown_format", q.text_format)
    if not isinstance(q.text, str) or not (q.text.strip() or (q.text_after or "").strip()):
        raise InvalidQuestion("text_missing")
    if any(UNSTORABLE.search(text) for text in _texts(q)):
        raise InvalidQuestion("bad_characters")
    if (wrong := over_limit(q)) is not None:
        raise InvalidQuestion("too_long", wrong[1])
    if any(not math.isfinite(f) or not -1 <= f <= 1 for f in _fractions(q)):
        raise InvalidQuestion("bad_grade")
    if any(not math.isfinite(v) for n in q.numeric for v in (n.value, n.tolerance, n.low, n.high)
           if v is not None):
        raise InvalidQuestion("bad_number")
    if not strict:
        return q
    if (found := unsafe_markup(q)) is not None:
        raise InvalidQuestion("unsafe_markup", f"{found.field}: {found.name} line {found.line}", found)
    positive = [c.fraction for c in q.choices if c.fraction > 0]
    if q.kind in ("single", "multiple") and len(q.choices) < 2:
        raise InvalidQuestion("too_few_choices")
    if q.kind == "single" and max(c.fraction for c in q.choices) < 0.999:
        raise InvalidQuestion("no_right_choice")
    if q.kind == "multiple" and not 0.99 <= sum(positive) <= 1.01:
        raise InvalidQuestion("grades_not_100")
    if q.kind == "short" and not positive:
        raise InvalidQuestion("no_right_answer")
    if q.kind == "numerical" and not any(n.fraction > 0 for n in q.numeric):
        raise InvalidQuestion("no_right_answer")
    if q.kind == "matching" and len(q.subquestions) < 2:
        raise InvalidQuestion("too_few_pairs")
    if q.kind == "truefalse" and not isinstance(q.truth, bool):
        raise InvalidQuestion("no_truth")
    return q


def languages_of(library_module: LibraryModule) -> list[str]:
    return list(db.session.get(Programme, library_module.programme_id).languages)


def draft_questions(library_module_id: int, *, live: bool = True) -> list[DraftQuestion]:
    """A draft quiz's questions in order, read afresh."""
    query = select(DraftQuestion).where(DraftQuestion.library_module_id == library_module_id)
    if live:
        query = query.where(DraftQuestion.removed_at.is_(None))
    return list(db.session.execute(query.order_by(DraftQuestion.position, DraftQuestion.id)).scalars())


def draft_quiz(site_id: int, library_module_id: int) -> tuple[LibraryModule, list[DraftQuestion], list[str]]:
    """This site's module, its live draft questions and the programme's languages."""
    module = own_module(site_id, library_module_id)
    return module, draft_questions(module.id), languages_of(module)


def question_in(site_id: int, library_module_id: int, question_id: int) -> tuple[DraftQuestion, LibraryModule, list[str]]:
    """A live question of this site's module, or NotInLibrary (another module's question
    looks the same as none at all)."""
    module = own_module(site_id, library_module_id)
    question = db.session.get(DraftQuestion, question_id)
    if question is None or question.library_module_id != module.id or question.removed_at is not None:
        raise NotInLibrary(f"question {question_id}")
    return question, module, languages_of(module)


def text_row(question_id: int, language: str) -> DraftQuestionText | None:
    return db.session.execute(
        select(DraftQuestionText).where(
            DraftQuestionText.draft_question_id == question_id, DraftQuestionText.language == language
        )
    ).scalar_one_or_none()


def question_text(question: DraftQuestion, language: str) -> Question | None:
    """The question in ``language`` as last saved (None: not written in it)."""
    row = text_row(question.id, language)
    return from_snapshot(row.snapshot) if row else None


def states(question: DraftQuestion, languages: list[str]) -> list[QuestionState]:
    """Each language of the question: the source, up to date, behind it, or missing (a
    translation of another kind than the source is behind it too)."""
    texts = {t.language: t for t in question.texts}
    source = texts.get(SOURCE_LANGUAGE)
    found = []
    for language in languages:
        text = texts.get(language)
        if language == SOURCE_LANGUAGE:
            found.append(QuestionState(language, "source", text.revision if text else None))
        elif text is None:
            found.append(QuestionState(language, "missing", None))
        elif source is not None and (
            (text.source_revision or 0) < source.revision or text.snapshot.get("kind") != question.kind
        ):
            found.append(QuestionState(language, "behind", text.revision))
        else:
            found.append(QuestionState(language, "up_to_date", text.revision))
    return found


def touch(library_module_id: int) -> None:
    db.session.execute(
        update(LibraryModule).where(LibraryModule.id == library_module_id).values(draft_changed_at=utcnow())
    )


def new_idnumber(library_module: LibraryModule, taken: set[str]) -> str:
    while True:
        candidate = f"{library_module.slug[:80]}-{secrets.token_hex(3)}"
        if candidate not in taken:
            return candidate


def add_rows(library_module: LibraryModule, questions: list[Question], author_id: int | None,
             source_revision: int | None = None, language: str = SOURCE_LANGUAGE) -> list[DraftQuestion]:
    """New questions at the end of the draft, in the caller's transaction."""
    existing = draft_questions(library_module.id, live=False)
    if sum(1 for q in existing if q.removed_at is None) + len(questions) > MAX_QUESTIONS_PER_QUIZ:
        raise InvalidQuestion("too_many_questions")
    taken = {q.idnumber for q in existing}
    last = max((q.position for q in existing), default=0)
    now, rows = utcnow(), []
    for question in questions:
        idnumber = question.idnumber or new_idnumber(library_module, taken)
        if idnumber in taken:
            raise InvalidQuestion("idnumber_taken", idnumber)
        taken.add(idnumber)
        last += 1
        row = DraftQuestion(library_module_id=library_module.id, idnumber=idnumber, position=last,
                            kind=question.kind, created_at=now)
        db.session.add(row)
        db.session.flush()
        text = DraftQuestionText(
            draft_question_id=row.id, language=language,
            snapshot=to_snapshot(replace(question, idnumber=idnumber, category=None)),
            revision=1, source_revision=source_revision, updated_at=now, updated_by=author_id,
        )
        db.session.add(text)
        db.session.flush()
        db.session.add(QuestionRevision(
            draft_question_text_id=text.id, revision=1, snapshot=text.snapshot, saved_at=now,
            saved_by=author_id,
        ))
        rows.append(row)
    return rows


def add_question(site_id: int, library_module_id: int, question: Question, author_id: int | None) -> DraftQuestion:
    """A new Finnish question at the end of the draft quiz (its id number given, or made)."""
    module = own_module(site_id, library_module_id)
    check(question)
    if question.idnumber is not None and not IDNUMBER.fullmatch(question.idnumber):
        raise InvalidQuestion("bad_idnumber")
    (row,) = add_rows(module, [question], author_id)
    touch(module.id)
    db.session.commit()
    return row


def save_question(
    site_id: int, library_module_id: int, question_id: int, language: str, *,
    base_revision: int | None, question: Question, author_id: int | None,
    source_revision: int | None = None, strict: bool = True,
) -> Saved | Conflict:
    """Save the question in ``language`` over ``base_revision`` (None: a new translation).
    A translation keeps the Finnish revision it was written against (``source_revision``,
    the current one if None) and must be of the source's kind. Commits, also on conflict."""
    row, module, languages = question_in(site_id, library_module_id, question_id)
    if language not in languages:
        raise InvalidQuestion("language_not_offered", language)
    question = check(replace(question, idnumber=row.idnumber, category=None), strict=strict)
    source = None
    if language == SOURCE_LANGUAGE:
        if question.kind != row.kind:
            row.kind = question.kind
    else:
        if question.kind != row.kind:
            raise InvalidQuestion("other_kind", row.kind)
        current_source = text_row(row.id, SOURCE_LANGUAGE)
        latest = current_source.revision if current_source else 0
        source = latest if source_revision is None else min(max(int(source_revision), 0), latest)
    snapshot = to_snapshot(question)
    current = text_row(row.id, language)
    if current is not None and current.revision == base_revision and (
        current.snapshot, current.source_revision
    ) == (snapshot, source):
        db.session.rollback()
        return Saved(current.revision)
    now = utcnow()
    try:
        if current is None:
            db.session.add(DraftQuestionText(
                draft_question_id=row.id, language=language, snapshot=snapshot, revision=1,
                source_revision=source, updated_at=now, updated_by=author_id,
            ))
            db.session.flush()
            revision: int | None = 1
        else:
            revision = db.session.execute(
                update(DraftQuestionText)
                .where(DraftQuestionText.id == current.id, DraftQuestionText.revision == base_revision)
                .values(snapshot=snapshot, revision=DraftQuestionText.revision + 1,
                        source_revision=source, updated_at=now, updated_by=author_id)
                .returning(DraftQuestionText.revision)
            ).scalar_one_or_none()
    except IntegrityError:  # a new translation saved at the same moment by someone else
        db.session.rollback()
        revision = None
    if revision is None:
        db.session.rollback()  # the kind, too, stays as the newer save left it
        theirs = text_row(question_id, language)
        assert theirs is not None
        db.session.add(QuestionRevision(  # yours, kept aside: nothing is lost
            draft_question_text_id=theirs.id, revision=None, snapshot=snapshot, saved_at=now,
            saved_by=author_id,
        ))
        db.session.commit()
        return Conflict(theirs.revision, from_snapshot(theirs.snapshot))
    saved_row = text_row(question_id, language)
    assert saved_row is not None
    db.session.add(QuestionRevision(
        draft_question_text_id=saved_row.id, revision=revision, snapshot=snapshot, saved_at=now,
        saved_by=author_id,
    ))
    touch(module.id)
    db.session.commit()
    return Saved(revision)


def remove_question(site_id: int, library_module_id: int, question_id: int) -> None:
    """The question leaves the draft (kept, with its texts); publishing retires it."""
    row, module, _ = question_in(site_id, library_module_id, question_id)
    row.removed_at = utcnow()
    touch(module.id)
    db.session.commit()


def move_question(site_id: int, library_module_id: int, question_id: int, step: int) -> None:
    """One place up (-1) or down (+1) among the live questions; at an end, nothing."""
    if step not in (-1, 1):
        raise InvalidQuestion("bad_step")
    row, module, _ = question_in(site_id, library_module_id, question_id)
    live = draft_questions(module.id)
    index = live.index(row)
    if not 0 <= index + step < len(live):
        return
    other = live[index + step]
    if row.position == other.position:  # give every question a place of its own first
        for n, question in enumerate(live, 1):
            question.position = n
    row.position, other.position = other.position, row.position
    touch(module.id)
    db.session.commit()


def live_count(library_module_id: int) -> int:
    return db.session.execute(
        select(func.count()).select_from(DraftQuestion).where(
            DraftQuestion.library_module_id == library_module_id, DraftQuestion.removed_at.is_(None)
        )
    ).scalar_one()

