"""Scripts in what a trainer writes are refused, not stored (authoring.markup_check): a
page's Markdown, a question's texts written by form, a translation file's entries. Code
that only shows markup (a code span, a code block) is fine. Texts stored before, and the
versions and originals they come back from, are kept and stripped when rendered."""

from __future__ import annotations

import io

import pytest
from babel.messages.pofile import read_po, write_po
from sqlalchemy import func, select

from authoring import drafts, history, library, publishing, quiz_drafts, translation_files
from authoring.markup_check import Finding, in_html, in_markdown, in_text
from authoring.models import DraftText, TextRevision
from courses.database import db
from quizzes.model import Choice, Question
from tests.authoring.conftest import shipped

REFUSED = [
    ("Hei <script>alert(1)</script>", Finding("element", "script", 1)),
    ("Ensin.\n\n<script>\nalert(1)\n</script>", Finding("element", "script", 3)),
    ("Yksi\nkaksi <img src=x onerror=alert(1)> kolme", Finding("attribute", "onerror", 2)),
    ("Teksti\n<iframe src='https://example.com'></iframe>", Finding("element", "iframe", 2)),
    ("Tyyli <style>body { display: none }</style>", Finding("element", "style", 1)),
    ("<div>\n<p>ok</p>\n<object data=x></object>\n</div>", Finding("element", "object", 3)),
    ("| a | b |\n|---|---|\n| <embed src=x> | y |", Finding("element", "embed", 3)),
    ("Lue [tämä](javascript:alert(1)).", Finding("address", "javascript:", 1)),
    ("a\n\n![kuva](JaVaScRiPt:alert(1))", Finding("address", "javascript:", 3)),
    ("[linkki][r]\n\n[r]: javascript:alert(1)", Finding("address", "javascript:", 3)),
    ("<javascript:alert(1)>", Finding("address", "javascript:", 1)),
    ('<a href="java&#09;script:alert(1)">x</a>', Finding("address", "javascript:", 1)),
]
ACCEPTED = [
    "Kirjoita `<script>`, niin selain ajaa koodin.",
    "x ``<script>alert(1)</script>`` y",
    "Esimerkki:\n\n```html\n<script>alert(1)</script>\n<p onclick=\"x\">\n```",
    "~~~\n<iframe src=x></iframe>\n~~~",
    "    <script>sisennetty koodi</script>",
    "Vertaa: 3 < 5 ja 5 > 3. Kello 10:30, https://example.com ja mailto:x@example.com.",
    "<!-- <script> kommentissa -->",
    "**Lihava**, <b>lihava</b> ja [linkki](https://vero.fi).",
]


@pytest.mark.parametrize(("text", "found"), REFUSED)
def test_raw_html_that_could_run_a_script_is_found_with_its_line(text, found):
    assert in_markdown(text) == found


@pytest.mark.parametrize("text", ACCEPTED)
def test_code_and_harmless_markup_are_not_refused(text):
    assert in_markdown(text) is None


def test_a_question_text_is_read_in_its_format():
    assert in_text("<p onclick='x'>a</p>", "moodle") == Finding("attribute", "onclick", 1)
    assert in_text("a\n<b>b</b>\n<script>x</script>", "html") == Finding("element", "script", 3)
    assert in_text("<script>x</script>", "plain") is None  # shown as written
    assert in_text("`<script>`", "markdown") is None
    assert in_html("3 < 5") is None


def _counts() -> tuple[int, int]:
    return (
        db.session.execute(select(func.count()).select_from(TextRevision)).scalar_one(),
        db.session.execute(select(func.sum(DraftText.revision))).scalar_one(),
    )


def test_a_page_text_with_a_script_is_refused_and_nothing_is_written(sites):
    app, site, _ = sites
    with app.app_context():
        lm = library.adapt(site, shipped(), None)
        page = lm.pages[0]
        revision = next(t for t in page.texts if t.language == "fi").revision
        before = _counts()
        with pytest.raises(drafts.InvalidText) as refused:
            drafts.save_text(site, page.id, "fi", base_revision=revision, title="T",
                             body="Hyvä.\n\nHuono <script>alert(1)</script>", author_id=None)
        assert refused.value.code == "unsafe_markup"
        assert refused.value.finding == Finding("element", "script", 3)
        db.session.rollback()
        assert _counts() == before
        # As code it is text, and saved.
        saved = drafts.save_text(site, page.id, "fi", base_revision=revision, title="T",
                                 body="Näin: `<script>alert(1)</script>`", author_id=None)
        assert saved == drafts.Saved(revision + 1)


