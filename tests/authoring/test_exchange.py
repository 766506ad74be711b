"""Translation exchange files: what a translator receives, what comes back and is placed,
what is named and left, and files that are refused whole."""

from __future__ import annotations

import datetime
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from hypothesis import given, settings
from hypothesis import strategies as st

from authoring.exchange import (
    EMPTY,
    FUZZY,
    MAX_FILE_BYTES,
    OBSOLETE,
    SOURCE_CHANGED,
    UNKNOWN_TEXT,
    WRONG_LANGUAGE,
    ExchangeFileError,
    TextUnit,
    Unplaced,
    export_po,
    import_po,
    same_language,
)

CREATED = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)
BODY = "## Ansioluettelo\n\nKerro, mitä **osaat**.\n- nimi\n- puhelin\n"
UNITS = [
    TextUnit("module/title", "Työnhaku", "Job search"),
    TextUnit("page/cv/title", "Ansioluettelo", None, note="Sivun otsikko.\nLyhyt."),
    TextUnit(
        "page/cv/body", BODY, "## CV\n\nOld.\n", previous_source="## Ansioluettelo\n\nVanha.\n"
    ),
    TextUnit("question/job-search-cv/text", "Mikä on CV?", "What is a CV?"),
    TextUnit("question/job-search-cv/feedback/1", "", None),
]


def translate(po: bytes, changes: dict[str, str | None], *, unfuzzy: bool = True) -> bytes:
    """What a translation tool does: read the file, change msgstrs, write it back."""
    catalog = read_po(io.BytesIO(po), abort_invalid=True)
    for message in catalog:
        if message.context in changes:
            message.string = changes[message.context] or ""
            if unfuzzy:
                message.flags.discard("fuzzy")
    out = io.BytesIO()
    write_po(out, catalog, width=79)
    return out.getvalue()


def header(po: bytes) -> str:
    return po.decode().split("\n\n")[0]


def test_the_file_a_translator_gets():
    po = export_po(UNITS, "fi", "en", "Työnhaku", created=CREATED)
    text = po.decode("utf-8")
    head = header(po)
    assert '"Language: en\\n"' in head
    assert '"Project-Id-Version: Kotopaikka: Työnhaku\\n"' in head
    assert '"X-Kotopaikka-Source-Language: fi\\n"' in head
    assert '"POT-Creation-Date: 2026-03-01 12:00+0000\\n"' in head
    for placeholder in (
        "FULL NAME",
        "EMAIL@ADDRESS",
        "LL@li.org",
        "Last-Translator",
        "Language-Team",
    ):
        assert placeholder not in text
    assert (
        '#. Sivun otsikko.\n#. Lyhyt.\nmsgctxt "page/cv/title"\nmsgid "Ansioluettelo"\nmsgstr ""'
        in text
    )
    assert (
        '#, fuzzy\n#| msgid ""\n#| "## Ansioluettelo\\n"\n#| "\\n"\n#| "Vanha.\\n"\nmsgctxt "page/cv/body"'
        in text
    )
    assert "feedback/1" not in text  # an empty source has nothing to translate
    assert text.index("module/title") < text.index("page/cv/title") < text.index("question/")
    assert export_po(UNITS, "fi", "en", "Työnhaku", created=CREATED) == po


def test_a_round_trip_places_what_was_translated_and_names_the_rest():
    po = export_po(UNITS, "fi", "en", "Työnhaku", created=CREATED)
    result = import_po(po, UNITS, "en")
    assert result.placed == {
        "module/title": "Job search",
        "question/job-search-cv/text": "What is a CV?",
    }
    assert result.unplaced == [Unplaced("page/cv/title", EMPTY), Unplaced("page/cv/body", FUZZY)]
    assert result.not_in_file == [] and result.language == "en"
    done = translate(
        po, {"page/cv/title": "CV", "page/cv/body": "## CV\n\nTell what you **can do**.\n"}
    )
    result = import_po(done, UNITS, "en")
    assert result.placed["page/cv/title"] == "CV"
    assert result.placed["page/cv/body"] == "## CV\n\nTell what you **can do**.\n"
    assert result.unplaced == []


