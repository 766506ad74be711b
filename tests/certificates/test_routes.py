"""Certificates through real launches: who gets one, what it says, who can check it."""

from __future__ import annotations

import re

from babel.dates import format_date
from sqlalchemy import func, select

from certificates.models import Certificate
from courses.database import db
from tests.browser import forms_in
from tests.certificates.helpers import COMPLETED_AT, complete_modules, launch_path, pdf_text
from tests.learning.helpers import walk_module
from tests.lti import PARTICIPANT, PARTICIPANT_RU, TRAINER, launch, pending_launch, sign_as_platform

CODE = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")
FI_MODULES = ["Suomalainen työelämä", "Työnhaku", "Suomen kieli työssä"]


def _certificates(site) -> int:
    with site.app.app_context():
        return db.session.execute(select(func.count()).select_from(Certificate)).scalar_one()


def _get(browser, path):
    return browser.get(browser.url(path), allow_redirects=False)


def test_a_learner_who_has_not_completed_gets_a_clear_403(site):
    browser = site.browser()
    path = launch_path(launch(browser))
    complete_modules(site.app, PARTICIPANT, only=["finnish-working-life"])
    answer = _get(browser, path + "/certificate")
    assert answer.status_code == 403
    assert "<code>programme_not_completed</code>" in answer.text
    assert _certificates(site) == 0
    overview = _get(browser, path + "/programme")
    assert "/certificate" not in overview.text


def test_a_finnish_learner_downloads_the_same_certificate_twice(site):
    browser = site.browser()
    path = launch_path(launch(browser))
    complete_modules(site.app, PARTICIPANT)
    overview = _get(browser, path + "/programme")
    assert 'id="programme-certificate"' in overview.text
    first = _get(browser, path + "/certificate")
    assert first.status_code == 200, first.text
    assert first.headers["Content-Type"] == "application/pdf"
    assert first.headers["Content-Disposition"].startswith("attachment;")
    text = pdf_text(first.content)
    assert "Demo Osallistuja" in text and "Avaimet työelämään" in text
    assert all(title in text for title in FI_MODULES)
    assert format_date(COMPLETED_AT.date(), "long", locale="fi") in text
    assert "Kotopaikka development platform" in text
    assert text.count("Todistus") == 1  # Finnish only once
    (code,) = set(CODE.findall(text))
    again = pdf_text(_get(browser, path + "/certificate").content)
    assert set(CODE.findall(again)) == {code}
    assert _certificates(site) == 1


def test_without_a_name_claim_the_given_and_family_names_are_used_and_without_any_it_is_refused(site):
    browser = site.browser()
    pending = pending_launch(browser)
    claims = pending.claims(name=None, given_name="Dana", family_name="Demola")
    path = pending.post(sign_as_platform(site.app, claims)).headers["Content-Location"].rstrip("/")
    complete_modules(site.app, PARTICIPANT)
    answer = _get(browser, path + "/certificate")
    assert answer.status_code == 200, answer.text  # was a 500: the session has no given name
    assert "Dana Demola" in pdf_text(answer.content)
    nameless = site.browser()
    pending = pending_launch(nameless, PARTICIPANT_RU)
    claims = pending.claims(name=None, given_name=None, family_name=None)
    path = pending.post(sign_as_platform(site.app, claims)).headers["Content-Location"].rstrip("/")
    complete_modules(site.app, PARTICIPANT_RU)
    refused = _get(nameless, path + "/certificate")
    assert refused.status_code // 100 == 4 and "<code>name_not_shared</code>" in refused.text
    assert _certificates(site) == 1


def test_a_russian_learner_gets_it_in_russian_and_finnish(site):
    browser = site.browser()
    pending = pending_launch(browser, PARTICIPANT_RU)
    claims = pending.claims(name="Дарья Демонстрова")
    answer = pending.post(sign_as_platform(site.app, claims))
    assert answer.status_code == 200, answer.text
    path = answer.headers["Content-Location"].rstrip("/")
    complete_modules(site.app, PARTICIPANT_RU)
    text = pdf_text(_get(browser, path + "/certificate").content)
    assert text.count("Дарья Демонстрова") == 2
    assert "Ключи к трудовой жизни" in text  # the programme's Russian title
    assert "Avaimet työelämään" in text and all(t in text for t in FI_MODULES)
    assert "Поиск работы" in text  # a module's Russian title
    assert format_date(COMPLETED_AT.date(), "long", locale="ru") in text
    assert format_date(COMPLETED_AT.date(), "long", locale="fi") in text
    assert "Сертификат" in text and "Todistus" in text
    assert text.index("Сертификат") < text.index("Todistus")
    codes = CODE.findall(text)
    assert len(set(codes)) == 1 and len(codes) >= 2


def test_another_learners_certificate_is_unreachable(site):
    owner, other = site.browser(), site.browser()
    owner_path = launch_path(launch(owner))
    complete_modules(site.app, PARTICIPANT)
    assert _get(owner, owner_path + "/certificate").status_code == 200
    other_path = launch_path(launch(other, PARTICIPANT_RU))
    # The other learner's own launch gives only their own (not earned) certificate...
    assert _get(other, other_path + "/certificate").status_code == 403
    # ... and the owner's launch address does not open in another browser.
    stolen = _get(other, owner_path + "/certificate")
    assert stolen.status_code == 403 and "<code>session_not_yours</code>" in stolen.text
    assert _certificates(site) == 1


