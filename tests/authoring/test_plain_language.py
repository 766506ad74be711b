"""Plain-language marks: what counts as a sentence and a word in a page's Markdown, and
that every mark points at the right place of the original text."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from authoring.plain_language import (
    LONG_SENTENCE,
    LONG_WORD,
    MAX_TEXT_CHARS,
    Thresholds,
    analyse,
    utf16_offset,
)
from courses.packages.reader import read_package

CONTENT = Path(__file__).resolve().parents[2] / "courses" / "content"

# Selkokeskus's own examples (selkokeskus.fi, selkokirjoitusohjeet/rakenteet): the plain
# version in three sentences, and the sentence it replaces.
PLAIN = (
    "Urho Kekkonen oli Suomen presidenttinä yli 25 vuotta. Hän on Suomen pitkäaikaisin "
    "presidentti. Nykyisen perustuslain mukaan kukaan ei voi olla presidenttinä näin kauan."
)
NOT_PLAIN = (
    "Yli 25 vuotta eli pisimpään Suomen historiassa presidenttinä olleen Urho Kekkosen "
    "jälkeen perustuslakia muutettiin siten, että kukaan ei voi olla presidenttinä näin kauan."
)


def sentence_lengths(markdown: str) -> list[int]:
    report = analyse(markdown, Thresholds(sentence_words=0, word_letters=10_000))
    return [f.length for f in report.findings if f.kind == LONG_SENTENCE]


def long_words(markdown: str) -> list[str]:
    return [f.text for f in analyse(markdown).findings if f.kind == LONG_WORD]


def test_selkokeskus_examples_plain_passes_and_the_long_sentence_is_marked():
    plain = analyse(PLAIN)
    assert (plain.sentences, plain.words, plain.findings) == (3, 23, ())
    assert plain.average_sentence_words == 7.7
    report = analyse(NOT_PLAIN)
    (finding,) = report.findings
    assert (finding.kind, finding.length) == (LONG_SENTENCE, 23)
    assert (finding.start, finding.end) == (0, len(NOT_PLAIN))
    assert report.long_sentences == 1


def test_long_words_are_long_compounds_not_everyday_words():
    text = (
        "Hän on ammattikorkeakouluopiskelija. Lapsi on varhaiskasvatusyksikössä. Hän on opiskelija."
    )
    assert long_words(text) == ["ammattikorkeakouluopiskelija", "varhaiskasvatusyksikössä"]
    finding = analyse(text).findings[0]
    assert finding.length == 28
    assert text[finding.start : finding.end] == "ammattikorkeakouluopiskelija"
    # ä and ö are letters; a word of exactly the threshold is not long, one more is.
    assert long_words("Työturvallisuuskortti on tärkeä.") == ["Työturvallisuuskortti"]
    assert long_words("Sähkötyöturvalli.") == [] and analyse("x").thresholds.word_letters == 16
    assert long_words("Sähkötyöturvallis on.") == ["Sähkötyöturvallis"]


def test_hyphenated_compounds_colons_and_other_scripts_are_one_word_each():
    assert sentence_lengths("Työ- ja elinkeinotoimisto tekee YKI-testin CV:ssä.") == [6]
    assert sentence_lengths("EA1-kortti ja hygieniapassi ovat lupakortteja.") == [5]
    assert sentence_lengths("Привіт, як справи? Дякую, добре.") == [3, 2]
    assert sentence_lengths("Maksu on 10 € tai 3,5 % palkasta.") == [6]


def test_abbreviations_numbers_dates_and_ordinals_do_not_end_sentences():
    text = (
        "Tule esim. maanantaina klo 8.00. Työ alkaa 1.6.2025 ja kestää n. 5 kuukautta. "
        "Palkka maksetaan 15. päivä. Katso ks. sivu 3. Osaan siivota, laittaa ruokaa jne. "
        "Haen töitä. Lue sivu kela.fi. Mitä teet? Kysy! ”Mitä teet?” hän kysyi. Sitten…"
    )
    assert sentence_lengths(text) == [5, 8, 4, 4, 5, 2, 3, 2, 1, 4, 1]


def test_markdown_syntax_is_not_counted_and_marks_point_into_the_original():
    text = (
        "## Mitä **ammattikorkeakouluopiskelija** tekee? ##\n"
        "\n"
        "- Lue [työllisyyspalvelujen sivu](https://example.fi/tyollisyyspalveluammattikorkeakoulu).\n"
        "- Kirjoita `ammattikorkeakouluopiskelija` ja ![ammattikorkeakouluopiskelija](k.png) pois\n"
        "1. Ensimmäinen kohta\n"
        "\n"
        "> Lainaus, joka\n"
        "> jatkuu.\n"
        "\n"
        "```\n"
        "ammattikorkeakouluopiskelija. Ei lasketa koodia.\n"
        "```\n"
        "Osoite https://example.fi/yhdenvertaisuussuunnitelmassa ei ole sana.\n"
        "\n"
        "| Sana | Mitä se tarkoittaa |\n"
        "| --- | --- |\n"
        "| tauko | Lepäät hetken. Sitten jatkat. |\n"
    )
    report = analyse(text)
    assert sentence_lengths(text) == [3, 3, 3, 2, 3, 4, 1, 3, 1, 2, 2]
    assert report.sentences == 11 and report.words == 27
    assert [(f.text, text[f.start : f.end]) for f in report.findings] == [
        ("ammattikorkeakouluopiskelija", "ammattikorkeakouluopiskelija"),
        ("työllisyyspalvelujen", "työllisyyspalvelujen"),
    ]
    first = analyse(text, Thresholds(sentence_words=0)).findings[0]
    assert first.text == "Mitä ammattikorkeakouluopiskelija tekee?"
    assert text[first.start : first.end] == "Mitä **ammattikorkeakouluopiskelija** tekee?"


def test_sentence_marks_span_lines_and_links_in_the_original():
    text = "Lue [sivu](https://x.fi) ja kysy\nneuvoa. Sitten soita."
    first = analyse(text, Thresholds(sentence_words=0)).findings[0]
    assert first.text == "Lue sivu ja kysy neuvoa."
    assert text[first.start : first.end] == "Lue [sivu](https://x.fi) ja kysy\nneuvoa."


def test_escapes_entities_and_underscores():
    # An escaped * is text, not emphasis (and not a letter); an underscore inside a word
    # is not emphasis either, and it is no joiner: snake_case is two words.
    assert sentence_lengths("CV\\:ssä on \\*tärkeää\\* _tietoa_ ja snake_case&nbsp;sana.") == [8]
    text = "Yhdenvertaisuus&shy;suunnitelma on pitkä."
    (finding,) = analyse(text).findings
    assert (finding.text, finding.length) == ("Yhdenvertaisuussuunnitelma", 26)
    assert text[finding.start : finding.end] == "Yhdenvertaisuus&shy;suunnitelma"


def test_a_shipped_plain_finnish_page_has_stable_sensible_counts():
    programme = read_package(CONTENT / "keys-to-working-life")
    module = next(m for m in programme.modules if m.slug == "job-search")
    page = next(p for p in module.pages if p.slug == "cv-and-application")
    body = page.texts["fi-x-selko"].markdown
    report = analyse(body)
    assert (report.sentences, report.words) == (39, 180)
    assert (report.long_sentences, report.long_words) == (0, 1)
    assert report.average_sentence_words == 4.6
    (word,) = report.findings
    assert (word.text, word.length) == ("työllisyyspalveluista", 21)
    assert body[word.start : word.end] == "työllisyyspalveluista"
    first_paragraph = body.split("\n\n")[0]
    assert sentence_lengths(first_paragraph) == [7, 5, 5]


def test_every_shipped_plain_page_reads_as_plain_by_these_counts():
    pages = sorted(CONTENT.rglob("*.fi-x-selko.md"))
    assert len(pages) >= 40
    sentences = words = long_sentences = 0
    for path in pages:
        text = path.read_text(encoding="utf-8")
        report = analyse(text[text.index("\n---\n", 3) + 5 :])
        assert report.sentences > 0, path
        sentences += report.sentences
        words += report.words
        long_sentences += report.long_sentences
    assert words / sentences < 7  # Selkokeskus's plain example averages 7.7
    assert long_sentences / sentences < 0.01


def test_utf16_offsets_for_the_editor():
    text = "🙂 Ammattikorkeakouluopiskelija"
    finding = analyse(text).findings[0]
    assert (finding.start, utf16_offset(text, finding.start)) == (2, 3)
    assert utf16_offset(text, finding.end) == len(text.encode("utf-16-le")) // 2


def test_bad_input_is_refused():
    with pytest.raises(TypeError):
        analyse(b"bytes")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        analyse("a" * (MAX_TEXT_CHARS + 1))
    assert analyse("").sentences == 0 and analyse("").average_sentence_words == 0.0


def test_hostile_markdown_is_analysed_in_linear_time():
    # CPU time, not wall time: the test must not fail because the machine is busy (it
    # did, at 3.02 s of wall time on a loaded machine).
    started = time.process_time()
    hostile = (
        *("` " * 90_000, "[a" * 90_000, "*_~" * 60_000, "a." * 90_000, "<" * 180_000),
        *("a" * 180_000 + "@", "# " + " " * 180_000 + "x", "[x](" * 45_000, "a. " * 60_000),
    )
    for text in hostile:
        analyse(text)
    assert time.process_time() - started < 5  # about 0.5 s; a quadratic pattern takes minutes


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("aäö Z1.,!?-:*_`[]()#>|\\\n ”&;"), max_size=200))
def test_marks_always_point_inside_the_text_and_counts_agree(text):
    report = analyse(text)
    assert report.long_sentences == sum(f.kind == LONG_SENTENCE for f in report.findings)
    assert report.long_words == sum(f.kind == LONG_WORD for f in report.findings)
    assert report.words >= report.sentences
    for finding in report.findings:
        assert 0 <= finding.start < finding.end <= len(text)
        assert finding.text[0] in text[finding.start : finding.end]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="aeiouäöklmnprst", min_size=1, max_size=30), min_size=1))
def test_without_markdown_a_long_word_mark_is_the_word_itself(words):
    text = " ".join(words) + "."
    expected = [w for w in words if len(w) > 16]
    report = analyse(text)
    assert [text[f.start : f.end] for f in report.findings if f.kind == LONG_WORD] == expected
    assert report.words == len(words) and report.sentences == 1
