"""A second Moodle site that really launches: its own issuer and client id, registered
with the tool, its id_tokens signed with the development platform's key (which the
registration's key set URL serves), so that a trainer of site B has a launch of site B.

The development platform itself knows one issuer; this helper plays the second site's
Moodle: the login initiation, then the id_token its auth.php would post."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from tests.browser import Browser

CLIENT_ID = "second-site"
DEPLOYMENT_ID = "1"


def issuer(site) -> str:  # type: ignore[no-untyped-def]
    return site.url + "/second-moodle"


def register_second_site(site) -> int:  # type: ignore[no-untyped-def]
    """Register site B with the tool; its platform id (the tool's site)."""
    from lti_tool.registry.services import PlatformSpec, add_platform

    with site.app.app_context():
        client, _ = add_platform(
            PlatformSpec(
                issuer=issuer(site), client_id=CLIENT_ID, deployment_id=DEPLOYMENT_ID,
                auth_login_url="https://moodle-b.example/mod/lti/auth.php",  # never reached
                auth_token_url="https://moodle-b.example/mod/lti/token.php",
                key_set_url=site.url + "/devplatform/jwks", name="Second site",
            )
        )
        return client.platform_id


def launch_on_second_site(site, user: str, activity: str) -> tuple[Browser, str, object]:  # type: ignore[no-untyped-def]
    """A browser launched by site B as the development platform's ``user`` in
    ``activity`` ("course:link" or "course:deeplink"); the launch id and the landing page."""
    from lti_tool.devplatform import directory, keys
    from lti_tool.devplatform.claims import LaunchHint, PlatformConfig, id_token_claims
    from lti_tool.devplatform.views import find_link

    browser = site.browser()
    course_id, _, link_id = activity.partition(":")
    hint = (
        LaunchHint(course_id, None, "LtiDeepLinkingRequest") if link_id == "deeplink"
        else LaunchHint(course_id, link_id)
    )
    login = browser.post(site.url + "/lti/login", data={
        "iss": issuer(site), "login_hint": user, "target_link_uri": site.url + "/lti/launch",
        "lti_message_hint": hint.encode(), "client_id": CLIENT_ID, "lti_deployment_id": DEPLOYMENT_ID,
    }, allow_redirects=False)
    assert login.status_code == 302, login.text
    query = {k: v[0] for k, v in parse_qs(urlsplit(login.headers["Location"]).query).items()}
    platform = PlatformConfig(issuer(site), CLIENT_ID, DEPLOYMENT_ID, site.url + "/devplatform")
    link = None if link_id == "deeplink" else find_link(course_id, link_id)
    claims = id_token_claims(
        platform, directory.user(user), directory.course(course_id), link, hint, query["nonce"]
    )
    token = keys.sign(site.app.instance_path, claims)
    page = browser.post(query["redirect_uri"], data={"id_token": token, "state": query["state"]},
                        allow_redirects=False)
    assert page.status_code == 200 and "Content-Location" in page.headers, page.text[:2000]
    address = page.headers["Content-Location"]
    page.url = browser.url(address)
    return browser, address.split("/l/")[1].split("/")[0], page
