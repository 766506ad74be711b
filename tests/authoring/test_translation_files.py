"""A module's texts out to a translator as PO and back: finished translations placed as
new revisions, everything else named and left alone."""

from __future__ import annotations

import io

import pytest
from babel.messages.pofile import read_po, write_po

from authoring import drafts, exchange, library, translation_files
from authoring.drafts import InvalidText
from courses.database import db
from tests.authoring.conftest import shipped


def _catalog(data: bytes):
    return read_po(io.BytesIO(data))


def _write(catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog)
    return out.getvalue()


def test_an_exported_file_comes_back_translated(sites):
    app, site, other = sites
    with app.app_context():
        lm = library.adapt(site, shipped(), None)
        first = library.draft_pages(lm.id)[0]
        fi = next(t for t in first.texts if t.language == "fi")
        new_body = fi.body_markdown + "\n\nUusi lause."
        drafts.save_text(site, first.id, "fi", base_revision=fi.revision, title=fi.title,
                         body=new_body, author_id=None)
        name, data = translation_files.export_file(site, lm.id, "en")
        assert name == f"{lm.slug}.en.po"
        catalog = _catalog(data)
        body = catalog.get(new_body, context=f"page/{first.slug}/body")
        assert body is not None and body.fuzzy  # behind its source
        assert "#| msgid" in data.decode()  # the source it was written against
        body.string = "The translated text, up to date."
        body.flags.discard("fuzzy")
        unknown = catalog.add("Ei ole", "Not there", context="page/nowhere/body")
        assert unknown is not None
        outcome = translation_files.import_file(site, lm.id, "en", _write(catalog), None)
        assert outcome.placed == (f"page/{first.slug}/body",)
        assert ("page/nowhere/body", "unknown_text") in [(u.key_or_context, u.reason) for u in outcome.unplaced]
        db.session.expire_all()
        page = library.draft_pages(lm.id)[0]
        en = next(t for t in page.texts if t.language == "en")
        assert en.body_markdown == "The translated text, up to date."
        states = {s.language: s.state for s in drafts.translation_states(page, ["fi", "en"])}
        assert states["en"] == "up_to_date"
        with pytest.raises(library.NotInLibrary):
            translation_files.export_file(other, lm.id, "en")


def test_a_file_in_another_language_or_not_a_po_file_changes_nothing(sites):
    app, site, _ = sites
    with app.app_context():
        lm = library.adapt(site, shipped(), None)
        _, data = translation_files.export_file(site, lm.id, "ru")
        outcome = translation_files.import_file(site, lm.id, "uk", data, None)
        assert outcome.placed == () and {u.reason for u in outcome.unplaced} <= {"wrong_language"}
        with pytest.raises(exchange.ExchangeFileError):
            translation_files.import_file(site, lm.id, "en", b"\x00not a po file", None)
        with pytest.raises(InvalidText):
            translation_files.export_file(site, lm.id, "fi")  # the source is not translated
