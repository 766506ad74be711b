"""Saving a page's text in one language, and what each translation's state is.

A save names the revision it was written on. If someone saved in between, nothing is
overwritten: the save is kept aside (a TextRevision without a number) and the caller is
told, with both texts, to choose. Every save is kept (TextRevision), so a translation
that has fallen behind its Finnish source can show what changed in the source since.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from authoring.library import NotInLibrary
from authoring.markup_check import Finding, in_markdown
from authoring.models import DraftPage, DraftText, LibraryModule, TextRevision
from authoring.refusals import Refusal
from courses.database import db, utcnow
from courses.languages import SOURCE_LANGUAGE
from courses.models import Programme

MAX_TITLE = 300
MAX_BODY = 100_000  # characters; the longest shipped page has under 5,000
# NUL and the C0 controls but tab and newline, DEL, and lone surrogates: never stored.
UNSTORABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")


class InvalidText(Refusal):
    """A text that is not saved; ``code`` says why (for the message in the page)."""


@dataclass(frozen=True)
class Saved:
    revision: int


@dataclass(frozen=True)
class Conflict:
    """Someone saved revision ``revision`` since: their text, and yours kept aside."""

    revision: int
    title: str
    body_markdown: str
    source_revision: int | None


def unsafe(finding: Finding) -> InvalidText:
    """The refusal of a text with raw HTML that could run a script (what, on which line)."""
    return InvalidText("unsafe_markup", f"{finding.name} line {finding.line}", finding)


def clean(title: object, body: object, *, refuse_scripts: bool = True) -> tuple[str, str]:
    """A page's title and Markdown body fit to save, or InvalidText. ``refuse_scripts``:
    a body with raw HTML that could run a script (markup_check) is refused; texts that
    are not written here (an older version restored, the shipped original taken over)
    are saved as they are, and the renderer removes it as it always does."""
    if not isinstance(title, str) or not isinstance(body, str):
        raise InvalidText("not_text")
    title, body = title.strip(), body.replace("\r\n", "\n").replace("\r", "\n")
    if not title:
        raise InvalidText("title_missing")
    if len(title) > MAX_TITLE:
        raise InvalidText("title_too_long")
    if len(body) > MAX_BODY:
        raise InvalidText("body_too_long")
    if UNSTORABLE.search(title) or UNSTORABLE.search(body):
        raise InvalidText("bad_characters")
    if refuse_scripts and (found := in_markdown(body)) is not None:
        raise unsafe(found)
    return title, body


def draft_page(site_id: int, page_id: int) -> tuple[DraftPage, LibraryModule, list[str]]:
    """A live page of this site's library with its module and the programme's languages."""
    row = db.session.execute(
        select(DraftPage, LibraryModule, Programme.languages)
        .join(LibraryModule, LibraryModule.id == DraftPage.library_module_id)
        .join(Programme, Programme.id == LibraryModule.programme_id)
        .where(DraftPage.id == page_id, LibraryModule.site_id == site_id, DraftPage.removed_at.is_(None))
    ).first()
    if row is None:
        raise NotInLibrary(page_id)
    return row[0], row[1], list(row[2])


def _text(page_id: int, language: str) -> DraftText | None:
    return db.session.execute(
        select(DraftText).where(DraftText.draft_page_id == page_id, DraftText.language == language)
    ).scalar_one_or_none()


def save_text(
    site_id: int,
    page_id: int,
    language: str,
    *,
    base_revision: int | None,
    title: object,
    body: object,
    author_id: int | None,
    source_revision: int | None = None,
    refuse_scripts: bool = True,
) -> Saved | Conflict:
    """Save a page's text in ``language`` over ``base_revision`` (None: a new
    translation). A translation records the Finnish revision it was written against
    (``source_revision``, what the translator saw beside it; the current one if None).
    Commits, also when the save conflicts (the text is kept aside); nothing is written
    when it is refused (InvalidText)."""
    page, library_module, languages = draft_page(site_id, page_id)
    if language not in languages:
        raise InvalidText("language_not_offered")
    title, body = clean(title, body, refuse_scripts=refuse_scripts)
    now = utcnow()
    source = None
    if language != SOURCE_LANGUAGE:
        current_source = _text(page.id, SOURCE_LANGUAGE)
        latest = current_source.revision if current_source else 0
        source = latest if source_revision is None else min(max(int(source_revision), 0), latest)
    current = _text(page.id, language)
    if current is not None and (current.title, current.body_markdown, current.source_revision) == (
        title, body, source
    ):
        # What is already saved: an autosave again, or the Save button pressed while the
        # autosave of the same text was on its way. The same text is never a conflict.
        return Saved(current.revision)
    try:
        if current is None:  # a new translation
            current = DraftText(
                draft_page_id=page.id, language=language, title=title, body_markdown=body,
                revision=1, source_revision=source, updated_at=now, updated_by=author_id,
            )
            db.session.add(current)
            db.session.flush()
            revision: int | None = 1
        else:
            revision = db.session.execute(
                update(DraftText)
                .where(DraftText.id == current.id, DraftText.revision == base_revision)
                .values(
                    title=title, body_markdown=body, revision=DraftText.revision + 1,
                    source_revision=source, updated_at=now, updated_by=author_id,
                )
                .returning(DraftText.revision)
            ).scalar_one_or_none()
    except IntegrityError:  # a new translation saved at the same moment by someone else
        db.session.rollback()
        current, revision = _text(page.id, language), None
    if revision is None:
        assert current is not None
        db.session.refresh(current)
        db.session.add(
            TextRevision(
                draft_text_id=current.id, revision=None, title=title, body_markdown=body,
                saved_at=now, saved_by=author_id,
            )
        )
        db.session.commit()
        return Conflict(current.revision, current.title, current.body_markdown, current.source_revision)
    db.session.add(
        TextRevision(
            draft_text_id=current.id, revision=revision, title=title, body_markdown=body,
            saved_at=now, saved_by=author_id,
        )
    )
    db.session.execute(
        update(LibraryModule).where(LibraryModule.id == library_module.id).values(draft_changed_at=now)
    )
    db.session.commit()
    return Saved(revision)


@dataclass(frozen=True)
class TranslationState:
    language: str
    state: str  # "source", "up_to_date", "behind" or "missing"
    revision: int | None
    source_revision: int | None
    changes: tuple[str, ...] = ()  # the source's changes since, as unified diff lines


def _source_at(text_id: int, revision: int) -> tuple[str, str] | None:
    row = db.session.execute(
        select(TextRevision.title, TextRevision.body_markdown).where(
            TextRevision.draft_text_id == text_id, TextRevision.revision == revision
        )
    ).first()
    return (row[0], row[1]) if row else None


def translation_states(page: DraftPage, languages: list[str]) -> list[TranslationState]:
    """Each language of the page: the source, up to date, behind it (with what changed in
    the source since the translation was written), or missing."""
    texts = {t.language: t for t in page.texts}
    source = texts.get(SOURCE_LANGUAGE)
    states = []
    for language in languages:
        text = texts.get(language)
        if language == SOURCE_LANGUAGE:
            states.append(TranslationState(language, "source", text.revision if text else None, None))
        elif text is None:
            states.append(TranslationState(language, "missing", None, None))
        elif source is None or (text.source_revision or 0) >= source.revision:
            states.append(TranslationState(language, "up_to_date", text.revision, text.source_revision))
        else:
            then = _source_at(source.id, text.source_revision or 0) or ("", "")
            diff = difflib.unified_diff(
                [then[0], *then[1].splitlines()],
                [source.title, *source.body_markdown.splitlines()],
                lineterm="", n=1,
            )
            states.append(
                TranslationState(
                    language, "behind", text.revision, text.source_revision, tuple(list(diff)[2:])
                )
            )
    return states
