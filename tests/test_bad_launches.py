"""Every rejected launch: a 4xx (503 for unreachable keys), a page in the user's
language, a log line with the reason code, and no row written anywhere."""

from __future__ import annotations

import base64
import json
import logging
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from lti_tool.launch.views import LOGIN_PARAM_LIMITS as LOGIN_LIMITS
from tests.lti import LTI_CLAIM as LTI
from tests.lti import PendingLaunch, expect_rejected, launch, pending_launch, sign_as_platform


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


@pytest.fixture
def pending(site) -> PendingLaunch:
    return pending_launch(site.browser())


def test_good_token_from_the_same_helpers_is_accepted(site, pending):
    """The control case: the helpers below only fail because of what each test changes."""
    response = pending.post(sign_as_platform(site.app, pending.claims()))
    assert response.status_code == 200


def test_bad_signature(site, pending, caplog):
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    from lti_tool.devplatform import keys

    _, kid = keys.platform_key(site.app.instance_path)
    token = jwt.encode(pending.claims(), other_key, algorithm="RS256", headers={"kid": kid})
    expect_rejected(site, pending, token, "bad_signature", 403, caplog)


def test_alg_none(site, pending, caplog):
    from lti_tool.devplatform import keys

    _, kid = keys.platform_key(site.app.instance_path)
    token = _b64({"alg": "none", "typ": "JWT", "kid": kid}) + "." + _b64(pending.claims()) + "."
    expect_rejected(site, pending, token, "bad_algorithm", 403, caplog)


def test_hs256_signed_with_the_public_key(site, pending, caplog):
    """The classic key-confusion attack: HMAC keyed with the platform's public JWKS."""
    from lti_tool.devplatform import keys

    _, kid = keys.platform_key(site.app.instance_path)
    public = json.dumps(keys.jwks(site.app.instance_path)).encode()
    header = _b64({"alg": "HS256", "typ": "JWT", "kid": kid})
    body = _b64(pending.claims())
    import hashlib
    import hmac

    sig = base64.urlsafe_b64encode(
        hmac.new(public, f"{header}.{body}".encode(), hashlib.sha256).digest()
    ).rstrip(b"=").decode()
    expect_rejected(site, pending, f"{header}.{body}.{sig}", "bad_algorithm", 403, caplog)


def test_expired(site, pending, caplog):
    now = int(time.time())
    token = sign_as_platform(site.app, pending.claims(iat=now - 300, exp=now - 120))
    expect_rejected(site, pending, token, "expired", 403, caplog)


def test_expired_within_leeway_is_accepted(site, pending):
    """Moodle's tokens live 60 s; a few seconds of clock skew must not fail a launch."""
    now = int(time.time())
    token = sign_as_platform(site.app, pending.claims(iat=now - 65, exp=now - 5))
    assert pending.post(token).status_code == 200


def test_not_yet_valid(site, pending, caplog):
    now = int(time.time())
    token = sign_as_platform(site.app, pending.claims(iat=now + 300, exp=now + 360, nbf=now + 300))
    expect_rejected(site, pending, token, "not_yet_valid", 403, caplog)


def test_far_future_iat(site, pending, caplog):
    now = int(time.time())
    future = now + 10 * 365 * 86400
    token = sign_as_platform(site.app, pending.claims(iat=future, exp=future + 60))
    expect_rejected(site, pending, token, "not_yet_valid", 403, caplog)


def test_missing_exp(site, pending, caplog):
    token = sign_as_platform(site.app, pending.claims(exp=None))
    expect_rejected(site, pending, token, "invalid_token", 403, caplog)


def test_wrong_aud(site, pending, caplog):
    token = sign_as_platform(site.app, pending.claims(aud="another-tool"))
    expect_rejected(site, pending, token, "unknown_client", 403, caplog)


def test_several_audiences_without_our_azp(site, pending, caplog):
    from lti_tool.devplatform import CLIENT_ID

    token = sign_as_platform(site.app, pending.claims(aud=[CLIENT_ID, "another-tool"], azp="another-tool"))
    expect_rejected(site, pending, token, "unknown_client", 403, caplog)


def test_unknown_iss(site, pending, caplog):
    token = sign_as_platform(site.app, pending.claims(iss="https://moodle.example.invalid"))
    expect_rejected(site, pending, token, "unknown_issuer", 403, caplog)