def test_a_version_stored_with_a_script_is_still_restored(sites):
    """Texts stored before scripts were refused come back from the history as they were
    (learners never got the script: it is removed when rendered)."""
    app, site, _ = sites
    with app.app_context():
        lm = library.adapt(site, shipped(), None)
        page = lm.pages[0]
        text = next(t for t in page.texts if t.language == "fi")
        text.body_markdown = "Vanha <script>alert(1)</script>"
        db.session.commit()
        publishing.publish(site, lm.id, "Vanha", None)
        drafts.save_text(site, page.id, "fi", base_revision=text.revision, title=text.title,
                         body="Uusi.", author_id=None)
        assert history.restore(site, lm.id, 1, None) >= 1
        db.session.expire_all()
        assert db.session.get(DraftText, text.id).body_markdown == "Vanha <script>alert(1)</script>"


def _question(**changes) -> Question:
    base = Question("single", "Missä?", choices=(Choice("Täällä", 1.0), Choice("Tuolla", 0.0)))
    from dataclasses import replace

    return replace(base, **changes)


def test_a_question_written_by_form_is_refused_with_its_piece_named(sites):
    feedback = (Choice("Täällä", 1.0), Choice("Tuolla", 0.0, "Ei.\n<img src=x onerror=alert(1)>"))
    with pytest.raises(quiz_drafts.InvalidQuestion) as refused:
        quiz_drafts.check(_question(choices=feedback))
    assert refused.value.code == "unsafe_markup"
    assert refused.value.finding == Finding("attribute", "onerror", 2, "choice 2 feedback")
    with pytest.raises(quiz_drafts.InvalidQuestion) as refused:
        quiz_drafts.check(_question(text="Lue [tämä](javascript:x)", text_format="markdown"))
    assert refused.value.finding == Finding("address", "javascript:", 1, "text")
    with pytest.raises(quiz_drafts.InvalidQuestion):
        quiz_drafts.check(_question(general_feedback="<iframe src=x>"))
    # Code in Markdown, plain text and an imported question (not strict) are kept.
    assert quiz_drafts.check(_question(text="Mitä `<script>` tekee?", text_format="markdown"))
    assert quiz_drafts.check(_question(text="Mitä <script> tekee?", text_format="plain"))
    assert quiz_drafts.check(_question(general_feedback="<style>p{}</style>"), strict=False)


def test_a_translation_file_entry_with_a_script_is_named_and_not_placed(sites):
    app, site, _ = sites
    with app.app_context():
        lm = library.adapt(site, shipped(), None)
        first, second = library.draft_pages(lm.id)[:2]
        _, data = translation_files.export_file(site, lm.id, "en")
        catalog = read_po(io.BytesIO(data))
        for message in catalog:
            if message.context == f"page/{first.slug}/body":
                message.string = "Translated.\n\n<script>alert(1)</script>"
            elif message.context == f"page/{second.slug}/body":
                message.string = "Translated, with `<script>` as code."
            else:
                continue
            message.flags.discard("fuzzy")
        out = io.BytesIO()
        write_po(out, catalog)
        before = next(t for t in first.texts if t.language == "en").body_markdown
        outcome = translation_files.import_file(site, lm.id, "en", out.getvalue(), None)
        (unplaced,) = [u for u in outcome.unplaced if u.key_or_context == f"page/{first.slug}/body"]
        assert unplaced.reason == "unsafe_markup" and unplaced.finding == Finding("element", "script", 3)
        assert f"page/{second.slug}/body" in outcome.placed
        db.session.expire_all()
        assert next(t for t in library.draft_pages(lm.id)[0].texts if t.language == "en").body_markdown == before
