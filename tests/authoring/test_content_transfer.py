"""A site's own modules move between installations as content packages:
`content export PROGRAMME DIR --site ISSUER` and `content load DIR --site ISSUER`."""

from __future__ import annotations

from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import delete, select

from authoring import drafts, images, library, publishing
from authoring.media_models import MediaImage
from authoring.models import LibraryModule
from courses.database import db
from courses.models import Module, Page, PageText
from lti_tool.registry.models import Platform
from quizzes.models import Quiz
from tests.authoring.conftest import shipped
from tests.authoring.images import png


def _run(app, *args: str):
    from lti_tool.cli import main

    return CliRunner().invoke(main, list(args), obj=ScriptInfo(create_app=lambda: app), catch_exceptions=False)


def test_a_sites_modules_go_out_and_come_back_with_their_quiz_and_a_draft(sites, tmp_path):
    app, site, other = sites
    with app.app_context():
        issuer = db.session.get(Platform, site).issuer
        lm = library.adapt(site, shipped(), None)
        page = library.draft_pages(lm.id)[0]
        fi = next(t for t in page.texts if t.language == "fi")
        stored = images.store(site, page.id, "fi", png(), "Punainen kuva", None)
        drafts.save_text(site, page.id, "fi", base_revision=fi.revision, title="Oma otsikko",
                         body="Oma teksti.\n\n" + stored.markdown, author_id=None)
        publishing.publish(site, lm.id, "", None)
        slug = lm.slug
    exported = _run(app, "content", "export", "keys-to-working-life", str(tmp_path), "--site", issuer)
    assert exported.exit_code == 0, exported.output
    folders = [p.name for p in (tmp_path / "keys-to-working-life").iterdir() if p.is_dir() and p.name != "media"]
    assert len(folders) == 1 and folders[0].endswith(slug)  # only the site's own module
    assert (tmp_path / "keys-to-working-life" / folders[0] / "quiz.fi.gift").is_file()
    assert "1 images" in exported.output
    assert (tmp_path / "keys-to-working-life" / "media" / f"{stored.key}.png").is_file()

    with app.app_context():  # as on a new installation: the site has none of it
        db.session.execute(delete(LibraryModule))
        db.session.execute(delete(Module).where(Module.slug == slug))
        db.session.execute(delete(MediaImage))
        db.session.commit()
    loaded = _run(app, "content", "load", str(tmp_path), "--site", issuer)
    assert loaded.exit_code == 0, loaded.output
    assert "1 drafts made" in loaded.output and "1 images added" in loaded.output
    with app.app_context():
        module = db.session.execute(select(Module).where(Module.slug == slug)).scalar_one()
        assert module.site_id == site
        titles = db.session.execute(
            select(PageText.title).join(Page).where(Page.module_id == module.id, PageText.language == "fi")
        ).scalars().all()
        assert "Oma otsikko" in titles
        image = db.session.execute(select(MediaImage).where(MediaImage.key == stored.key)).scalar_one()
        assert image.site_id == site and image.alt_text == "Punainen kuva"
        assert db.session.execute(select(Quiz).where(Quiz.module_id == module.id)).scalar_one()
        (draft,) = library.own_modules(site)
        assert draft.slug == slug and draft.published
        assert library.own_modules(other) == []
        # The shipped modules were not touched by the site's package.
        assert db.session.get(Module, shipped()).site_id is None
        assert db.session.get(Module, shipped()).retired_at is None


def test_a_sites_package_cannot_take_over_a_shipped_module(sites, tmp_path):
    app, site, _ = sites
    with app.app_context():
        issuer = db.session.get(Platform, site).issuer
    shipped_export = _run(app, "content", "export", "keys-to-working-life", str(tmp_path))
    assert shipped_export.exit_code == 0
    refused = CliRunner().invoke(
        __import__("lti_tool.cli", fromlist=["main"]).main,
        ["content", "load", str(tmp_path), "--site", issuer],
        obj=ScriptInfo(create_app=lambda: app),
    )
    assert refused.exit_code != 0 and "belongs elsewhere" in refused.output
    with app.app_context():
        assert db.session.execute(select(Module).where(Module.site_id == site)).first() is None
    unknown = CliRunner().invoke(
        __import__("lti_tool.cli", fromlist=["main"]).main,
        ["content", "export", "keys-to-working-life", str(tmp_path), "--site", "https://nowhere.example"],
        obj=ScriptInfo(create_app=lambda: app),
    )
    assert unknown.exit_code != 0 and "no platform" in unknown.output
