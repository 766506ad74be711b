"""Every authoring route, as a matrix: the routes are read from the app's URL map (a new
route is covered without editing this file), and each method of each is requested

- as a trainer of site B (a real launch of a second Moodle site) with the ids of site A's
  module, page, question, image and version, and with B's own module beside A's other
  ids: 404 (or 403), and nothing anywhere written;
- as a learner of site A: 403, nothing written;
- as a coordinator of site A (Moodle's administrator): let through, as trainers are.

The forms sent are the ones the pages themselves offer (collected from A's pages as A's
coordinator sees them), with the requester's own CSRF token, so that each request gets
past its form's checks and reaches the site's check. (About 5 s: some 110 requests,
each with the whole database's row counts before and after, and every row compared
around each run.)"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest
from sqlalchemy import select

from authoring.models import DraftPage, LibraryModule
from authoring.quiz_models import DraftQuestion
from courses.database import db
from courses.models import Module, Page, PageText
from tests.authoring import images as files
from tests.authoring.releases import CHANGED_QUESTION, RETIRED_PAGE, content_load, newer_release
from tests.authoring.second_site import launch_on_second_site, register_second_site
from tests.browser import forms_in
from tests.lti import COORDINATOR, PARTICIPANT, TRAINER, WORKING_LIFE, launch

# Routes that take no id of anything in a library: their own checks below.
WITHOUT_IDS = {
    "authoring.library_page",  # the requester's own library: A's module is not listed
    "authoring.adapt",  # only a shipped module may be adapted: A's published one is refused
    "authoring.new_module",  # a new module of the requester's own site
    "authoring.media",  # an image by its unguessable address, for learners' browsers (public)
}
# What belongs to one module (of one site), beside the module itself.
PARTS = {"page_id", "question_id", "key", "module_slug", "page_slug", "idnumber"}
ID_ARGUMENTS = {"module_id", "number", "seed", *PARTS}
# Routes the audit found untested from another site (they are in the matrix with the rest).
REQUIRED = [
    ("GET", "authoring.export_translation"), ("POST", "authoring.import_translation"),
    ("POST", "authoring.decide_upstream"), ("POST", "authoring.preview_language"),
    ("POST", "authoring.preview_quiz_start"),
]
# What a button of the form would send (buttons are not among a form's fields here).
ACTIONS = {
    "authoring.page_text": "save", "authoring.arrange_page": "down", "authoring.arrange_question": "down",
    "authoring.decide_upstream": "take", "authoring.import_questions": "save",
    "authoring.edit_question": "save", "authoring.new_question": "save", "authoring.preview_attempt": "finish",
    "authoring.decide_added_page": "take", "authoring.decide_retired_page": "keep",
    "authoring.decide_question": "take",
}
# A new question's answers (its form comes with empty rows).
EXTRA = {"authoring.new_question": {"choices-0-text": "Oikein", "choices-0-grade": "100",
                                    "choices-1-text": "Väärin", "choices-1-grade": "0"}}
GIFT = "::Vieras::Kuka päättää? {=Työnantaja ~Kukaan}"
FILLED = {
    "title": "Vieras otsikko", "body": "Vieras teksti.", "note": "Vieras versio", "alt": "Vieras kuva",
    "text": GIFT, "file_format": "gift", "language": "en",
}


def _launch_id(page) -> str:
    return re.search(r"/l/([\w-]+)/", page.url).group(1)


def _csrf(browser, url: str) -> str:
    return next(f.fields["csrf_token"] for f in forms_in(browser.get(url).text) if "csrf_token" in f.fields)


def _site_a(site, release_dir):
    """Site A (the development platform): a trainer adapts Suomalainen työelämä, puts an
    image in its first page, publishes it; then the original changes (an upstream change)
    and a newer release of it is loaded (a page added, one retired, a question changed)."""
    browser = site.browser()
    launch_id = _launch_id(launch(browser, TRAINER, WORKING_LIFE).page)
    base = site.url + f"/l/{launch_id}"
    with site.app.app_context():
        shipped_id = db.session.execute(select(Module.id).where(Module.slug == "finnish-working-life")).scalar_one()
    adapted = browser.post(base + "/library/adapt", data={"csrf_token": _csrf(browser, base + "/library"),
                                                          "module_id": shipped_id}, allow_redirects=False)
    assert adapted.status_code == 303
    with site.app.app_context():
        own = db.session.execute(select(LibraryModule)).scalar_one()
        module_id, slug = own.id, own.slug
        page = db.session.execute(
            select(DraftPage).where(DraftPage.library_module_id == module_id).order_by(DraftPage.position)
        ).scalars().first()
        question = db.session.execute(
            select(DraftQuestion.id).where(DraftQuestion.library_module_id == module_id)
        ).scalars().first()
        page_id, page_slug = page.id, page.slug
    csrf = _csrf(browser, base + f"/library/page/{page_id}/fi")
    stored = browser.post(base + f"/library/page/{page_id}/fi/image", data={"csrf_token": csrf, "alt": "Kuva"},
                          files={"file": ("k.png", files.png(), "image/png")}, headers={"Accept": "application/json"})
    assert stored.status_code == 201, stored.text
    published = browser.post(base + f"/library/{module_id}/publish", data={"csrf_token": csrf, "note": "1"},
                             allow_redirects=False)
    assert published.status_code == 303
    with site.app.app_context():
        text = db.session.execute(
            select(PageText).join(Page).join(Module).where(
                Module.slug == "finnish-working-life", Page.slug == page_slug, PageText.language == "fi")
        ).scalar_one()
        text.body_markdown += "\n\nUusi kappale alkuperäisessä."
        db.session.commit()
        published_id = db.session.execute(select(Module.id).where(Module.slug == slug)).scalar_one()
    content_load(site.app, newer_release(release_dir))
    with site.app.app_context():
        added = db.session.execute(select(Page.id).join(Module).where(
            Module.slug == "finnish-working-life", Page.slug == "first-day")).scalar_one()
        retired = db.session.execute(select(DraftPage.id).where(
            DraftPage.library_module_id == module_id, DraftPage.slug == RETIRED_PAGE)).scalar_one()
    return {
        "module_id": module_id, "page_id": page_id, "question_id": question, "number": 1, "seed": 1,
        "key": stored.json()["src"].removeprefix("/media/"), "module_slug": slug, "page_slug": page_slug,
        "language": "fi", "kind": "single", "published_id": published_id, "idnumber": CHANGED_QUESTION,
        # The ids a route of the newer release's offers names instead of the ones above.
        "by_route": {"authoring.decide_added_page": {"page_id": added},
                     "authoring.decide_retired_page": {"page_id": retired}},
    }


def _rules(app):
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("authoring.")]
    unclassified = [r.rule for r in rules if not set(r.arguments) & ID_ARGUMENTS and r.endpoint not in WITHOUT_IDS]
    assert not unclassified, f"a route without ids: add it to WITHOUT_IDS with its own check: {unclassified}"
    return [
        (method, rule) for rule in sorted(rules, key=lambda r: r.rule) if rule.endpoint not in WITHOUT_IDS
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    ]


def _path(rule, launch_id: str, ids: dict) -> str:
    path = rule.rule.replace("<launch_id>", launch_id)
    ids = {**ids, **ids.get("by_route", {}).get(rule.endpoint, {})}
    if "translation" in rule.rule:  # Finnish is the source: a translation file is of another language
        ids = {**ids, "language": "en"}
    for name in rule.arguments - {"launch_id"}:
        path = re.sub(rf"<(?:\w+:)?{name}>", str(ids[name]), path)
    return path + ("?older=1&newer=1" if rule.endpoint == "authoring.compare" else "")


def _offered_forms(browser, site, launch_id: str, a: dict) -> dict[str, dict]:
    """The forms A's pages offer (their fields by action path, the launch left out)."""
    base = f"/l/{launch_id}/library"
    m, p, q = a["module_id"], a["page_id"], a["question_id"]
    pages = [f"/{m}/", f"/page/{p}/fi", f"/page/{p}/en", f"/{m}/quiz/", f"/{m}/quiz/{q}/fi", f"/{m}/quiz/new/single",
             f"/{m}/images", f"/{m}/quiz-settings", f"/{m}/preview/fi/m/{a['module_slug']}/",
             f"/{m}/preview/fi/quiz/", f"/{m}/preview/fi/quiz/1"]
    offered = {}
    for path in pages:
        answer = browser.get(site.url + base + path)
        assert answer.status_code == 200, path
        for form in forms_in(answer.text):
            action = urlsplit(urljoin(answer.url, form.action)).path  # "": the page's own address
            offered.setdefault(action.split(launch_id, 1)[-1], form.fields)
    return offered


