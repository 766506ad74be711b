"""Publishing a draft: a numbered version with its author, time and note, and the
module learners read (``module``, ``page``, ``page_text`` rows), in one transaction.

What a learner already did stays theirs: a page that leaves the module is retired, not
deleted, so its views still count, and a completion is never taken away.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from authoring import quiz_settings
from authoring.learner_html import page_renderer
from authoring.library import own_module
from authoring.models import DraftPage, DraftText, LibraryModule, ModuleVersion
from authoring.quiz_publishing import publish_quiz, quiz_snapshot
from authoring.refusals import Refusal
from courses.database import db, utcnow
from courses.languages import SOURCE_LANGUAGE
from courses.models import Module, Page, PageText
from quizzes.services import QuizImportError

MAX_NOTE = 500


class PublishRefused(Refusal):
    """A draft that is not published; ``code`` says why."""


@dataclass(frozen=True)
class Published:
    version: int
    module_slug: str


def snapshot_of(library_module: LibraryModule) -> dict[str, object]:
    """The draft as it is in the database now (read afresh, not from loaded objects)."""
    rows = db.session.execute(
        select(DraftPage.slug, DraftPage.position, DraftText.language, DraftText.title, DraftText.body_markdown)
        .outerjoin(DraftText, DraftText.draft_page_id == DraftPage.id)
        .where(DraftPage.library_module_id == library_module.id, DraftPage.removed_at.is_(None))
        .order_by(DraftPage.position, DraftPage.slug, DraftText.language)
    ).all()
    by_page: dict[tuple[int, str], dict[str, dict[str, str]]] = {}
    for slug, position, language, title, body in rows:
        texts = by_page.setdefault((position, slug), {})
        if language is not None:
            texts[language] = {"title": title, "body": body}
    pages = []
    for (position, slug), texts in by_page.items():
        if SOURCE_LANGUAGE not in texts:
            raise PublishRefused("page_without_source", slug)
        pages.append({"slug": slug, "position": position, "texts": texts})
    if not pages:
        raise PublishRefused("no_pages")
    return {
        "title": library_module.title,
        "summary": library_module.summary,
        "estimated_minutes": library_module.estimated_minutes,
        "completion_rule": library_module.completion_rule,
        "pages": pages,
        "quiz": quiz_snapshot(library_module),
        "quiz_settings": quiz_settings.snapshot(library_module),
    }


def _published_module(library_module: LibraryModule, site_id: int) -> Module:
    if library_module.module_id is not None:
        module = db.session.get(Module, library_module.module_id)
        assert module is not None
        return module
    last = db.session.execute(
        select(func.max(Module.position)).where(Module.programme_id == library_module.programme_id)
    ).scalar()
    module = Module(
        programme_id=library_module.programme_id,
        slug=library_module.slug,
        position=(last or 0) + 1,
        title=library_module.title,
        summary=library_module.summary,
        estimated_minutes=library_module.estimated_minutes,
        completion_rule=library_module.completion_rule,
        site_id=site_id,
    )
    db.session.add(module)
    db.session.flush()
    library_module.module_id = module.id
    return module


def _write_pages(module: Module, snapshot: dict[str, object]) -> None:
    existing = {p.slug: p for p in db.session.execute(select(Page).where(Page.module_id == module.id)).scalars()}
    now = utcnow()
    # The programme's glossary marks the site's pages as it marks the shipped ones.
    render = page_renderer(module.programme)
    for source in snapshot["pages"]:  # type: ignore[attr-defined]
        page = existing.pop(source["slug"], None)
        if page is None:
            page = Page(module_id=module.id, slug=source["slug"], position=source["position"])
            db.session.add(page)
            db.session.flush()
        page.position, page.retired_at = source["position"], None
        texts = {t.language: t for t in page.texts}
        for language, text in source["texts"].items():
            row = texts.pop(language, None)
            if row is None:
                row = PageText(language=language, title="", body_markdown="", body_html="")
                page.texts.append(row)
            if (row.title, row.body_markdown) != (text["title"], text["body"]) or not row.body_html:
                row.title, row.body_markdown = text["title"], text["body"]
                row.body_html = render(text["body"], language)
        for gone in texts.values():  # a translation withdrawn: learners get Finnish
            page.texts.remove(gone)
    for gone_page in existing.values():
        if gone_page.retired_at is None:
            gone_page.retired_at = now


def publish(site_id: int, library_module_id: int, note: object, author_id: int | None) -> Published:
    """Publish the draft as the next version. Commits; nothing is written if refused."""
    if not isinstance(note, str) or len(note.strip()) > MAX_NOTE:
        raise PublishRefused("note_too_long")
    library_module = own_module(site_id, library_module_id)
    snapshot = snapshot_of(library_module)
    try:
        first = library_module.module_id is None
        module = _published_module(library_module, site_id)
        for name in ("title", "summary", "estimated_minutes", "completion_rule"):
            setattr(module, name, snapshot[name])
        module.retired_at = None
        _write_pages(module, snapshot)
        try:  # the draft quiz, as quizzes import it (a changed question is a new version)
            publish_quiz(library_module, module, snapshot["quiz"], first=first)  # type: ignore[arg-type]
        except QuizImportError as exc:
            raise PublishRefused("quiz_refused", str(exc)) from exc
        quiz_settings.apply(module.id, snapshot["quiz_settings"])  # type: ignore[arg-type]
        number = (
            db.session.execute(
                select(func.max(ModuleVersion.number)).where(
                    ModuleVersion.library_module_id == library_module.id
                )
            ).scalar()
            or 0
        ) + 1
        now = utcnow()
        db.session.add(
            ModuleVersion(
                library_module_id=library_module.id, number=number, note=note.strip(),
                author_id=author_id, created_at=now, snapshot=snapshot,
            )
        )
        library_module.published_at = now
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return Published(number, module.slug)


def versions(site_id: int, library_module_id: int) -> list[ModuleVersion]:
    own_module(site_id, library_module_id)
    return list(
        db.session.execute(
            select(ModuleVersion)
            .where(ModuleVersion.library_module_id == library_module_id)
            .order_by(ModuleVersion.number.desc())
        ).scalars()
    )
