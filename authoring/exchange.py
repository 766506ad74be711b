"""A module's translatable texts out to a translator and back, as a gettext PO file.

Why PO and not XLIFF 2.0: every translation tool reads it (Poedit, Weblate, OmegaT,
memoQ, Trados, Lokalise); ``msgctxt`` carries a stable id per text; the source is the
``msgid``, so the translator sees it; ``#|`` (the previous msgid) with the ``fuzzy`` flag
says exactly that a source changed since it was translated; and Babel, already here
through Flask-Babel, reads and writes it (no PO parsing of our own).

One entry per text: ``msgctxt`` = the text's key (see ``page_texts``/``question_texts``),
``msgid`` = the source text as it is now, ``msgstr`` = the translation or "". A
translation written against an older source is exported ``fuzzy`` with the old source as
``#| msgid``. The header has the target ``Language``, ``Project-Id-Version: Kotopaikka:
<module title>`` and no personal data (no translator, team or address placeholders).

``import_po`` is pure: it returns what could be placed, and names each entry it could
not place and why; the caller applies ``placed``. An entry is placed only when its
``msgctxt`` names a text of the module AND its ``msgid`` is that text's current source:
a translation of an older source is never taken silently. A file that is not a UTF-8 PO
file, is over 2 MB, or has NUL, lone surrogates or control characters (other than tab,
line feed and carriage return) in a text is refused whole (``ExchangeFileError``).
"""

from __future__ import annotations

import codecs
import datetime
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import PoFileError, PoFileParser, generate_po, normalize

from quizzes.model import Question

MAX_FILE_BYTES = 2 * 1024 * 1024
FORMAT = "1"  # X-Kotopaikka-Format: this layout of keys and entries
PO_WIDTH = 76  # as xgettext and Babel wrap; wrapped lines join back exactly

# Why an entry was not placed (Unplaced.reason).
UNKNOWN_TEXT = "unknown_text"  # no msgctxt, or one that names no text of this module
SOURCE_CHANGED = "source_changed"  # the msgid is not the text's current source
FUZZY = "fuzzy"  # marked fuzzy: the translator has not confirmed it
EMPTY = "empty"  # no translation (or only spaces)
WRONG_LANGUAGE = "wrong_language"  # the file's Language is not the target language
OBSOLETE = "obsolete"  # an obsolete entry (#~), kept by a tool from an older file
PLURAL = "plural"  # a msgid_plural entry: not one of ours

# Why a whole file was refused (ExchangeFileError.reason).
TOO_LARGE = "too_large"
NOT_UTF8 = "not_utf8"
NOT_PO = "not_po"
NUL = "nul"
SURROGATE = "surrogate"
CONTROL_CHARACTER = "control_character"

_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_KEY = re.compile(r"[!-~]{1,200}")
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
_REGION = re.compile(r"[a-z]{2}|[0-9]{3}")
# A keyword line or a continuation: Babel reads a string without its closing quote (or
# with a bare quote inside) by dropping a character (babel PR 1151), so it is refused first.
_PO_LINE = re.compile(
    r'(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[[0-9]+\])?)[ \t]+)?"(?:[^"\\]|\\.)*"'
)
_MACHINE_FLAGS = ("python-format", "python-brace-format")
_HEADER_COMMENT = """\
# Kotopaikka: the texts of one module, for translation.
# From {source} into {target}. Write each translation in msgstr.
# Keep msgctxt as it is: it names the text. Texts are Markdown:
# keep its marks (## headings, - lists, **bold**, [text](link)).
# "fuzzy": the source changed after this translation; #| shows the
# old source. Update the translation, then remove the fuzzy mark."""


@dataclass(frozen=True)
class TextUnit:
    """One translatable text of a module in one target language.

    ``previous_source``: the source the ``target`` was written against, when the source
    has changed since (the translation is behind); None when it is up to date.
    ``note``: shown to the translator (an extracted comment, ``#.``).
    """

    key: str
    source: str
    target: str | None
    previous_source: str | None = None
    note: str = ""


@dataclass(frozen=True)
class Unplaced:
    """An entry of the file that was not placed: its msgctxt (or "" without one), the
    reason (one of the constants above) and a detail for the person importing."""

    key_or_context: str
    reason: str
    detail: str = ""
    finding: object = None  # what a refused text has where (authoring.markup_check.Finding)


