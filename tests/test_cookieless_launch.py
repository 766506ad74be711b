"""A launch whose browser kept no cookie in the platform's iframe (Safari; Chrome and
Firefox by setting): checked in full, bound to no browser, continued once by the window
its one-time ticket opens. The same in a real Chromium: tests/test_third_party_cookies.py."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from courses.database import db, utcnow
from lti_tool.launch.models import LaunchSession
from tests.browser import Browser, forms_in
from tests.lti import TRAINER, pending_launch, sign_as_platform


def _cookieless_launch(site, activity: str = "101:301", locale: str | None = None, **who: str):
    """A login and launch from a browser that sends the launch without its cookies."""
    pending = pending_launch(site.browser(), activity=activity, **who)
    pending.browser.cookies.clear()
    changes = {}
    if locale:
        changes["https://purl.imsglobal.org/spec/lti/claim/launch_presentation"] = {
            "locale": locale, "document_target": "iframe"
        }
    token = sign_as_platform(site.app, pending.claims(**changes))
    return pending, token, pending.post(token)


def _ticket_form(response):
    (form,) = [f for f in forms_in(response.text) if f.action.endswith("/lti/continue")]
    return form


def _redeem(site, form, browser: Browser | None = None, **headers: str):
    browser = browser or site.browser()
    headers = {"Origin": site.url, **headers}
    return browser, browser.post(
        site.url + form.action, data=form.fields, headers=headers, allow_redirects=False
    )


def test_a_launch_without_cookies_offers_a_new_window_and_binds_to_no_browser(site, caplog):
    with caplog.at_level(logging.INFO):
        pending, _, page = _cookieless_launch(site)
    assert page.status_code == 200
    assert "Content-Location" not in page.headers  # not the landing page
    assert page.headers["Cache-Control"] == "no-store"
    assert "kp-session" not in page.headers.get("Set-Cookie", "")
    form = _ticket_form(page)
    ticket = form.fields["ticket"]
    assert len(ticket) == 43 and form.fields["lang"] == "fi"
    assert "Demo Osallistuja" in page.text  # whom the new window continues as
    assert not any(ticket in r.getMessage() for r in caplog.records)  # never logged
    with site.app.app_context():
        (row,) = db.session.execute(select(LaunchSession)).scalars().all()
        assert row.ticket_hash is not None and ticket not in (row.ticket_hash, row.browser_key_hash)
        launch_id = row.id
    # Until the ticket is redeemed, no browser, with or without cookies, opens the launch.
    for browser in (pending.browser, site.browser()):
        landing = browser.get(site.url + f"/l/{launch_id}/")
        assert landing.status_code == 403 and "<code>session_not_yours</code>" in landing.text
        # In an iframe (windows.js shows it there only) the page offers itself at top level.
        assert "data-new-window" in landing.text and "Avaa tämä sivu uuteen ikkunaan" in landing.text


def test_the_ticket_opens_the_launch_once_in_the_window_that_redeems_it(site):
    _, _, page = _cookieless_launch(site)
    form = _ticket_form(page)
    window, answer = _redeem(site, form)
    assert answer.status_code == 303
    assert answer.headers["Cache-Control"] == "no-store"
    landing = window.get(site.url + answer.headers["Location"])
    assert landing.status_code == 200
    assert "Suomalainen työelämä" in landing.text
    # The same window goes on as after any launch: the next page too.
    assert window.get(landing.url).status_code == 200

    again_window, again = _redeem(site, form)  # used: refused, nothing changes hands
    assert again.status_code == 403 and "<code>ticket_used</code>" in again.text
    assert "data-close-window" in again.text and "Sulje tämä ikkuna" in again.text  # Finnish
    assert again_window.get(landing.url).status_code == 403
    assert window.get(landing.url).status_code == 200


def test_the_error_pages_speak_the_learners_language(site):
    _, _, page = _cookieless_launch(site, locale="uk")
    form = _ticket_form(page)
    assert form.fields["lang"] == "uk"
    _redeem(site, form)
    _, again = _redeem(site, form, **FINNISH_BROWSER)
    assert 'lang="uk"' in again.text and "<code>ticket_used</code>" in again.text


# The browser asks for Finnish, the default too: a page in the launch's language cannot
# come from the fallback (Accept-Language, else Finnish).
FINNISH_BROWSER = {"Accept-Language": "fi-FI,fi;q=0.9"}
NOT_YOURS = {
    "uk": ("Ця сторінка належить до іншого сеансу браузера.", "Відкрити цю сторінку в новому вікні"),
    "ru": ("Эта страница относится к другому сеансу браузера.", "Открыть эту страницу в новом окне"),
}


def _launch_id(site) -> str:
    with site.app.app_context():
        (launch_id,) = db.session.execute(select(LaunchSession.id)).scalars().all()
        return launch_id


@pytest.mark.parametrize("locale", sorted(NOT_YOURS))
def test_a_page_of_the_launch_is_refused_in_the_launchs_language(site, locale):
    """What a cookie-blocked learner meets in Moodle's iframe: the launch named by the
    URL gives the refusal its language, for a page or a form."""
    pending, _, _ = _cookieless_launch(site, locale=locale)
    base = site.url + f"/l/{_launch_id(site)}"
    title, button = NOT_YOURS[locale]
    for browser in (pending.browser, site.browser()):
        landing = browser.get(base + "/", headers=FINNISH_BROWSER)
        assert landing.status_code == 403 and "<code>session_not_yours</code>" in landing.text
        assert f'<html lang="{locale}">' in landing.text
        assert title in landing.text and button in landing.text
        assert "Tämä sivu kuuluu" not in landing.text  # not the Finnish one
        posted = browser.post(base + "/language", data={"language": "fi"}, headers=FINNISH_BROWSER)
        assert posted.status_code == 403 and f'<html lang="{locale}">' in posted.text
        assert title in posted.text and "data-new-window" not in posted.text  # a GET's only


def test_an_expired_launch_is_refused_in_its_language_and_an_unknown_one_in_the_browsers(site):
    _cookieless_launch(site, locale="ru")
    launch_id = _launch_id(site)
    with site.app.app_context():
        db.session.execute(update(LaunchSession).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    expired = site.browser().get(site.url + f"/l/{launch_id}/", headers=FINNISH_BROWSER)
    assert expired.status_code == 404 and "<code>session_not_found</code>" in expired.text
    assert '<html lang="ru">' in expired.text
    # No launch by that id: nothing to take a language from but the browser's.
    unknown = site.browser().get(site.url + "/l/x/", headers={"Accept-Language": "sv"})
    assert unknown.status_code == 404 and '<html lang="sv">' in unknown.text


def test_a_ticket_expires(site):
    _, _, page = _cookieless_launch(site)
    with site.app.app_context():
        db.session.execute(update(LaunchSession).values(ticket_expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    _, answer = _redeem(site, _ticket_form(page))
    assert answer.status_code == 403 and "<code>ticket_used</code>" in answer.text


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://evil.example"},
        {"Origin": "null"},  # a sandboxed frame, a data: page
        {"Origin": ""},
    ],
)
def test_only_a_page_of_the_tool_redeems_a_ticket(site, headers):
    """A page elsewhere cannot post a ticket into a browser (login CSRF); the refused
    attempt does not use the ticket up."""
    _, _, page = _cookieless_launch(site)
    form = _ticket_form(page)
    _, refused = _redeem(site, form, **headers)
    assert refused.status_code == 403 and "<code>ticket_elsewhere</code>" in refused.text
    without_origin = site.browser().post(
        site.url + form.action, data=form.fields, headers={"Sec-Fetch-Site": "cross-site"},
        allow_redirects=False,
    )
    assert without_origin.status_code == 403 and "<code>ticket_elsewhere</code>" in without_origin.text
    _, answer = _redeem(site, form)
    assert answer.status_code == 303


@pytest.mark.parametrize(
    "ticket", ["", "x" * 42, "x" * 44, "a\x00" * 21 + "a", "ä" * 43, "\ud800" * 43, "x" * 10_000]
)
def test_a_malformed_ticket_is_refused_with_nothing_written(site, ticket):
    _cookieless_launch(site)  # a ticket waits; none of these is it
    before = site.row_counts()
    browser = site.browser()
    answer = browser.post(
        site.url + "/lti/continue",
        data={"ticket": ticket.encode("utf-8", "surrogatepass")},
        headers={"Origin": site.url},
        allow_redirects=False,
    )
    assert answer.status_code == 403 and "<code>ticket_used</code>" in answer.text
    assert site.row_counts() == before


def test_the_id_token_is_still_used_once(site, caplog):
    pending, token, _ = _cookieless_launch(site)
    replay = pending.post(token)
    assert replay.status_code == 403 and "<code>replayed_nonce</code>" in replay.text


def test_storage_access_continues_in_the_frame_with_json(site):
    """What the page's script does where the Storage Access API lets the frame keep
    cookies: the ticket redeemed by fetch, the landing page's address back."""
    _, _, page = _cookieless_launch(site)
    form = _ticket_form(page)
    browser = site.browser()
    answer = browser.post(
        site.url + form.action, data=form.fields,
        headers={"Origin": site.url, "Accept": "application/json"}, allow_redirects=False,
    )
    assert answer.status_code == 200
    address = answer.json()["address"]
    assert browser.get(site.url + address).status_code == 200
    again = browser.post(
        site.url + form.action, data=form.fields,
        headers={"Origin": site.url, "Accept": "application/json"}, allow_redirects=False,
    )
    assert again.status_code == 403 and again.json() == {"error": "ticket_used"}


def test_a_trainer_without_cookies_reaches_the_deep_linking_picker(site):
    """The page in the platform's dialog also carries the deep linking return URL: the
    answer made in the new window comes back to it and is posted from there, inside the
    dialog (windows.js; the browser test follows it through)."""
    _, _, page = _cookieless_launch(site, activity="101:deeplink", user=TRAINER)
    (back,) = [f for f in forms_in(page.text) if f.fields.get("JWT") == ""]
    assert back.action.endswith("/devplatform/deep-link-return/101")
    window, answer = _redeem(site, _ticket_form(page))
    picker = window.get(site.url + answer.headers["Location"])
    assert picker.status_code == 200 and 'name="modules"' in picker.text
