"""Read and check a content package folder; nothing touches the database here.

Every problem found is reported with the file and line it is on, all at once, so an
author can fix a package in one pass. See ``courses/content/README.md`` for the format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from courses.languages import CONTENT_LANGUAGES, SOURCE_LANGUAGE
from courses.models import AUDIENCES, COMPLETION_RULES

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MODULE_DIR = re.compile(r"^(\d{2})-(.+)$")
PAGE_FILE = re.compile(r"^(\d{2})-([^.]+)\.([^.]+)\.md$")
PAGE_LINK = re.compile(r"\]\(page:([^)\s]*)\)")


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class ContentError(Exception):
    """A package could not be read; ``problems`` name each file and line."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class PageTextSource:
    language: str
    title: str
    markdown: str


@dataclass
class PageSource:
    slug: str
    position: int
    texts: dict[str, PageTextSource] = field(default_factory=dict)


@dataclass
class ModuleSource:
    slug: str
    position: int
    title: dict[str, str]
    summary: dict[str, str]
    estimated_minutes: int
    completion_rule: str
    pages: list[PageSource] = field(default_factory=list)


@dataclass
class ProgrammeSource:
    slug: str
    audience: str
    languages: list[str]
    title: dict[str, str]
    summary: dict[str, str]
    modules: list[ModuleSource] = field(default_factory=list)
    # glossary.yaml's entries (courses.glossary.Entry), read by the loader with the package.
    glossary: tuple[Any, ...] = ()


