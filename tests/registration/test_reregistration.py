"""Registering a platform again never silently replaces a registration in use: another
set of addresses or a known client id with another deployment is refused and writes
nothing; Moodle's "update existing" keeps the one registration, whose activities go on
working; "register as a new external tool" adds one."""

from __future__ import annotations

from sqlalchemy import select, update

from courses.database import db
from lti_tool.registration.models import RegistrationInvitation
from lti_tool.registry.models import Deployment, Platform, PlatformClient
from tests.browser import forms_in
from tests.grades.helpers import cell, complete_module, drain
from tests.lti import PARTICIPANT, launch
from tests.registration.helpers import (
    admin_browser,
    invite,
    open_registration,
    platform_clients,
    register,
    start_registration,
    tool_types,
)


def _issuer(site):
    return site.url + "/devplatform"


def _invitation(site, url):
    from lti_tool.registration.invitations import secret_hash

    with site.app.app_context():
        return db.session.execute(
            select(RegistrationInvitation).where(
                RegistrationInvitation.secret_hash == secret_hash(url.rsplit("/", 1)[1])
            )
        ).scalar_one()


def _stored_platform(site):
    with site.app.app_context():
        platform = db.session.execute(
            select(Platform).where(Platform.issuer == _issuer(site))
        ).scalar_one()
        return (platform.name, platform.auth_login_url, platform.auth_token_url, platform.key_set_url)


def _platform_types(site):
    return [(t.id, t.client_id, t.state, t.name) for t in tool_types(site)]


def _move_token_endpoint(site, url):
    """The tool's record of the platform names another token endpoint than the
    platform's configuration now does."""
    with site.app.app_context():
        db.session.execute(
            update(Platform).where(Platform.issuer == _issuer(site)).values(auth_token_url=url)
        )
        db.session.commit()


def test_a_registration_naming_other_addresses_is_refused_and_keeps_the_invitation(site):
    browser = admin_browser(site)
    first = register(site, browser, invite(site, "Opisto A"))
    url = invite(site, "Opisto A, uusi")
    page = open_registration(browser, url)  # asked while the addresses still agreed
    assert page.status_code == 200
    _move_token_endpoint(site, _issuer(site) + "/old-token")
    before, types = site.row_counts(), _platform_types(site)
    stored = _stored_platform(site)

    refused = browser.submit(page)
    assert refused.status_code == 409 and "<code>platform_changed</code>" in refused.text
    assert "registered with other addresses" in refused.text and "Nothing was changed" in refused.text
    # Nothing written here, nothing created on the platform: the check comes before the
    # registration is posted.
    assert site.row_counts() == before and _platform_types(site) == types
    assert _stored_platform(site) == stored
    assert platform_clients(site, _issuer(site)) == [
        ("kotopaikka-dev-client", ["1"]),
        (first.client_id, [first.deployment_id]),
    ]
    assert _invitation(site, url).status == "open"  # not used up
    # Opened again, the page refuses at once, in the administrator's language.
    again = open_registration(admin_browser(site, "fi"), url)
    assert again.status_code == 409 and "<code>platform_changed</code>" in again.text
    assert "Tämä alusta on rekisteröity eri osoitteilla." in again.text
    assert site.row_counts() == before and _platform_types(site) == types

    # Once the addresses agree again, the same invitation registers.
    _move_token_endpoint(site, _issuer(site) + "/token")
    second = register(site, browser, url)
    assert second.client_id != first.client_id
    assert _invitation(site, url).status == "used"


def test_a_known_client_id_answered_with_another_deployment_is_refused(site):
    browser = admin_browser(site)
    first = register(site, browser, invite(site))
    # The tool knows this client id with another deployment (added by hand, say).
    with site.app.app_context():
        client = db.session.execute(
            select(PlatformClient).where(PlatformClient.client_id == first.client_id)
        ).scalar_one()
        db.session.execute(
            update(Deployment).where(Deployment.client_pk == client.id).values(deployment_id="99")
        )
        db.session.commit()
    url = invite(site, "Päivitys")
    page = open_registration(browser, url, choose=first.type_id)  # Moodle: "Update"
    before = site.row_counts()
    refused = browser.submit(page)
    assert refused.status_code == 409 and "<code>deployment_changed</code>" in refused.text
    assert "another deployment" in refused.text
    assert site.row_counts() == before
    assert dict(platform_clients(site, _issuer(site)))[first.client_id] == ["99"]
    assert _invitation(site, url).status == "open"


