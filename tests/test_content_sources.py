"""Corrected facts in the shipped content name their official sources (front matter
`sources:`), and the corrections of issue 19 stay in every language: municipal public
employment services (not "state" ones) in Russian and Ukrainian, Central Finland's three
employment areas, unpaid work trials, and no "every sector has a collective agreement"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

CONTENT = Path(__file__).resolve().parent.parent / "courses" / "content"
PARTICIPANTS = CONTENT / "keys-to-working-life"
MENTORS = CONTENT / "mentor-training"
LANGUAGES = ("fi", "fi-x-selko", "en", "ru", "uk")

# Pages whose facts were corrected against official pages: (programme, module folder, page).
CORRECTED = [
    (PARTICIPANTS, "01-finnish-working-life", "02-collective-agreements-and-working-hours"),
    (PARTICIPANTS, "01-finnish-working-life", "05-workplace-culture"),
    (PARTICIPANTS, "02-job-search", "04-hidden-job-market"),
    (PARTICIPANTS, "02-job-search", "05-employment-services"),
    (PARTICIPANTS, "06-jobs-in-central-finland", "01-central-finland"),
    (PARTICIPANTS, "06-jobs-in-central-finland", "02-sectors-needing-workers"),
    (PARTICIPANTS, "06-jobs-in-central-finland", "04-local-employment-services"),
    (PARTICIPANTS, "06-jobs-in-central-finland", "05-commuting-and-driving"),
    (MENTORS, "05-developing-the-workplace", "03-recruiting"),
]


def _front_matter(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    _, header, body = text.split("---\n", 2)
    return yaml.safe_load(header), body


def _languages(programme: Path) -> list[str]:
    meta = yaml.safe_load((programme / "programme.yaml").read_text(encoding="utf-8"))
    return list(meta["languages"])


@pytest.mark.parametrize("path", sorted(CONTENT.glob("*/*/*.md")), ids=lambda p: p.name)
def test_sources_when_given_are_a_list_of_distinct_https_addresses(path: Path):
    meta, _ = _front_matter(path)
    if "sources" not in meta:
        return
    sources = meta["sources"]
    assert isinstance(sources, list) and sources, f"{path}: sources is not a non-empty list"
    assert all(isinstance(s, str) and re.fullmatch(r"https://\S+", s) for s in sources), path
    assert len(set(sources)) == len(sources), f"{path}: a source is listed twice"


@pytest.mark.parametrize("programme,module,page", CORRECTED, ids=lambda v: getattr(v, "name", v))
def test_corrected_pages_cite_the_same_sources_in_every_language(programme, module, page):
    found = {}
    for language in _languages(programme):
        meta, _ = _front_matter(programme / module / f"{page}.{language}.md")
        assert meta.get("sources"), f"{module}/{page}.{language}: no sources"
        found[language] = meta["sources"]
    assert len({tuple(s) for s in found.values()}) == 1, f"{module}/{page}: sources differ"


def _participant_texts(languages: tuple[str, ...]):
    for language in languages:
        for path in sorted(PARTICIPANTS.glob(f"*/*.{language}.md")) + sorted(
            PARTICIPANTS.glob(f"*/quiz.{language}.gift")
        ):
            yield path, path.read_text(encoding="utf-8")


def test_russian_and_ukrainian_call_the_employment_services_public_not_state():
    state = re.compile(
        r"государственн\w*\s+(служб|услуг)\w*\s+занятости|державн\w*\s+(служб|послуг)\w*\s+зайнятості",
        re.IGNORECASE,
    )
    for path, text in _participant_texts(("ru", "uk")):
        assert not state.search(text), f"{path}: {state.search(text).group(0)!r}"
    for language, word in (("ru", "публичные"), ("uk", "публічні")):
        text = (PARTICIPANTS / "02-job-search" / f"05-employment-services.{language}.md").read_text(
            encoding="utf-8"
        )
        assert word in text, language


NORTH = [
    "Hankasalmi",
    "Kannonkoski",
    "Karstula",
    "Kinnula",
    "Kivijärvi",
    "Konnevesi",
    "Kyyjärvi",
    "Laukaa",
    "Pihtipudas",
    "Saarijärvi",
    "Uurainen",
    "Viitasaari",
    "Äänekoski",
]
SOUTH = [
    "Jämsä",
    "Joutsa",
    "Keuruu",
    "Luhanka",
    "Multia",
    "Petäjävesi",
    "Toivakka",
    "Mänttä-Vilppula",
]


@pytest.mark.parametrize("language", ("fi", "fi-x-selko", "en"))
def test_the_local_services_page_names_central_finlands_three_employment_areas(language):
    path = (
        PARTICIPANTS / "06-jobs-in-central-finland" / f"04-local-employment-services.{language}.md"
    )
    _, body = _front_matter(path)
    for municipality in [*NORTH, *SOUTH, "Jyväskylä", "Muurame"]:
        assert municipality in body, f"{path.name}: {municipality} missing"


@pytest.mark.parametrize("language", ("ru", "uk"))
def test_the_local_services_page_in_ru_and_uk_names_the_areas_by_their_leads(language):
    path = (
        PARTICIPANTS / "06-jobs-in-central-finland" / f"04-local-employment-services.{language}.md"
    )
    _, body = _front_matter(path)
    for name in ("*Jyväskylä*", "*Äänekoski*", "*Jämsä*", "Pohjoisen Keski-Suomen työllisyysalue"):
        assert name in body, f"{path.name}: {name} missing"


NO_WAGE = {
    "fi": r"et(kä)? saa palkkaa|ilman palkkaa",
    "fi-x-selko": r"et saa (siitä )?palkkaa",
    "en": r"not paid a wage|without a wage",
    "ru": r"не получаете зарплат|зарплату не платят|без зарплаты",
    "uk": r"не отримуєте зарплат|зарплати не платять|без зарплати",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_that_mentions_a_work_trial_says_it_is_unpaid(language):
    pages = [
        p
        for p, t in _participant_texts((language,))
        if p.suffix == ".md" and "työkokeilu" in t.lower()
    ]
    assert pages, language
    for path in pages:
        _, body = _front_matter(path)
        assert re.search(NO_WAGE[language], body, re.IGNORECASE), (
            f"{path}: a work trial, but no word of pay"
        )


def test_plain_finnish_does_not_say_every_sector_has_a_collective_agreement():
    for path, text in _participant_texts(("fi-x-selko",)):
        assert not re.search(r"jokaisella alalla on oma (työehto)?sopimus", text, re.IGNORECASE), (
            path
        )


@pytest.mark.parametrize("language", LANGUAGES)
def test_workplace_culture_states_the_law_not_that_everyone_does_the_same_work(language):
    path = PARTICIPANTS / "01-finnish-working-life" / f"05-workplace-culture.{language}.md"
    _, body = _front_matter(path)
    for claim in (
        "tekevät samoja töitä",
        "do the same jobs",
        "одинаковую работу",
        "однакову роботу",
    ):
        assert claim not in body, f"{path.name}: {claim!r}"
    assert "tyosuojelu.fi" in body


@pytest.mark.parametrize("language", ("fi", "fi-x-selko", "en"))
def test_the_mentors_recruiting_page_has_the_2025_permit_rules_and_the_shop_steward(language):
    _, body = _front_matter(
        MENTORS / "05-developing-the-workplace" / f"03-recruiting.{language}.md"
    )
    assert "1 600" in body or "1,600" in body
    assert "tyovoimabarometri.fi" in body
    assert "luottamusmies" in body.lower() or "shop steward" in body
