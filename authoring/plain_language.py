"""Help while writing plain Finnish (selkosuomi): sentences and words that are long.

``analyse(markdown)`` reads a page body as the learner reads it (Markdown syntax removed)
and returns counts and every long sentence and long word with its offsets in the original
Markdown, so that an editor can mark them. It is a helper for the writer, never a gate.

Thresholds, and where they come from
------------------------------------
Selkokeskus (the Finnish Centre for Easy Language) gives no numbers. Its writing
guidelines say "Suosi lyhyitä lauseita ja virkkeitä, kerro vain yksi tärkeä asia yhdessä
lauseessa" and "Suosi lyhyitä sanoja: opiskelija (ammattikorkeakouluopiskelija)"
(https://selkokeskus.fi/selkokieli/selkokirjoitusohjeet/rakenteet/ and .../sanat/), and
its English principles add that Finnish endings make words long, so word length alone
is not a sensible measure (papunet.net/selkokeskus/in-english/principles-of-plain-language).
So the numbers below are chosen, from these:

- Sentences: more than ``LONG_SENTENCE_WORDS`` = 12 words is long. Kotus's test for
  clear *standard* officialese calls 5-7 words short and 15-25 words long
  (kotus.fi, virkakielitesti, question 15); plain language must be clearly easier than
  that, so a plain sentence stays below the range Kotus calls long. Every good example
  on Selkokeskus's structures page has at most 10 words; its bad example has 23.
- Words: more than ``LONG_WORD_LETTERS`` = 16 letters is long. Selkokeskus's good
  examples keep words short (opiskelija 10, päiväkoti 9) and its bad ones are compounds
  of 22-28 letters (varhaiskasvatusyksikkö, ammattikorkeakouluopiskelija); its good
  sentence "Voit soittaa neuvontapuhelimeen" shows that an inflected everyday compound
  of 18 letters is sometimes the plain choice, hence a mark, not an error.

Both are parameters (``Thresholds``); the defaults are what the editor shows.

What is counted
---------------
A heading, a list item, a table cell and each sentence of a paragraph is a sentence. A
sentence ends at ``. ! ? …`` followed by a space and a word that does not start in lower
case; a period after a common abbreviation (esim., n., ks., klo ...) does not end one,
nor does a period inside a number (8.00, 1.6.2025) or after an ordinal (1. kesäkuuta).
A word is a run of letters and digits (Finnish and any other script), joined by hyphens
(YKI-testi, työ- ja), colons (CV:ssä), apostrophes, soft hyphens, a period with no space
after it (8.00, 1.6.2025, kela.fi) or a comma between digits (3,5). Numbers and
addresses (kela.fi) count as words but are never long; a word's length is its letters
and digits. Ignored: heading and list markers, emphasis, link URLs (their text counts),
images, inline and fenced code, HTML tags, URLs with a scheme (https://...), e-mail
addresses, table pipes.

Offsets are Python string indices (code points) into the original Markdown; an editor
in JavaScript counts UTF-16 code units: convert with ``utf16_offset``.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass

LONG_SENTENCE_WORDS = 12
LONG_WORD_LETTERS = 16
# Far above any page; a page body over it is refused by the caller's own limit first.
MAX_TEXT_CHARS = 200_000

LONG_SENTENCE = "long_sentence"
LONG_WORD = "long_word"

# A period after these (lower case, without the period) does not end a sentence.
_ABBREVIATIONS = frozenset(
    {
        *("esim", "ks", "vrt", "n", "ns", "nk", "mm", "ts", "huom", "klo", "s", "ss", "v"),
        *("vv", "vrk", "t", "h", "min", "sek", "mrd", "milj", "tuh", "nro", "no", "puh", "p"),
        *("os", "ed", "em", "ko", "ml", "ao", "so", "ps", "yl", "lk", "pvm", "kk", "vk", "vko"),
        *("pv", "ma", "ti", "ke", "to", "pe", "la", "su", "prof", "tri", "dos", "ekr", "jkr"),
        *("tammik", "helmik", "maalisk", "huhtik", "toukok", "kesäk", "heinäk", "elok"),
        *("syysk", "lokak", "marrask", "jouluk", "eaa", "jaa", "e.g", "i.e", "eg", "ie", "vs"),
    }
)
# ... and these often end a list and the sentence with it: a capital after them starts one.
_LIST_ENDINGS = frozenset({"jne", "yms", "ym", "tms", "ymv", "etc"})

_ALNUM = r"[^\W_]"
_WORD = re.compile(
    rf"{_ALNUM}+(?:(?:[-\u2010\u2011:'’.\u00ad]|(?<=\d),(?=\d)){_ALNUM}+)*"
    rf"(?:[-\u2010\u2011](?!{_ALNUM}))?"
)
_TERMINAL = re.compile(r"[.!?…]+[\"”’»)\]]*")
_CLOSERS = '"”’»)]'
_PREV_WORD = re.compile(rf"{_ALNUM}+(?:\.{_ALNUM}+)*\Z")

_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_THEMATIC = re.compile(r" {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,}|=+[ \t]*)\Z")
_TABLE_DELIMITER = re.compile(r"[ \t]*\|?(?:[ \t]*:?-+:?[ \t]*\|)+(?:[ \t]*:?-+:?[ \t]*)?\Z")
_LINK_DEFINITION = re.compile(r" {0,3}\[[^\]\n]+\]:[ \t]*\S")
_QUOTE = re.compile(r" {0,3}>[ \t]?")
_HEADING = re.compile(r" {0,3}#{1,6}(?:[ \t]+|\Z)")
_LIST_ITEM = re.compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|\Z)")

_ESCAPE = re.compile(r"\\(?=[!-/:-@\[-`{-~])")
_IMAGE = re.compile(r"!\[[^\]\n]*\](?:\([^)\n]*\)|\[[^\]\n]*\])")
_LINK = re.compile(
    r"\[[^\[\]\n]*(\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\s*\)"
    r"|\]\[[^\]\n]*\])"
)
_TAG = re.compile(r"<[^<>\n]*>")
_BARE = re.compile(
    r"(?:https?|ftp)://[^\s<>\x00]*[^\s<>\x00.,;:!?)\"”’]|(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
)
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_UNDERSCORES = re.compile(r"_+")
_BACKTICKS = re.compile(r"`+")

_VISIBLE, _HIDDEN, _SPACE = 0, 1, 2
_TAKEN = "\x00"  # in the working copy: a character some construct has claimed
_LITERAL = "\x01"  # in the working copy: an escaped character (text, never syntax)


@dataclass(frozen=True)
class Thresholds:
    """A sentence of more than ``sentence_words`` words, a word of more than
    ``word_letters`` letters and digits, is long."""

    sentence_words: int = LONG_SENTENCE_WORDS
    word_letters: int = LONG_WORD_LETTERS


@dataclass(frozen=True)
class Finding:
    """A long sentence or word. ``text`` is what the learner reads (Markdown removed,
    spaces collapsed); ``length`` is its words (a sentence) or letters (a word);
    ``markdown[start:end]`` is its place in the original."""

    kind: str
    text: str
    length: int
    start: int
    end: int


@dataclass(frozen=True)
class PlainLanguageReport:
    sentences: int
    words: int
    long_sentences: int
    long_words: int
    average_sentence_words: float  # words per sentence, one decimal; 0.0 without text
    findings: tuple[Finding, ...]  # in the order of the text
    thresholds: Thresholds


class _Block:
    """The visible characters of one block, each with its offset in the Markdown."""

    def __init__(self) -> None:
        self.chars: list[str] = []
        self.origin: list[int] = []


def analyse(markdown: str, thresholds: Thresholds = Thresholds()) -> PlainLanguageReport:
    """The plain-language report of a page body (Markdown, without front matter)."""
    if not isinstance(markdown, str):
        raise TypeError("markdown must be a str")
    if len(markdown) > MAX_TEXT_CHARS:
        raise ValueError(f"a text of over {MAX_TEXT_CHARS:,} characters is not analysed")
    findings: list[Finding] = []
    sentences = words = 0
    for block in _blocks(markdown):
        text = "".join(block.chars)
        for begin, end in _sentence_spans(text):
            found = list(_WORD.finditer(text, begin, end))
            if not found:
                continue
            sentences += 1
            words += len(found)
            if len(found) > thresholds.sentence_words:
                findings.append(_finding(LONG_SENTENCE, text, block, begin, end, len(found)))
            for m in found:
                word = m.group()
                letters = sum(ch.isalnum() for ch in word)
                long = letters > thresholds.word_letters and "." not in word
                if long and any(ch.isalpha() for ch in word):
                    findings.append(_finding(LONG_WORD, text, block, *m.span(), letters))
    findings.sort(key=lambda f: (f.start, f.kind != LONG_SENTENCE))
    return PlainLanguageReport(
        sentences=sentences,
        words=words,
        long_sentences=sum(f.kind == LONG_SENTENCE for f in findings),
        long_words=sum(f.kind == LONG_WORD for f in findings),
        average_sentence_words=round(words / sentences, 1) if sentences else 0.0,
        findings=tuple(findings),
        thresholds=thresholds,
    )


def utf16_offset(text: str, index: int) -> int:
    """``index`` (a code point offset into ``text``) in UTF-16 code units, as JavaScript
    counts: characters outside the Basic Multilingual Plane count twice."""
    return index + sum(1 for ch in text[:index] if ord(ch) > 0xFFFF)


def _finding(kind: str, text: str, block: _Block, begin: int, end: int, n: int) -> Finding:
    shown = " ".join(text[begin:end].split())
    return Finding(kind, shown, n, block.origin[begin], block.origin[end - 1] + 1)


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    spans, begin = [], 0
    for m in _TERMINAL.finditer(text):
        if _ends_sentence(text, m):
            spans.append((begin, m.end()))
            begin = m.end()
    spans.append((begin, len(text)))
    trimmed = []
    for begin, end in spans:
        while begin < end and text[begin].isspace():
            begin += 1
        while end > begin and text[end - 1].isspace():
            end -= 1
        if begin < end:
            trimmed.append((begin, end))
    return trimmed


def _ends_sentence(text: str, m: re.Match[str]) -> bool:
    after = m.end()
    if after < len(text) and not text[after].isspace():
        return False  # 8.00, 1.6.2025, kela.fi, e.g.
    rest = after
    while rest < len(text) and text[rest].isspace():
        rest += 1
    if rest == len(text):
        return True
    following = text[rest]
    if following.islower():
        return False  # esim. kun, 1. kesäkuuta, "Mitä teet?" hän kysyi.
    if m.group().rstrip(_CLOSERS) != ".":
        return True
    window = max(0, m.start() - 40)
    prev = _PREV_WORD.search(text, window, m.start())
    word = ""
    if prev and (prev.start() == 0 or not text[prev.start() - 1].isalnum()):
        word = prev.group().lower()
    if word in _LIST_ENDINGS:
        return not following.isdigit()
    if word in _ABBREVIATIONS:
        return False
    return not (word.isdigit() and following.isdigit())


def _blocks(markdown: str) -> list[_Block]:
    blocks: list[_Block] = []
    current: _Block | None = None
    fence: str | None = None
    in_table = False
    lines = markdown.split("\n")
    offset = 0
    for number, raw in enumerate(lines):
        start, offset = offset, offset + len(raw) + 1
        line = raw.removesuffix("\r")
        if fence is not None:
            if line.strip().startswith(fence) and not line.strip().strip(fence[0]):
                fence = None
            continue
        quote = 0
        while m := _QUOTE.match(line, quote):
            quote = m.end()
        body = line[quote:]
        if (m := _FENCE.match(body)) is not None:
            fence, current, in_table = m.group(1), None, False
            continue
        if not body.strip() or _THEMATIC.match(body) or _LINK_DEFINITION.match(body):
            current, in_table = None, False
            continue
        if "|" in body and _TABLE_DELIMITER.match(body):
            current, in_table = None, True
            continue
        following = lines[number + 1] if number + 1 < len(lines) else ""
        table_row = "|" in body and (
            in_table or body.lstrip().startswith("|") or bool(_TABLE_DELIMITER.match(following))
        )
        heading = _HEADING.match(body)
        item = None if heading or table_row else _LIST_ITEM.match(body)
        begin = quote + (heading.end() if heading else item.end() if item else 0)
        end = len(line)
        if heading:
            end = _heading_end(line, begin)
        roles, work = _inline(line, begin, end)
        if table_row or heading or item or current is None:
            current = _Block()
            blocks.append(current)
        elif current.chars:
            current.chars.append("\n")
            current.origin.append(start + begin)
        for i in range(begin, end):
            if table_row and work[i] == "|":
                current = _Block()
                blocks.append(current)
            elif roles[i] != _HIDDEN:
                current.chars.append(line[i] if roles[i] == _VISIBLE else " ")
                current.origin.append(start + i)
        if table_row or heading:
            current = None
        in_table = table_row
    return blocks


def _heading_end(line: str, begin: int) -> int:
    """Where a heading's text ends: before trailing spaces and a closing run of #."""
    end = len(line.rstrip(" \t"))
    hashes = len(line[begin:end]) - len(line[begin:end].rstrip("#"))
    if hashes and (end - hashes == begin or line[end - hashes - 1] in " \t"):
        end = len(line[: end - hashes].rstrip(" \t"))
    return max(end, begin)


