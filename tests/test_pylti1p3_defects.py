"""Regression tests for defects of pylti1p3 that this tool must not inherit.

Others live beside the behaviour they protect:
- no HTTP timeouts: tests/test_platform_keys.py::test_platform_that_never_answers_does_not_hang_the_launch
- JWKS fetched on every launch: tests/test_platform_keys.py::test_keys_are_fetched_once_for_many_launches
- nonce never consumed: tests/test_bad_launches.py::test_replayed_id_token_is_refused_even_with_the_state_cookie
- launch data in the cookie session: tests/test_web_security.py::test_flask_cookie_session_is_never_used_and_cookies_do_not_grow
"""

from __future__ import annotations

import jwt
from cryptography.hazmat.primitives import serialization
from pylti1p3.tool_config import ToolConfDict

from lti_tool.http import TimeoutSession
from lti_tool.keys import service as key_service
from lti_tool.registry.tool_config import DatabaseToolConf


def test_tool_private_key_is_parsed_once_not_per_signature(site, monkeypatch):
    calls = []
    real = serialization.load_pem_private_key

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(key_service.serialization, "load_pem_private_key", counting)
    key_service._parse_private_key.cache_clear()
    with site.app.app_context():
        conf = DatabaseToolConf()
        client = conf.find_client(site.url + "/devplatform", "kotopaikka-dev-client")
        assert client is not None
        for _ in range(5):
            registration = DatabaseToolConf().registration_for(client)
            jwt.encode({"a": 1}, registration.get_tool_private_key(), algorithm="RS256")
    assert len(calls) == 1


def test_tool_config_instances_do_not_share_issuer_relations():
    """pylti1p3 declares ``issuers_relation_types`` on the class: one dict for all."""
    first, second = DatabaseToolConf(), DatabaseToolConf()
    first.set_iss_has_many_clients("https://a.example.invalid")
    assert second.issuers_relation_types == {}
    # The defect itself, so this test notices if pylti1p3 ever fixes it upstream.
    shared_a, shared_b = ToolConfDict({}), ToolConfDict({})
    shared_a.set_iss_has_many_clients("https://b.example.invalid")
    assert "https://b.example.invalid" in shared_b.issuers_relation_types
    shared_a.issuers_relation_types.pop("https://b.example.invalid")


def test_every_outbound_request_gets_a_timeout(monkeypatch):
    seen = {}

    def fake_request(self, method, url, *args, **kwargs):
        seen["timeout"] = kwargs.get("timeout")
        raise RuntimeError("stop here")

    session = TimeoutSession((1.5, 4.0))
    monkeypatch.setattr("requests.Session.request", fake_request)
    try:
        session.get("http://127.0.0.1:9/")
    except RuntimeError:
        pass
    assert seen["timeout"] == (1.5, 4.0)


def test_signing_registration_names_the_current_kid(site):
    with site.app.app_context():
        conf = DatabaseToolConf()
        client = conf.find_client(site.url + "/devplatform", "kotopaikka-dev-client")
        registration = conf.registration_for(client)
        assert registration.get_kid() == key_service.current_signing_key().kid
