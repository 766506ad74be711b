"""The development platform's registration endpoint refuses what Moodle 4.5 refuses, and
the tool's checks of a configuration and of invitations, without the browser."""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests

from lti_tool.registration.client import ToolUrls, registration_request
from lti_tool.registration.errors import RegistrationRefused
from lti_tool.registration.invitations import parse_lifetime
from lti_tool.registration.platform_config import parse_configuration
from tests.registration.helpers import tool_types


def _token(site, type_id=None):
    from lti_tool.devplatform.registration import registration_token

    with site.app.test_request_context():
        return registration_token(type_id=type_id)


def _request(site):
    urls = ToolUrls(site.url + "/lti/launch", site.url + "/lti/login", site.url + "/lti/jwks")
    return registration_request(urls, deep_linking=True)


def _post(site, body, token):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.post(
        site.url + "/devplatform/openid-registration", json=body, headers=headers, timeout=5
    )


TOOL = "https://purl.imsglobal.org/spec/lti-tool-configuration"


@pytest.mark.parametrize(
    "change, status, message",
    [
        (lambda b: b.pop("client_name"), 400, "missing required attribute client_name"),
        (lambda b: b.update(response_types=["code"]), 400, "invalid_response_types"),
        (lambda b: b.update(redirect_uris="http://x/launch"), 400, "invalid_redirect_uris"),
        (
            lambda b: b.update(token_endpoint_auth_method="client_secret_basic"),
            400,
            "invalid_token_endpoint_auth_method",
        ),
        (lambda b: b.update(application_type="native"), 400, "invalid_application_type"),
        (lambda b: b[TOOL].update(domain="elsewhere.example"), 400, "domain_mismatch"),
        (
            lambda b: b[TOOL].pop("target_link_uri"),
            400,
            "missing required attribute target_link_uri",
        ),
    ],
)
def test_the_platform_refuses_registrations_moodle_refuses(site, change, status, message):
    body = _request(site)
    change(body)
    answer = _post(site, body, _token(site))
    assert (answer.status_code, answer.text) == (status, message)
    assert tool_types(site) == []


def test_the_platform_wants_its_own_unused_token(site):
    body = _request(site)
    assert (_post(site, body, None).status_code, _post(site, body, None).text) == (
        401,
        "missing_registration_token",
    )
    assert _post(site, body, "not.a.jwt").status_code == 401
    token = _token(site)
    first = _post(site, body, token)
    assert first.status_code == 200
    answer = first.json()
    assert answer["client_id"] and answer[TOOL]["deployment_id"] == str(tool_types(site)[0].id)
    assert set(answer["scope"].split()) >= {
        "https://purl.imsglobal.org/spec/lti-ags/scope/score",
        "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
        "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
    }
    assert answer[TOOL]["messages"][0]["type"] == "LtiDeepLinkingRequest"
    again = _post(site, body, token)
    assert (again.status_code, again.text) == (401, "token_already_used")
    assert tool_types(site)[0].state == "pending" and len(tool_types(site)) == 1


def test_a_reg_update_token_updates_its_type_which_keeps_its_ids_and_state(site):
    body = _request(site)
    first = _post(site, body, _token(site)).json()
    (row,) = tool_types(site)
    assert requests.post(f"{site.url}/devplatform/tools/{row.id}/activate", timeout=5).ok
    body["client_name"] = "Kotopaikka, updated"
    update_token = _token(site, type_id=row.id)
    answer = _post(site, body, update_token)
    assert answer.status_code == 200, answer.text
    assert answer.json()["client_id"] == first["client_id"] == row.client_id
    assert answer.json()[TOOL]["deployment_id"] == str(row.id)
    (updated,) = tool_types(site)
    assert (updated.id, updated.client_id, updated.state) == (row.id, row.client_id, "configured")
    assert updated.name == "Kotopaikka, updated"
    # As Moodle's: an update token is not spent (it names a type, not a new client id);
    # an unknown type and another scope are refused.
    assert _post(site, body, update_token).status_code == 200
    assert (_post(site, body, _token(site, type_id=999)).text) == "Unknown client"
    from lti_tool.devplatform import keys

    other = keys.sign(site.app.instance_path, {"sub": "x", "scope": "other", "exp": 2**31})
    assert (_post(site, body, other).status_code, _post(site, body, other).text) == (
        403,
        "Incorrect scope",
    )
    assert len(tool_types(site)) == 1


def test_the_platform_asks_update_or_new_only_for_a_tool_on_the_same_host(site):
    start = site.url + "/devplatform/tools/start-registration"
    tool_url = site.url + "/lti/register/x"
    first = requests.get(start, params={"url": tool_url}, allow_redirects=False, timeout=5)
    assert first.status_code == 302  # nothing on this host yet: straight to the tool
    _post(site, _request(site), _token(site))
    (row,) = tool_types(site)
    asked = requests.get(start, params={"url": tool_url}, allow_redirects=False, timeout=5)
    assert asked.status_code == 200 and row.client_id in asked.text
    elsewhere = tool_url.replace("127.0.0.1", "localhost")  # another host: no question
    assert requests.get(start, params={"url": elsewhere}, allow_redirects=False, timeout=5).status_code == 302
    for url, choice in ((elsewhere, str(row.id)), (tool_url, "x"), (tool_url, "999")):
        refused = requests.post(start, data={"url": url, "type": choice}, allow_redirects=False, timeout=5)
        assert refused.status_code == 400, (url, choice)
    chosen = requests.post(start, data={"url": tool_url, "type": str(row.id)}, allow_redirects=False, timeout=5)
    assert chosen.status_code == 302 and chosen.headers["Location"].startswith(tool_url + "?")


