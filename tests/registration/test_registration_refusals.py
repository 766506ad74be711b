"""Only an invited URL registers, only with a configuration from the issuer's own site,
and every refusal is a clear page that wrote nothing, here or on the platform."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import update

from courses.database import db, utcnow
from lti_tool.registration.models import RegistrationInvitation
from tests.browser import forms_in
from tests.grades.helpers import inject
from tests.registration.helpers import (
    admin_browser,
    invite,
    open_registration,
    register,
    tool_types,
)


def _nothing_written(site, before):
    assert site.row_counts() == before
    assert tool_types(site) == []


def _registration_params(site, browser, tool_url):
    start = browser.get(
        browser.url("/devplatform/tools/start-registration"),
        params={"url": tool_url},
        allow_redirects=False,
    )
    return {k: v[0] for k, v in parse_qs(urlsplit(start.headers["Location"]).query).items()}


def test_an_uninvited_url_registers_nothing(site):
    browser = admin_browser(site)
    invite(site)  # another invitation exists; this URL is not it
    before = site.row_counts()
    made_up = f"{site.url}/lti/register/{'A' * 43}"
    page = open_registration(browser, made_up)
    assert (
        page.status_code == 404 and "not valid" in page.text and "<code>unknown</code>" in page.text
    )
    params = _registration_params(site, browser, made_up)
    posted = browser.post(made_up, data={**params, "csrf_token": "x"}, allow_redirects=False)
    assert posted.status_code == 404
    assert open_registration(browser, f"{site.url}/lti/register/short").status_code == 404
    finnish = open_registration(admin_browser(site, "fi"), made_up)
    assert "Tämä rekisteröintilinkki ei ole voimassa." in finnish.text  # in the admin's language
    _nothing_written(site, before)


def test_an_invitation_is_used_once(site):
    browser = admin_browser(site)
    url = invite(site)
    register(site, browser, url)
    before = site.row_counts()
    again = open_registration(browser, url)
    assert again.status_code == 409 and "already been used" in again.text
    assert site.row_counts() == before and len(tool_types(site)) == 1


def test_a_confirmation_after_the_invitation_was_used_registers_nothing(site):
    browser = admin_browser(site)
    url = invite(site)
    first, second = open_registration(browser, url), open_registration(browser, url)
    assert browser.submit(first).status_code == 200
    before = site.row_counts()
    late = browser.submit(second)
    assert late.status_code == 409
    assert site.row_counts() == before and len(tool_types(site)) == 1  # Moodle got nothing either


@pytest.mark.parametrize(
    "status, change",
    [
        ("expired", {"expires_at": utcnow() - timedelta(minutes=1)}),
        ("revoked", {"revoked_at": utcnow()}),
    ],
)
def test_expired_and_revoked_invitations_are_refused(site, status, change):
    url = invite(site)
    with site.app.app_context():
        db.session.execute(update(RegistrationInvitation).values(**change))
        db.session.commit()
    before = site.row_counts()
    page = open_registration(admin_browser(site), url)
    assert page.status_code == 410
    assert ("expired" if status == "expired" else "withdrawn") in page.text
    _nothing_written(site, before)


def test_an_invitation_expiring_between_page_and_confirmation_registers_nothing(site):
    browser = admin_browser(site)
    page = open_registration(browser, invite(site))
    with site.app.app_context():
        db.session.execute(
            update(RegistrationInvitation).values(expires_at=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()
    before = site.row_counts()
    assert browser.submit(page).status_code == 410
    _nothing_written(site, before)


def test_a_configuration_on_another_host_is_refused(site):
    browser = admin_browser(site)
    url = invite(site)
    params = _registration_params(site, browser, url)
    before = site.row_counts()
    # localhost serves the same platform, whose issuer names 127.0.0.1: not the same site.
    other = params["openid_configuration"].replace("127.0.0.1", "localhost")
    page = browser.get(url, params={**params, "openid_configuration": other}, allow_redirects=False)
    assert page.status_code == 400 and "<code>issuer_mismatch</code>" in page.text
    # Plain http to anywhere but this machine is never fetched (the test guard would fail).
    for refused in (
        "http://moodle.example/mod/lti/openid-configuration.php",
        "ftp://127.0.0.1/x",
        "not a url",
    ):
        page = browser.get(
            url, params={**params, "openid_configuration": refused}, allow_redirects=False
        )
        assert page.status_code == 400 and "<code>config_url_refused</code>" in page.text, refused
    _nothing_written(site, before)


@pytest.mark.parametrize(
    "mode, seconds", [("slow", 2.5), ("huge", 0), ("garbage", 0), ("status500", 0)]
)
def test_a_configuration_that_is_slow_huge_or_broken_is_refused_cleanly(site, mode, seconds):
    url = invite(site)
    inject(site.app, "configuration", mode, seconds=seconds)
    before = site.row_counts()
    page = open_registration(admin_browser(site), url)
    assert page.status_code == 502, page.text
    assert "could not be fetched" in page.text or "not valid" in page.text
    _nothing_written(site, before)


def test_the_platform_refusing_the_registration_writes_nothing_and_keeps_the_invitation(site):
    browser = admin_browser(site)
    url = invite(site)
    page = open_registration(browser, url)
    inject(site.app, "registration", "status500")
    before = site.row_counts()
    refused = browser.submit(page)
    assert refused.status_code == 502 and "<code>registration_refused</code>" in refused.text
    _nothing_written(site, before)
    register(site, browser, url)  # the invitation still works


def test_a_used_registration_token_is_refused_by_the_platform(site):
    browser = admin_browser(site)
    page = open_registration(browser, invite(site))
    token = forms_in(page.text)[0].fields["registration_token"]
    assert browser.submit(page).status_code == 200
    # The same token with a new invitation: Moodle answers 401 token_already_used.
    second = open_registration(browser, invite(site))
    form = forms_in(second.text)[0]
    before = site.row_counts()
    second_url = urlsplit(second.url)
    replay = browser.get(
        f"{site.url}{second_url.path}",
        params={
            "openid_configuration": form.fields["openid_configuration"],
            "registration_token": token,
        },
        allow_redirects=False,
    )
    answer = browser.submit(replay)
    assert answer.status_code == 502 and "<code>registration_refused</code>" in answer.text
    assert site.row_counts() == before and len(tool_types(site)) == 1


def test_a_forged_or_cross_site_confirmation_is_refused(site):
    browser = admin_browser(site)
    page = open_registration(browser, invite(site))
    before = site.row_counts()
    assert browser.submit(page, csrf_token="forged").status_code == 400
    form = forms_in(page.text)[0]
    # The token is bound to the registration token: another one does not fit it.
    assert (
        browser.submit(page, registration_token=form.fields["registration_token"] + "x").status_code
        == 400
    )
    cross = browser.post(
        page.url.split("?")[0],
        data=form.fields,
        headers={"Origin": "https://evil.example"},
        allow_redirects=False,
    )
    assert cross.status_code == 400
    _nothing_written(site, before)


def test_without_the_platform_parameters_the_page_explains_where_to_paste_it(site):
    page = admin_browser(site).get(invite(site), allow_redirects=False)
    assert page.status_code == 400 and "Add LTI Advantage" in page.text