@dataclass(frozen=True)
class ImportResult:
    placed: dict[str, str]  # key -> translation, to be saved by the caller
    unplaced: list[Unplaced]
    not_in_file: list[str] = field(default_factory=list)  # keys the file has no entry for
    language: str | None = None  # the file's Language header, as written


class ExchangeFileError(ValueError):
    """A file refused whole; ``reason`` is one of the constants above, ``line`` the line
    of the file (1-based) where it was found, when known."""

    def __init__(self, reason: str, message: str, line: int | None = None) -> None:
        super().__init__(f"line {line}: {message}" if line else message)
        self.reason = reason
        self.line = line


class _Catalog(Catalog):
    """Babel's catalog for any language tag (it knows no ``fi-x-selko``: it keeps the tag
    as it does for an unknown locale), with a header free of placeholders for people."""

    extra_headers: tuple[tuple[str, str], ...] = ()

    def _set_locale(self, locale: object) -> None:
        try:
            super()._set_locale(locale)  # type: ignore[arg-type]
        except ValueError:
            self._locale_identifier = str(locale)
            self._locale = None

    def _get_mime_headers(self) -> list[tuple[str, str]]:
        people = {"Report-Msgid-Bugs-To", "Last-Translator", "Language-Team"}
        headers = [(k, v) for k, v in super()._get_mime_headers() if k not in people]
        last = [h for h in headers if h[0] == "Generated-By"]  # its value ends the header
        return [h for h in headers if h not in last] + list(self.extra_headers) + last


def export_po(
    units: Iterable[TextUnit],
    source_language: str,
    target_language: str,
    module_title: str,
    *,
    created: datetime.datetime | None = None,
) -> bytes:
    """The PO file (UTF-8) of ``units`` for a translator into ``target_language``.

    Units are written in the order given; a unit whose source is empty (or only spaces)
    has nothing to translate and is left out. ``created`` (default: now) is the
    POT-Creation-Date. Raises ValueError for a bad key, a duplicate key, a language tag
    that is not one, or a text with characters a PO file cannot carry.
    """
    for tag in (source_language, target_language):
        if not isinstance(tag, str) or not _LANGUAGE.fullmatch(tag):
            raise ValueError(f"not a language tag: {tag!r}")
    title = " ".join(_FORBIDDEN.sub(" ", str(module_title)).split())[:200] or "module"
    catalog = _Catalog(
        locale=target_language,
        project="Kotopaikka:",
        version=title,
        creation_date=created or datetime.datetime.now(datetime.UTC),
        fuzzy=False,
    )
    catalog.extra_headers = (
        ("X-Kotopaikka-Source-Language", source_language),
        ("X-Kotopaikka-Format", FORMAT),
    )
    catalog.header_comment = _HEADER_COMMENT.format(source=source_language, target=target_language)
    seen: set[str] = set()
    previous: dict[str, str] = {}
    for unit in units:
        _check_unit(unit, seen)
        if not unit.source.strip():
            continue
        behind = bool(unit.target) and unit.previous_source not in (None, unit.source)
        message = Message(
            unit.source,
            unit.target or "",
            flags=["fuzzy"] if behind else [],
            auto_comments=[line for line in unit.note.splitlines() if line.strip()],
            context=unit.key,
        )
        for flag in _MACHINE_FLAGS:  # Babel guesses these from "%" and "{}" in the text
            message.flags.discard(flag)
        catalog[unit.source] = message
        if behind:
            previous[unit.key] = unit.previous_source  # type: ignore[assignment]
    return "".join(_with_previous(catalog, previous)).encode("utf-8")


def _with_previous(catalog: _Catalog, previous: dict[str, str]) -> Iterable[str]:
    """Babel's PO text, with each fuzzy entry's old source as ``#| msgid`` lines just
    above its msgctxt (where GNU msgmerge puts them). Babel's own ``include_previous``
    wraps the old source as comment text, which breaks its strings across lines (GNU
    msgcat: "end-of-line within string"); here Babel's ``normalize`` lays it out as it
    does an obsolete entry's, one line per line of text (unwrapped: with a prefix, its
    wrapping can add a line feed to the last line)."""
    contexts = iter([m.context for m in catalog if m.id])
    for chunk in generate_po(catalog, width=PO_WIDTH, ignore_obsolete=True):
        if chunk.startswith("msgctxt "):
            key = next(contexts)
            if key in previous:
                yield f"#| msgid {normalize(previous[key], prefix='#| ', width=0)}\n"
        yield chunk


