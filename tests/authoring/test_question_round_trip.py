"""A question's form saved unchanged gives back the same question: every question of
every shipped quiz (as the content loader stored it) and GIFT questions of tricky shapes
are rendered in their form, posted back as a browser would through the real route, and
compared with what was stored: no new revision, nothing lost (formats of each piece,
numeric ranges and exact numbers, partial credit, distractors, feedback everywhere)."""

from __future__ import annotations

import re

from sqlalchemy import select

from authoring import library, quiz_import
from authoring.models import LibraryModule
from authoring.quiz_models import DraftQuestion, DraftQuestionText
from courses.database import db
from courses.models import Module
from quizzes.gift.parser import parse_gift
from quizzes.snapshot import to_snapshot
from tests.authoring.test_authoring_pages import _adapted
from tests.browser import forms_in

TRICKY = r"""
// [id:tricky-single]
::Valinta::[html]<p>Mikä <b>on</b> oikein?</p>{
  =[markdown]**Oikea** vastaus#[html]<em>Hyvä</em>
  ~%33.33333%[plain]Osittain <tag> & muuta#[plain]Melkein <b>
  ~%-50%Väärä\: kaksoispiste#[markdown]_Ei_
  ####[html]<p>Yleinen</p>
}

// [id:tricky-multiple]
::Monta:: Valitse oikeat. {
  ~%33.33333%Yksi#Kolmasosa
  ~%33.33333%Kaksi
  ~%33.33334%Kolme
  ~%-100%Väärä#[markdown]**Miinus**
  ####Rivi yksi\nRivi kaksi
}

// [id:tricky-numbers]
::Luvut:: Kuinka monta? {#
  =1..2#Väli.
  =%50%1.25:0.05#[html]<i>Puolet</i>
  =%25%0.1#Neljännes
  =%10%1e-7:1e-9#Pieni
  =%-0%3
  ~#[markdown]Ei *lähelläkään*.
  ####Yksi tai kaksi.
}

// [id:tricky-range-negative]
Lämpötila? {#-2.5..0.3333333333333333#Kylmä}

// [id:tricky-matching]
::Parit::[markdown]Yhdistä **oikein**. {
  =[html]<b>Suomi</b> -> Helsinki
  =Ruotsi -> Tukholma
  =[plain]Norja <x> -> Oslo
  = -> Kööpenhamina
  = -> Reykjavik
  ####[html]<p>Pohjoismaat</p>
}

// [id:tricky-truefalse]
::Väite::[plain]Aurinko nousee <idässä>. {T#[html]<b>Väärin</b>#[markdown]*Oikein*####Yleinen.}

// [id:tricky-short]
::Lyhyt:: Mikä on pääkaupunki? {
  =Helsinki#Oikein
  =%50%Helsingfors#[html]<i>Ruotsiksi</i>
  =%10%hel*
  ####Helsinki on pääkaupunki.
}

// [id:tricky-missing-word]
Verokortti tilataan {=OmaVerosta ~pankista#Ei} netissä.

// [id:tricky-essay]
::Pohdinta::[markdown]Miten *sinä* käytät tätä? {####[html]<p>Kiitos.</p>}

// [id:tricky-description]
::Kuvaus::[html]<p>Lue ensin tämä.</p>
"""


def _site(module_id: int) -> int:
    return db.session.execute(
        select(LibraryModule.site_id).where(LibraryModule.id == module_id)
    ).scalar_one()


def _stored(module_id: int) -> dict[tuple[int, str], tuple[int, dict]]:
    rows = db.session.execute(
        select(DraftQuestionText)
        .join(DraftQuestion)
        .where(DraftQuestion.library_module_id == module_id, DraftQuestion.removed_at.is_(None))
    ).scalars()
    return {(t.draft_question_id, t.language): (t.revision, t.snapshot) for t in rows}