def test_update_existing_keeps_the_one_registration_whose_launches_and_scores_work(quizzes):
    site = quizzes
    browser = admin_browser(site)
    first = register(site, browser, invite(site, "Opisto A"))
    launched = launch(admin_browser(site), PARTICIPANT, "101:301", tool=first.client_id)
    assert launched.page is not None and launched.page.status_code == 200
    clients, types = platform_clients(site, _issuer(site)), _platform_types(site)

    # "Add LTI Advantage" again: a tool on the same host exists, so the platform asks.
    finnish = admin_browser(site, "fi")
    url = invite(site, "Opisto A, päivitys")
    choice = finnish.get(
        finnish.url("/devplatform/tools/start-registration"),
        params={"url": url},
        allow_redirects=False,
    )
    assert choice.status_code == 200 and first.client_id in choice.text
    assert "Register as a new external tool" in choice.text
    assert sorted(f.fields["type"] for f in forms_in(choice.text)) == ["0", str(first.type_id)]
    start = start_registration(finnish, url, choose=first.type_id)
    page = finnish.get(start.headers["Location"], allow_redirects=False)
    assert page.status_code == 200
    assert "Opisto A, päivitys" in page.text
    assert "Tällä alustalla on jo 2 Kotopaikan rekisteröintiä." in page.text
    done = finnish.submit(page)
    assert done.status_code == 200, done.text
    # In the administrator's language: updated, nothing replaced, activities keep working.
    assert "Kotopaikan rekisteröinti on päivitetty" in done.text
    assert "aktiviteetit toimivat edelleen" in done.text
    assert first.client_id in done.text and "registration.js" in done.text

    # One registration still, on both sides: the platform kept its type (id, client id,
    # state), the tool its client and deployment; the invitation is used for it.
    assert _platform_types(site) == types and types[0][2] == "configured"
    assert platform_clients(site, _issuer(site)) == clients
    invitation = _invitation(site, url)
    assert invitation.status == "used" and invitation.client_id == first.client_id
    with site.app.app_context():
        client = db.session.execute(
            select(PlatformClient).where(PlatformClient.client_id == first.client_id)
        ).scalar_one()
        assert invitation.platform_client_pk == client.id

    # Its activities keep working: a launch, and a score with a token for the same client.
    complete_module(site, PARTICIPANT, "101:301", tool=first.client_id)
    drain(site.app)
    final = cell(site.app, "101", "301", PARTICIPANT)
    assert final is not None and final.grading_progress == "FullyGraded" and final.grade == 100.0

    # "Register as a new external tool" instead adds a second client, the first untouched.
    second = register(site, browser, invite(site, "Opisto A, toinen"))
    assert second.client_id != first.client_id and len(tool_types(site)) == 2
    assert platform_clients(site, _issuer(site)) == [*clients, (second.client_id, [second.deployment_id])]


def test_the_page_names_the_invitation_and_the_registrations_already_there(site):
    from lti_tool.registry.services import remove_registration

    with site.app.app_context():
        remove_registration(_issuer(site))  # a platform the tool has never seen
    browser = admin_browser(site)
    url = invite(site, "Esimerkin aikuisopisto")
    page = open_registration(browser, url)
    assert "This registration was prepared for: Esimerkin aikuisopisto" in page.text
    assert "already has" not in page.text
    register(site, browser, url)
    page = open_registration(browser, invite(site))
    assert "This platform already has 1 registration with Kotopaikka." in page.text
    assert "Nothing in it is replaced" in page.text
    register(site, browser, invite(site))
    page = open_registration(browser, invite(site))
    assert "This platform already has 2 registrations with Kotopaikka." in page.text
    assert "Nothing in them is replaced" in page.text