def test_unknown_deployment(site, pending, caplog):
    token = sign_as_platform(site.app, pending.claims(**{LTI + "deployment_id": "999"}))
    expect_rejected(site, pending, token, "unknown_deployment", 403, caplog)


def test_replayed_id_token_is_refused_even_with_the_state_cookie(site, caplog):
    browser = site.browser()
    first = launch(browser)
    assert first.launch.status_code == 200
    from tests.browser import forms_in

    fields = forms_in(first.auth.text)[0].fields
    # A replay from the same browser: put back the state cookie the launch deleted.
    browser.cookies.set(f"kp-state-{fields['state']}", fields["state"], domain="127.0.0.1", path="/")
    replay = PendingLaunch(browser, fields["state"], "", site.url + "/lti/launch", "", "")
    expect_rejected(site, replay, fields["id_token"], "replayed_nonce", 403, caplog)


def test_nonce_not_issued_for_this_state(site, pending, caplog):
    token = sign_as_platform(site.app, pending.claims(nonce="a-nonce-we-never-issued"))
    expect_rejected(site, pending, token, "replayed_nonce", 403, caplog)


def test_missing_state(site, pending, caplog):
    token = sign_as_platform(site.app, pending.claims())
    expect_rejected(site, pending, token, "missing_state", 400, caplog, state=None)


def test_a_state_never_issued_is_refused(site, pending, caplog):
    """Without its cookie the launch is checked against the states issued here (see
    tests/test_cookieless_launch.py): a forged one finds no nonce to consume."""
    token = sign_as_platform(site.app, pending.claims())
    expect_rejected(site, pending, token, "replayed_nonce", 403, caplog, state="state-forged")


def test_a_state_cookie_with_another_value_is_refused(site, pending, caplog):
    pending.browser.cookies.set(f"kp-state-{pending.state}", "state-other", domain="127.0.0.1")
    token = sign_as_platform(site.app, pending.claims())
    expect_rejected(site, pending, token, "state_mismatch", 400, caplog)


@pytest.mark.parametrize(
    "claim",
    [
        LTI + "message_type",
        LTI + "version",
        LTI + "roles",
        LTI + "resource_link",
        LTI + "deployment_id",
        "sub",
    ],
)
def test_missing_required_claim(site, pending, caplog, claim):
    token = sign_as_platform(site.app, pending.claims(**{claim: None}))
    expect_rejected(site, pending, token, "missing_claim", 400, caplog)


def test_resource_link_without_id(site, pending, caplog):
    token = sign_as_platform(site.app, pending.claims(**{LTI + "resource_link": {"title": "x"}}))
    expect_rejected(site, pending, token, "missing_claim", 400, caplog)


def test_unsupported_message_type(site, pending, caplog):
    token = sign_as_platform(
        site.app, pending.claims(**{LTI + "message_type": "LtiSubmissionReviewRequest"})
    )
    expect_rejected(site, pending, token, "unsupported_message_type", 400, caplog)


@pytest.mark.parametrize("token", ["not-a-jwt", "a.b", "e30.W10.x", "!!.??.**", "W10.W10.sig"])
def test_malformed_jwt(site, pending, caplog, token):
    expect_rejected(site, pending, token, "malformed_token", 400, caplog)


def test_token_over_64_kib(site, pending, caplog):
    token = sign_as_platform(site.app, pending.claims(padding="x" * (65 * 1024)))
    expect_rejected(site, pending, token, "token_too_large", 413, caplog)


def test_unknown_kid(site, pending, caplog):
    token = sign_as_platform(site.app, pending.claims(), headers={"kid": "no-such-key"})
    expect_rejected(site, pending, token, "unknown_kid", 403, caplog)


def test_error_page_speaks_the_launch_language(site, pending):
    token = sign_as_platform(
        site.app, pending.claims(**{LTI + "launch_presentation": {"locale": "sv_fi"}}, exp=1)
    )
    response = pending.post(token)
    assert response.status_code == 403
    assert '<html lang="sv">' in response.text


