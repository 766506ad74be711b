"""The shipped content packages are complete: every page in every required language,
titles present, links that resolve, and no placeholder text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

CONTENT = Path(__file__).resolve().parent.parent / "courses" / "content"
PROGRAMMES = sorted(p for p in CONTENT.iterdir() if (p / "programme.yaml").exists())
PAGE_NAME = re.compile(r"^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.([a-z]{2}(?:-x-selko)?)\.md$")
PLACEHOLDER = re.compile(r"lorem ipsum|\bTODO\b|\bTBD\b|\bFIXME\b|\bXXX\b|placeholder", re.IGNORECASE)
PAGE_LINK = re.compile(r"\]\(page:([a-z0-9-]+)/([a-z0-9-]+)\)")


def _front_matter(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), f"{path}: no front matter"
    _, header, body = text.split("---\n", 2)
    return yaml.safe_load(header), body


def test_both_programmes_are_shipped():
    assert [p.name for p in PROGRAMMES] == ["keys-to-working-life", "mentor-training"]


@pytest.mark.parametrize("programme", PROGRAMMES, ids=lambda p: p.name)
def test_every_page_exists_in_every_required_language(programme: Path):
    meta = yaml.safe_load((programme / "programme.yaml").read_text(encoding="utf-8"))
    languages = set(meta["languages"])
    assert {"fi", "fi-x-selko", "en"} <= languages
    if meta["audience"] == "participant":
        assert {"ru", "uk"} <= languages
    assert set(meta["title"]) == languages
    modules = sorted(d for d in programme.iterdir() if d.is_dir())
    assert modules, programme
    slugs: dict[str, set[str]] = {}
    for module in modules:
        module_meta = yaml.safe_load((module / "module.yaml").read_text(encoding="utf-8"))
        assert set(module_meta["title"]) == languages, module
        assert set(module_meta["summary"]) == languages, module
        pages: dict[str, set[str]] = {}
        for path in module.glob("*.md"):
            match = PAGE_NAME.match(path.name)
            assert match, f"{path}: name is not NN-slug.lang.md"
            pages.setdefault(match.group(2), set()).add(match.group(3))
        assert 3 <= len(pages) <= 6, f"{module}: {len(pages)} pages"
        for slug, langs in pages.items():
            assert langs == languages, f"{module.name}/{slug}: has {sorted(langs)}"
        slugs[module_meta["slug"]] = set(pages)
    _check_pages(programme, slugs)


def _check_pages(programme: Path, slugs: dict[str, set[str]]) -> None:
    for path in programme.glob("*/*.md"):
        meta, body = _front_matter(path)
        assert isinstance(meta.get("title"), str) and meta["title"].strip(), f"{path}: no title"
        assert len(body.split()) >= 80, f"{path}: only {len(body.split())} words"
        assert not PLACEHOLDER.search(body + meta["title"]), f"{path}: placeholder text"
        assert "<" not in re.sub(r"<https?://[^>]+>", "", body), f"{path}: raw HTML"
        for module, page in PAGE_LINK.findall(body):
            assert page in slugs.get(module, set()), f"{path}: link to missing page {module}/{page}"