class _Reader:
    def __init__(self, root: Path, known_pages: frozenset[str] = frozenset()) -> None:
        self.root = root
        self.problems: list[Problem] = []
        self.known_pages = known_pages  # "module/page" already in the installation

    def problem(self, path: Path, line: int, message: str) -> None:
        self.problems.append(Problem(path, line, message))

    # ------------------------------------------------------------------ YAML helpers

    def yaml_file(
        self, path: Path, text: str, first_line: int = 1
    ) -> tuple[dict[str, Any], dict[tuple[str, ...], int]] | None:
        """The mapping in ``text`` and the line of each key (and of each nested key)."""
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
            data = yaml.safe_load(text)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = first_line + (mark.line if mark else 0)
            self.problem(path, line, f"not valid YAML: {exc.problem or exc}")
            return None
        if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
            self.problem(path, first_line, "expected a mapping of keys to values")
            return None
        lines: dict[tuple[str, ...], int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            lines[(key,)] = first_line + key_node.start_mark.line
            if isinstance(value_node, yaml.MappingNode):
                for sub_key, _ in value_node.value:
                    lines[(key, str(sub_key.value))] = first_line + sub_key.start_mark.line
        return data, lines

    def slug(self, path: Path, line: int, value: Any, what: str) -> str | None:
        if not isinstance(value, str) or not SLUG.match(value):
            self.problem(
                path, line, f"{what} must be lower-case letters, digits and hyphens, got {value!r}"
            )
            return None
        return value

    def texts(
        self,
        path: Path,
        data: dict[str, Any],
        lines: dict[tuple[str, ...], int],
        key: str,
        languages: list[str],
    ) -> dict[str, str]:
        """A ``{language: text}`` field with a non-empty text for every language."""
        value = data.get(key)
        line = lines.get((key,), 1)
        if not isinstance(value, dict):
            self.problem(path, line, f"missing {key} (one per language: {', '.join(languages)})")
            return {}
        result: dict[str, str] = {}
        for language, text in value.items():
            where = lines.get((key, str(language)), line)
            if language not in languages:
                self.problem(
                    path,
                    where,
                    f"{key}: language {language!r} is not one of this programme's ({', '.join(languages)})",
                )
            elif not isinstance(text, str) or not text.strip():
                self.problem(path, where, f"{key}: empty text for {language}")
            else:
                result[language] = text.strip()
        for language in languages:
            if language not in value:
                self.problem(path, line, f"{key}: missing the {language} text")
        return result

    # ------------------------------------------------------------------ the package

    def programme(self) -> ProgrammeSource | None:
        path = self.root / "programme.yaml"
        if not path.is_file():
            self.problem(path, 1, "no programme.yaml in the package folder")
            return None
        loaded = self.yaml_file(path, path.read_text(encoding="utf-8"))
        if loaded is None:
            return None
        data, lines = loaded
        slug = self.slug(path, lines.get(("slug",), 1), data.get("slug"), "slug")
        audience = data.get("audience")
        if audience not in AUDIENCES:
            self.problem(
                path,
                lines.get(("audience",), 1),
                f"audience must be one of {', '.join(AUDIENCES)}, got {audience!r}",
            )
        languages = data.get("languages")
        line = lines.get(("languages",), 1)
        if not isinstance(languages, list) or not languages:
            self.problem(path, line, "languages: a list of language tags is required")
            languages = [SOURCE_LANGUAGE]
        unknown = [tag for tag in languages if tag not in CONTENT_LANGUAGES]
        if unknown:
            self.problem(
                path,
                line,
                f"unknown language tag {unknown[0]!r} (known: {', '.join(CONTENT_LANGUAGES)})",
            )
        languages = [str(tag) for tag in languages if tag in CONTENT_LANGUAGES]
        if SOURCE_LANGUAGE not in languages:
            self.problem(
                path, line, f"languages must include {SOURCE_LANGUAGE}, the source language"
            )
        if len(set(languages)) != len(languages):
            self.problem(path, line, "languages: a tag is listed twice")
        programme = ProgrammeSource(
            slug=slug or "",
            audience=str(audience),
            languages=languages,
            title=self.texts(path, data, lines, "title", languages),
            summary=self.texts(path, data, lines, "summary", languages),
        )
        folders = sorted(  # media/: a site's images (authoring/image_transfer.py)
            p for p in self.root.iterdir()
            if p.is_dir() and not p.name.startswith(".") and p.name != "media"
        )
        for folder in folders:
            module = self.module(folder, programme.languages)
            if module is not None:
                programme.modules.append(module)
        if not folders:
            self.problem(path, 1, "the package has no module folders")
        self.unique(path, [(m.slug, m.position) for m in programme.modules], "module")
        self.check_links(programme)
        return programme

    def unique(self, path: Path, items: list[tuple[str, int]], what: str) -> None:
        seen_slugs: set[str] = set()
        seen_positions: set[int] = set()
        for slug, position in items:
            if slug in seen_slugs:
                self.problem(path, 1, f"duplicate {what} slug {slug!r}")
            if position in seen_positions:
                self.problem(path, 1, f"two {what}s share the number {position:02d}")
            seen_slugs.add(slug)
            seen_positions.add(position)

    def module(self, folder: Path, languages: list[str]) -> ModuleSource | None:
        path = folder / "module.yaml"
        match = MODULE_DIR.match(folder.name)
        if not match:
            self.problem(folder, 1, "a module folder is named NN-<module-slug>, e.g. 01-job-search")
            return None
        if not path.is_file():
            self.problem(path, 1, "no module.yaml in the module folder")
            return None
        loaded = self.yaml_file(path, path.read_text(encoding="utf-8"))
        if loaded is None:
            return None
        data, lines = loaded
        slug = self.slug(path, lines.get(("slug",), 1), data.get("slug"), "slug")
        if slug and slug != match.group(2):
            self.problem(
                path,
                lines[("slug",)],
                f"slug {slug!r} differs from the folder name {folder.name!r}",
            )
        minutes = data.get("estimated_minutes")
        if not isinstance(minutes, int) or isinstance(minutes, bool) or not 1 <= minutes <= 600:
            self.problem(
                path,
                lines.get(("estimated_minutes",), 1),
                "estimated_minutes must be a whole number of minutes (1-600)",
            )
            minutes = 0
        rule = data.get("completion", "pages_seen")
        if rule not in COMPLETION_RULES:
            self.problem(
                path,
                lines.get(("completion",), 1),
                f"completion must be one of {', '.join(COMPLETION_RULES)}, got {rule!r}",
            )
        module = ModuleSource(
            slug=slug or "",
            position=int(match.group(1)),
            title=self.texts(path, data, lines, "title", languages),
            summary=self.texts(path, data, lines, "summary", languages),
            estimated_minutes=minutes,
            completion_rule=str(rule),
        )
        module.pages = self.pages(folder, languages)
        if not module.pages:
            self.problem(path, 1, "the module has no pages")
        return module

    def pages(self, folder: Path, languages: list[str]) -> list[PageSource]:
        pages: dict[str, PageSource] = {}
        for path in sorted(folder.glob("*.md")):
            match = PAGE_FILE.match(path.name)
            if not match:
                self.problem(
                    path,
                    1,
                    "a page file is named NN-<page-slug>.<language>.md, e.g. 01-contract.fi.md",
                )
                continue
            position, slug, language = int(match.group(1)), match.group(2), match.group(3)
            if not self.slug(path, 1, slug, "the page slug in the file name"):
                continue
            if language not in languages:
                known = (
                    "unknown language tag"
                    if language not in CONTENT_LANGUAGES
                    else "a language this programme does not offer:"
                )
                self.problem(
                    path,
                    1,
                    f"{known} {language!r} in the file name (this programme: {', '.join(languages)})",
                )
                continue
            page = pages.setdefault(slug, PageSource(slug, position))
            if page.position != position:
                self.problem(
                    path, 1, f"page {slug!r} has the number {page.position:02d} in another file"
                )
                continue
            text = self.page_text(path, language)
            if text is not None:
                page.texts[language] = text
        ordered = sorted(pages.values(), key=lambda p: p.position)
        self.unique(folder, [(p.slug, p.position) for p in ordered], "page")
        for page in ordered:
            if page.texts and SOURCE_LANGUAGE not in page.texts:
                self.problem(
                    folder / f"{page.position:02d}-{page.slug}.{SOURCE_LANGUAGE}.md",
                    1,
                    "missing: every page needs its Finnish source text",
                )
        return ordered

    def page_text(self, path: Path, language: str) -> PageTextSource | None:
        text = path.read_text(encoding="utf-8")
        if not text.startswith("---\n"):
            self.problem(
                path,
                1,
                "a page starts with YAML front matter: a line '---', 'title: ...', a line '---'",
            )
            return None
        end = text.find("\n---\n", 3)
        if end < 0:
            self.problem(path, 1, "the front matter is not closed with a line '---'")
            return None
        loaded = self.yaml_file(path, text[4 : end + 1], first_line=2)
        if loaded is None:
            return None
        data, lines = loaded
        title = data.get("title")
        if not isinstance(title, str) or not title.strip():
            self.problem(path, lines.get(("title",), 2), "the page has no title")
            return None
        body = text[end + 5 :]
        if not body.strip():
            self.problem(
                path, text.count("\n", 0, end) + 3, "the page has no text after its front matter"
            )
            return None
        return PageTextSource(language, title.strip(), body.strip() + "\n")

    def check_links(self, programme: ProgrammeSource) -> None:
        targets = {f"{m.slug}/{p.slug}" for m in programme.modules for p in m.pages} | self.known_pages
        for module in programme.modules:
            folder = self.root / f"{module.position:02d}-{module.slug}"
            for page in module.pages:
                for language, text in page.texts.items():
                    path = folder / f"{page.position:02d}-{page.slug}.{language}.md"
                    self.check_page_links(path, text.markdown, targets)

    def check_page_links(self, path: Path, markdown: str, targets: set[str]) -> None:
        source = path.read_text(encoding="utf-8")
        offset = source.find(markdown.strip()[:40]) if markdown.strip() else 0
        for match in PAGE_LINK.finditer(markdown):
            if match.group(1) not in targets:
                line = source.count("\n", 0, max(offset, 0) + match.start()) + 1
                self.problem(
                    path, line, f"link to a page that does not exist: page:{match.group(1)}"
                )


def read_package(root: Path, known_pages: frozenset[str] = frozenset()) -> ProgrammeSource:
    """The programme in the folder ``root``, or ContentError listing every problem. A
    link may also point at ``known_pages`` ("module/page"), pages the installation has
    already (a site's package links to the shipped modules it was adapted from)."""
    reader = _Reader(root, known_pages)
    if not root.is_dir():
        raise ContentError([Problem(root, 1, "not a folder")])
    programme = reader.programme()
    if reader.problems or programme is None:
        raise ContentError(reader.problems)
    return programme