def test_the_tools_request_names_its_domain_and_what_it_uses():
    body = registration_request(
        ToolUrls(
            "https://kp.example:8443/lti/launch",
            "https://kp.example:8443/lti/login",
            "https://kp.example:8443/lti/jwks",
        ),
        deep_linking=False,
    )
    assert body[TOOL]["domain"] == "kp.example:8443"
    assert body[TOOL]["messages"] == []
    assert body["redirect_uris"] == ["https://kp.example:8443/lti/launch"]
    assert (
        "email" in body[TOOL]["claims"] and body["token_endpoint_auth_method"] == "private_key_jwt"
    )


MOODLE = {
    "issuer": "https://moodle.example/moodle",
    "token_endpoint": "https://moodle.example/moodle/mod/lti/token.php",
    "token_endpoint_auth_methods_supported": ["private_key_jwt"],
    "token_endpoint_auth_signing_alg_values_supported": ["RS256"],
    "jwks_uri": "https://moodle.example/moodle/mod/lti/certs.php",
    "authorization_endpoint": "https://moodle.example/moodle/mod/lti/auth.php",
    "registration_endpoint": "https://moodle.example/moodle/mod/lti/openid-registration.php",
    "scopes_supported": ["openid"],
    "response_types_supported": ["id_token"],
    "id_token_signing_alg_values_supported": ["RS256"],
    "https://purl.imsglobal.org/spec/lti-platform-configuration": {
        "product_family_code": "moodle",
        "version": "4.5.6",
        "messages_supported": ["LtiResourceLinkRequest", "LtiDeepLinkingRequest"],
    },
}
CONFIG_URL = "https://moodle.example/moodle/mod/lti/openid-configuration.php"


def test_a_moodle_configuration_is_read():
    config = parse_configuration(MOODLE, CONFIG_URL, allow_loopback_http=False)
    assert config.issuer == "https://moodle.example/moodle"
    assert "LtiDeepLinkingRequest" in config.messages_supported


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"issuer": "https://other.example/moodle"}, "issuer_mismatch"),
        ({"issuer": "http://moodle.example/moodle"}, "config_invalid"),
        ({"registration_endpoint": "https://other.example/register"}, "issuer_mismatch"),
        ({"token_endpoint_auth_methods_supported": ["client_secret_basic"]}, "config_invalid"),
        ({"id_token_signing_alg_values_supported": ["HS256"]}, "config_invalid"),
        ({"jwks_uri": None}, "config_invalid"),
        ({"https://purl.imsglobal.org/spec/lti-platform-configuration": None}, "config_invalid"),
    ],
)
def test_a_configuration_the_spec_does_not_allow_is_refused(change, reason):
    with pytest.raises(RegistrationRefused) as refused:
        parse_configuration({**MOODLE, **change}, CONFIG_URL, allow_loopback_http=False)
    assert refused.value.reason == reason


def test_plain_http_to_this_machine_only_outside_production():
    local = {
        k: v.replace("https://moodle.example", "http://127.0.0.1:8080") if isinstance(v, str) else v
        for k, v in MOODLE.items()
    }
    url = "http://127.0.0.1:8080/moodle/mod/lti/openid-configuration.php"
    assert (
        parse_configuration(local, url, allow_loopback_http=True).issuer
        == "http://127.0.0.1:8080/moodle"
    )
    with pytest.raises(RegistrationRefused):
        parse_configuration(local, url, allow_loopback_http=False)


def test_invitation_lifetimes():
    assert parse_lifetime("7d") == timedelta(days=7)
    assert parse_lifetime("30m") == timedelta(minutes=30)
    for bad in ("0m", "100d", "7 days", "", "-1d"):
        with pytest.raises(ValueError):
            parse_lifetime(bad)


class _Runner:
    def __init__(self, site):
        from flask.cli import ScriptInfo

        self.info = ScriptInfo(create_app=lambda: site.app)

    def invoke(self, args):
        from click.testing import CliRunner

        from lti_tool.cli import main

        return CliRunner().invoke(main, args, obj=self.info)


def test_the_cli_invites_lists_and_revokes(site):
    runner = _Runner(site)
    created = runner.invoke(
        args=[
            "platform",
            "invite",
            "--name",
            "Esimerkkiopisto",
            "--expires-in",
            "2d",
            "--tool-url",
            "https://kp.example/",
        ]
    )
    assert created.exit_code == 0, created.output
    url = next(line for line in created.output.splitlines() if line.startswith("https://"))
    secret = url.rsplit("/", 1)[1]
    assert url.startswith("https://kp.example/lti/register/") and len(secret) == 43
    from courses.database import db
    from lti_tool.registration.models import RegistrationInvitation

    with site.app.app_context():
        (stored,) = db.session.query(RegistrationInvitation).all()
        assert secret not in (stored.secret_hash, stored.name)  # only a hash is kept
    listed = runner.invoke(args=["platform", "invitations"])
    assert "open" in listed.output and "Esimerkkiopisto" in listed.output
    assert runner.invoke(args=["platform", "revoke-invitation", str(stored.id)]).exit_code == 0
    assert "revoked" in runner.invoke(args=["platform", "invitations"]).output
    assert runner.invoke(args=["platform", "revoke-invitation", "999"]).exit_code != 0
    assert (
        runner.invoke(
            args=[
                "platform",
                "invite",
                "--name",
                "x",
                "--expires-in",
                "1y",
                "--tool-url",
                "https://kp.example",
            ]
        ).exit_code
        != 0
    )
