"""The programmes' glossaries: read and checked like the packages (file and line for each
problem), one term per concept in every page and quiz (no avoided variant), and the
marking of a page's terms (text only, escaped, first occurrence) done at load time."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from courses.glossary import (
    Entry,
    compile_phrases,
    entries_from_json,
    find_variants,
    own_language,
    read_glossary,
)
from courses.packages.terms import mark_terms, show_terms

CONTENT = Path(__file__).resolve().parent.parent / "courses" / "content"
PROGRAMMES = sorted(p for p in CONTENT.iterdir() if (p / "programme.yaml").exists())
LANGUAGES = ["fi", "fi-x-selko", "en", "ru", "uk"]


def _languages(programme: Path) -> list[str]:
    return yaml.safe_load((programme / "programme.yaml").read_text(encoding="utf-8"))["languages"]


def _texts(programme: Path):
    """(path, language, text) of every page, quiz and module title and summary."""
    for path in sorted(programme.rglob("*.md")):
        yield path, path.name.rsplit(".", 2)[-2], path.read_text(encoding="utf-8")
    for path in sorted(programme.rglob("*.gift")):
        yield path, path.name.rsplit(".", 2)[-2], path.read_text(encoding="utf-8")
    for path in sorted(programme.glob("*/module.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for language in _languages(programme):
            yield path, language, f"{data['title'][language]}\n{data['summary'][language]}"


# ---------------------------------------------------------------- the shipped glossaries


@pytest.mark.parametrize("programme", PROGRAMMES, ids=lambda p: p.name)
def test_each_programme_has_a_glossary_with_every_term_in_every_language(programme: Path):
    languages = _languages(programme)
    entries, problems = read_glossary(programme / "glossary.yaml", languages)
    assert problems == []
    assert len(entries) >= 8
    for entry in entries:
        assert set(entry.term) == set(languages), entry.id
        assert set(entry.explain) == set(languages), entry.id


@pytest.mark.parametrize("programme", PROGRAMMES, ids=lambda p: p.name)
def test_no_page_quiz_or_module_uses_an_avoided_variant(programme: Path):
    entries, _ = read_glossary(programme / "glossary.yaml", _languages(programme))
    found = [
        f"{path.relative_to(CONTENT)}:{v.line}: {v.found!r} (use {v.chosen!r}, glossary {v.entry})"
        for path, language, text in _texts(programme)
        for v in find_variants(entries, language, text)
    ]
    assert found == []


@pytest.mark.parametrize("programme", PROGRAMMES, ids=lambda p: p.name)
def test_most_glossary_terms_are_used_on_the_pages(programme: Path):
    """A glossary of words no page has would mark nothing: each term's Finnish form
    appears on some Finnish page (a new term comes with the text that uses it)."""
    entries, _ = read_glossary(programme / "glossary.yaml", _languages(programme))
    finnish = "\n".join(t for _, language, t in _texts(programme) if language == "fi")
    unused = [e.id for e in entries if not compile_phrases(e.marked_forms("fi")).search(finnish)]
    assert len(unused) <= 1, unused  # the clear standard language is taught, not yet written


def test_the_check_finds_a_variant_and_spares_the_chosen_term():
    entries, _ = read_glossary(CONTENT / "keys-to-working-life" / "glossary.yaml", LANGUAGES)
    text = "Вам нужна карта охраны труда.\nНалоговую карточку заказывают в OmaVero.\n"
    (variant,) = find_variants(entries, "ru", text)
    assert (variant.line, variant.found, variant.chosen) == (
        1,
        "карта охраны труда",
        "карточка охраны труда",
    )
    assert find_variants(entries, "ru", "Карточка охраны труда действует пять лет.") == []
    assert [v.found for v in find_variants(entries, "en", "News in plain Finnish.")] == [
        "plain Finnish"
    ]


# ---------------------------------------------------------------- reading and checking


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "glossary.yaml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """\
terms:
  - id: tax-card
    term: {fi: verokortti, en: tax card}
    explain:
      fi: Veroprosentti palkasta.
      en: Your tax rate.
