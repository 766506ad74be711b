"""A module draft's texts for a translator, as a PO file, and the translations back.

The export holds the module's title and summary and each live page's title and body,
the Finnish source beside the language's text; a translation that has fallen behind
its source carries the source it was written against (PO's previous msgid, fuzzy). The
import places each finished translation whose source is still the same, each through
drafts.save_text (a new revision, kept in the history), and names every text it did
not place and why; it changes nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from authoring import exchange
from authoring.drafts import InvalidText, Saved, clean, save_text
from authoring.library import draft_pages, own_module
from authoring.models import DraftPage, LibraryModule, TextRevision
from courses.database import db
from courses.languages import SOURCE_LANGUAGE
from courses.models import Programme


@dataclass(frozen=True)
class Imported:
    placed: tuple[str, ...]  # the keys saved
    unchanged: tuple[str, ...]  # placed but already so
    unplaced: tuple[exchange.Unplaced, ...]
    not_in_file: tuple[str, ...]


def _languages(library_module: LibraryModule) -> list[str]:
    return list(db.session.get(Programme, library_module.programme_id).languages)


def _source_then(text_id: int, revision: int | None) -> tuple[str, str] | None:
    if revision is None:
        return None
    row = db.session.execute(
        select(TextRevision.title, TextRevision.body_markdown).where(
            TextRevision.draft_text_id == text_id, TextRevision.revision == revision
        )
    ).first()
    return (row[0], row[1]) if row else None


def _units(library_module: LibraryModule, language: str) -> tuple[list[exchange.TextUnit], dict[str, DraftPage]]:
    sources = exchange.module_texts(
        library_module.title.get(SOURCE_LANGUAGE, ""), library_module.summary.get(SOURCE_LANGUAGE, "")
    )
    targets = exchange.module_texts(library_module.title.get(language, ""), library_module.summary.get(language, ""))
    previous: dict[str, str] = {}
    pages: dict[str, DraftPage] = {}
    for page in draft_pages(library_module.id):
        texts = {t.language: t for t in page.texts}
        source, target = texts.get(SOURCE_LANGUAGE), texts.get(language)
        if source is None:
            continue
        pages[page.slug] = page
        sources.update(exchange.page_texts(page.slug, source.title, source.body_markdown))
        if target is not None:
            targets.update(exchange.page_texts(page.slug, target.title, target.body_markdown))
            if (target.source_revision or 0) < source.revision:
                then = _source_then(source.id, target.source_revision)
                if then is not None:
                    previous.update(exchange.page_texts(page.slug, *then))
    targets = {k: v for k, v in targets.items() if v}
    return exchange.units_for(sources, targets, previous), pages


def _check_language(library_module: LibraryModule, language: str) -> None:
    if language == SOURCE_LANGUAGE or language not in _languages(library_module):
        raise InvalidText("language_not_offered")


def export_file(site_id: int, library_module_id: int, language: str) -> tuple[str, bytes]:
    """The file name and the PO file of the module's texts in ``language``."""
    library_module = own_module(site_id, library_module_id)
    _check_language(library_module, language)
    units, _ = _units(library_module, language)
    title = library_module.title.get(SOURCE_LANGUAGE, library_module.slug)
    data = exchange.export_po(units, SOURCE_LANGUAGE, language, title)
    return f"{library_module.slug}.{language}.po", data


def import_file(
    site_id: int, library_module_id: int, language: str, data: bytes, author_id: int | None
) -> Imported:
    """Place the file's finished translations (ExchangeFileError for a file refused whole)."""
    library_module = own_module(site_id, library_module_id)
    _check_language(library_module, language)
    units, pages = _units(library_module, language)
    result = exchange.import_po(data, units, language)
    current = {u.key: u.target for u in units}
    placed, unchanged, unplaced = [], [], list(result.unplaced)
    by_page: dict[str, dict[str, str]] = {}
    for key, text in result.placed.items():
        if current.get(key) == text:
            unchanged.append(key)
            continue
        kind, _, rest = key.partition("/")
        if kind == "page":
            slug, _, field = rest.rpartition("/")
            by_page.setdefault(slug, {})[field] = text
        elif key in ("module/title", "module/summary"):
            field = key.split("/")[1]
            values = dict(getattr(library_module, field))
            values[language] = text.strip()
            setattr(library_module, field, values)
            db.session.commit()
            placed.append(key)
        else:
            unplaced.append(exchange.Unplaced(key, "unknown_text"))
    for slug, fields in by_page.items():
        page = pages[slug]
        text = next((t for t in page.texts if t.language == language), None)
        source = next(t for t in page.texts if t.language == SOURCE_LANGUAGE)
        if text is None and set(fields) != {"title", "body"}:
            # A page new in this language needs both: learners would get half a page.
            unplaced.extend(exchange.Unplaced(f"page/{slug}/{f}", "incomplete_page") for f in fields)
            continue
        title = fields.get("title", text.title if text else "")
        body = fields.get("body", text.body_markdown if text else "")
        try:
            clean(title, body)
            outcome = save_text(
                site_id, page.id, language, base_revision=text.revision if text else None,
                title=title, body=body, author_id=author_id, source_revision=source.revision,
            )
        except InvalidText as exc:  # a script in the body: the body names it, the title goes with it
            unplaced.extend(
                exchange.Unplaced(f"page/{slug}/{f}", exc.code, exc.detail, exc.finding if f == "body" else None)
                for f in fields
            )
            continue
        if isinstance(outcome, Saved):
            placed.extend(f"page/{slug}/{f}" for f in fields)
        else:
            unplaced.extend(exchange.Unplaced(f"page/{slug}/{f}", "conflict") for f in fields)
    return Imported(tuple(placed), tuple(unchanged), tuple(unplaced), tuple(result.not_in_file))
