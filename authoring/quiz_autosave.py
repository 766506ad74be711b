"""A question form saved as the trainer types: what is a question is saved as one
(authoring.quiz_drafts.save_question, a revision, a conflict never an overwrite); what is
not a question yet (a form half filled in, a grade that does not add up) is kept as the
trainer's unfinished form (DraftQuestionForm), never published and never a revision,
until it is one or the trainer discards it. Each write commits on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import delete, select

from authoring.drafts import UNSTORABLE
from authoring.library import own_module
from authoring.quiz_drafts import InvalidQuestion, languages_of, question_in
from authoring.quiz_models import DraftQuestionForm
from courses.database import db, utcnow
from courses.languages import SOURCE_LANGUAGE
from quizzes.limits import MAX_ANSWERS_PER_QUESTION, MAX_TEXT_CHARS
from quizzes.types import REGISTRY

TOKEN = re.compile(r"[A-Za-z0-9_-]{8,40}")
FIELD_NAME = re.compile(r"[a-z_]{1,40}(-\d{1,3}-[a-z_]{1,40})?")
# A form's fields: its own dozen, and four for each of three kinds of answer rows.
MAX_FIELDS = 20 + 8 * MAX_ANSWERS_PER_QUESTION


@dataclass(frozen=True)
class KeptForm:
    fields: dict[str, str]
    problem: str | None
    kind: str
    draft_question_id: int | None


def question_key(question_id: int, language: str) -> str:
    return f"{question_id}/{language}"


def new_key(token: str) -> str:
    if not TOKEN.fullmatch(token or ""):
        raise InvalidQuestion("bad_step", "token")
    return f"new/{token}"


def _row(library_module_id: int, author_id: int, key: str) -> DraftQuestionForm | None:
    return db.session.execute(
        select(DraftQuestionForm).where(
            DraftQuestionForm.library_module_id == library_module_id,
            DraftQuestionForm.author_id == author_id,
            DraftQuestionForm.key == key,
        )
    ).scalar_one_or_none()


def _clean(fields: dict[str, object]) -> dict[str, str]:
    if len(fields) > MAX_FIELDS:
        raise InvalidQuestion("too_long", "fields")
    clean = {}
    for name, value in fields.items():
        if not FIELD_NAME.fullmatch(name) or not isinstance(value, str):
            raise InvalidQuestion("bad_step", name)
        if len(value) > MAX_TEXT_CHARS:
            raise InvalidQuestion("too_long", name)
        if UNSTORABLE.search(value):
            raise InvalidQuestion("bad_characters", name)
        clean[name] = value
    return clean


def keep_form(site_id: int, library_module_id: int, author_id: int, *, language: str, kind: str,
              fields: dict[str, object], problem: str | None, question_id: int | None = None,
              token: str | None = None) -> None:
    """Keep the trainer's form of question ``question_id`` in ``language`` (or of the new
    question ``token``) as it is, over what they kept before. Commits."""
    if question_id is not None:
        row, module, _ = question_in(site_id, library_module_id, question_id)
        key, kind = question_key(row.id, language), row.kind
    else:
        module = own_module(site_id, library_module_id)
        key = new_key(token or "")
        if kind not in REGISTRY:
            raise InvalidQuestion("unknown_kind", kind)
    if language not in languages_of(module):
        raise InvalidQuestion("language_not_offered", language)
    clean = _clean(fields)
    kept = _row(module.id, author_id, key)
    if kept is None:
        kept = DraftQuestionForm(library_module_id=module.id, author_id=author_id, key=key,
                                 draft_question_id=question_id, language=language, kind=kind)
        db.session.add(kept)
    kept.fields, kept.problem, kept.updated_at = clean, problem, utcnow()
    db.session.commit()


def kept_form(site_id: int, library_module_id: int, author_id: int, *, question_id: int | None = None,
              language: str = "", token: str | None = None) -> KeptForm | None:
    """What the trainer left unfinished in this form (None: nothing)."""
    module = own_module(site_id, library_module_id)
    key = question_key(question_id, language) if question_id is not None else new_key(token or "")
    kept = _row(module.id, author_id, key)
    if kept is None:
        return None
    return KeptForm(dict(kept.fields), kept.problem, kept.kind, kept.draft_question_id)


def added_from(site_id: int, library_module_id: int, author_id: int, token: str, question_id: int) -> None:
    """The new question's form ``token`` became question ``question_id``: a later post of
    the same form saves that question instead of adding another. Commits."""
    module = own_module(site_id, library_module_id)
    key = new_key(token)
    kept = _row(module.id, author_id, key)
    row, _, _ = question_in(site_id, library_module_id, question_id)
    if kept is None:
        kept = DraftQuestionForm(library_module_id=module.id, author_id=author_id, key=key,
                                 language=SOURCE_LANGUAGE, kind=row.kind)
        db.session.add(kept)
    kept.draft_question_id, kept.fields, kept.problem, kept.updated_at = row.id, {}, None, utcnow()
    db.session.commit()


def forget_form(site_id: int, library_module_id: int, author_id: int, question_id: int, language: str) -> None:
    """The form is a saved question now, or the trainer discards it. Commits."""
    module = own_module(site_id, library_module_id)
    db.session.execute(delete(DraftQuestionForm).where(
        DraftQuestionForm.library_module_id == module.id, DraftQuestionForm.author_id == author_id,
        DraftQuestionForm.key == question_key(question_id, language),
    ))
    db.session.commit()


def discard_new(site_id: int, library_module_id: int, author_id: int, token: str) -> None:
    module = own_module(site_id, library_module_id)
    db.session.execute(delete(DraftQuestionForm).where(
        DraftQuestionForm.library_module_id == module.id, DraftQuestionForm.author_id == author_id,
        DraftQuestionForm.key == new_key(token), DraftQuestionForm.draft_question_id.is_(None),
    ))
    db.session.commit()


def unfinished_new(site_id: int, library_module_id: int, author_id: int) -> list[tuple[str, str, str]]:
    """The trainer's new questions not added yet: (token, kind, question text so far)."""
    module = own_module(site_id, library_module_id)
    rows = db.session.execute(
        select(DraftQuestionForm).where(
            DraftQuestionForm.library_module_id == module.id, DraftQuestionForm.author_id == author_id,
            DraftQuestionForm.key.startswith("new/"), DraftQuestionForm.draft_question_id.is_(None),
        ).order_by(DraftQuestionForm.updated_at)
    ).scalars()
    return [(r.key.removeprefix("new/"), r.kind, r.fields.get("text", "")) for r in rows]