"""


def test_a_good_glossary_reads_and_round_trips_through_json(tmp_path):
    entries, problems = read_glossary(_write(tmp_path, GOOD), ["fi", "en"])
    assert problems == []
    (entry,) = entries
    assert entry.marked_forms("en") == ("tax card",)
    assert entries_from_json([entry.as_json()]) == entries


def test_a_term_missing_a_language_names_the_file_and_line(tmp_path):
    path = _write(
        tmp_path, GOOD.replace("term: {fi: verokortti, en: tax card}", "term: {fi: verokortti}")
    )
    _, problems = read_glossary(path, ["fi", "en"])
    assert [str(p) for p in problems] == [f"{path}:3: tax-card: term: missing the en text"]


def test_an_explanation_missing_a_language_is_refused(tmp_path):
    path = _write(tmp_path, GOOD.replace("      en: Your tax rate.\n", ""))
    _, problems = read_glossary(path, ["fi", "en"])
    assert [p.message for p in problems] == ["tax-card: explain: missing the en text"]
    assert problems[0].line == 4


def test_unknown_keys_languages_duplicates_and_bad_lists_each_name_their_line(tmp_path):
    text = GOOD + GOOD.split("terms:\n", 1)[1].replace(
        "    explain:",
        "    colour: red\n    avoid:\n      sv: [skattekort]\n      en: tax-card\n    explain:",
    )
    _, problems = read_glossary(_write(tmp_path, text), ["fi", "en"])
    found = {(p.line, p.message) for p in problems}
    assert (7, "duplicate id 'tax-card'") in found
    assert (9, "unknown key 'colour' (known: avoid, explain, forms, id, sources, term)") in found
    assert (11, "tax-card: avoid: language 'sv' is not one of this programme's (fi, en)") in found
    assert (12, "tax-card: avoid: en is a list of words or phrases") in found


def test_sources_are_https_addresses(tmp_path):
    good = GOOD.replace("    explain:", "    sources: [https://www.vero.fi/]\n    explain:")
    (entry,), problems = read_glossary(_write(tmp_path, good), ["fi", "en"])
    assert problems == [] and entry.sources == ("https://www.vero.fi/",)
    bad = GOOD.replace("    explain:", "    sources: [vero.fi]\n    explain:")
    _, problems = read_glossary(_write(tmp_path, bad), ["fi", "en"])
    assert [(p.line, p.message) for p in problems] == [
        (4, "tax-card: sources is a list of https:// addresses")
    ]


def test_bad_yaml_and_a_bad_id_name_their_line(tmp_path):
    _, problems = read_glossary(_write(tmp_path, "terms:\n  - id: [unclosed\n"), ["fi"])
    assert problems[0].line == 3 and "not valid YAML" in problems[0].message
    _, problems = read_glossary(
        _write(tmp_path, GOOD.replace("id: tax-card", "id: Tax Card")), ["fi", "en"]
    )
    assert [(p.line, p.message) for p in problems] == [
        (2, "id must be lower-case letters, digits and hyphens, got 'Tax Card'")
    ]


# ---------------------------------------------------------------- marking a page

ENTRIES = (
    Entry(
        id="tax-card",
        term={
            "fi": "verokortti",
            "fi-x-selko": "verokortti",
            "en": "tax card",
            "ru": "налоговая карточка",
        },
        forms={"fi": ("verokort*",), "en": ("tax card*",)},
        explain={
            "fi-x-selko": "Verokortissa on veroprosentti.",
            "fi": "Verohallinnon päätös <veroprosentista> & pidätyksestä.",
            "en": "Your tax rate & <more>.",
            "ru": "Налоговая ставка.",
        },
        avoid={},
    ),
)


def test_only_the_first_occurrence_in_text_is_marked_never_in_links_headings_or_code():
    html = (
        '<h2>Verokortti</h2><p><a href="https://vero.fi/verokortti" title="verokortti">verokortti</a> '
        "<code>verokortti</code> Tilaa verokortti &amp; anna verokortin kopio.</p><p>verokortti</p>"
    )
    marked = mark_terms(html, ENTRIES, "fi", LANGUAGES)
    assert marked.count('class="kp-term"') == 1
    assert marked.startswith(
        '<h2>Verokortti</h2><p><a href="https://vero.fi/verokortti" title="verokortti">verokortti</a> '
        "<code>verokortti</code> Tilaa "
        '<button type="button" class="kp-term" aria-expanded="false" aria-controls="kp-term-tax-card">verokortti</button>'
        '<span class="kp-term-note" id="kp-term-tax-card" data-term="verokortti" aria-live="polite">'
        '<span class="kp-term-text" hidden>'
    )
    assert "</span></span> &amp; anna verokortin kopio.</p><p>verokortti</p>" in marked
    # every explanation is escaped; a Finnish page keeps them all for any learner
    assert "Verohallinnon päätös &lt;veroprosentista&gt; &amp; pidätyksestä." in marked
    assert "<veroprosentista>" not in marked and "<more>" not in marked
    assert re.findall(r'data-lang="([^"]+)"', marked) == ["fi-x-selko", "fi", "en", "ru"]


def test_an_inflected_form_is_marked_and_text_is_escaped_again():
    marked = mark_terms("<p>1 &lt; 2 &amp; verokortin hinta</p>", ENTRIES, "fi", LANGUAGES)
    assert marked.startswith('<p>1 &lt; 2 &amp; <button type="button" class="kp-term"')
    assert ">verokortin</button>" in marked


def test_a_page_in_another_language_keeps_plain_finnish_and_its_own():
    marked = mark_terms("<p>Order a tax card.</p>", ENTRIES, "en", LANGUAGES)
    assert re.findall(r'data-lang="([^"]+)"', marked) == ["fi-x-selko", "en"]
    assert mark_terms("<p>Order a tax card.</p>", (), "en", LANGUAGES) == "<p>Order a tax card.</p>"


def test_a_learner_sees_plain_finnish_and_their_own_language_and_the_page_lists_its_words():
    marked = mark_terms("<p>Tilaa verokortti.</p>", ENTRIES, "fi", LANGUAGES)
    body, words = show_terms(marked, "fi", "ru")
    assert re.findall(r'data-lang="([^"]+)"', body) == ["fi-x-selko", "ru"]
    (word,) = words
    assert word.term == "verokortti"
    assert re.findall(r'data-lang="([^"]+)"', word.glosses) == ["fi-x-selko", "ru"]
    assert show_terms(marked, "fi", "ru") is show_terms(marked, "fi", "ru")  # cached
    assert show_terms("<p>No words.</p>", "fi", "fi") == ("<p>No words.</p>", ())


def test_the_own_language_is_the_pages_or_on_a_finnish_page_the_interfaces():
    offered = ("fi", "fi-x-selko", "en", "ru", "uk")
    assert own_language("ru", "fi", offered) == "ru"
    assert own_language("fi", "ru", offered) == "ru"
    assert own_language("fi-x-selko", "uk", offered) == "uk"
    assert own_language("fi", "sv", offered) == "fi"  # no Swedish content: Finnish
    assert own_language("fi", "ru", ("fi", "fi-x-selko", "en")) == "fi"
    assert own_language("fi-x-selko", "fi", offered) == "fi-x-selko"
