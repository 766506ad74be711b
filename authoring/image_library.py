"""A library module's images: each with where it is used, and deleting one that nothing
uses. An image may be shown by any text of its site (the same file uploaded twice keeps
one copy, authoring.images.store), so its uses are looked for in the whole site: every
draft page and question, every published version, and what learners are shown now (the
published pages and quiz questions, also those of a module loaded from a package, which
has no version here). An image any of them shows is never deleted: learners, and
attempts already made, may still show it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select

from authoring.library import NotInLibrary, own_module
from authoring.media_models import MediaImage
from authoring.models import DraftPage, DraftText, LibraryModule, ModuleVersion
from authoring.quiz_models import DraftQuestion, DraftQuestionText
from authoring.refusals import Refusal
from courses.database import db
from courses.languages import SOURCE_LANGUAGE
from courses.models import Module, Page, PageText
from courses.packages.render import MEDIA_PATH, MEDIA_PREFIX
from quizzes.models import QuestionVersion, Quiz, QuizQuestion


class ImageInUse(Refusal):
    """An image that is not deleted: something shows it (``code`` says what)."""


@dataclass(frozen=True)
class PageUse:
    """A page of this module's draft that shows the image, in one language."""

    page_id: int
    title: str  # the page's Finnish title
    language: str


@dataclass(frozen=True)
class ImageEntry:
    key: str
    alt_text: str
    language: str  # of the alternative text given with the upload
    width: int
    height: int
    byte_size: int
    created_at: datetime
    pages: tuple[PageUse, ...]  # this module's draft pages that show it
    in_quiz: bool  # a question of this module's draft quiz shows it
    versions: tuple[int, ...]  # this module's published versions that show it
    published: bool  # a version of another module, or what learners are shown now
    elsewhere: bool  # another module's draft

    @property
    def path(self) -> str:
        return MEDIA_PREFIX + self.key

    @property
    def deletable(self) -> bool:
        return not (self.pages or self.in_quiz or self.versions or self.published or self.elsewhere)


def _keys(text: str) -> set[str]:
    return {m.group(0)[len(MEDIA_PREFIX) :] for m in MEDIA_PATH.finditer(text)}


def _site_texts(site_id: int, but: int | None) -> Iterable[tuple[str, str]]:
    """Every text of the site that could show an image, as ("draft", text) for another
    module's draft and ("published", text) for a version or what learners are shown now;
    but the draft and versions of the module ``but`` (its own are looked at one by one)."""
    others = select(LibraryModule.id).where(LibraryModule.site_id == site_id)
    if but is not None:
        others = others.where(LibraryModule.id != but)
    for body in db.session.execute(
        select(DraftText.body_markdown)
        .join(DraftPage, DraftPage.id == DraftText.draft_page_id)
        .where(DraftPage.library_module_id.in_(others), DraftPage.removed_at.is_(None))
    ).scalars():
        yield "draft", body
    for snapshot in db.session.execute(
        select(DraftQuestionText.snapshot)
        .join(DraftQuestion, DraftQuestion.id == DraftQuestionText.draft_question_id)
        .where(DraftQuestion.library_module_id.in_(others), DraftQuestion.removed_at.is_(None))
    ).scalars():
        yield "draft", json.dumps(snapshot)
    for snapshot in db.session.execute(
        select(ModuleVersion.snapshot).where(ModuleVersion.library_module_id.in_(others))
    ).scalars():
        yield "published", json.dumps(snapshot)
    # What learners are shown now, and what attempts already made show.
    for body in db.session.execute(
        select(PageText.body_markdown)
        .join(Page, Page.id == PageText.page_id)
        .join(Module, Module.id == Page.module_id)
        .where(Module.site_id == site_id)
    ).scalars():
        yield "published", body
    for snapshot in db.session.execute(
        select(QuestionVersion.snapshot)
        .join(QuizQuestion, QuizQuestion.id == QuestionVersion.question_id)
        .join(Quiz, Quiz.id == QuizQuestion.quiz_id)
        .join(Module, Module.id == Quiz.module_id)
        .where(Module.site_id == site_id)
    ).scalars():
        yield "published", json.dumps(snapshot)