def import_po(data: bytes, units: Iterable[TextUnit], target_language: str) -> ImportResult:
    """What of the PO file ``data`` can be placed into ``units`` (the module's texts as
    they are now: ``source`` is read, ``target`` is not). Changes nothing."""
    catalog = _read(data)
    by_key = {unit.key: unit for unit in units}
    language = (catalog.locale_identifier or "").replace("_", "-") or None
    entries = [m for m in catalog if m.id]
    unplaced: list[Unplaced] = []
    placed: dict[str, str] = {}
    seen: set[str] = set()
    right_language = language is not None and same_language(language, target_language)
    for message in entries:
        context = message.context or ""
        unit = by_key.get(context)
        if unit is not None:
            seen.add(context)
        if not right_language:
            found = language or "no Language header"
            unplaced.append(Unplaced(context, WRONG_LANGUAGE, f"{found}, not {target_language}"))
        elif isinstance(message.id, (tuple, list)):
            unplaced.append(Unplaced(context, PLURAL, _excerpt(message.id[0])))
        elif unit is None:
            unplaced.append(Unplaced(context, UNKNOWN_TEXT, _excerpt(message.id)))
        elif message.id != unit.source:
            unplaced.append(Unplaced(context, SOURCE_CHANGED, _excerpt(message.id)))
        elif message.fuzzy:
            unplaced.append(Unplaced(context, FUZZY))
        elif not isinstance(message.string, str) or not message.string.strip():
            unplaced.append(Unplaced(context, EMPTY))
        else:
            placed[context] = message.string
    for message in catalog.obsolete.values():
        unplaced.append(Unplaced(message.context or "", OBSOLETE, _excerpt(message.id)))
    not_in_file = [k for k, u in by_key.items() if k not in seen and u.source.strip()]
    return ImportResult(placed, unplaced, not_in_file, language)


def same_language(file_language: str, target_language: str) -> bool:
    """Whether a file's Language header names ``target_language``: the same tag whatever
    its case and separator (uk, uk_UA is accepted for uk; fi is not fi-x-selko)."""
    found = file_language.strip().replace("_", "-").lower()
    wanted = target_language.strip().replace("_", "-").lower()
    if found == wanted:
        return True
    region = found.removeprefix(wanted + "-")
    return "-" not in wanted and region != found and bool(_REGION.fullmatch(region))


def module_texts(title: str, summary: str = "") -> dict[str, str]:
    """A module's own texts in one language, by key (an empty summary left out)."""
    texts = {"module/title": title, "module/summary": summary}
    return {key: text for key, text in texts.items() if text.strip()}


def page_texts(slug: str, title: str, body: str) -> dict[str, str]:
    """A page's texts in one language, by key."""
    return {f"page/{slug}/title": title, f"page/{slug}/body": body}


def question_texts(question: Question) -> dict[str, str]:
    """A question's learner-visible texts in one language, by key (empty ones left out).

    Answers and their feedback are numbered from 1 in the question's order: the same
    question in another language has its answers in the same order (the content rule).
    """
    if not question.idnumber:
        raise ValueError("a question needs its id number to be exchanged")
    base = f"question/{question.idnumber}"
    texts = {f"{base}/text": question.text}
    if question.text_after:
        texts[f"{base}/text_after"] = question.text_after
    for n, choice in enumerate(question.choices, start=1):
        texts[f"{base}/answer/{n}"] = choice.text
        texts[f"{base}/feedback/{n}"] = choice.feedback
    for n, answer in enumerate(question.numeric, start=1):
        texts[f"{base}/feedback/{n}"] = answer.feedback
    for n, pair in enumerate(question.pairs, start=1):
        texts[f"{base}/pair/{n}/left"] = pair.left
        texts[f"{base}/pair/{n}/right"] = pair.right
    texts[f"{base}/feedback_right"] = question.feedback_right
    texts[f"{base}/feedback_wrong"] = question.feedback_wrong
    texts[f"{base}/general_feedback"] = question.general_feedback
    return {key: text for key, text in texts.items() if text.strip()}