def test_a_translation_left_fuzzy_is_reported_not_placed():
    po = export_po(UNITS, "fi", "en", "T", created=CREATED)
    done = translate(po, {"page/cv/body": "## CV\n\nNew.\n"}, unfuzzy=False)
    assert "page/cv/body" not in import_po(done, UNITS, "en").placed
    assert Unplaced("page/cv/body", FUZZY) in import_po(done, UNITS, "en").unplaced


def test_a_source_changed_since_the_export_is_not_placed():
    po = translate(export_po(UNITS, "fi", "en", "T", created=CREATED), {"page/cv/title": "CV"})
    changed = [
        u if u.key != "page/cv/title" else TextUnit(u.key, "Ansioluettelo eli CV", None)
        for u in UNITS
    ]
    result = import_po(po, changed, "en")
    assert "page/cv/title" not in result.placed
    assert Unplaced("page/cv/title", SOURCE_CHANGED, "Ansioluettelo") in result.unplaced


def test_unknown_texts_obsolete_entries_and_texts_missing_from_the_file():
    po = (
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        'msgctxt "page/removed/body"\nmsgid "Poistettu"\nmsgstr "Removed"\n\n'
        'msgid "Työnhaku"\nmsgstr "Job search"\n\n'
        'msgctxt "module/title"\nmsgid "Työnhaku"\nmsgstr "Job search"\n\n'
        '#~ msgctxt "page/old/title"\n#~ msgid "Vanha"\n#~ msgstr "Old"\n'
    ).encode()
    result = import_po(po, UNITS, "en")
    assert result.placed == {"module/title": "Job search"}
    assert result.unplaced == [
        Unplaced("page/removed/body", UNKNOWN_TEXT, "Poistettu"),
        Unplaced("", UNKNOWN_TEXT, "Työnhaku"),
        Unplaced("page/old/title", OBSOLETE, "Vanha"),
    ]
    assert result.not_in_file == ["page/cv/title", "page/cv/body", "question/job-search-cv/text"]


def test_a_file_in_another_language_places_nothing():
    po = translate(export_po(UNITS, "fi", "ru", "T", created=CREATED), {"page/cv/title": "Резюме"})
    result = import_po(po, UNITS, "uk")
    assert result.placed == {} and result.language == "ru"
    assert {u.reason for u in result.unplaced} == {WRONG_LANGUAGE}
    assert len(result.unplaced) == 4
    no_language = (
        b'msgid ""\nmsgstr ""\n\nmsgctxt "module/title"\nmsgid "Ty\xc3\xb6nhaku"\nmsgstr "J"\n'
    )
    assert import_po(no_language, UNITS, "en").unplaced[0].reason == WRONG_LANGUAGE


def test_plain_finnish_keeps_its_tag_and_is_not_finnish():
    po = export_po(UNITS, "fi", "fi-x-selko", "T", created=CREATED)
    assert '"Language: fi-x-selko\\n"' in header(po)
    assert import_po(po, UNITS, "fi-x-selko").placed["module/title"] == "Job search"
    assert import_po(po, UNITS, "fi").placed == {}
    assert same_language("uk_UA", "uk") and same_language("FI-x-Selko", "fi-x-selko")
    assert not same_language("fi", "fi-x-selko") and not same_language("uk", "uk-UA")
    assert not same_language("uk_xx_yy", "uk")