class TestLoginInitiation:
    def test_target_link_uri_outside_the_tool_is_refused(self, site, caplog):
        from lti_tool.devplatform import CLIENT_ID

        before = site.row_counts()
        response = site.browser().post(
            site.url + "/lti/login",
            data={
                "iss": site.url + "/devplatform",
                "login_hint": "2001",
                "client_id": CLIENT_ID,
                "target_link_uri": "https://evil.example.invalid/steal",
            },
            allow_redirects=False,
        )
        assert response.status_code == 400
        assert "Location" not in response.headers
        assert "<code>target_outside_tool</code>" in response.text
        assert site.row_counts() == before

    def test_unknown_issuer_is_refused(self, site):
        response = site.browser().get(
            site.url + "/lti/login",
            params={"iss": "https://moodle.example.invalid", "login_hint": "1", "client_id": "x"},
            allow_redirects=False,
        )
        assert response.status_code == 403
        assert "<code>unknown_issuer</code>" in response.text

    def test_unknown_client_is_refused(self, site):
        response = site.browser().get(
            site.url + "/lti/login",
            params={"iss": site.url + "/devplatform", "login_hint": "1", "client_id": "nobody"},
            allow_redirects=False,
        )
        assert response.status_code == 403
        assert "<code>unknown_client</code>" in response.text

    def test_get_login_initiation_works_too(self, site):
        from lti_tool.devplatform import CLIENT_ID

        response = site.browser().get(
            site.url + "/lti/login",
            params={
                "iss": site.url + "/devplatform",
                "login_hint": "2001",
                "client_id": CLIENT_ID,
                "target_link_uri": site.url + "/lti/launch",
            },
            allow_redirects=False,
        )
        assert response.status_code == 302
        assert response.headers["Location"].startswith(site.url + "/devplatform/auth?")


def _login_params(site, **changes: str) -> dict[str, str]:
    from lti_tool.devplatform import CLIENT_ID

    return {
        "iss": site.url + "/devplatform",
        "login_hint": "2001",
        "lti_message_hint": '{"course": "101", "link": "301"}',
        "client_id": CLIENT_ID,
        "lti_deployment_id": "1",
        "target_link_uri": site.url + "/lti/launch",
        **changes,
    }


def test_the_login_limits_fit_the_platforms_we_know():
    """Moodle's hints are short; one LMS sends an lti_message_hint of nearly 4 KB."""
    assert LOGIN_LIMITS["lti_message_hint"] >= 4096 and LOGIN_LIMITS["login_hint"] >= 255


class TestLoginInitiationLimits:
    @pytest.mark.parametrize("name,limit", LOGIN_LIMITS.items())
    def test_a_value_beyond_its_limit_is_refused(self, site, caplog, name, limit):
        before = site.row_counts()
        value = _login_params(site)[name]
        value += "x" * (limit + 1 - len(value))
        with caplog.at_level(logging.INFO):
            response = site.browser().post(
                site.url + "/lti/login", data=_login_params(site, **{name: value}),
                allow_redirects=False,
            )
        assert response.status_code == 400
        assert "Location" not in response.headers
        assert "<code>login_param_too_long</code>" in response.text
        detail = f"detail={name}: {limit + 1} characters"
        assert any(detail in r.getMessage() for r in caplog.records)
        assert site.row_counts() == before

    @pytest.mark.parametrize("name", ["login_hint", "lti_message_hint"])
    def test_a_200_kb_hint_gets_a_page_not_a_redirect_of_200_kb(self, site, name):
        response = site.browser().post(
            site.url + "/lti/login", data=_login_params(site, **{name: "7" * 200_000}),
            allow_redirects=False,
        )
        assert response.status_code == 400
        assert "Location" not in response.headers
        assert len(response.content) < 10_000

    @pytest.mark.parametrize("name", ["login_hint", "lti_message_hint"])
    def test_a_hint_at_its_limit_is_passed_on(self, site, name):
        value = "7" * LOGIN_LIMITS[name]
        response = site.browser().post(
            site.url + "/lti/login", data=_login_params(site, **{name: value}),
            allow_redirects=False,
        )
        assert response.status_code == 302
        assert f"{name}={value}" in response.headers["Location"]

    @pytest.mark.parametrize("name", list(LOGIN_LIMITS))
    def test_a_nul_is_refused(self, site, name):
        before = site.row_counts()
        value = _login_params(site)[name] + "\x00"
        response = site.browser().post(
            site.url + "/lti/login", data=_login_params(site, **{name: value}),
            allow_redirects=False,
        )
        assert response.status_code == 400
        assert "<code>invalid_login_param</code>" in response.text
        assert site.row_counts() == before