def _inline(line: str, begin: int, end: int) -> tuple[list[int], list[str]]:
    """Each character's role in ``line[begin:end]``, and a working copy in which every
    character a construct claimed is ``_TAKEN`` (so that later constructs skip it)."""
    roles = [_VISIBLE] * len(line)
    work = list(line)

    def claim(a: int, b: int, role: int) -> None:
        for i in range(a, b):
            roles[i] = role
            work[i] = _TAKEN

    for a, b in _code_spans(line, begin, end):
        claim(a, b, _SPACE)
    for m in _ESCAPE.finditer("".join(work), begin, end):
        claim(m.start(), m.end(), _HIDDEN)
        if m.end() < end:
            work[m.end()] = _LITERAL
    for m in _IMAGE.finditer("".join(work), begin, end):
        claim(*m.span(), _SPACE)
    for m in _LINK.finditer("".join(work), begin, end):
        if _TAKEN not in m.group(1):
            claim(m.start(), m.start() + 1, _HIDDEN)
            claim(*m.span(1), _HIDDEN)
    for pattern in (_TAG, _BARE):
        for m in pattern.finditer("".join(work), begin, end):
            if _TAKEN not in m.group():
                claim(*m.span(), _SPACE)
    for m in _ENTITY.finditer("".join(work), begin, end):
        claim(*m.span(), _HIDDEN if m.group() == "&shy;" else _SPACE)
    for i in range(begin, end):
        if work[i] == "*" or (work[i] == "~" and "~" in (work[i - 1 : i] + work[i + 1 : i + 2])):
            claim(i, i + 1, _HIDDEN)
    for m in _UNDERSCORES.finditer("".join(work), begin, end):
        a, b = m.span()
        if not (a > 0 and line[a - 1].isalnum() and b < len(line) and line[b].isalnum()):
            claim(a, b, _HIDDEN)
    return roles, work


def _code_spans(line: str, begin: int, end: int) -> list[tuple[int, int]]:
    """Code spans: a run of backticks up to the next run of the same length (linear);
    a run without one is text, as in CommonMark."""
    runs = [m.span() for m in _BACKTICKS.finditer(line, begin, end)]
    by_length: dict[int, deque[int]] = {}
    for index, (a, b) in enumerate(runs):
        by_length.setdefault(b - a, deque()).append(index)
    spans, inside_until = [], -1
    for index, (a, b) in enumerate(runs):
        if index <= inside_until:
            continue
        later = by_length[b - a]
        while later and later[0] <= index:
            later.popleft()
        if later:
            inside_until = later.popleft()
            spans.append((a, runs[inside_until][1]))
    return spans
