"""A draft's shape: a new module, pages added, removed and reordered. Each commits.

A removed page stays in the draft (``removed_at``) with its texts and history, and
publishing retires the learners' page instead of deleting it: a page a learner read
still counts for them.
"""

from __future__ import annotations

import re
import secrets
import unicodedata

from sqlalchemy import func, select, update

from authoring.drafts import InvalidText, clean, draft_page
from authoring.library import NotInLibrary, draft_pages, own_module
from authoring.models import DraftPage, DraftText, LibraryModule, TextRevision
from courses.database import db, utcnow
from courses.languages import SOURCE_LANGUAGE
from courses.models import Programme

MAX_PAGES = 100


def slug_for(title: str, taken: set[str]) -> str:
    """A page's address from its Finnish title (ä → a, ö → o), unique in the module."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60] or "sivu"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _touch(library_module_id: int) -> None:
    db.session.execute(
        update(LibraryModule).where(LibraryModule.id == library_module_id).values(draft_changed_at=utcnow())
    )


def _new_page(library_module: LibraryModule, title: str, body: str, author_id: int | None) -> DraftPage:
    pages = draft_pages(library_module.id, live=False)
    if sum(1 for p in pages if p.removed_at is None) >= MAX_PAGES:
        raise InvalidText("too_many_pages")
    now = utcnow()
    page = DraftPage(
        library_module_id=library_module.id,
        slug=slug_for(title, {p.slug for p in pages}),
        position=max((p.position for p in pages), default=0) + 1,
    )
    db.session.add(page)
    db.session.flush()
    text = DraftText(
        draft_page_id=page.id, language=SOURCE_LANGUAGE, title=title, body_markdown=body,
        revision=1, updated_at=now, updated_by=author_id,
    )
    db.session.add(text)
    db.session.flush()
    db.session.add(
        TextRevision(draft_text_id=text.id, revision=1, title=title, body_markdown=body,
                     saved_at=now, saved_by=author_id)
    )
    return page


def create_module(site_id: int, programme_slug: str, title: object, author_id: int | None) -> LibraryModule:
    """A new module of the site, in a programme, with one empty Finnish page to begin."""
    title, _ = clean(title, "")
    programme = db.session.execute(
        select(Programme).where(Programme.slug == programme_slug)
    ).scalar_one_or_none()
    if programme is None:
        raise NotInLibrary(programme_slug)
    now = utcnow()
    module = LibraryModule(
        site_id=site_id, programme_id=programme.id,
        slug=f"oma-{secrets.token_hex(4)}", title={SOURCE_LANGUAGE: title}, summary={SOURCE_LANGUAGE: ""},
        estimated_minutes=15, completion_rule="pages_and_quiz",
        created_at=now, created_by=author_id, draft_changed_at=now,
    )
    db.session.add(module)
    db.session.flush()
    _new_page(module, title, "", author_id)
    db.session.commit()
    return module


def add_page(site_id: int, library_module_id: int, title: object, author_id: int | None) -> DraftPage:
    """A new page at the end, with its Finnish title and an empty text."""
    title, _ = clean(title, "")
    module = own_module(site_id, library_module_id)
    page = _new_page(module, title, "", author_id)
    _touch(module.id)
    db.session.commit()
    return page


def remove_page(site_id: int, page_id: int) -> None:
    page, module, _ = draft_page(site_id, page_id)
    retire_page(module.id, page)
    db.session.commit()


def retire_page(library_module_id: int, page: DraftPage) -> None:
    """Take ``page`` out of the draft (kept in its history; retired for learners when
    published), unless it is the draft's last live page. Does not commit."""
    live = db.session.execute(
        select(func.count()).where(
            DraftPage.library_module_id == library_module_id, DraftPage.removed_at.is_(None)
        )
    ).scalar_one()
    if live <= 1:
        raise InvalidText("last_page")
    page.removed_at = utcnow()
    _touch(library_module_id)


def move_page(site_id: int, page_id: int, step: int) -> None:
    """One place up (``step`` -1) or down (+1) among the live pages; at an end, nothing."""
    if step not in (-1, 1):
        raise InvalidText("not_text")
    page, module, _ = draft_page(site_id, page_id)
    live = draft_pages(module.id)
    index = live.index(page)
    other = index + step
    if not 0 <= other < len(live):
        return
    neighbour = live[other]
    page.position, neighbour.position = neighbour.position, page.position
    _touch(module.id)
    db.session.commit()
