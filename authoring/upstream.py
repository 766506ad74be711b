"""What changed in a shipped module since a site adapted it, page by page and language
by language, to take over or to leave.

The copy's first revision of each text is the original as it was when the copy was
made; the original now is the shipped module's live text. A change the trainer has
taken over or left is remembered (``LibraryModule.upstream_seen``: the original's text
fingerprint per page and language) and is not offered again until the original changes
once more. Pages the original added or retired are offered by authoring.upstream_pages,
its quiz's questions by authoring.upstream_quiz; both remember their decisions here too.

Nothing the trainer wrote is replaced unseen: each offer carries what the copy was when
it was shown (a text's revision), and a decision made on an older view is refused
(StaleOffer) and shown again.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import select

from authoring.drafts import Conflict, save_text
from authoring.library import NotInLibrary, draft_pages, own_module
from authoring.models import DraftText, LibraryModule, TextRevision
from authoring.refusals import Refusal
from courses.database import db
from courses.languages import SOURCE_LANGUAGE
from courses.models import Page, PageText


class StaleOffer(Refusal):
    """The copy changed since the offer was shown (a colleague saved, or decided): the
    decision is not made, and the offer is shown again as it is now."""


@dataclass(frozen=True)
class UpstreamChange:
    page_id: int  # the draft page
    page: str  # its slug
    language: str
    lines: tuple[str, ...]  # what changed in the original since the copy (unified diff)
    fingerprint: str  # of the original's text now
    revision: int | None  # the copy's text's revision as shown (None: the copy has none)
    theirs: tuple[str, str]  # the original's title and text now
    # The copy's title and text now, when the trainer changed them since the copy: a
    # take-over replaces them (they stay in the page's history), so both are shown.
    yours: tuple[str, str] | None


def fingerprint(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def _fingerprint(title: str, body: str) -> str:
    return hashlib.sha256(f"{title}\n{body}".encode()).hexdigest()


def diff_lines(before: list[str], after: list[str]) -> tuple[str, ...]:
    return tuple(list(difflib.unified_diff(before, after, lineterm="", n=1))[2:])


def remember(library_module_id: int, key: str, value: str) -> None:
    """A decision about the original's change ``key``, in the caller's transaction."""
    module = db.session.get(LibraryModule, library_module_id)
    assert module is not None
    module.upstream_seen = {**(module.upstream_seen or {}), key: value}


def seen(module: LibraryModule) -> dict[str, str]:
    db.session.refresh(module, ["upstream_seen"])
    return dict(module.upstream_seen or {})


def _at_copy(text_id: int) -> tuple[str, str] | None:
    row = db.session.execute(
        select(TextRevision.title, TextRevision.body_markdown).where(
            TextRevision.draft_text_id == text_id, TextRevision.revision == 1
        )
    ).first()
    return (row[0], row[1]) if row else None


def changes(site_id: int, library_module_id: int) -> list[UpstreamChange]:
    """The original's texts that changed since the copy and are not yet taken or left."""
    module = own_module(site_id, library_module_id)
    if module.adapted_from_id is None:
        return []
    decided = seen(module)
    found = []
    for page in draft_pages(module.id):
        if page.source_page_id is None:
            continue
        originals = {
            t.language: t
            for t in db.session.execute(
                select(PageText).join(Page).where(Page.id == page.source_page_id, Page.retired_at.is_(None))
            ).scalars()
        }
        texts = {t.language: t for t in page.texts}
        for language in sorted(originals, key=lambda lang: (lang != SOURCE_LANGUAGE, lang)):
            original, copy = originals[language], texts.get(language)
            then = _at_copy(copy.id) if copy else None
            now = (original.title, original.body_markdown)
            printed = _fingerprint(*now)
            if then == now or decided.get(f"{page.id}/{language}") == printed:
                continue
            before = [then[0], *then[1].splitlines()] if then else []
            yours = (copy.title, copy.body_markdown) if copy else None
            found.append(UpstreamChange(
                page.id, page.slug, language, diff_lines(before, [now[0], *now[1].splitlines()]), printed,
                copy.revision if copy else None, now, yours if yours not in (then, now) else None,
            ))
    return found


def decide(
    site_id: int, library_module_id: int, page_id: int, language: str, take: bool, author_id: int | None,
    *, revision: int | None | str = "any",
) -> None:
    """Take the original's text over into the draft (a new revision), or leave it; either
    way the change is not offered again. ``revision``: the copy's text's revision the
    trainer saw beside the offer (StaleOffer if someone saved since). Commits."""
    change = next(
        (c for c in changes(site_id, library_module_id) if (c.page_id, c.language) == (page_id, language)),
        None,
    )
    if change is None:
        raise NotInLibrary(f"no change {page_id}/{language}")
    if revision != "any" and revision != change.revision:
        raise StaleOffer("stale_offer", f"{page_id}/{language}")
    if take:
        page = next(p for p in draft_pages(library_module_id) if p.id == page_id)
        original = db.session.execute(
            select(PageText).where(PageText.page_id == page.source_page_id, PageText.language == language)
        ).scalar_one()
        current = db.session.execute(
            select(DraftText).where(DraftText.draft_page_id == page_id, DraftText.language == language)
        ).scalar_one_or_none()
        saved = save_text(
            site_id, page_id, language, base_revision=current.revision if current else None,
            title=original.title, body=original.body_markdown, author_id=author_id,
            refuse_scripts=False,  # the shipped release's own text, taken over as it is
        )
        if isinstance(saved, Conflict):  # saved by someone in between: theirs stays
            raise StaleOffer("stale_offer", f"{page_id}/{language}")
    remember(library_module_id, f"{page_id}/{language}", change.fingerprint)
    db.session.commit()
