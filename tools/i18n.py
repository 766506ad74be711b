"""Interface translations: ``python tools/i18n.py extract`` then ``compile``.

extract  collects the messages of the tool's pages and code into
         lti_tool/translations/messages.pot and merges them into every catalogue;
compile  writes the .mo files the app loads (they are committed, so a fresh
         install needs no build step).
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "lti_tool" / "translations"
LOCALES = ("fi", "sv", "en", "ru", "uk")
METHOD_MAP = [
    ("lti_tool/devplatform/**", "ignore"),  # a developer fixture, English only
    ("lti_tool/templates/devplatform/**", "ignore"),
    ("lti_tool/**.py", "python"),
    ("lti_tool/templates/**.html", "jinja2"),
]
KEYWORDS = {"_": None, "gettext": None, "lazy_gettext": None, "_l": None, "ngettext": (1, 2)}


def extract_catalog() -> Catalog:
    """Every message in the sources right now."""
    catalog = Catalog(project="Kotopaikka", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT), METHOD_MAP, keywords=KEYWORDS
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def po_path(locale: str) -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"


def extract() -> None:
    template = extract_catalog()
    with open(TRANSLATIONS / "messages.pot", "wb") as handle:
        write_po(handle, template, width=100, no_location=True, omit_header=True)
    for locale in LOCALES:
        path = po_path(locale)
        with open(path, "rb") as handle:
            catalog = read_po(handle, locale=locale)
        catalog.update(template, no_fuzzy_matching=True)
        with open(path, "wb") as handle:
            write_po(handle, catalog, width=100, no_location=True, ignore_obsolete=True)
        untranslated = [m.id for m in catalog if m.id and not m.string and locale != "en"]
        print(f"{locale}: {len(untranslated)} untranslated")


def compile_all() -> None:
    for locale in LOCALES:
        with open(po_path(locale), "rb") as handle:
            catalog = read_po(handle, locale=locale)
        with open(po_path(locale).with_suffix(".mo"), "wb") as handle:
            write_mo(handle, catalog)


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "extract":
        extract()
    elif command == "compile":
        compile_all()
    else:
        sys.exit(__doc__)