def units_for(
    sources: Mapping[str, str],
    targets: Mapping[str, str],
    previous_sources: Mapping[str, str] | None = None,
    notes: Mapping[str, str] | None = None,
) -> list[TextUnit]:
    """Units from a language's texts by key: the source texts, the target ones, and for
    a translation that is behind, the source it was written against."""
    previous_sources = previous_sources or {}
    notes = notes or {}
    return [
        TextUnit(key, source, targets.get(key), previous_sources.get(key), notes.get(key, ""))
        for key, source in sources.items()
    ]


def _check_unit(unit: TextUnit, seen: set[str]) -> None:
    if not isinstance(unit.key, str) or not _KEY.fullmatch(unit.key):
        raise ValueError(f"a key is 1-200 printable ASCII characters: {unit.key!r}")
    if unit.key in seen:
        raise ValueError(f"duplicate key {unit.key}")
    seen.add(unit.key)
    for text in (unit.source, unit.target, unit.previous_source, unit.note):
        if text is not None and (not isinstance(text, str) or _FORBIDDEN.search(text)):
            raise ValueError(f"{unit.key}: a text with a control character or not a str")


def _read(data: bytes) -> _Catalog:
    if not isinstance(data, bytes):
        raise TypeError("a PO file is bytes")
    if len(data) > MAX_FILE_BYTES:
        raise ExchangeFileError(
            TOO_LARGE, f"the file is {len(data):,} bytes; at most {MAX_FILE_BYTES:,} are read"
        )
    if (nul := data.find(b"\x00")) >= 0:
        raise ExchangeFileError(NUL, "the file has a NUL character", data.count(b"\n", 0, nul) + 1)
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        text = data.decode("utf-8")  # strict: encoded surrogates are refused here too
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        pair = data[error.start : error.start + 2]
        if len(pair) == 2 and pair[0] == 0xED and 0xA0 <= pair[1] <= 0xBF:
            # ED A0..BF: a surrogate written as UTF-8 (CESU-8, or a lone one)
            raise ExchangeFileError(SURROGATE, "the file has a lone surrogate", line) from None
        raise ExchangeFileError(NOT_UTF8, "the file is not UTF-8 text", line) from None
    lines = text.split("\n")  # not splitlines(): a U+2028 stays inside its string
    if not any(line.lstrip("#~| \t").startswith("msgid") for line in lines):
        raise ExchangeFileError(NOT_PO, "the file has no PO entries (no msgid)")
    for number, line in enumerate(lines, start=1):
        entry = line.strip()
        if entry.startswith("#~"):
            entry = entry[2:].lstrip()
        if entry and not entry.startswith("#") and not _PO_LINE.fullmatch(entry):
            raise ExchangeFileError(NOT_PO, "not a PO line: a string without its quotes", number)
    catalog = _Catalog()
    parser = PoFileParser(catalog, abort_invalid=True)
    try:
        parser.parse(lines)
    except PoFileError as error:
        raise ExchangeFileError(NOT_PO, str(error), error.lineno + 1) from None
    except (ValueError, TypeError, LookupError, AttributeError) as error:
        raise ExchangeFileError(NOT_PO, f"not a PO file Babel can read ({error})") from None
    if catalog.charset.lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise ExchangeFileError(NOT_UTF8, f"the file declares charset {catalog.charset}")
    for message in [*catalog, *catalog.obsolete.values()]:
        ids = message.id if isinstance(message.id, (tuple, list)) else (message.id,)
        strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        for value in (*ids, *strings, message.context or ""):
            if (bad := _FORBIDDEN.search(value or "")) is not None:
                raise ExchangeFileError(*_refusal(bad.group()), message.lineno)
    return catalog


def _refusal(char: str) -> tuple[str, str]:
    if char == "\x00":
        return NUL, "a text has a NUL character"
    if 0xD800 <= ord(char) <= 0xDFFF:
        return SURROGATE, "a text has a lone surrogate"
    return CONTROL_CHARACTER, f"a text has the control character U+{ord(char):04X}"


def _excerpt(text: str, size: int = 80) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= size else flat[: size - 1] + "…"