def _request(browser, site, method: str, rule, path: str, offered: dict, csrf: str):
    if method == "GET":
        return browser.get(site.url + path, allow_redirects=False)
    fields = dict(offered.get("/" + path.split("?")[0].split("/", 3)[3], {}))  # "/library/..."
    data = {**fields, **{k: v for k, v in FILLED.items() if not fields.get(k)}, "csrf_token": csrf}
    data.update(EXTRA.get(rule.endpoint, {}))
    if rule.endpoint in ACTIONS:
        data["action"] = ACTIONS[rule.endpoint]
    upload = None
    if rule.endpoint == "authoring.upload_image":
        upload = {"file": ("k.png", files.png(12, 12, (9, 9, 9)), "image/png")}
    elif rule.endpoint == "authoring.import_translation":
        upload = {"file": ("m.po", 'msgid ""\nmsgstr ""\n"Language: en\\n"\n'.encode())}
    return browser.post(site.url + path, data=data, files=upload, allow_redirects=False)


def _why(answer) -> str:
    """A refused or failed answer's reason, for an assertion's message."""
    found = re.findall(r"<code>(\w+)</code>|role=\"alert\"[^>]*>\s*([^<]+)", answer.text)
    return str(found[:3]) if found else answer.text[:300]


def _contents(site) -> dict[str, list[tuple]]:
    """Every row of every table, to compare before and after: an update shows too, not
    only a row added or deleted."""
    with site.app.app_context():
        return {
            table.name: sorted(map(repr, db.session.execute(select(table)).all()))
            for table in db.metadata.sorted_tables
        }


