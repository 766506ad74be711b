"""The example people of each programme keep one life story: every page and quiz names only
the people on the programme's people.yaml, in the modules the list gives, and every language
of such a module names the same people (so a translation cannot swap or drop one)."""

from __future__ import annotations

import bisect
import re
from pathlib import Path

import pytest
import yaml

CONTENT = Path(__file__).resolve().parent.parent / "courses" / "content"
PROGRAMMES = sorted(p for p in CONTENT.iterdir() if (p / "programme.yaml").exists())

# Case endings a name may carry: Finnish (Aminan, Nadialle, Lin), English (Ahmed's),
# Russian and Ukrainian (Ахмеда, Наде, Надії, Юсуфові).
ENDINGS = {
    "fi": r"(?:n|a|ä|lla|llä|lle|lta|ltä|ssa|ssä|sta|stä|in|ille|ia|ksi|na|nä)?",
    "en": r"(?:'s)?",
    "ru": r"(?:а|я|у|ю|е|и|ы|ой|ей|ом|ем|ою|ею)?",
    "uk": r"(?:а|я|у|ю|е|і|ї|и|ой|ою|ею|ові|еві|ом|ем)?",
}
ENDINGS["fi-x-selko"] = ENDINGS["fi"]
STEM_VOWELS = "aäаяйиіеo"
WORD = re.compile(r"\b[A-ZÄÖÅ][a-zäöå]+\b")
HE_OR_SHE = re.compile(r"^Hän(?:en|et|tä|elle|ellä|eltä|estä)?\b")
EXAMPLE_HEADING = re.compile(
    r"^##+ (?:Esimerkki|Example|Пример|Приклад): *([A-ZÄÖÅА-ЯЁІЇЄҐ]\w*) *$", re.MULTILINE
)
SENTENCE_END = re.compile(r"(?<=[.!?”])\s+|\n+|::")
# A sentence's subject is not in a place case and is not a question (Varastoon, Saako).
NOT_A_SUBJECT = re.compile(r"(?:ssa|ssä|sta|stä|lla|llä|lta|ltä|lle|iin|aan|ään|oon|een|ko|kö)$")


def _language(path: Path) -> str:
    return path.name.split(".")[-2]


def _name_pattern(name: str, language: str) -> re.Pattern[str]:
    stems = {re.escape(name)}
    if len(name) > 3 and name[-1].lower() in STEM_VOWELS:
        stems.add(re.escape(name[:-1]))
    if language in ("ru", "uk") and name.endswith(("ия", "ія")):
        stems.add(re.escape(name[:-1]))
    return re.compile(
        r"(?<![\w-])(?:" + "|".join(sorted(stems)) + ")" + ENDINGS[language] + r"(?![\w-])"
    )


def _people(programme: Path) -> dict:
    path = programme / "people.yaml"
    assert path.is_file(), f"{path}: the programme's list of example people is missing"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data.get("people"), list), f"{path}: `people:` must be a list"
    return data


def _texts(programme: Path):
    """(module slug, language, path, text) of every page and quiz file of the programme."""
    for module in sorted(d for d in programme.iterdir() if (d / "module.yaml").is_file()):
        slug = yaml.safe_load((module / "module.yaml").read_text(encoding="utf-8"))["slug"]
        for path in sorted([*module.glob("*.md"), *module.glob("quiz.*.gift")]):
            yield slug, _language(path), path, path.read_text(encoding="utf-8")


def _mentions(programme: Path) -> dict[tuple[str, str], dict[str, set[str]]]:
    """{(person's fi name, language): {module slug: {file names}}} as the files stand."""
    people = _people(programme)["people"]
    found: dict[tuple[str, str], dict[str, set[str]]] = {}
    for slug, language, path, text in _texts(programme):
        for person in people:
            name = person["name"][language]
            if _name_pattern(name, language).search(text):
                found.setdefault((person["name"]["fi"], language), {}).setdefault(slug, set()).add(
                    path.name
                )
    return found


@pytest.mark.parametrize("programme", PROGRAMMES, ids=lambda p: p.name)
def test_the_people_list_is_well_formed(programme: Path):
    meta = yaml.safe_load((programme / "programme.yaml").read_text(encoding="utf-8"))
    modules = {
        yaml.safe_load((d / "module.yaml").read_text(encoding="utf-8"))["slug"]
        for d in programme.iterdir()
        if (d / "module.yaml").is_file()
    }
    seen: dict[str, set[str]] = {}
    for person in _people(programme)["people"]:
        assert set(person["name"]) == set(meta["languages"]), person["name"]
        assert person.get("story") and person.get("lives_in"), person["name"]
        assert person["modules"] and set(person["modules"]) <= modules, person["name"]
        for language, name in person["name"].items():
            assert name not in seen.setdefault(language, set()), (
                f"two example people are called {name} in {language}: give one a new name"
            )
            seen[language].add(name)