def _own_uses(
    library_module_id: int,
) -> tuple[dict[str, list[PageUse]], set[str], dict[str, list[int]]]:
    """This module's draft pages, draft quiz and versions: which image keys each shows."""
    pages: dict[str, list[PageUse]] = {}
    titles: dict[int, str] = {}
    rows = db.session.execute(
        select(
            DraftPage.id,
            DraftPage.slug,
            DraftText.language,
            DraftText.title,
            DraftText.body_markdown,
        )
        .join(DraftText, DraftText.draft_page_id == DraftPage.id)
        .where(DraftPage.library_module_id == library_module_id, DraftPage.removed_at.is_(None))
        .order_by(DraftPage.position, DraftPage.id, DraftText.language)
    ).all()
    for page_id, slug, language, title, _ in rows:
        if language == SOURCE_LANGUAGE or page_id not in titles:
            titles[page_id] = title or slug
    for page_id, _, language, _, body in rows:
        for key in _keys(body):
            pages.setdefault(key, []).append(PageUse(page_id, titles[page_id], language))
    quiz: set[str] = set()
    for snapshot in db.session.execute(
        select(DraftQuestionText.snapshot)
        .join(DraftQuestion, DraftQuestion.id == DraftQuestionText.draft_question_id)
        .where(
            DraftQuestion.library_module_id == library_module_id, DraftQuestion.removed_at.is_(None)
        )
    ).scalars():
        quiz |= _keys(json.dumps(snapshot))
    versions: dict[str, list[int]] = {}
    for number, snapshot in db.session.execute(
        select(ModuleVersion.number, ModuleVersion.snapshot)
        .where(ModuleVersion.library_module_id == library_module_id)
        .order_by(ModuleVersion.number)
    ).all():
        for key in _keys(json.dumps(snapshot)):
            versions.setdefault(key, []).append(number)
    return pages, quiz, versions


def module_images(site_id: int, library_module_id: int) -> list[ImageEntry]:
    """The images uploaded into this module of the site's library, and those its draft
    shows, each with where it is used (NotInLibrary for another site's module)."""
    own = own_module(site_id, library_module_id)
    pages, quiz, versions = _own_uses(own.id)
    shown = set(pages) | quiz
    rows = db.session.execute(
        select(
            MediaImage.key,
            MediaImage.alt_text,
            MediaImage.language,
            MediaImage.width,
            MediaImage.height,
            MediaImage.byte_size,
            MediaImage.created_at,
        )
        .where(
            MediaImage.site_id == site_id,
            (MediaImage.library_module_id == own.id) | MediaImage.key.in_(shown),
        )
        .order_by(MediaImage.created_at, MediaImage.id)
    ).all()
    keys = {row[0] for row in rows}
    found: dict[str, set[str]] = {"draft": set(), "published": set()}
    for kind, text in _site_texts(site_id, but=own.id):
        found[kind] |= _keys(text) & keys
    return [
        ImageEntry(
            *row,
            pages=tuple(pages.get(row[0], ())),
            in_quiz=row[0] in quiz,
            versions=tuple(versions.get(row[0], ())),
            published=row[0] in found["published"],
            elsewhere=row[0] in found["draft"],
        )
        for row in rows
    ]


def delete_image(site_id: int, library_module_id: int, key: str) -> None:
    """Delete an image of this module that nothing of the site shows (NotInLibrary for an
    image that is not this module's, ImageInUse when something shows it). Commits;
    nothing is deleted if refused."""
    found = next((e for e in module_images(site_id, library_module_id) if e.key == key), None)
    if found is None:
        raise NotInLibrary(f"image {key[:8]}")
    if found.versions or found.published:
        db.session.rollback()
        raise ImageInUse("published", key[:8])
    if found.pages or found.in_quiz:
        db.session.rollback()
        raise ImageInUse("in_draft", key[:8])
    if found.elsewhere:
        db.session.rollback()
        raise ImageInUse("elsewhere", key[:8])
    db.session.execute(
        delete(MediaImage).where(MediaImage.key == key, MediaImage.site_id == site_id)
    )
    db.session.commit()
