"""A Moodle-like platform registers the tool in one paste, through HTTP end to end:
the invitation, the platform's configuration, the registration, Activate, then a launch,
deep linking and a score with the new client id."""

from __future__ import annotations

import jwt
from sqlalchemy import select

from lti_tool.devplatform import storage
from lti_tool.devplatform.storage import AccessTokenRow
from tests.browser import forms_in
from tests.grades.helpers import cell, complete_module, drain
from tests.lti import PARTICIPANT, TRAINER, begin_login, launch
from tests.registration.helpers import (
    admin_browser,
    invite,
    open_registration,
    platform_clients,
    register,
    tool_types,
)

DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
LTI = "https://purl.imsglobal.org/spec/lti/claim/"


def test_register_activate_then_deep_link_launch_and_score(quizzes):
    site = quizzes
    browser = admin_browser(site)
    page = open_registration(browser, invite(site, "Esimerkin aikuisopisto"))
    assert page.status_code == 200
    # What will be registered, in the admin's language, before anything is written: for
    # whom the invitation was made, the services, what is shared, the Activate step.
    assert "This registration was prepared for: Esimerkin aikuisopisto" in page.text
    assert "Grades" in page.text and "Roster" in page.text and "Deep linking" in page.text
    assert "e-mail" in page.text and "Activate" in page.text
    # Moodle shows the page in its dialog (an iframe): the platform may frame it.
    ancestors = (
        page.headers["Content-Security-Policy"].split("frame-ancestors")[1].split(";")[0].split()
    )
    assert site.url in ancestors
    assert tool_types(site) == []
    registered = register(site, browser, invite(site, "Toinen opisto"), activate=False)
    # The closing page: the pending state explained, and the close message's script.
    assert "pending" in registered.page.text and "registration.js" in registered.page.text
    assert platform_clients(site, site.url + "/devplatform") == [
        ("kotopaikka-dev-client", ["1"]),
        (registered.client_id, [registered.deployment_id]),
    ]
    # Pending: the platform launches nothing with it until an administrator activates it.
    refused = browser.post(
        browser.url("/devplatform/launch"),
        data={"user": PARTICIPANT, "activity": "101:301", "tool": registered.client_id},
    )
    assert refused.status_code == 400
    activated = browser.post(
        browser.url(f"/devplatform/tools/{registered.type_id}/activate"), allow_redirects=False
    )
    assert activated.status_code == 303 and activated.headers["Location"].endswith(
        "/devplatform/tools"
    )

    # Deep linking with the new registration: the answer is signed as its client id.
    trainer = admin_browser(site)
    chooser = launch(trainer, TRAINER, "101:deeplink", tool=registered.client_id)
    assert chooser.page is not None and chooser.page.status_code == 200
    answer = trainer.submit(chooser.page, modules="finnish-working-life")
    token = forms_in(answer.text)[0].fields["JWT"]
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["iss"] == registered.client_id
    assert claims[LTI + "deployment_id"] == registered.deployment_id
    created = trainer.submit(answer)
    assert created.status_code == 200, created.text
    with site.app.app_context():
        (link,) = storage.stored_links("101")

    # The learner completes the new activity; the score reaches the gradebook with a
    # token issued to the new client id.
    complete_module(site, PARTICIPANT, f"101:{link.id}", tool=registered.client_id)
    drain(site.app)
    final = cell(site.app, "101", link.id, PARTICIPANT)
    assert final is not None and final.grading_progress == "FullyGraded" and final.grade == 100.0
    with storage.session(site.app.instance_path) as platform:
        holders = set(platform.execute(select(AccessTokenRow.client_id)).scalars())
    assert holders == {registered.client_id}


def test_a_second_registration_of_the_same_platform_adds_one_and_the_first_still_works(site):
    browser = admin_browser(site)
    first = register(site, browser, invite(site, "Opisto A"))
    second = register(site, browser, invite(site, "Opisto A, toinen"))
    assert first.client_id != second.client_id
    clients = dict(platform_clients(site, site.url + "/devplatform"))
    assert clients[first.client_id] == [first.deployment_id]
    assert clients[second.client_id] == [second.deployment_id]
    for client_id in (first.client_id, second.client_id, "kotopaikka-dev-client"):
        result = launch(admin_browser(site), PARTICIPANT, "101:301", tool=client_id)
        assert result.page is not None and result.page.status_code == 200, client_id
    # The second registration left the platform's name from the first one.
    from lti_tool.registry.services import find_platform

    with site.app.app_context():
        assert find_platform(site.url + "/devplatform").name == "Kotopaikka development platform"


def test_login_with_a_registered_client_uses_its_own_ids(site):
    registered = register(site, admin_browser(site), invite(site))
    login = begin_login(admin_browser(site), PARTICIPANT, "101:301", registered.client_id)
    assert login.status_code == 302
    assert f"client_id={registered.client_id}" in login.headers["Location"]
