"""The tool's keys: created once, rotated with the old key still published, then retired."""

from __future__ import annotations

import jwt
import pytest

from lti_tool.keys.models import KeyStatus
from lti_tool.keys.service import (
    current_signing_key,
    list_keys,
    published_jwks,
    retire_key,
    rotate_keys,
)


def test_jwks_is_wrapped_once_with_kid_alg_use(site):
    body = site.browser().get(site.url + "/lti/jwks").json()
    assert list(body) == ["keys"]
    (key,) = body["keys"]
    assert key["alg"] == "RS256" and key["use"] == "sig" and key["kty"] == "RSA"
    assert key["kid"] and "d" not in key and "p" not in key  # never private parts


def test_rotation_keeps_publishing_the_previous_key_until_retired(site):
    with site.app.app_context():
        old = current_signing_key().kid
        new = rotate_keys().kid
        assert current_signing_key().kid == new != old
        kids = [k["kid"] for k in published_jwks()["keys"]]
        assert kids == [new, old]
        # A token signed with the old key just before rotation still verifies.
        statuses = {k.kid: k.status for k in list_keys()}
        assert statuses == {old: KeyStatus.PREVIOUS, new: KeyStatus.CURRENT}
        with pytest.raises(ValueError):
            retire_key(new)
        retire_key(old)
        assert [k["kid"] for k in published_jwks()["keys"]] == [new]


def test_tokens_are_signed_with_the_current_key_after_rotation(site):
    with site.app.app_context():
        rotate_keys()
        key = current_signing_key()
    token = jwt.encode({"x": 1}, key.private_key, algorithm="RS256", headers={"kid": key.kid})
    client = jwt.PyJWKClient(site.url + "/lti/jwks")
    assert jwt.decode(token, client.get_signing_key_from_jwt(token).key, algorithms=["RS256"]) == {"x": 1}