def _shape(snapshot: dict) -> tuple:
    """What a question's form depends on: its kind and which optional parts it has (a
    text's words do not change the form, so one question of each shape is enough)."""
    parts = []
    for name, value in sorted(snapshot.items()):
        if isinstance(value, list):
            parts.append((name, len(value) > 0, tuple(sorted({k for v in value if isinstance(v, dict) for k, x in v.items() if x not in (None, "", 0, 0.0)}))))
        else:
            parts.append((name, value not in (None, "", 0, 0.0, False)))
    return tuple(parts)


def _round_trip(browser, site, launch_id: str, module_id: int, seen: set | None = None) -> int:
    """Open every question text's form (or, with ``seen``, each one of a shape not seen
    yet) and save it unchanged; the count of those saved."""
    with site.app.app_context():
        before = _stored(module_id)
    assert before
    base = site.url + f"/l/{launch_id}/library/{module_id}/quiz"
    keys = list(before)
    if seen is not None:
        keys = []
        for key, (_, snapshot) in before.items():
            shape = _shape({k: v for k, v in snapshot.items() if k not in ("idnumber", "name")})
            if shape not in seen:
                seen.add(shape)
                keys.append(key)
    for question_id, language in keys:
        page = browser.get(base + f"/{question_id}/{language}")
        assert page.status_code == 200, page.text
        (form,) = [f for f in forms_in(page.text) if "base_revision" in f.fields]
        saved = browser.post(
            base + f"/{question_id}/{language}",
            data={**form.fields, "action": "save"},
            allow_redirects=False,
        )
        assert saved.status_code == 303, (
            question_id,
            language,
            re.findall(r"kp-error[^>]*>([^<]+)", saved.text),
        )
    with site.app.app_context():
        after = _stored(module_id)
    changed = {key: (before[key], after[key]) for key in before if before[key] != after[key]}
    assert not changed  # the same revision and the same question: nothing new, nothing lost
    return len(keys)


def test_shipped_questions_of_every_shape_saved_unchanged_through_their_form_are_the_same(quizzes):
    site = quizzes
    browser, launch_id, first_id, _ = _adapted(site)
    with site.app.app_context():
        lm = db.session.get(LibraryModule, first_id)
        site_id, author = lm.site_id, lm.created_by
        shipped = (
            db.session.execute(
                select(Module.id).where(Module.site_id.is_(None), Module.id != lm.adapted_from_id)
            )
            .scalars()
            .all()
        )
        module_ids = [first_id] + [library.adapt(site_id, m, author).id for m in shipped]
    # Every question of the first module in every language, then from the other quizzes
    # each question of a shape not met yet: about 800 requests for every text would take a
    # minute for no more shapes.
    counted = _round_trip(browser, site, launch_id, first_id)
    seen: set = set()
    for module_id in module_ids[1:]:
        with site.app.app_context():
            if not _stored(module_id):
                continue  # a module without a quiz
        counted += _round_trip(browser, site, launch_id, module_id, seen)
    assert counted >= 40 and len(seen) >= 5


def test_gift_questions_of_tricky_shapes_saved_unchanged_are_the_same_question(quizzes):
    site = quizzes
    browser, launch_id, module_id, _ = _adapted(site)
    read = parse_gift(TRICKY, "tricky")
    assert {q.kind for q in read} == {
        "single",
        "multiple",
        "numerical",
        "matching",
        "truefalse",
        "short",
        "essay",
        "description",
    }
    with site.app.app_context():
        done = quiz_import.import_into_draft(
            _site(module_id), module_id, "fi", TRICKY, "gift", None
        )
        assert {p.action for p in done.items} == {"add"}
        kept = {
            s["idnumber"]: s
            for (_, _), (_, s) in _stored(module_id).items()
            if s["idnumber"].startswith("tricky")
        }
    # What was stored is what the file says (the starting point is not already lossy).
    assert kept == {q.idnumber: to_snapshot(q) for q in read}
    numbers = kept["tricky-numbers"]["numeric"]
    assert numbers[0]["low"] == 1.0 and numbers[0]["high"] == 2.0 and numbers[3]["value"] == 1e-7
    assert kept["tricky-single"]["choices"][0]["format"] == "markdown"
    assert _round_trip(browser, site, launch_id, module_id) >= len(read)
