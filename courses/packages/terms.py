"""A page's glossary words: marked once, when the package is loaded; shown per learner.

``mark_terms`` runs on the sanitised HTML of one page text (``render.render_markdown``)
and turns the first occurrence of each glossary term of the page's language into a
button followed by its explanation (a live region, hidden until the button opens it):

    <button type="button" class="kp-term" aria-expanded="false" aria-controls="kp-term-ID">word</button>
    <span class="kp-term-note" id="kp-term-ID" data-term="TERM" aria-live="polite"><span class="kp-term-text" hidden>
      <span class="kp-gloss" data-lang="fi-x-selko" lang="fi"><strong>TERM</strong> – explanation</span>...
    </span></span>

Only text is marked, never inside a link, a heading, code or a button; every text is
HTML-escaped. The explanations of every language a learner of this page may need are
kept; ``show_terms`` (cached, per page text and language) keeps plain Finnish and the
learner's own and lists the page's words, so a page view costs a dictionary look-up.
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from courses.glossary import Entry, explanation_languages, phrase_pattern
from courses.languages import HTML_LANG, PLAIN_FINNISH, SOURCE_LANGUAGE

# Text inside these is never marked: a term in a link or a heading is not explained there.
SKIPPED = {"a", "h1", "h2", "h3", "h4", "h5", "h6", "code", "pre", "button"}
VOID = {"br", "hr", "img"}


def glosses_for(page_language: str, languages: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Explanations kept in a page text: plain Finnish, and each own language a learner
    of the page may have (any on a Finnish page; the page's own otherwise)."""
    if page_language in (SOURCE_LANGUAGE, PLAIN_FINNISH):
        wanted = [PLAIN_FINNISH, *languages]
    else:
        wanted = [PLAIN_FINNISH, page_language]
    return tuple(tag for tag in dict.fromkeys(wanted) if tag in languages)


def _note(entry: Entry, page_language: str, glosses: tuple[str, ...]) -> str:
    parts = []
    for tag in glosses:
        if tag not in entry.explain:
            continue
        term = entry.term.get(tag, entry.term.get(SOURCE_LANGUAGE, ""))
        parts.append(
            f'<span class="kp-gloss" data-lang="{tag}" lang="{HTML_LANG.get(tag, tag)}">'
            f"<strong>{html.escape(term)}</strong> – {html.escape(entry.explain[tag])}</span>"
        )
    term = html.escape(entry.term.get(page_language, ""), quote=True)
    return (
        f'<span class="kp-term-note" id="kp-term-{entry.id}" data-term="{term}" aria-live="polite">'
        f'<span class="kp-term-text" hidden>{"".join(parts)}</span></span>'
    )


class _Marker(HTMLParser):
    def __init__(self, entries: tuple[Entry, ...], language: str, glosses: tuple[str, ...]) -> None:
        super().__init__(convert_charrefs=True)
        self.language = language
        self.glosses = glosses
        # One expression, a named group per form (longest first): a match names its entry.
        forms = sorted(
            (
                (form, entry)
                for entry in entries
                if language in entry.term
                for form in entry.marked_forms(language)
            ),
            key=lambda item: len(item[0]),
            reverse=True,
        )
        self.form_entry = {f"f{i}": entry for i, (_, entry) in enumerate(forms)}
        body = "|".join(f"(?P<f{i}>{phrase_pattern(form)})" for i, (form, _) in enumerate(forms))
        self.pattern = re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE) if forms else None
        self.entries = [e for e in entries if language in e.term]
        self.done: set[str] = set()
        self.out: list[str] = []
        self.skipping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self.get_starttag_text() or "")
        if tag in SKIPPED:
            self.skipping.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        self.out.append(f"</{tag}>")
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_data(self, data: str) -> None:
        if self.skipping or self.pattern is None or len(self.done) == len(self.entries):
            self.out.append(html.escape(data, quote=False))
            return
        position = 0
        for match in self.pattern.finditer(data):
            entry = self.form_entry[str(match.lastgroup)]
            if entry.id in self.done:
                continue
            self.done.add(entry.id)
            self.out.append(html.escape(data[position : match.start()], quote=False))
            self.out.append(
                f'<button type="button" class="kp-term" aria-expanded="false" '
                f'aria-controls="kp-term-{entry.id}">{html.escape(match.group(0), quote=False)}</button>'
                + _note(entry, self.language, self.glosses)
            )
            position = match.end()
        self.out.append(html.escape(data[position:], quote=False))


def mark_terms(
    body_html: str,
    entries: tuple[Entry, ...],
    language: str,
    languages: list[str] | tuple[str, ...],
) -> str:
    """``body_html`` with the first occurrence of each term of ``language`` marked."""
    if not entries:
        return body_html
    marker = _Marker(entries, language, glosses_for(language, languages))
    marker.feed(body_html)
    marker.close()
    return "".join(marker.out)


@dataclass(frozen=True)
class Word:
    """One of a page's words, for its list: the term and the explanations shown."""

    term: str
    glosses: str  # HTML made by mark_terms: the kp-gloss spans shown


_NOTE = re.compile(
    r'<span class="kp-term-note" id="kp-term-[a-z0-9-]+" data-term="(?P<term>[^"]*)" aria-live="polite">'
    r'<span class="kp-term-text" hidden>(?P<glosses>(?:<span class="kp-gloss"(?:(?!</span>).)*</span>)*)'
    r"</span></span>",
    re.DOTALL,
)
_GLOSS = re.compile(
    r'<span class="kp-gloss" data-lang="(?P<lang>[^"]+)"(?:(?!</span>).)*</span>', re.DOTALL
)


@functools.lru_cache(maxsize=512)
def show_terms(body_html: str, page_language: str, own: str) -> tuple[str, tuple[Word, ...]]:
    """The page text with only the explanations this learner sees (plain Finnish and
    ``own``), and its words in order. Cached: the same text and languages, the same
    result (a new load of the package is a new text)."""
    if 'class="kp-term-note"' not in body_html:
        return body_html, ()
    keep = explanation_languages(page_language, own)
    words: list[Word] = []

    def note(match: re.Match[str]) -> str:
        glosses = _GLOSS.sub(
            lambda g: g.group(0) if g.group("lang") in keep else "", match.group("glosses")
        )
        words.append(Word(term=html.unescape(match.group("term")), glosses=glosses))
        return match.group(0).replace(match.group("glosses"), glosses, 1)

    return _NOTE.sub(note, body_html), tuple(words)
