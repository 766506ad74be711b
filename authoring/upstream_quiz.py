"""What a newer release changed in the original's quiz since a site adapted it, question
by question, to take over into the draft quiz or to leave.

A question is the same in the original and the copy by its id number. Against the copy's
first revision of each language (the original as it was when copied):

- added: a live question of the original that the copy never had (not even removed);
  taken over, it joins the end of the draft quiz with its text in every language;
- changed: the original's text changed in some language; taken over, those languages
  become new revisions of the copy's question (a changed kind too), the others stay;
- retired: the original retired a question the copy has; the copy keeps it unless the
  trainer removes it.

Each offer shows the original's question then and now (GIFT lines) and, where the
trainer changed the copy's question since, theirs too: a take-over replaces it (it stays
in the question's history). Decisions are remembered in ``LibraryModule.upstream_seen``
("question/<idnumber>": the original's fingerprint; "question-retired/<idnumber>").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from authoring.library import NotInLibrary, copy_question, own_module
from authoring.quiz_drafts import InvalidQuestion, draft_questions, text_row, touch
from authoring.quiz_models import DraftQuestion, DraftQuestionText, QuestionRevision
from authoring.upstream import StaleOffer, diff_lines, fingerprint, remember, seen
from courses.database import db, utcnow
from courses.languages import SOURCE_LANGUAGE
from quizzes.copying import LiveQuestion, live_questions
from quizzes.gift.writer import write_question
from quizzes.limits import MAX_QUESTIONS_PER_QUIZ
from quizzes.models import Quiz, QuizQuestion
from quizzes.snapshot import from_snapshot

RETIRED = "retired"
# Where a GIFT answer block's next piece starts: an answer (~ =), a feedback (#), the
# general feedback (####); never an escaped character (\~).
_ANSWER = re.compile(r"\s*(?<![\\#])(####|[~=]|#)")


@dataclass(frozen=True)
class QuestionLanguage:
    language: str
    lines: tuple[str, ...]  # the original's question then → now (GIFT lines, unified diff)
    theirs: tuple[str, ...]  # the original's question now
    yours: tuple[str, ...] | None  # the copy's now, when the trainer changed it since the copy


@dataclass(frozen=True)
class QuestionOffer:
    idnumber: str
    state: str  # "added", "changed" or "retired"
    question_id: int | None  # the copy's question (None: added)
    kind: str
    languages: tuple[QuestionLanguage, ...]
    mark: str  # the original's fingerprint and the copy's revisions, as shown


def gift_lines(snapshot: dict[str, Any] | None) -> tuple[str, ...]:
    """A question as GIFT, an answer a line, for reading and comparing."""
    if snapshot is None:
        return ()
    text = write_question(from_snapshot(snapshot))
    text = _ANSWER.sub(lambda found: "\n" + found[1], text)
    return tuple(text.replace("{", "{\n").replace("}", "\n}").splitlines())


def _order(language: str) -> tuple[bool, str]:
    return (language != SOURCE_LANGUAGE, language)


def _print(live: LiveQuestion) -> str:
    return fingerprint(live.kind, live.snapshots)


def _at_copy(question_id: int) -> dict[str, dict[str, Any]]:
    rows = db.session.execute(
        select(DraftQuestionText.language, QuestionRevision.snapshot)
        .join(QuestionRevision, QuestionRevision.draft_question_text_id == DraftQuestionText.id)
        .where(DraftQuestionText.draft_question_id == question_id, QuestionRevision.revision == 1)
    ).all()
    return {language: snapshot for language, snapshot in rows}


def _now(question_id: int) -> dict[str, DraftQuestionText]:
    return {t.language: t for t in db.session.execute(
        select(DraftQuestionText).where(DraftQuestionText.draft_question_id == question_id)
    ).scalars()}


def _mark(printed: str, texts: dict[str, DraftQuestionText]) -> str:
    revisions = ",".join(f"{lang}:{texts[lang].revision}" for lang in sorted(texts))
    return f"{printed[:16]}/{revisions}"


def _retired_in_original(module_id: int) -> set[str]:
    return set(db.session.execute(
        select(QuizQuestion.idnumber).join(Quiz, Quiz.id == QuizQuestion.quiz_id)
        .where(Quiz.module_id == module_id, QuizQuestion.retired_at.is_not(None))
    ).scalars())


def offers(site_id: int, library_module_id: int) -> list[QuestionOffer]:
    """The original's quiz changes since the copy not yet taken over or left: in the
    original's quiz order, then the questions it retired."""
    module = own_module(site_id, library_module_id)
    if module.adapted_from_id is None:
        return []
    decided = seen(module)
    copies = {q.idnumber: q for q in draft_questions(module.id, live=False)}
    found = []
    originals = live_questions(module.adapted_from_id)
    for live in originals:
        printed, copy = _print(live), copies.get(live.idnumber)
        if decided.get(f"question/{live.idnumber}") == printed or (copy and copy.removed_at):
            continue
        if copy is None:
            languages = tuple(
                QuestionLanguage(lang, (), gift_lines(live.snapshots[lang]), None)
                for lang in sorted(live.snapshots, key=_order)
            )
            found.append(QuestionOffer(live.idnumber, "added", None, live.kind, languages, _mark(printed, {})))
            continue
        then, now = _at_copy(copy.id), _now(copy.id)
        changed = []
        for lang in sorted(live.snapshots, key=_order):
            if then.get(lang) == live.snapshots[lang]:
                continue
            before, theirs = gift_lines(then.get(lang)), gift_lines(live.snapshots[lang])
            yours = gift_lines(now[lang].snapshot) if lang in now else None
            changed.append(QuestionLanguage(
                lang, diff_lines(list(before), list(theirs)), theirs, yours if yours not in (before, theirs) else None
            ))
        if changed:
            found.append(QuestionOffer(live.idnumber, "changed", copy.id, live.kind, tuple(changed), _mark(printed, now)))
    live_ids = {q.idnumber for q in originals}
    for idnumber in sorted(_retired_in_original(module.adapted_from_id) - live_ids):
        copy = copies.get(idnumber)
        if copy is None or copy.removed_at or decided.get(f"question-retired/{idnumber}") == RETIRED:
            continue
        now = _now(copy.id)
        languages = tuple(
            QuestionLanguage(lang, (), (), gift_lines(now[lang].snapshot)) for lang in sorted(now, key=_order)
        )
        found.append(QuestionOffer(idnumber, "retired", copy.id, copy.kind, languages, _mark(RETIRED, now)))
    return found