TEXT = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs",),
        blacklist_characters="".join(
            map(chr, [*range(9), 11, 12, *range(14, 32), *range(127, 160)])
        ),
    ),
    max_size=300,
)
MARKDOWN = st.lists(
    st.sampled_from(
        ["\n", "\n\n", "\t", '"', "\\", "\\n", " ", "  ", "%s", "{x}", "Привіт", "ä", "#", "\r"]
    )
    | TEXT,
    max_size=30,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(MARKDOWN, MARKDOWN, st.one_of(st.none(), MARKDOWN)), min_size=1, max_size=5)
)
def test_any_text_survives_the_round_trip_exactly(texts):
    texts = [t for t in texts if t[0].strip()]
    units = [
        TextUnit(f"page/p{n}/body", source, target) for n, (source, target, _) in enumerate(texts)
    ]
    po = export_po(units, "fi", "uk", "T", created=CREATED)
    result = import_po(po, units, "uk")
    assert result.placed == {u.key: u.target for u in units if u.target and u.target.strip()}
    again = import_po(translate(po, {u.key: u.source[::-1] for u in units}), units, "uk")
    assert again.placed == {u.key: u.source[::-1] for u in units if u.source[::-1].strip()}
    # The old source of a translation that is behind: Babel reads the #| lines back exactly.
    behind = [TextUnit(u.key, u.source, "x", t[2]) for u, t in zip(units, texts, strict=True)]
    po = export_po(behind, "fi", "uk", "T", created=CREATED)
    for unit, entry in zip(behind, po.decode().split("\n\n")[1:], strict=False):
        previous = [line[3:] for line in entry.split("\n") if line.startswith("#| ")]
        if unit.previous_source in (None, unit.source):
            assert previous == []
        elif unit.previous_source:
            catalog = read_po(
                io.StringIO("\n".join(previous) + '\nmsgstr ""\n'), abort_invalid=True
            )
            assert [m.id for m in catalog if m.id] == [unit.previous_source]


@pytest.mark.skipif(shutil.which("msgcat") is None, reason="GNU gettext is not installed")
def test_gnu_gettext_reads_the_file_and_what_it_writes_imports_the_same(tmp_path: Path):
    units = [
        *UNITS,
        TextUnit(
            "page/long/body",
            "Pitkä rivi, jossa on monta sanaa " * 8 + '\n\n"Lainaus" \\ \t',
            "x",
            previous_source="Vanha pitkä rivi " * 12,
        ),
    ]
    path = tmp_path / "en.po"
    path.write_bytes(export_po(units, "fi", "en", "T", created=CREATED))
    rewritten = subprocess.run(
        ["msgcat", str(path)], capture_output=True, check=True, timeout=30
    ).stdout
    assert b"#| msgid" in rewritten
    assert import_po(rewritten, units, "en") == import_po(path.read_bytes(), units, "en")


@pytest.mark.parametrize(
    ("data", "reason", "line"),
    [
        (b"x" * (MAX_FILE_BYTES + 1), "too_large", None),
        (b'msgid ""\nmsgstr ""\n\nmsgid "a\x00"\nmsgstr "b"\n', "nul", 4),
        (b'msgid ""\nmsgstr ""\n\nmsgid "a"\nmsgstr "\xe4"\n', "not_utf8", 5),
        (b'msgid ""\nmsgstr ""\n\nmsgid "a"\nmsgstr "\xed\xa0\x80"\n', "surrogate", 5),
        (b'msgid ""\nmsgstr ""\n\nmsgid "a"\nmsgstr "b\\a"\n', "control_character", 4),
        (b'msgid ""\nmsgstr ""\n\nmsgid "a"\nmsgstr "b\x1b[31m"\n', "control_character", 4),
        (
            b'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=ISO-8859-1\\n"\n\nmsgid "a"\nmsgstr "b"\n',
            "not_utf8",
            None,
        ),
        (b'<?xml version="1.0"?>\n<xliff version="2.0"><file id="f"/></xliff>\n', "not_po", None),
        (b"", "not_po", None),
        (b"msgid is what this line starts with\n", "not_po", 1),
        (b'msgid ""\nmsgstr ""\n\nmsgctxt "k"\nmsgid "a"\nmsgstr "Job search\n', "not_po", 6),
        (b'msgid ""\nmsgstr ""\n\nmsgid "a"\nmsgstr "a"b"\n', "not_po", 5),
        (b'msgid ""\nmsgstr ""\n\nmsgid "a"\nmsgstr[x] "b"\n', "not_po", None),
        (
            b'msgid ""\nmsgstr ""\n\n#-#-#-#-#  a.po  #-#-#-#-#\nmsgid "a"\nmsgstr "b"\n',
            "not_po",
            None,
        ),
    ],
)
def test_files_refused_whole(data, reason, line):
    with pytest.raises(ExchangeFileError) as refused:
        import_po(data, UNITS, "en")
    assert refused.value.reason == reason
    if line is not None:
        assert refused.value.line == line


