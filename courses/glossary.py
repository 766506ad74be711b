"""A programme's glossary: one chosen term per concept and language, a short explanation
of each, and the variants its texts must not use (``glossary.yaml`` in the package).

Read and checked with the package (``courses.packages.reader``): every problem names its
file and line. Pages use it twice: ``content load`` marks each term's first occurrence on
a page (``courses.packages.terms``), and the content tests refuse a page or a quiz that
uses an avoided variant (``find_variants``). See ``courses/content/README.md``.

A form or variant is a phrase of words; a word ending in ``*`` stands for any ending
(``verokort*`` is verokortti, verokortin, verokorttia...). Matching ignores case and
never starts or ends inside a word.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from courses.languages import PLAIN_FINNISH, SOURCE_LANGUAGE
from courses.packages.reader import Problem

GLOSSARY_FILE = "glossary.yaml"
ENTRY_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ENTRY_KEYS = {"id", "term", "forms", "explain", "avoid", "sources"}
MAX_EXPLANATION = 400  # a short explanation: a sentence or two


@dataclass(frozen=True)
class Entry:
    id: str
    term: dict[str, str]  # the chosen term, per language
    forms: dict[str, tuple[str, ...]]  # what is marked on a page (the term when not given)
    explain: dict[str, str]  # a short explanation, per language (fi-x-selko: plain Finnish)
    avoid: dict[str, tuple[str, ...]]  # variants the texts must not use, per language
    sources: tuple[str, ...] = ()  # official pages that back the explanation

    def marked_forms(self, language: str) -> tuple[str, ...]:
        return self.forms.get(language) or (self.term[language],)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "term": self.term,
            "forms": {k: list(v) for k, v in self.forms.items()},
            "explain": self.explain,
            "avoid": {k: list(v) for k, v in self.avoid.items()},
            "sources": list(self.sources),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Entry:
        return cls(
            id=data["id"],
            term=dict(data["term"]),
            forms={k: tuple(v) for k, v in (data.get("forms") or {}).items()},
            explain=dict(data["explain"]),
            avoid={k: tuple(v) for k, v in (data.get("avoid") or {}).items()},
            sources=tuple(data.get("sources") or ()),
        )


def entries_from_json(data: list[dict[str, Any]] | None) -> tuple[Entry, ...]:
    return tuple(Entry.from_json(item) for item in data or ())


@functools.lru_cache(maxsize=4096)
def phrase_pattern(phrase: str) -> str:
    """A regular expression for a form or variant: words in order, ``*`` any ending."""
    words = phrase.split()
    parts = [re.escape(w[:-1]) + r"\w*" if w.endswith("*") else re.escape(w) for w in words]
    return r"\s+".join(parts)


def compile_phrases(phrases: tuple[str, ...] | list[str]) -> re.Pattern[str]:
    # Longest first: "työsuojeluvaltuutettu" before "työsuojelu*" is found at one place.
    ordered = sorted(set(phrases), key=len, reverse=True)
    body = "|".join(f"(?:{phrase_pattern(p)})" for p in ordered)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)


@dataclass(frozen=True)
class Variant:
    entry: str
    language: str
    found: str
    line: int
    chosen: str


def find_variants(entries: tuple[Entry, ...], language: str, text: str) -> list[Variant]:
    """Each place ``text`` uses an avoided variant of a term in ``language``. A variant
    found inside a chosen term's form (``карт*`` inside «налоговая карточка») is not one."""
    chosen = [e for e in entries if language in e.term]
    forms = [f for e in chosen for f in e.marked_forms(language)]
    allowed = [m.span() for m in compile_phrases(forms).finditer(text)] if forms else []
    found: list[Variant] = []
    for entry in chosen:
        variants = entry.avoid.get(language)
        if not variants:
            continue
        for match in compile_phrases(variants).finditer(text):
            start, end = match.span()
            if any(a <= start and end <= b for a, b in allowed):
                continue
            line = text.count("\n", 0, start) + 1
            found.append(Variant(entry.id, language, match.group(0), line, entry.term[language]))
    return sorted(found, key=lambda v: v.line)