def decide(
    site_id: int, library_module_id: int, idnumber: str, action: str, author_id: int | None, *, mark: str
) -> None:
    """``action`` for the offer on question ``idnumber``: "take" or "leave" (an added or
    changed question), "remove" or "keep" (a retired one). ``mark``: the offer's as shown
    (StaleOffer if the original or the copy changed since). Commits."""
    offer = next((o for o in offers(site_id, library_module_id) if o.idnumber == idnumber), None)
    if offer is None:
        raise NotInLibrary(f"no quiz change {idnumber}")
    wanted = {"added": ("take", "leave"), "changed": ("take", "leave"), "retired": ("remove", "keep")}
    if action not in wanted[offer.state]:
        raise InvalidQuestion("bad_action", action)
    if mark != offer.mark:
        raise StaleOffer("stale_offer", f"question/{idnumber}")
    module = own_module(site_id, library_module_id)
    assert module.adapted_from_id is not None
    if offer.state == "retired":
        if action == "remove":
            row = db.session.get(DraftQuestion, offer.question_id)
            assert row is not None
            row.removed_at = utcnow()
            touch(module.id)
        remember(module.id, f"question-retired/{idnumber}", RETIRED)
        db.session.commit()
        return
    live = next(q for q in live_questions(module.adapted_from_id) if q.idnumber == idnumber)
    if action == "take":
        if offer.state == "added":
            _add(module.id, live, author_id)
        else:
            assert offer.question_id is not None
            _take(offer.question_id, live, {lang.language for lang in offer.languages}, author_id)
        touch(module.id)
    remember(module.id, f"question/{idnumber}", _print(live))
    db.session.commit()


def _add(library_module_id: int, live: LiveQuestion, author_id: int | None) -> None:
    questions = draft_questions(library_module_id, live=False)
    if sum(1 for q in questions if q.removed_at is None) >= MAX_QUESTIONS_PER_QUIZ:
        raise InvalidQuestion("too_many_questions")
    last = max((q.position for q in questions), default=0)
    copy_question(library_module_id, live, last + 1, author_id, utcnow())


def _take(question_id: int, live: LiveQuestion, languages: set[str], author_id: int | None) -> None:
    """The original's changed languages as new revisions of the copy's question; a
    translation is then up to date with the copy's Finnish (as after a page take-over)."""
    row = db.session.get(DraftQuestion, question_id)
    assert row is not None
    now = utcnow()
    if SOURCE_LANGUAGE in languages:
        row.kind = live.kind
    for language in sorted(languages, key=_order):
        snapshot = live.snapshots[language]
        fi = text_row(row.id, SOURCE_LANGUAGE)
        source = None if language == SOURCE_LANGUAGE else (fi.revision if fi else 0)
        current = text_row(row.id, language)
        if current is None:
            current = DraftQuestionText(
                draft_question_id=row.id, language=language, snapshot=snapshot, revision=1,
                source_revision=source, updated_at=now, updated_by=author_id,
            )
            db.session.add(current)
        else:
            current.snapshot, current.revision = snapshot, current.revision + 1
            current.source_revision, current.updated_at, current.updated_by = source, now, author_id
        db.session.flush()
        db.session.add(QuestionRevision(
            draft_question_text_id=current.id, revision=current.revision, snapshot=snapshot, saved_at=now,
            saved_by=author_id,
        ))
    db.session.flush()
