"""A site's library: the shipped modules (read-only) and the site's own, and adapting a
shipped module into a draft of the site's own. Each write commits on its own."""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from authoring.models import DraftPage, DraftText, LibraryModule, TextRevision
from authoring.quiz_models import DraftQuestion, DraftQuestionText, QuestionRevision
from courses.database import db, utcnow
from courses.languages import SOURCE_LANGUAGE
from courses.models import Module, Page, PageText, Programme
from quizzes.copying import LiveQuestion, live_questions
from quizzes.models import QuestionVersion, Quiz, QuizQuestion


class NotInLibrary(LookupError):
    """Nothing of that id in this site's library (another site's, or none at all)."""


@dataclass(frozen=True)
class ShippedEntry:
    module_id: int
    slug: str
    programme_slug: str
    title: dict[str, str]
    summary: dict[str, str]
    pages: int


@dataclass(frozen=True)
class OwnEntry:
    id: int
    slug: str
    programme_slug: str
    title: dict[str, str]
    adapted_from: str | None  # the shipped module's slug
    published: bool
    changed_since_published: bool
    original_updated: bool  # a newer release of the shipped module was loaded since the copy


def release_of(module_id: int) -> str:
    """A fingerprint of a module's live pages and texts: changes when a release does."""
    rows = db.session.execute(
        select(Page.slug, Page.position, PageText.language, PageText.title, PageText.body_markdown)
        .join(PageText, PageText.page_id == Page.id)
        .where(Page.module_id == module_id, Page.retired_at.is_(None))
        .order_by(Page.position, Page.slug, PageText.language)
    ).all()
    return hashlib.sha256(json.dumps([list(r) for r in rows]).encode()).hexdigest()


def quiz_changed_since(module_id: int, when: datetime) -> bool:
    """Whether a release since ``when`` changed a module's quiz: a question's new version
    in any language, or a question retired."""
    in_quiz = (QuizQuestion.quiz_id == Quiz.id) & (Quiz.module_id == module_id)
    versioned = select(QuestionVersion.id).join(QuizQuestion).join(Quiz).where(
        in_quiz, QuestionVersion.created_at > when
    )
    retired = select(QuizQuestion.id).join(Quiz).where(in_quiz, QuizQuestion.retired_at > when)
    return db.session.execute(select(versioned.exists() | retired.exists())).scalar_one()


def shipped_modules() -> list[ShippedEntry]:
    live_pages = (  # counted in the one query, not by loading each module's pages
        select(func.count()).where(Page.module_id == Module.id, Page.retired_at.is_(None)).scalar_subquery()
    )
    rows = db.session.execute(
        select(Module.id, Module.slug, Programme.slug, Module.title, Module.summary, live_pages)
        .join(Programme, Programme.id == Module.programme_id)
        .where(Module.site_id.is_(None), Module.retired_at.is_(None))
        .order_by(Programme.slug, Module.position)
    ).all()
    return [ShippedEntry(*row) for row in rows]


def own_modules(site_id: int) -> list[OwnEntry]:
    rows = db.session.execute(
        select(LibraryModule, Programme.slug)
        .join(Programme, Programme.id == LibraryModule.programme_id)
        .where(LibraryModule.site_id == site_id)
        .order_by(LibraryModule.created_at, LibraryModule.id)
    ).all()
    originals = {
        m.id: m
        for m in db.session.execute(
            select(Module).where(Module.id.in_([lm.adapted_from_id for lm, _ in rows if lm.adapted_from_id]))
        ).scalars()
    }
    entries = []
    for lm, programme in rows:
        original = originals.get(lm.adapted_from_id) if lm.adapted_from_id else None
        entries.append(
            OwnEntry(
                id=lm.id,
                slug=lm.slug,
                programme_slug=programme,
                title=lm.title,
                adapted_from=original.slug if original else None,
                published=lm.published_at is not None,
                changed_since_published=lm.published_at is None or lm.draft_changed_at > lm.published_at,
                original_updated=original is not None and (
                    release_of(original.id) != lm.adapted_release or quiz_changed_since(original.id, lm.created_at)
                ),
            )
        )
    return entries


def own_module(site_id: int, library_module_id: int) -> LibraryModule:
    """A module of this site's library, or NotInLibrary (another site's looks the same as
    none at all)."""
    found = db.session.get(LibraryModule, library_module_id)
    if found is None or found.site_id != site_id:
        raise NotInLibrary(library_module_id)
    return found


def draft_pages(library_module_id: int, *, live: bool = True) -> list[DraftPage]:
    """A draft's pages in order, read afresh (a relationship loaded earlier in the same
    session would not show a page added since)."""
    query = select(DraftPage).where(DraftPage.library_module_id == library_module_id)
    if live:
        query = query.where(DraftPage.removed_at.is_(None))
    return list(db.session.execute(query.order_by(DraftPage.position, DraftPage.id)).scalars())


