"""A newer release of a shipped content package, written as files (what a maintainer
ships), and loaded the way ``kotopaikka content load`` loads it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from click.testing import CliRunner
from flask.cli import ScriptInfo

from courses.packages.loader import DEFAULT_CONTENT

PROGRAMME = "keys-to-working-life"
MODULE = "01-finnish-working-life"
NEW_PAGE = "Ensimmäinen työpäivä"
NEW_PAGE_EN = "Your first day at work"
RETIRED_PAGE = "workplace-culture"
CHANGED_PAGE = "employment-contract"
CHANGED_PARAGRAPH = "Vuoden 2027 alusta työnantajan on annettava kirjallinen selvitys ensimmäisen viikon aikana."
CHANGED_QUESTION = "finnish-working-life-trial-period"
CHANGED_WORDS = ("Koeaikana työnantaja saa", "Koeajan aikana työnantaja saa")
NEW_QUESTION = "finnish-working-life-first-day"
RETIRED_QUESTION = "finnish-working-life-late-for-work"


def _drop_question(text: str, idnumber: str) -> str:
    blocks = re.split(r"\n\s*\n", text)
    kept = [b for b in blocks if f"[id:{idnumber}]" not in b]
    assert len(kept) == len(blocks) - 1, idnumber
    return "\n\n".join(kept)


def newer_release(root: Path) -> Path:
    """The shipped programme with a newer release of Suomalainen työelämä: a page added
    (Finnish and English), a page retired, a page's Finnish text changed, a question
    changed, one added and one retired."""
    programme = root / PROGRAMME
    shutil.copytree(DEFAULT_CONTENT / PROGRAMME, programme)
    module = programme / MODULE
    (module / "06-first-day.fi.md").write_text(
        f"---\ntitle: {NEW_PAGE}\n---\nKysy esihenkilöltä, kuka perehdyttää sinut.\n", encoding="utf-8"
    )
    (module / "06-first-day.en.md").write_text(
        f"---\ntitle: {NEW_PAGE_EN}\n---\nAsk your supervisor who will show you around.\n", encoding="utf-8"
    )
    for path in module.glob(f"05-{RETIRED_PAGE}.*.md"):
        path.unlink()
    changed = module / f"01-{CHANGED_PAGE}.fi.md"
    changed.write_text(changed.read_text(encoding="utf-8").rstrip("\n") + f"\n\n{CHANGED_PARAGRAPH}\n", encoding="utf-8")
    for quiz in module.glob("quiz.*.gift"):
        text = _drop_question(quiz.read_text(encoding="utf-8"), RETIRED_QUESTION)
        if quiz.name == "quiz.fi.gift":
            assert CHANGED_WORDS[0] in text
            text = text.replace(*CHANGED_WORDS)
            text = text.rstrip("\n") + (
                f"\n\n// [id:{NEW_QUESTION}]\n::Ensimmäinen päivä:: Ensimmäisenä työpäivänä sinut perehdytetään. {{TRUE}}\n"
            )
        quiz.write_text(text, encoding="utf-8")
    return root


def content_load(app, path: Path) -> str:
    """``kotopaikka content load PATH``, as an administrator runs it."""
    from lti_tool.cli import main

    result = CliRunner().invoke(
        main, ["content", "load", str(path)], obj=ScriptInfo(create_app=lambda: app), catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return result.output
