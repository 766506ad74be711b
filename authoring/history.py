"""A module's published versions compared, and an older one restored as the new draft
(its pages and, where the version has one, its quiz).

A restore writes the old texts as new revisions of the draft (the newer ones stay in
the history) and publishes nothing: the trainer reads it, then publishes.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from authoring import quiz_settings
from authoring.drafts import save_text
from authoring.library import NotInLibrary, draft_pages, own_module
from authoring.models import DraftPage, DraftText, ModuleVersion
from authoring.quiz_drafts import draft_questions, save_question, text_row
from authoring.quiz_models import DraftQuestion
from courses.database import db, utcnow
from courses.languages import SOURCE_LANGUAGE
from quizzes.gift.writer import write_question
from quizzes.snapshot import from_snapshot


@dataclass(frozen=True)
class TextChange:
    page: str  # the page's slug
    language: str
    kind: str  # "added", "removed" or "changed"
    lines: tuple[str, ...]  # unified diff, a line each


def _version(library_module_id: int, number: int) -> ModuleVersion:
    found = db.session.execute(
        select(ModuleVersion).where(
            ModuleVersion.library_module_id == library_module_id, ModuleVersion.number == number
        )
    ).scalar_one_or_none()
    if found is None:
        raise NotInLibrary(f"version {number}")
    return found


def _texts(snapshot: dict[str, Any]) -> dict[tuple[str, str], tuple[str, str]]:
    """Each page's text by (page, language), and each quiz question's (as "quiz:<id
    number>", the question written as GIFT, the way trainers know it from Moodle)."""
    texts = {
        (page["slug"], language): (text["title"], text["body"])
        for page in snapshot["pages"]
        for language, text in page["texts"].items()
    }
    for question in snapshot.get("quiz", []):
        for language, data in question["texts"].items():
            texts[(f"quiz:{question['idnumber']}", language)] = ("", write_question(from_snapshot(data)))
    return texts


def compare(site_id: int, library_module_id: int, older: int, newer: int) -> list[TextChange]:
    """What changed from version ``older`` to version ``newer``, page by page and
    language by language (Finnish first)."""
    own_module(site_id, library_module_id)
    before = _texts(_version(library_module_id, older).snapshot)
    after = _texts(_version(library_module_id, newer).snapshot)
    changes = []
    order = sorted(before.keys() | after.keys(), key=lambda k: (k[0], k[1] != SOURCE_LANGUAGE, k[1]))
    for key in order:
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        kind = "added" if old is None else "removed" if new is None else "changed"
        old_lines = [old[0], *old[1].splitlines()] if old else []
        new_lines = [new[0], *new[1].splitlines()] if new else []
        diff = list(difflib.unified_diff(old_lines, new_lines, lineterm="", n=1))[2:]
        changes.append(TextChange(key[0], key[1], kind, tuple(diff)))
    return changes


def restore(site_id: int, library_module_id: int, number: int, author_id: int | None) -> int:
    """Make version ``number`` the draft again: its pages, order and texts. Returns how
    many texts changed. Commits (each text through drafts.save_text)."""
    module = own_module(site_id, library_module_id)
    snapshot = _version(library_module_id, number).snapshot
    pages = {p.slug: p for p in draft_pages(module.id, live=False)}
    wanted = {page["slug"] for page in snapshot["pages"]}
    now = utcnow()
    for draft in pages.values():  # a page the version did not have leaves the draft
        if draft.slug not in wanted and draft.removed_at is None:
            draft.removed_at = now
    targets = []
    for source in snapshot["pages"]:
        draft = pages.get(source["slug"])
        if draft is None:
            draft = DraftPage(library_module_id=module.id, slug=source["slug"], position=source["position"])
            db.session.add(draft)
            db.session.flush()
        draft.position, draft.removed_at = source["position"], None
        targets.append((draft.id, source["texts"]))
    db.session.commit()
    changed = 0
    for page_id, texts in targets:
        ordered = sorted(texts.items(), key=lambda item: item[0] != SOURCE_LANGUAGE)  # the source first
        for language, text in ordered:
            current = db.session.execute(
                select(DraftText).where(DraftText.draft_page_id == page_id, DraftText.language == language)
            ).scalar_one_or_none()
            if current is not None and (current.title, current.body_markdown) == (text["title"], text["body"]):
                continue
            save_text(
                site_id, page_id, language,
                base_revision=current.revision if current else None,
                title=text["title"], body=text["body"], author_id=author_id,
                refuse_scripts=False,  # a published version, stored before scripts were refused
            )
            changed += 1
    if "quiz" in snapshot:  # versions published before the quiz was a draft have none
        changed += _restore_quiz(site_id, module.id, snapshot["quiz"], author_id)
    if quiz_settings.restore(module, snapshot.get("quiz_settings"), author_id):
        module.draft_changed_at = utcnow()
        db.session.commit()
        changed += 1
    return changed


def _restore_quiz(site_id: int, library_module_id: int, quiz: list[dict[str, Any]], author_id: int | None) -> int:
    """The version's questions, order and texts, as new revisions of the draft quiz."""
    existing = {q.idnumber: q for q in draft_questions(library_module_id, live=False)}
    wanted = {item["idnumber"] for item in quiz}
    now = utcnow()
    for question in existing.values():
        if question.idnumber not in wanted and question.removed_at is None:
            question.removed_at = now
    rows = []
    for position, item in enumerate(quiz, 1):
        row = existing.get(item["idnumber"])
        if row is None:
            row = DraftQuestion(library_module_id=library_module_id, idnumber=item["idnumber"],
                                position=position, kind=item["kind"], created_at=now)
            db.session.add(row)
            db.session.flush()
        row.position, row.removed_at, row.kind = position, None, item["kind"]
        rows.append((row.id, item["texts"]))
    db.session.commit()
    changed = 0
    for question_id, texts in rows:
        for language, data in sorted(texts.items(), key=lambda item: item[0] != SOURCE_LANGUAGE):
            current = text_row(question_id, language)
            if current is not None and current.snapshot == data:
                continue
            save_question(
                site_id, library_module_id, question_id, language,
                base_revision=current.revision if current else None,
                question=from_snapshot(data), author_id=author_id, strict=False,
            )
            changed += 1
    return changed