def copy_page(
    into: LibraryModule, page: Page, author_id: int | None, now: datetime, source_page: int | None,
    *, slug: str | None = None, position: int | None = None,
) -> DraftPage:
    """A published page into a draft (at its own slug and position unless told): each
    language's text as revision 1. In the caller's transaction."""
    draft = DraftPage(
        library_module_id=into.id, slug=slug or page.slug,
        position=page.position if position is None else position, source_page_id=source_page,
        source_slug=page.slug if source_page is not None else None,
    )
    db.session.add(draft)
    db.session.flush()
    for text in page.texts:
        row = DraftText(
            draft_page_id=draft.id, language=text.language, title=text.title,
            body_markdown=text.body_markdown, revision=1,
            source_revision=None if text.language == SOURCE_LANGUAGE else 1,
            updated_at=now, updated_by=author_id,
        )
        db.session.add(row)
        db.session.flush()
        db.session.add(
            TextRevision(
                draft_text_id=row.id, revision=1, title=row.title,
                body_markdown=row.body_markdown, saved_at=now, saved_by=author_id,
            )
        )
    return draft


def adapt(site_id: int, module_id: int, author_id: int | None) -> LibraryModule:
    """Copy a shipped module (its pages and quiz questions in every language; its quiz
    settings come along when it is first published) into a draft of the site's own.
    Commits."""
    original = db.session.get(Module, module_id)
    if original is None or original.site_id is not None or original.retired_at is not None:
        raise NotInLibrary(module_id)
    now = utcnow()
    copy = LibraryModule(
        site_id=site_id,
        programme_id=original.programme_id,
        slug=f"{original.slug[:80]}-{secrets.token_hex(3)}",
        title=dict(original.title),
        summary=dict(original.summary),
        estimated_minutes=original.estimated_minutes,
        completion_rule=original.completion_rule,
        adapted_from_id=original.id,
        adapted_release=release_of(original.id),
        created_at=now,
        created_by=author_id,
        draft_changed_at=now,
    )
    db.session.add(copy)
    db.session.flush()
    for page in original.pages:
        if page.retired_at is None:
            copy_page(copy, page, author_id, now, source_page=page.id)
    _copy_quiz(copy.id, original.id, author_id)
    db.session.commit()
    return copy


def _copy_quiz(library_module_id: int, module_id: int, author_id: int | None) -> None:
    """The original's live questions, each language's latest version, into the draft."""
    now = utcnow()
    for position, live in enumerate(live_questions(module_id), 1):
        copy_question(library_module_id, live, position, author_id, now)


def copy_question(
    library_module_id: int, live: LiveQuestion, position: int, author_id: int | None, now: datetime
) -> DraftQuestion:
    """A published question, each language's snapshot as revision 1, into a draft. In the
    caller's transaction."""
    question = DraftQuestion(
        library_module_id=library_module_id, idnumber=live.idnumber, position=position,
        kind=live.kind, created_at=now,
    )
    db.session.add(question)
    db.session.flush()
    for language, snapshot in live.snapshots.items():
        text = DraftQuestionText(
            draft_question_id=question.id, language=language, snapshot=snapshot, revision=1,
            source_revision=None if language == SOURCE_LANGUAGE else 1,
            updated_at=now, updated_by=author_id,
        )
        db.session.add(text)
        db.session.flush()
        db.session.add(QuestionRevision(
            draft_question_text_id=text.id, revision=1, snapshot=snapshot, saved_at=now,
            saved_by=author_id,
        ))
    return question


def adopt_published(site_id: int, module_id: int) -> LibraryModule | None:
    """A draft for a site's published module that has none (one loaded from a package
    exported by another installation): its texts become revision 1, so trainers go on
    where the other installation left off. None if it has one already. Commits."""
    module = db.session.get(Module, module_id)
    if module is None or module.site_id != site_id:
        raise NotInLibrary(module_id)
    if db.session.execute(select(LibraryModule.id).where(LibraryModule.module_id == module.id)).first():
        return None
    now = utcnow()
    draft = LibraryModule(
        site_id=site_id, programme_id=module.programme_id, slug=module.slug,
        title=dict(module.title), summary=dict(module.summary),
        estimated_minutes=module.estimated_minutes, completion_rule=module.completion_rule,
        module_id=module.id, created_at=now, draft_changed_at=now, published_at=now,
    )
    db.session.add(draft)
    db.session.flush()
    for page in module.pages:
        if page.retired_at is None:
            copy_page(draft, page, None, now, source_page=None)
    _copy_quiz(draft.id, module.id, None)  # its quiz too: a publish keeps it
    db.session.commit()
    return draft
