"""Pages a newer release of the original added or retired, offered to an adapted copy.

A page the original added since the copy can be taken over (it joins the draft where
the original has it, with its text in every language the original has, each as revision
1, so that what the original changes in it later is offered as for the copy's other
pages) or left. A page the original retired stays in the copy unless the trainer removes
it; either way it is said once. Decisions are remembered in
``LibraryModule.upstream_seen`` ("added/<original page id>": the page's fingerprint,
offered again only if the original changes it; "retired/<draft page id>").
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update

from authoring.drafts import InvalidText
from authoring.library import NotInLibrary, copy_page, draft_pages, own_module
from authoring.models import DraftPage, LibraryModule
from authoring.structure import MAX_PAGES, retire_page, slug_for
from authoring.upstream import StaleOffer, fingerprint, remember, seen
from courses.database import db, utcnow
from courses.languages import SOURCE_LANGUAGE
from courses.models import Page

RETIRED = "retired"


@dataclass(frozen=True)
class AddedPage:
    page_id: int  # the original's page
    slug: str
    title: str  # in Finnish (or the first language the page has)
    languages: tuple[str, ...]
    lines: tuple[str, ...]  # its Finnish text
    fingerprint: str


@dataclass(frozen=True)
class RetiredPage:
    page_id: int  # the copy's page
    slug: str  # the original's
    title: str  # the copy's Finnish title
    deleted: bool  # no learner had read it in the original, so the release deleted it


def _page_print(page: Page) -> str:
    return fingerprint(sorted((t.language, t.title, t.body_markdown) for t in page.texts))


def _originals(module: LibraryModule) -> list[Page]:
    return list(db.session.execute(
        select(Page).where(Page.module_id == module.adapted_from_id, Page.retired_at.is_(None))
        .order_by(Page.position, Page.id)
    ).scalars())


def added_pages(site_id: int, library_module_id: int) -> list[AddedPage]:
    """The original's live pages the copy never had, not yet taken over or left."""
    module = own_module(site_id, library_module_id)
    if module.adapted_from_id is None:
        return []
    decided = seen(module)
    linked = {p.source_page_id for p in draft_pages(module.id, live=False)}
    found = []
    for page in _originals(module):
        printed = _page_print(page)
        if page.id in linked or decided.get(f"added/{page.id}") == printed or not page.texts:
            continue
        texts = {t.language: t for t in page.texts}
        shown = texts.get(SOURCE_LANGUAGE) or next(iter(texts.values()))
        found.append(AddedPage(
            page.id, page.slug, shown.title, tuple(sorted(texts, key=lambda lang: (lang != SOURCE_LANGUAGE, lang))),
            tuple(shown.body_markdown.splitlines()), printed,
        ))
    return found


def retired_pages(site_id: int, library_module_id: int) -> list[RetiredPage]:
    """The copy's live pages whose original a newer release retired (or deleted), not
    yet kept or removed."""
    module = own_module(site_id, library_module_id)
    if module.adapted_from_id is None:
        return []
    decided = seen(module)
    live = {p.id for p in _originals(module)}
    found = []
    for page in draft_pages(module.id):
        if page.source_slug is None or page.source_page_id in live:
            continue
        if decided.get(f"retired/{page.id}") == RETIRED:
            continue
        fi = next((t for t in page.texts if t.language == SOURCE_LANGUAGE), None)
        found.append(RetiredPage(page.id, page.source_slug, fi.title if fi else page.slug, page.source_page_id is None))
    return found


def _place_after(module: LibraryModule, original: Page) -> int:
    """Where the original's new page goes in the draft: after the copy's page of the
    nearest page before it in the original (at the start if none); later pages move on."""
    draft = draft_pages(module.id, live=False)
    by_source = {p.source_page_id: p for p in draft if p.source_page_id and p.removed_at is None}
    before = [p for p in _originals(module) if (p.position, p.id) < (original.position, original.id)]
    anchor = next((by_source[p.id] for p in reversed(before) if p.id in by_source), None)
    position = anchor.position + 1 if anchor else min((p.position for p in draft), default=1)
    db.session.execute(
        update(DraftPage).where(DraftPage.library_module_id == module.id, DraftPage.position >= position)
        .values(position=DraftPage.position + 1)
    )
    return position


def decide_added(
    site_id: int, library_module_id: int, page_id: int, take: bool, author_id: int | None, *, mark: str
) -> DraftPage | None:
    """Take the original's new page ``page_id`` into the draft (returned), or leave it.
    ``mark``: the page's fingerprint as shown (StaleOffer if the original changed it
    since). Commits."""
    offer = next((a for a in added_pages(site_id, library_module_id) if a.page_id == page_id), None)
    if offer is None:
        raise NotInLibrary(f"no added page {page_id}")
    if mark != offer.fingerprint:
        raise StaleOffer("stale_offer", f"added/{page_id}")
    module = own_module(site_id, library_module_id)
    made = None
    if take:
        pages = draft_pages(module.id, live=False)
        if sum(1 for p in pages if p.removed_at is None) >= MAX_PAGES:
            raise InvalidText("too_many_pages")
        original = db.session.get(Page, page_id)
        assert original is not None
        made = copy_page(
            module, original, author_id, utcnow(), source_page=original.id,
            slug=slug_for(original.slug, {p.slug for p in pages}), position=_place_after(module, original),
        )
        module.draft_changed_at = utcnow()
    remember(module.id, f"added/{page_id}", offer.fingerprint)
    db.session.commit()
    return made


def decide_retired(site_id: int, library_module_id: int, page_id: int, remove: bool) -> None:
    """Remove the copy's page whose original was retired (kept in the draft's history,
    retired for learners when published, as any removed page), or keep it. Commits."""
    if not any(r.page_id == page_id for r in retired_pages(site_id, library_module_id)):
        raise NotInLibrary(f"no retired page {page_id}")
    module = own_module(site_id, library_module_id)
    if remove:
        page = db.session.get(DraftPage, page_id)
        assert page is not None
        retire_page(module.id, page)
    remember(module.id, f"retired/{page_id}", RETIRED)
    db.session.commit()
