"""Outbound HTTP keeps honouring the environment's proxy settings while reading them once."""

from __future__ import annotations

from lti_tool.http import TimeoutSession


def test_proxies_from_the_environment_apply_and_no_proxy_is_respected(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.kunta.example:3128")
    monkeypatch.setenv("NO_PROXY", "moodle.internal.example")
    session = TimeoutSession((3.0, 10.0))
    outside = session.merge_environment_settings(
        "https://moodle.example/mod/lti/token.php", {}, None, None, None
    )
    inside = session.merge_environment_settings(
        "https://moodle.internal.example/mod/lti/token.php", {}, None, None, None
    )
    assert outside["proxies"].get("https") == "http://proxy.kunta.example:3128"
    assert "https" not in inside["proxies"]
    # Read once per origin: a later change is not seen by this session...
    monkeypatch.delenv("HTTPS_PROXY")
    again = session.merge_environment_settings(
        "https://moodle.example/mod/lti/services.php/2/lineitems", {}, None, None, None
    )
    assert again["proxies"].get("https") == "http://proxy.kunta.example:3128"
    # ...and what a caller is handed cannot change what the next caller gets.
    again["proxies"]["https"] = "http://elsewhere.example"
    assert session.merge_environment_settings(
        "https://moodle.example/x", {}, None, None, None
    )["proxies"]["https"] == "http://proxy.kunta.example:3128"
    # A request's own settings win, as in requests.
    own = session.merge_environment_settings(
        "https://moodle.example/x", {"https": "http://own.example:8080"}, None, False, None
    )
    assert own["proxies"]["https"] == "http://own.example:8080" and own["verify"] is False
