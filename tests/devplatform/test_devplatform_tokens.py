"""The development platform's token endpoint and bearer checks, over HTTP like a tool."""

from __future__ import annotations

import time
from typing import Any

import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import update

from lti_tool.devplatform import storage
from lti_tool.devplatform.storage import AccessTokenRow
from tests.devplatform.conftest import (
    ITEM_301,
    LINEITEM_READ,
    NRPS,
    SCORE,
    TIMEOUT,
)

# Token endpoint


def test_token_grants_what_was_asked_and_is_allowed(platform):
    answer = platform.request_token([SCORE, NRPS, "https://example.invalid/scope/admin"])
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert body["scope"].split() == [SCORE, NRPS]
    assert len(body["access_token"]) >= 32 and "." not in body["access_token"]  # opaque
    assert answer.headers["Cache-Control"] == "no-store"
    assert platform.counter("token_requests") == 1 and platform.counter("tokens_issued") == 1


def test_token_accepts_the_issuer_as_audience(platform):
    answer = platform.request_token([SCORE], platform.assertion(aud=platform.root))
    assert answer.status_code == 200, answer.text


def test_a_rotated_tool_key_is_fetched_again(platform):
    assert platform.request_token([SCORE]).status_code == 200  # the keyset is now cached
    with platform.site.app.app_context():
        from lti_tool.keys.service import current_signing_key, rotate_keys

        rotate_keys()
        new_key = current_signing_key()
    assert new_key.kid != platform.key.kid
    answer = platform.request_token(
        [SCORE], platform.assertion(key=new_key.private_key, kid=new_key.kid)
    )
    assert answer.status_code == 200, answer.text


def test_token_with_no_allowed_scope_is_refused(platform):
    answer = platform.request_token(["https://example.invalid/scope/admin"])
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_scope"
    assert platform.counter("tokens_issued") == 0


def test_bad_client_assertions_get_no_token(platform):
    now = int(time.time())
    cases: list[tuple[dict[str, Any], str]] = [
        ({"aud": "https://moodle.example.invalid/mod/lti/token.php"}, "audience"),
        ({"iss": "someone-else"}, "issuer"),
        ({"sub": "someone-else"}, "sub"),
        ({"exp": now - 120, "iat": now - 180}, "expired"),
        ({"jti": None}, "jti"),
        ({"kid": "no-such-kid"}, "not in the tool's keyset"),
        (
            {"key": rsa.generate_private_key(public_exponent=65537, key_size=2048)},
            "signature verification failed",
        ),
    ]
    for changes, reason in cases:
        answer = platform.request_token([SCORE], platform.assertion(**changes))
        assert answer.status_code == 400, (reason, answer.text)
        assert answer.json()["error"] == "invalid_client"
        assert reason in answer.json()["error_description"].lower(), answer.text
    assert platform.counter("tokens_issued") == 0 and platform.counter("token_requests") == len(
        cases
    )


def test_a_client_assertion_works_once(platform):
    assertion = platform.assertion()
    assert platform.request_token([SCORE], assertion).status_code == 200
    again = platform.request_token([SCORE], assertion)
    assert again.status_code == 400 and "already used" in again.json()["error_description"]
    assert platform.counter("tokens_issued") == 1


def test_malformed_token_requests(platform):
    for data, error in [
        ({"grant_type": "password"}, "unsupported_grant_type"),
        ({"client_assertion_type": "urn:example:other"}, "unsupported_grant_type"),
        ({"scope": ""}, "invalid_request"),
        ({"client_assertion": "not.a.jwt"}, "invalid_client"),
    ]:
        form = {
            "grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": platform.assertion(),
            "scope": SCORE,
            **data,
        }
        answer = requests.post(platform.root + "/token", data=form, timeout=TIMEOUT)
        assert answer.status_code == 400 and answer.json()["error"] == error, (data, answer.text)
    as_json = requests.post(
        platform.root + "/token", json={"grant_type": "client_credentials"}, timeout=TIMEOUT
    )
    assert as_json.status_code == 400 and as_json.json()["error"] == "invalid_request"
    assert platform.counter("tokens_issued") == 0


# Bearer checks


def test_services_refuse_missing_or_malformed_tokens_with_401(platform):
    for authorization in (
        None,
        "Bearer",
        "Bearer ",
        "Bearer two words",
        "Basic dXNlcjpwYXNz",
        "Bearer unknown-token",
        "garbage",
        "Bearer " + "x" * 5000,
    ):
        headers = {"Authorization": authorization} if authorization is not None else {}
        for url in (ITEM_301, "/api/101/memberships", "/api/101/lineitems/301/lineitem/scores"):
            method = "POST" if url.endswith("scores") else "GET"
            answer = requests.request(method, platform.root + url, headers=headers, timeout=TIMEOUT)
            assert answer.status_code == 401, (authorization, url, answer.text)
            assert answer.headers["WWW-Authenticate"].startswith("Bearer")
            assert "error" in answer.json()


def test_an_expired_token_gets_401(platform):
    token = platform.token([LINEITEM_READ])
    with storage.session(platform.site.app.instance_path, write=True) as db:
        db.execute(update(AccessTokenRow).values(expires_at=time.time() - 1))
    answer = platform.call("GET", ITEM_301, token)
    assert answer.status_code == 401 and "expired" in answer.json()["error"]


def test_a_token_without_the_scope_gets_403(platform):
    token = platform.token([NRPS])
    assert platform.score(ITEM_301, token).status_code == 403
    assert platform.call("GET", ITEM_301, token).status_code == 403
    assert platform.call("GET", "/api/101/memberships", platform.token([SCORE])).status_code == 403
    assert platform.stored_scores() == []