def test_a_file_is_bytes():
    with pytest.raises(TypeError):
        import_po("msgid", UNITS, "en")  # type: ignore[arg-type]


def test_windows_line_endings_and_a_byte_order_mark_are_read():
    po = export_po(UNITS, "fi", "en", "T", created=CREATED)
    windows = b"\xef\xbb\xbf" + po.replace(b"\n", b"\r\n")
    assert import_po(windows, UNITS, "en").placed == import_po(po, UNITS, "en").placed


def test_units_that_cannot_be_exported():
    for units in (
        [TextUnit("a b", "x", None)],
        [TextUnit("", "x", None)],
        [TextUnit("k", "x", None), TextUnit("k", "y", None)],
        [TextUnit("k", "x\x00", None)],
        [TextUnit("k", "x", "\x1b")],
        [TextUnit("k", "x", None, note="\ud800")],
    ):
        with pytest.raises(ValueError):
            export_po(units, "fi", "en", "T")
    with pytest.raises(ValueError):
        export_po(UNITS, "fi", "en\nLanguage: ru", "T")


def test_a_title_cannot_break_the_header_and_percent_signs_are_no_format():
    units = [TextUnit("module/title", "50 % s alennus {nimi}", None)]
    po = export_po(
        units, "fi", "en", 'Otsikko\n"Language: ru\\n"\x07 YEAR', created=CREATED
    ).decode()
    assert "python-format" not in po and "brace-format" not in po
    assert '"Project-Id-Version: Kotopaikka: Otsikko \\"Language: ru\\\\n\\" YEAR\\n"' in po
    assert import_po(po.encode(), units, "en").language == "en"


def test_a_shipped_quiz_and_module_give_the_same_keys_in_every_language():
    from authoring.exchange import module_texts, page_texts, question_texts, units_for
    from quizzes.gift.parser import parse_gift

    folder = (
        Path(__file__).resolve().parents[2] / "courses/content/keys-to-working-life/02-job-search"
    )
    keys = {}
    for language in ("fi", "en", "fi-x-selko", "ru", "uk"):
        questions = parse_gift((folder / f"quiz.{language}.gift").read_text(encoding="utf-8"))
        texts: dict[str, str] = {}
        for question in questions:
            texts |= question_texts(question)
        keys[language] = texts
    assert all(set(texts) == set(keys["fi"]) for texts in keys.values())
    assert any(key.endswith("/general_feedback") for key in keys["fi"])
    assert any("/answer/" in key for key in keys["fi"]) and any(
        "/feedback/" in key for key in keys["fi"]
    )
    units = units_for(
        module_texts("Työnhaku", "Opit hakemaan työtä.")
        | page_texts("cv", "CV", BODY)
        | keys["fi"],
        module_texts("Job search") | keys["en"],
        previous_sources={"module/title": "Työn haku"},
    )
    assert units[0] == TextUnit("module/title", "Työnhaku", "Job search", "Työn haku")
    assert [u.key for u in units[:4]] == [
        "module/title",
        "module/summary",
        "page/cv/title",
        "page/cv/body",
    ]
    result = import_po(export_po(units, "fi", "en", "Työnhaku"), units, "en")
    assert len(result.placed) == len(keys["en"]) and result.unplaced[0] == Unplaced(
        "module/title", FUZZY
    )