class _GlossaryReader:
    def __init__(self, path: Path, languages: list[str]) -> None:
        self.path = path
        self.languages = languages
        self.problems: list[Problem] = []

    def problem(self, node: yaml.Node | None, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else 1
        self.problems.append(Problem(self.path, line, message))

    def read(self) -> tuple[Entry, ...]:
        text = self.path.read_text(encoding="utf-8")
        try:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            self.problems.append(
                Problem(
                    self.path,
                    1 + (mark.line if mark else 0),
                    f"not valid YAML: {exc.problem or exc}",
                )
            )
            return ()
        terms = _get(root, "terms") if isinstance(root, yaml.MappingNode) else None
        if not isinstance(terms, yaml.SequenceNode) or not terms.value:
            self.problem(root, "a glossary is a mapping with 'terms:', a list of entries")
            return ()
        entries: list[Entry] = []
        seen: set[str] = set()
        for node in terms.value:
            entry = self.entry(node)
            if entry is None:
                continue
            if entry.id in seen:
                self.problem(node, f"duplicate id {entry.id!r}")
            seen.add(entry.id)
            entries.append(entry)
        return tuple(entries)

    def entry(self, node: yaml.Node) -> Entry | None:
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, "each entry is a mapping with id, term and explain")
            return None
        for key_node, _ in node.value:
            if key_node.value not in ENTRY_KEYS:
                self.problem(
                    key_node,
                    f"unknown key {key_node.value!r} (known: {', '.join(sorted(ENTRY_KEYS))})",
                )
        id_node = _get(node, "id")
        entry_id = id_node.value if isinstance(id_node, yaml.ScalarNode) else None
        if not entry_id or not ENTRY_ID.match(entry_id):
            self.problem(
                id_node or node,
                f"id must be lower-case letters, digits and hyphens, got {entry_id!r}",
            )
            return None
        term = self.texts(node, "term", entry_id, required=True)
        explain = self.texts(node, "explain", entry_id, required=True)
        for language, text in explain.items():
            if len(text) > MAX_EXPLANATION:
                self.problem(
                    _get(_get(node, "explain"), language),
                    f"{entry_id}: the {language} explanation is over {MAX_EXPLANATION} characters; keep it short",
                )
        return Entry(
            id=entry_id,
            term=term,
            forms=self.lists(node, "forms", entry_id),
            explain=explain,
            avoid=self.lists(node, "avoid", entry_id),
            sources=self.sources(node, entry_id),
        )

    def sources(self, node: yaml.MappingNode, entry_id: str) -> tuple[str, ...]:
        value = _get(node, "sources")
        if value is None:
            return ()
        items = value.value if isinstance(value, yaml.SequenceNode) else []
        if not items or not all(
            isinstance(i, yaml.ScalarNode) and str(i.value).startswith("https://") for i in items
        ):
            self.problem(value, f"{entry_id}: sources is a list of https:// addresses")
            return ()
        return tuple(str(i.value) for i in items)

    def language_map(
        self, node: yaml.Node, key: str, entry_id: str
    ) -> list[tuple[yaml.Node, str, yaml.Node]]:
        value = _get(node, key)
        if value is None:
            return []
        if not isinstance(value, yaml.MappingNode):
            self.problem(value, f"{entry_id}: {key} is a mapping of language to text")
            return []
        found = []
        for key_node, value_node in value.value:
            language = str(key_node.value)
            if language not in self.languages:
                self.problem(
                    key_node,
                    f"{entry_id}: {key}: language {language!r} is not one of this programme's ({', '.join(self.languages)})",
                )
                continue
            found.append((key_node, language, value_node))
        return found

    def texts(
        self, node: yaml.MappingNode, key: str, entry_id: str, *, required: bool
    ) -> dict[str, str]:
        result: dict[str, str] = {}
        for key_node, language, value in self.language_map(node, key, entry_id):
            if not isinstance(value, yaml.ScalarNode) or not str(value.value).strip():
                self.problem(key_node, f"{entry_id}: {key}: empty text for {language}")
                continue
            result[language] = " ".join(str(value.value).split())
        if required:
            missing = [tag for tag in self.languages if tag not in result]
            if missing:
                self.problem(
                    _key(node, key) or node,
                    f"{entry_id}: {key}: missing the {', '.join(missing)} text",
                )
        return result

    def lists(self, node: yaml.MappingNode, key: str, entry_id: str) -> dict[str, tuple[str, ...]]:
        result: dict[str, tuple[str, ...]] = {}
        for key_node, language, value in self.language_map(node, key, entry_id):
            items = value.value if isinstance(value, yaml.SequenceNode) else None
            if (
                items is None
                or not items
                or not all(isinstance(i, yaml.ScalarNode) and str(i.value).strip() for i in items)
            ):
                self.problem(
                    key_node, f"{entry_id}: {key}: {language} is a list of words or phrases"
                )
                continue
            result[language] = tuple(" ".join(str(i.value).split()) for i in items)
        return result


def _key(node: yaml.Node | None, key: str) -> yaml.Node | None:
    """The node of the key itself: its line is where an author looks."""
    if isinstance(node, yaml.MappingNode):
        for key_node, _ in node.value:
            if key_node.value == key:
                return key_node  # type: ignore[no-any-return]
    return None


def _get(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    for key_node, value_node in node.value:
        if key_node.value == key:
            return value_node  # type: ignore[no-any-return]
    return None


def read_glossary(path: Path, languages: list[str]) -> tuple[tuple[Entry, ...], list[Problem]]:
    """The entries of ``path`` and the problems found in it (each with its line)."""
    reader = _GlossaryReader(path, languages)
    entries = reader.read()
    return entries, reader.problems


def explanation_languages(page_language: str, own: str) -> tuple[str, ...]:
    """Which explanations a learner sees: plain Finnish, and their own language."""
    return tuple(dict.fromkeys((PLAIN_FINNISH, own)))


def own_language(
    page_language: str, interface: str | None, offered: tuple[str, ...] | list[str]
) -> str:
    """The learner's own language for a glossary explanation: the page's when it is not
    Finnish; on a Finnish page, the interface language when the programme has it (a
    Russian speaker reading Finnish pages to practise), else Finnish."""
    if page_language not in (SOURCE_LANGUAGE, PLAIN_FINNISH):
        return page_language
    primary = (interface or "").replace("_", "-").split("-", 1)[0].lower()
    if primary and primary != SOURCE_LANGUAGE and primary in offered:
        return primary
    return page_language