def test_a_trainer_cannot_fetch_a_certificate(site):
    learner = site.browser()
    launch(learner)
    complete_modules(site.app, PARTICIPANT)
    trainer = site.browser()
    path = launch_path(launch(trainer, TRAINER))
    for address in ("/certificate", "/m/finnish-working-life/certificate"):
        answer = _get(trainer, path + address)
        assert answer.status_code == 403 and "<code>learners_only</code>" in answer.text
        assert "%PDF" not in answer.text
    assert _certificates(site) == 0


def _issued_code(site) -> str:
    browser = site.browser()
    path = launch_path(launch(browser))
    complete_modules(site.app, PARTICIPANT)
    (code,) = set(CODE.findall(pdf_text(_get(browser, path + "/certificate").content)))
    return code


def test_verification_shows_only_the_safe_facts(site):
    code = _issued_code(site)
    visitor = site.browser()
    visitor.headers["Accept-Language"] = "en"
    page = visitor.get(visitor.url("/verify/" + code))
    assert page.status_code == 200
    assert "This certificate is valid" in page.text
    assert "Avaimet työelämään" in page.text and all(t in page.text for t in FI_MODULES)
    assert "Kotopaikka development platform" in page.text
    assert "D. O." in page.text
    for private in (
        "Osallistuja",
        "osallistuja@example.invalid",
        "kevät 2026",
        "AVAIMET",
        "devplatform",
    ):
        assert private not in page.text
    assert page.headers["X-Robots-Tag"].startswith("noindex")
    assert page.headers["Referrer-Policy"] == "no-referrer"
    lower = visitor.get(visitor.url("/verify/" + code.lower().replace("-", "")))
    assert lower.status_code == 200
    matches = visitor.get(visitor.url(f"/verify/{code}"), params={"name": " demo  OSALLISTUJA "})
    assert "The name matches the certificate." in matches.text
    other = visitor.get(visitor.url(f"/verify/{code}"), params={"name": "Demo Someone"})
    assert "The name does not match the certificate." in other.text


def test_an_unknown_code_is_not_found_and_reveals_nothing(site):
    code = _issued_code(site)
    visitor = site.browser()
    unknown = "ZZZZ-ZZZZ-ZZZZ-ZZZZ" if code != "ZZZZ-ZZZZ-ZZZZ-ZZZZ" else "YYYY-YYYY-YYYY-YYYY"
    page = visitor.get(visitor.url("/verify/" + unknown), headers={"Accept-Language": "en"})
    assert page.status_code == 404
    assert "No certificate has this code" in page.text
    assert "Avaimet" not in page.text and "development platform" not in page.text
    typed = visitor.get(visitor.url("/verify"), params={"code": "nonsense"}, allow_redirects=False)
    assert typed.status_code == 303
    assert visitor.get(visitor.url(typed.headers["Location"])).status_code == 404
    form = visitor.get(visitor.url("/verify"), params={"code": code.lower()}, allow_redirects=False)
    assert form.headers["Location"].endswith("/verify/" + code)


def test_a_course_can_give_a_certificate_per_module(site):
    learner = site.browser()
    result = launch(learner)
    path = launch_path(result)
    walk_module(learner, result.page)  # the module's pages, all read: completed
    refused = _get(learner, path + "/m/finnish-working-life/certificate")
    assert refused.status_code == 404 and "<code>no_module_certificates</code>" in refused.text
    trainer = site.browser()
    trainer_path = launch_path(launch(trainer, TRAINER))
    settings = _get(trainer, trainer_path + "/certificates/settings")
    assert settings.status_code == 200
    (form,) = [f for f in forms_in(settings.text) if f.method == "post"]
    saved = trainer.post(
        trainer.url(trainer_path + "/certificates/settings"),
        data={**form.fields, "earns": "module"},
        allow_redirects=False,
    )
    assert saved.status_code == 303
    forged = trainer.post(
        trainer.url(trainer_path + "/certificates/settings"),
        data={"earns": "programme", "csrf_token": "forged"},
        allow_redirects=False,
    )
    assert forged.status_code == 400
    learner_settings = _get(learner, path + "/certificates/settings")
    assert learner_settings.status_code == 403
    overview = _get(learner, path + "/programme")
    assert "/m/finnish-working-life/certificate" in overview.text
    assert "/m/job-search/certificate" not in overview.text
    pdf = _get(learner, path + "/m/finnish-working-life/certificate")
    assert pdf.status_code == 200
    text = pdf_text(pdf.content)
    assert "Suomalainen työelämä" in text and "Työnhaku" not in text
    not_done = _get(learner, path + "/m/job-search/certificate")
    assert not_done.status_code == 403 and "<code>module_not_completed</code>" in not_done.text


def test_the_programme_page_shows_progress_and_the_next_step(site):
    browser = site.browser()
    path = launch_path(launch(browser))
    complete_modules(site.app, PARTICIPANT, only=["finnish-working-life"])
    page = _get(browser, path + "/programme")
    match = re.search(r'<progress id="programme-progress" max="(\d+)" value="(\d+)"', page.text)
    assert match and match.group(2) == "1" and int(match.group(1)) >= 5
    assert f"1 of {match.group(1)} modules completed" in page.text or "1 / " in page.text
    next_step = re.search(r'<a href="([^"]+)" id="next-step">', page.text)
    assert next_step and next_step.group(1).endswith("/m/job-search/")
