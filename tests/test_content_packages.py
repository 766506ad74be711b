"""`kotopaikka content load` and `content export`: idempotent, atomic, and honest about errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from courses.database import db
from courses.models import Module, Page, PageText, Programme
from courses.packages.exporter import export_programme
from courses.packages.loader import DEFAULT_CONTENT, load_content
from courses.packages.reader import ContentError
from courses.progress.models import ModuleProgress, PageView
from lti_tool.identity.models import LtiUser
from lti_tool.registry.models import Platform

CONTENT_MODELS = (PageView, ModuleProgress, PageText, Page, Module, Programme)


def _wipe() -> None:
    for model in CONTENT_MODELS:
        db.session.execute(delete(model))
    db.session.commit()


@pytest.fixture
def empty(site, tmp_path):
    """An app context with no content; afterwards the next test gets the shipped content again."""
    with site.app.app_context():
        _wipe()
        yield tmp_path
        db.session.rollback()
        _wipe()


@pytest.fixture
def package(empty) -> Path:
    """A writable copy of the shipped mentor-training package."""
    target = empty / "packages" / "mentor-training"
    shutil.copytree(DEFAULT_CONTENT / "mentor-training", target)
    return target


def snapshot() -> list[tuple]:
    """Every piece of content in a comparable form (ids left out)."""
    rows = db.session.execute(
        select(
            Programme.slug,
            Programme.audience,
            Programme.languages,
            Programme.title,
            Programme.summary,
            Module.slug,
            Module.position,
            Module.title,
            Module.summary,
            Module.estimated_minutes,
            Module.completion_rule,
            Module.retired_at,
            Page.slug,
            Page.position,
            Page.retired_at,
            PageText.language,
            PageText.title,
            PageText.body_markdown,
            PageText.body_html,
        )
        .join(Module, Module.programme_id == Programme.id)
        .join(Page, Page.module_id == Module.id)
        .join(PageText, PageText.page_id == Page.id)
        .order_by(Programme.slug, Module.position, Page.position, PageText.language)
    ).all()
    return [tuple(r) for r in rows]


def count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def _shipped_counts() -> dict[str, int]:
    """What the shipped folders hold, counted from the files (so new pages need no edit here)."""
    texts = sorted(DEFAULT_CONTENT.glob("*/*/*.md"))
    return {
        "programmes": len(list(DEFAULT_CONTENT.glob("*/programme.yaml"))),
        "modules": len(list(DEFAULT_CONTENT.glob("*/*/module.yaml"))),
        "pages": len({(t.parent, t.name.split(".")[0]) for t in texts}),
        "page texts": len(texts),
    }


def test_loading_twice_changes_nothing_the_second_time(empty):
    first = load_content()
    assert first.created == _shipped_counts()
    assert first.created["programmes"] == 2 and first.created["modules"] >= 13
    before = snapshot()
    second = load_content()
    assert not second.changed and second.summary().endswith("no changes")
    assert snapshot() == before


def test_rendered_html_is_sanitised_and_made_at_load_time(empty):
    load_content()
    html = db.session.execute(
        select(PageText.body_html).where(PageText.language == "fi").limit(1)
    ).scalar_one()
    assert html.startswith("<") and "<script" not in html and "<h2>" in html


def test_an_edit_updates_the_text_and_keeps_learners_progress(package):
    load_content(package.parent)
    learner = _learner()
    page = db.session.execute(select(Page).where(Page.slug == "stereotypes")).scalar_one()
    db.session.add(PageView(learner_id=learner, page_id=page.id))
    db.session.commit()
    path = next(package.glob("01-*/02-stereotypes.en.md"))
    path.write_text(
        path.read_text(encoding="utf-8").replace("Stereotypes", "Stereotypes at work", 1),
        encoding="utf-8",
    )
    report = load_content(package.parent)
    assert report.updated == {"page texts": 1}
    text = db.session.execute(
        select(PageText).where(PageText.page_id == page.id, PageText.language == "en")
    ).scalar_one()
    assert "Stereotypes at work" in text.body_markdown + text.title
    assert count(PageView) == 1


def test_a_removed_page_is_retired_while_learners_have_history_and_deleted_otherwise(package):
    load_content(package.parent)
    seen = db.session.execute(select(Page).where(Page.slug == "stereotypes")).scalar_one()
    db.session.add(PageView(learner_id=_learner(), page_id=seen.id))
    db.session.commit()
    module_dir = next(package.glob("01-*"))
    for path in module_dir.glob("02-stereotypes.*.md"):
        path.unlink()
    unseen = sorted(module_dir.glob("04-*.md"))
    unseen_slug = unseen[0].name.split(".")[0][3:]
    for path in unseen:
        path.unlink()
    _drop_links(
        package, ("multicultural-competence/stereotypes", f"multicultural-competence/{unseen_slug}")
    )
    report = load_content(package.parent)
    assert report.retired == {"pages": 1} and report.deleted == {"pages": 1}
    db.session.refresh(seen)
    assert seen.retired_at is not None
    assert (
        db.session.execute(select(Page).where(Page.slug == unseen_slug)).scalar_one_or_none()
        is None
    )
    assert count(PageView) == 1
    # and it comes back when the file does
    shutil.copytree(DEFAULT_CONTENT / "mentor-training", package, dirs_exist_ok=True)
    load_content(package.parent)
    db.session.refresh(seen)
    assert seen.retired_at is None


def _drop_links(package: Path, targets: tuple[str, ...]) -> None:
    import re

    for path in package.glob("*/*.md"):
        text = path.read_text(encoding="utf-8")
        for target in targets:
            text = re.sub(r"\[([^\]]*)\]\(page:" + re.escape(target) + r"\)", r"\1", text)
        path.write_text(text, encoding="utf-8")


def _learner() -> int:
    platform = db.session.execute(select(Platform)).scalars().first()
    user = LtiUser(platform_id=platform.id, sub="content-test-learner")
    db.session.add(user)
    db.session.commit()
    return user.id


def test_export_then_load_gives_identical_content(empty):
    load_content()
    before = snapshot()
    out = empty / "exported"
    for slug in ("keys-to-working-life", "mentor-training"):
        export_programme(slug, out)
    _wipe()
    load_content(out)
    assert snapshot() == before
    # and exporting again writes the same files
    again = empty / "again"
    for slug in ("keys-to-working-life", "mentor-training"):
        export_programme(slug, again)
    files = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    assert all((out / f).read_bytes() == (again / f).read_bytes() for f in files)


def _assert_refused(package: Path, fragment: str, where: str) -> None:
    before = count(PageText), count(Module)
    with pytest.raises(ContentError) as raised:
        load_content(package.parent)
    message = str(raised.value)
    assert fragment in message, message
    assert where in message, message
    assert (count(PageText), count(Module)) == before  # nothing of the run was imported


def test_bad_yaml_names_the_file_and_line(package):
    path = next(package.glob("02-*")) / "module.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = "completion: [pages_seen"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _assert_refused(package, "not valid YAML", f"{path}:")


def test_an_unknown_language_tag_names_the_file(package):
    source = next(package.glob("01-*/01-*.en.md"))
    shutil.copy(source, source.with_name(source.name.replace(".en.", ".sv.")))
    _assert_refused(
        package, "'sv'", str(source.with_name(source.name.replace(".en.", ".sv."))) + ":1"
    )


def test_an_unknown_language_in_programme_yaml_names_the_line(package):
    path = package / "programme.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "languages: [fi, fi-x-selko, en]", "languages: [fi, fi-x-selko, en, xx]"
    )
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index("languages: [fi, fi-x-selko, en, xx]") + 1
    _assert_refused(package, "unknown language tag 'xx'", f"{path}:{line}:")


def test_a_duplicate_slug_is_refused(package):
    folder = next(package.glob("03-*"))
    source = next(folder.glob("01-*.fi.md"))
    slug = source.name.split(".")[0][3:]
    for path in folder.glob(f"01-{slug}.*.md"):
        shutil.copy(path, path.with_name(path.name.replace("01-", "05-", 1)))
    _assert_refused(package, f"page {slug!r} has the number 01 in another file", str(folder))


def test_a_module_slug_used_by_two_programmes_is_refused(empty):
    packages = empty / "packages"
    shutil.copytree(DEFAULT_CONTENT, packages)
    src = packages / "mentor-training" / "01-multicultural-competence"
    free = 1 + max(int(m.name[:2]) for m in (packages / "mentor-training").glob("[0-9][0-9]-*"))
    dst = packages / "mentor-training" / f"{free:02d}-job-search"
    shutil.copytree(src, dst)
    yaml_path = dst / "module.yaml"
    yaml_path.write_text(
        yaml_path.read_text(encoding="utf-8").replace(
            "slug: multicultural-competence", "slug: job-search"
        ),
        encoding="utf-8",
    )
    with pytest.raises(ContentError) as raised:
        load_content(packages)
    assert "module slug 'job-search' is also used in keys-to-working-life" in str(raised.value)
    assert count(Programme) == 0


def test_a_missing_title_names_the_file_and_line(package):
    path = next(package.glob("01-*/01-*.fi.md"))
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("title:", "otsikko:", 1), encoding="utf-8")
    _assert_refused(package, "the page has no title", f"{path}:2:")


def test_a_link_to_a_missing_page_names_the_file_and_line(package):
    path = next(package.glob("02-*/01-*.fi.md"))
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(5, "Katso myös [sivu jota ei ole](page:the-mentors-role/no-such-page).")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _assert_refused(package, "page:the-mentors-role/no-such-page", f"{path}:6:")


def test_the_cli_reports_errors_and_exits_non_zero(package, site):
    from click.testing import CliRunner

    from lti_tool.cli import main

    path = next(package.glob("01-*/01-*.fi.md"))
    path.write_text("no front matter here\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["content", "load", str(package)], obj=_script_info(site.app))
    assert result.exit_code == 1
    assert "nothing was imported" in result.output and f"{path}:1:" in result.output


def _script_info(app):
    from flask.cli import ScriptInfo

    return ScriptInfo(create_app=lambda: app)


def test_a_bad_glossary_is_refused_with_its_file_and_line(package):
    path = package / "glossary.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "term: {fi: perehdytys, fi-x-selko: perehdytys, en: orientation}",
            "term: {fi: perehdytys, fi-x-selko: perehdytys}",
        ),
        encoding="utf-8",
    )
    _assert_refused(package, "orientation: term: missing the en text", "glossary.yaml:5")


def test_a_changed_glossary_marks_the_pages_again(package):
    def orientation_page() -> str:
        return db.session.execute(
            select(PageText.body_html)
            .join(Page, Page.id == PageText.page_id)
            .where(Page.slug == "orientation-is-required", PageText.language == "fi")
        ).scalar_one()

    load_content(package.parent)
    assert orientation_page().count('aria-controls="kp-term-orientation"') == 1
    path = package / "glossary.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  - id: orientation")
    path.write_text(text[:start] + text[text.index("  - id: easy-language") :], encoding="utf-8")
    report = load_content(package.parent)
    assert report.updated.get("programmes") == 1 and report.updated.get("page texts", 0) > 0
    assert "kp-term-orientation" not in orientation_page()
    assert not load_content(package.parent).changed