def _refused_everywhere(site, browser, launch_id: str, csrf: str, ids: dict, offered: dict, statuses: set[int],
                        only=None) -> int:
    asked, everything = 0, _contents(site)
    for method, rule in _rules(site.app):
        if only is not None and not only(rule):
            continue
        path = _path(rule, launch_id, ids)
        before = site.row_counts()
        answer = _request(browser, site, method, rule, path, offered, csrf)
        assert answer.status_code in statuses, (method, rule.rule, answer.status_code, _why(answer))
        assert site.row_counts() == before, (method, rule.rule, "wrote to the database")
        asked += 1
    after = _contents(site)
    assert after == everything, [name for name in after if after[name] != everything[name]]
    return asked


def test_every_authoring_route_refuses_another_sites_ids_and_learners_and_lets_coordinators_in(
    shipped_release, tmp_path
):
    site = shipped_release
    a = _site_a(site, tmp_path)
    coordinator = site.browser()
    coordinator_launch = _launch_id(launch(coordinator, COORDINATOR, WORKING_LIFE).page)
    offered = _offered_forms(coordinator, site, coordinator_launch, a)

    # Site B's trainer, with A's ids; then with B's own module beside A's other ids.
    register_second_site(site)
    b_browser, b_launch, _ = launch_on_second_site(site, TRAINER, WORKING_LIFE)
    b_csrf = _csrf(b_browser, site.url + f"/l/{b_launch}/library")
    asked = _refused_everywhere(site, b_browser, b_launch, b_csrf, a, offered, {403, 404})
    assert asked >= 30  # every method of every route with ids (32 today)
    assert set(REQUIRED) <= {(m, r.endpoint) for m, r in _rules(site.app)}
    with site.app.app_context():
        shipped_id = db.session.execute(select(Module.id).where(Module.slug == "finnish-working-life")).scalar_one()
    own = b_browser.post(site.url + f"/l/{b_launch}/library/adapt", data={"csrf_token": b_csrf, "module_id": shipped_id},
                         allow_redirects=False)
    assert own.status_code == 303
    b_module = int(re.search(r"/library/(\d+)/", own.headers["Location"]).group(1))
    mixed = {**a, "module_id": b_module}
    _refused_everywhere(site, b_browser, b_launch, b_csrf, mixed, offered, {403, 404},
                        only=lambda r: "module_id" in r.arguments and r.arguments & PARTS)

    # The routes without ids: A's module is neither listed nor adaptable by B.
    library = b_browser.get(site.url + f"/l/{b_launch}/library")
    assert library.status_code == 200 and a["module_slug"] not in library.text
    assert f"/library/{a['module_id']}/" not in library.text
    before = site.row_counts()
    taken = b_browser.post(site.url + f"/l/{b_launch}/library/adapt",
                           data={"csrf_token": b_csrf, "module_id": a["published_id"]})
    assert taken.status_code == 404 and site.row_counts() == before

    # A's learner: refused everywhere, nothing written.
    learner = site.browser()
    learner_page = launch(learner, PARTICIPANT, WORKING_LIFE).page
    learner_csrf = next(f.fields["csrf_token"] for f in forms_in(learner_page.text) if "csrf_token" in f.fields)
    _refused_everywhere(site, learner, _launch_id(learner_page), learner_csrf, a, offered, {403})

    # A's coordinator: let through everywhere, as A's trainers are.
    coordinator_csrf = _csrf(coordinator, site.url + f"/l/{coordinator_launch}/library")
    for method, rule in _rules(site.app):
        answer = _request(coordinator, site, method, rule, _path(rule, coordinator_launch, a), offered,
                          coordinator_csrf)
        assert answer.status_code in (200, 201, 303, 409), (method, rule.rule, answer.status_code,
                                                            _why(answer))


