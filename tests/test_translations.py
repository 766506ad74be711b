"""Every interface message is translated into fi, sv, ru and uk, and the app serves them."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("i18n_tool", ROOT / "tools" / "i18n.py")
assert spec and spec.loader
i18n_tool = importlib.util.module_from_spec(spec)
spec.loader.exec_module(i18n_tool)
TRANSLATED = ("fi", "sv", "ru", "uk")
PLACEHOLDER = re.compile(r"%\(\w+\)s")


def _catalog(locale: str):
    with open(i18n_tool.po_path(locale), "rb") as handle:
        return read_po(handle, locale=locale)


@pytest.mark.parametrize("locale", TRANSLATED)
def test_every_message_in_the_sources_is_translated(locale):
    catalog = _catalog(locale)
    for message in i18n_tool.extract_catalog():
        if not message.id:
            continue
        translated = catalog.get(message.id)
        assert translated is not None and translated.string, (
            f"{message.id!r} is not translated into {locale}: run 'python tools/i18n.py extract', "
            "translate, then 'python tools/i18n.py compile'"
        )
        assert not translated.fuzzy, f"{message.id!r} is fuzzy in {locale}"
        assert sorted(PLACEHOLDER.findall(translated.string)) == sorted(
            PLACEHOLDER.findall(message.id)
        ), f"placeholders differ in {locale}: {translated.string!r}"


@pytest.mark.parametrize("locale", [*TRANSLATED, "en"])
def test_compiled_catalogues_match_their_sources(locale):
    with open(i18n_tool.po_path(locale).with_suffix(".mo"), "rb") as handle:
        compiled = {m.id: m.string for m in read_mo(handle) if m.id}
    source = {m.id: m.string for m in _catalog(locale) if m.id and m.string}
    assert compiled == source, f"{locale}: run 'python tools/i18n.py compile'"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "Kirjautumispyynnöstä puuttuu tietoja."),
        ("sv-FI,sv;q=0.9", "Inloggningsbegäran är ofullständig."),
        ("ru", "В запросе на вход не хватает данных."),
        ("uk-UA", "У запиті на вхід бракує даних."),
        ("en-GB", "The login request is incomplete."),
    ],
)
def test_error_page_speaks_the_browsers_language(site, accept, expected):
    headers = {"Accept-Language": accept} if accept else {}
    response = site.browser().get(site.url + "/lti/login", headers=headers)
    assert response.status_code == 400
    assert expected in response.text