@pytest.mark.parametrize("programme", PROGRAMMES, ids=lambda p: p.name)
def test_people_appear_exactly_in_their_listed_modules_in_every_language(programme: Path):
    meta = yaml.safe_load((programme / "programme.yaml").read_text(encoding="utf-8"))
    found = _mentions(programme)
    problems = []
    for person in _people(programme)["people"]:
        listed = set(person["modules"])
        for language in meta["languages"]:
            named = found.get((person["name"]["fi"], language), {})
            for slug in sorted(set(named) - listed):
                problems.append(
                    f"{person['name'][language]} ({language}) is named in {slug} "
                    f"({', '.join(sorted(named[slug]))}), which people.yaml does not list: "
                    "keep the story from the list or add the module"
                )
            for slug in sorted(listed - set(named)):
                problems.append(
                    f"{person['name'][language]} ({language}) is listed for {slug} but not named there"
                )
    assert not problems, "\n".join(problems)


def _finnish_vocabulary(programme: Path) -> list[str]:
    """The lower-case words of the Finnish texts, sorted (for prefix look-ups)."""
    words: set[str] = set()
    for _, language, _, text in _texts(programme):
        if language.startswith("fi"):
            words.update(re.findall(r"\b[a-zäöå]+\b", text))
    return sorted(words)


def _ordinary_word(word: str, vocabulary: list[str]) -> bool:
    """An inflected ordinary word (Varastoon, Seuran, Tarvitseeko) shares a stem with a
    lower-case word of the texts; a name does not."""
    stem = word.lower()[: max(4, len(word) - 3)]
    if NOT_A_SUBJECT.search(word):
        return True
    at = bisect.bisect_left(vocabulary, stem)
    return at < len(vocabulary) and vocabulary[at].startswith(stem)


@pytest.mark.parametrize("programme", PROGRAMMES, ids=lambda p: p.name)
def test_no_page_or_quiz_names_a_person_missing_from_the_list(programme: Path):
    """A Finnish sentence that opens with a name (a capitalised word that is not an ordinary
    word of the texts) and is followed by one that opens with "Hän" is about a person; so
    is an "Esimerkki: X" heading. Each such name must be on the list (or in `not_people`)."""
    data = _people(programme)
    vocabulary = _finnish_vocabulary(programme)
    not_people = set(data.get("not_people") or [])
    problems = []
    for _, language, path, text in _texts(programme):
        names = [p["name"][language] for p in data["people"]]
        known = [_name_pattern(n, language) for n in names]

        def is_known(word: str, known: list[re.Pattern[str]] = known) -> bool:
            return word in not_people or any(p.fullmatch(word) for p in known)

        for word in EXAMPLE_HEADING.findall(text):
            if not is_known(word.rstrip(".:")):
                problems.append(
                    f"{path.relative_to(CONTENT)}: example person {word} is not in people.yaml"
                )
        if not language.startswith("fi"):
            continue
        sentences = [s.strip(' -*#>0123456789.\t"”“:') for s in SENTENCE_END.split(text)]
        for i, sentence in enumerate(sentences):
            first = WORD.match(sentence)
            if not first or is_known(first.group()) or _ordinary_word(first.group(), vocabulary):
                continue
            following = sentences[i + 1] if i + 1 < len(sentences) else ""
            if HE_OR_SHE.match(following):
                problems.append(
                    f"{path.relative_to(CONTENT)}: {first.group()} looks like an example person "
                    "missing from people.yaml (or add the word to not_people)"
                )
    assert not problems, "\n".join(sorted(set(problems)))


def test_name_patterns_match_inflected_names_only():
    """The name match finds inflected names and not words that merely start like them."""
    found = _name_pattern("Nadia", "fi")
    assert found.search("Testi Nadialle") and found.search("Nadian opettaja")
    assert not _name_pattern("Li", "fi").search("Liity liittoon. Lisää tietoa.")
    assert _name_pattern("Li", "fi").search("Lin kannattaa")
    assert _name_pattern("Надія", "uk").search("рівень Надії") and not _name_pattern(
        "Лі", "uk"
    ).search("Лише")
    assert _name_pattern("Мария", "ru").search("Марии") and not _name_pattern("Мария", "ru").search(
        "Мариам"
    )