@pytest.mark.parametrize("who", ["other_site", "same_site"])
def test_a_translation_file_is_imported_only_into_the_sites_own_module(sites, who):
    """translation_files.import_file, the service itself: another site's module is not
    there for it, and nothing is written."""
    import io

    from babel.messages.pofile import read_po, write_po
    from sqlalchemy import func

    from authoring import library, translation_files
    from authoring.models import DraftText, TextRevision
    from tests.authoring.conftest import shipped

    app, site, other = sites
    with app.app_context():
        lm = library.adapt(site, shipped(), None)
        _, data = translation_files.export_file(site, lm.id, "en")
        catalog = read_po(io.BytesIO(data))
        title = next(m for m in catalog if m.context == "module/title")
        title.string, out = "Finnish working life, our own", io.BytesIO()
        write_po(out, catalog)
        translated = out.getvalue()

        def written():
            db.session.expire_all()
            return (db.session.execute(select(func.count()).select_from(TextRevision)).scalar_one(),
                    db.session.execute(select(func.sum(DraftText.revision))).scalar_one(),
                    db.session.get(LibraryModule, lm.id).title)

        before = written()
        if who == "other_site":
            with pytest.raises(library.NotInLibrary):
                translation_files.import_file(other, lm.id, "en", translated, None)
            assert written() == before
        else:  # the same file placed into the site's own module: the refusal above is the site's
            outcome = translation_files.import_file(site, lm.id, "en", translated, None)
            assert outcome.placed == ("module/title",) and written() != before
