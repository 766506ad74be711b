"""Every interface message is translated into fi, sv, ru and uk, and the app serves them.

A developer who adds a ``_("...")`` and forgets to translate it gets a failure here that
names the message and the locale. The fix: ``python tools/i18n.py extract``, translate
the new msgstr lines, ``python tools/i18n.py compile``.
"""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask

from lti_tool.i18n import UI_LOCALES

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("kotopaikka_i18n_tool", ROOT / "tools" / "i18n.py")
assert _spec and _spec.loader
i18n_tool = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(i18n_tool)

TRANSLATED = ("fi", "sv", "ru", "uk")
FIX = "run 'python tools/i18n.py extract', translate, then 'python tools/i18n.py compile'"
# %(name)s, %s, %d, %%: what Flask-Babel's gettext formats.
PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[-#0 +]*\d*(?:\.\d+)?[sdifrx%]")


def _catalog(locale: str):
    return i18n_tool.read_catalog(i18n_tool.po_path(locale), locale)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory):
    """The messages in the sources right now, extracted to a template in a temp dir."""
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    pot.write_bytes(i18n_tool.render_po(i18n_tool.extract_catalog()))
    with open(pot, "rb") as handle:
        template = read_po(handle)
    assert len([m for m in template if m.id]) > 10, "extraction found (almost) nothing"
    return template


def _strings(message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def _ids(message) -> tuple[str, ...]:
    return message.id if isinstance(message.id, tuple) else (message.id,)


def test_every_interface_locale_has_a_catalogue():
    assert set(i18n_tool.LOCALES) == set(UI_LOCALES)
    for locale in UI_LOCALES:
        assert i18n_tool.po_path(locale).is_file(), f"no catalogue for {locale}: {FIX}"
        assert i18n_tool.mo_path(locale).is_file(), f"no compiled catalogue for {locale}: {FIX}"


@pytest.mark.parametrize("locale", TRANSLATED)
def test_every_message_in_the_sources_is_translated(extracted, locale):
    catalog = _catalog(locale)
    missing = []
    for message in extracted:
        if not message.id:
            continue
        translated = catalog.get(message.id, message.context)
        if translated is None or not all(_strings(translated)):
            missing.append(f"not translated into {locale}: {message.id!r}")
        elif translated.fuzzy:
            missing.append(f"fuzzy (needs checking) in {locale}: {message.id!r}")
    assert not missing, "\n".join([*missing, FIX])


@pytest.mark.parametrize("locale", TRANSLATED)
def test_translations_keep_the_placeholders(locale):
    wrong = []
    for message in _catalog(locale):
        if not message.id:
            continue
        expected = Counter(PLACEHOLDER.findall(_ids(message)[0]))
        for string in _strings(message):
            if string and Counter(PLACEHOLDER.findall(string)) != expected:
                wrong.append(f"{locale}: {message.id!r} -> {string!r}")
    assert not wrong, "placeholders differ from the msgid:\n" + "\n".join(wrong)


def test_the_template_lists_the_messages_in_the_sources(extracted):
    with open(i18n_tool.TRANSLATIONS / "messages.pot", "rb") as handle:
        committed = {m.id for m in read_po(handle) if m.id}
    assert committed == {m.id for m in extracted if m.id}, f"messages.pot is stale: {FIX}"


@pytest.mark.parametrize("locale", UI_LOCALES)
def test_compiled_catalogues_are_up_to_date(locale, tmp_path):
    fresh = tmp_path / "messages.mo"
    with open(fresh, "wb") as handle:
        write_mo(handle, _catalog(locale))
    with open(fresh, "rb") as handle:
        expected = i18n_tool.compiled_messages(handle)
    with open(i18n_tool.mo_path(locale), "rb") as handle:
        committed = i18n_tool.compiled_messages(handle)
    assert committed == expected, f"{locale}: messages.mo is older than messages.po: {FIX}"


@pytest.fixture(scope="module")
def client_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    from flask_migrate import upgrade

    from courses.database import db
    from lti_tool import create_app

    app = create_app(
        env={"KOTOPAIKKA_ENV": "test", "DATABASE_URL": "sqlite://"},
        instance_path=str(tmp_path_factory.mktemp("instance")),
    )
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize(
    ("accept", "lang", "title", "advice"),
    [
        (None, "fi", "Kirjautumispyynnöstä puuttuu tietoja.", "Kerro asiasta opettajalle"),
        ("sv-FI,sv;q=0.9,en;q=0.5", "sv", "Inloggningsbegäran är ofullständig.", "din lärare"),
        ("ru-RU,ru;q=0.9", "ru", "В запросе на вход не хватает данных.", "преподавателю"),
        ("uk", "uk", "У запиті на вхід бракує даних.", "викладача"),
        ("en-GB,en;q=0.8", "en", "The login request is incomplete.", "tell your teacher"),
    ],
)
def test_error_page_speaks_the_browsers_language(client_app, accept, lang, title, advice):
    headers = {"Accept-Language": accept} if accept else {}
    response = client_app.test_client().get("/lti/login", headers=headers)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in page
    assert title in page
    assert advice in page
    assert "missing_login_params" in page  # the code for support stays untranslated
    if lang != "en":
        assert "The login request is incomplete." not in page



@pytest.mark.parametrize(
    ("source", "values", "expected"),
    [
        ("{{ _('Next') }}", {}, "Seuraava"),
        # Variables are escaped in an autoescaped template; "%%" reads as "%".
        ("{{ _('Learner %(id)s', id=who) }}", {"who": "<script>x</script>"}, "Opiskelija &lt;script&gt;x&lt;/script&gt;"),
        ("{{ _('%(seen)d of %(total)d pages seen (%(percent)d %%)', seen=3, total=5, percent=60) }}", {}, "Luettu 3 / 5 sivua (60 %)"),
        ("{{ gettext('Your score: %(percent)d %%', percent=50) }}", {}, "Pisteesi: 50 %"),
        ("{% trans %}Next{% endtrans %}", {}, "Seuraava"),
        # Plurals: the form for the number, which fills in %(num)d unless given.
        ("{{ ngettext('%(num)d page', '%(num)d pages', 1) }}", {}, "1 sivu"),
        ("{{ ngettext('%(num)d page', '%(num)d pages', n) }}", {"n": 7}, "7 sivua"),
        ("{{ ngettext('about %(num)d minute', 'about %(num)d minutes', 2, num=3) }}", {}, "noin 3 minuuttia"),
        ("{{ _('A message the catalogue does not have') }}", {}, "A message the catalogue does not have"),
    ],
)
def test_templates_translate_fill_in_and_escape(client_app, source, values, expected):
    from flask import g

    with client_app.test_request_context("/", headers={"Accept-Language": "fi"}):
        g.ui_locale = "fi"
        # As in the tool's .html templates: autoescaped.
        template = client_app.jinja_env.from_string("{% autoescape true %}" + source + "{% endautoescape %}")
        assert template.render(**values) == expected
