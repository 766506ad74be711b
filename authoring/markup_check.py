"""Raw HTML that could run a script, found in what a trainer writes, so that it is
refused with a message (where, what) instead of stored and removed only when rendered.

Learners are safe either way: the pages' renderer shows raw HTML as text and nh3 removes
anything outside its allowlist (courses.packages.render). But a text that holds a
``<script>`` is not what the trainer will see published, so the services refuse it:
``<script>``, ``<style>``, ``<iframe>`` and their kin, an event attribute (``onclick=``),
a ``javascript:`` address in a link, an image or any attribute.

Markdown is read as CommonMark with raw HTML on (what a renderer that let HTML through
would see), so that code is not markup: ``<script>`` in a code span or a code block is
text, and fine. HTML (a quiz text in Moodle's auto-format or in HTML) is read as HTML.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from markdown_it import MarkdownIt

# Elements that run or load something, or restyle the page (nh3 drops them with their content).
ELEMENTS = frozenset({"script", "style", "iframe", "frame", "frameset", "object", "embed", "applet"})
EVENT_ATTRIBUTE = re.compile(r"on[a-z]+")
SCRIPT_SCHEMES = ("javascript:", "vbscript:")
# Browsers ignore these inside a URL's scheme ("java\tscript:" is javascript:).
_URL_NOISE = re.compile(r"[\x00-\x20]+")


@dataclass(frozen=True)
class Finding:
    """What was found: an ``element`` (``name`` "script"), an event ``attribute``
    ("onclick") or a script ``address`` ("javascript:"), on ``line`` (from 1) of the
    text, and in which of several texts (``field``: "" for a page's only text)."""

    kind: str
    name: str
    line: int
    field: str = ""


def _script_scheme(url: str) -> str | None:
    url = _URL_NOISE.sub("", url).lower()
    return next((s for s in SCRIPT_SCHEMES if url.startswith(s)), None)


class _Tags(HTMLParser):
    """The first dangerous tag, attribute or address of an HTML fragment, and its line."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: tuple[str, str, int] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.found is not None:
            return
        line = self.getpos()[0]
        if tag in ELEMENTS:
            self.found = ("element", tag, line)
            return
        for name, value in attrs:
            if EVENT_ATTRIBUTE.fullmatch(name):
                self.found = ("attribute", name, line)
                return
            scheme = _script_scheme(value or "")
            if scheme is not None:
                self.found = ("address", scheme, line)
                return

    handle_startendtag = handle_starttag


def in_html(text: str, first_line: int = 1) -> Finding | None:
    """The first dangerous thing in HTML ``text`` (its line counted from ``first_line``)."""
    if "<" not in text:
        return None
    parser = _Tags()
    parser.feed(text)
    parser.close()
    if parser.found is None:
        return None
    kind, name, line = parser.found
    return Finding(kind, name, first_line + line - 1)


@functools.cache
def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False})
    md.enable("table")
    md.validateLink = lambda url: True  # type: ignore[method-assign]  # see every link's address
    return md


def _line_of(lines: list[str], start: int, end: int, needle: str) -> int:
    """The line (from 1) where ``needle`` is, in ``lines[start:end]`` if it is there."""
    needle = needle.lower()
    # The block first, then the whole text (a reference link's address is defined elsewhere).
    for number in [*range(start, min(end, len(lines))), *range(len(lines))]:
        if needle in lines[number].lower():
            return number + 1
    return start + 1


def in_markdown(text: str) -> Finding | None:
    """The first dangerous raw HTML or script address in Markdown ``text``, outside code."""
    if "<" not in text and ":" not in text:
        return None
    lines = text.split("\n")
    for token in _markdown().parse(text):
        start, end = token.map or (0, len(lines))
        if token.type == "html_block":
            found = in_html(token.content, start + 1)
            if found is not None:
                return found
        if token.type != "inline":
            continue
        for child in token.children or []:
            if child.type == "html_inline":
                found = in_html(child.content)
                if found is not None:
                    first = child.content.split("\n", 1)[0]
                    return Finding(found.kind, found.name, _line_of(lines, start, end, first) + found.line - 1)
            elif child.type in ("link_open", "image"):
                address = str(child.attrGet("href" if child.type == "link_open" else "src") or "")
                scheme = _script_scheme(address)
                if scheme is not None:
                    return Finding("address", scheme, _line_of(lines, start, end, scheme[:-1]))
    return None


def in_text(text: str, text_format: str) -> Finding | None:
    """A question's text in its format: Markdown, HTML (Moodle's auto-format is HTML with
    line breaks), or plain text (shown as written: never markup)."""
    if text_format == "markdown":
        return in_markdown(text)
    if text_format in ("html", "moodle"):
        return in_html(text)
    return None
