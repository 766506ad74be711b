"""Cookies that work inside Moodle's iframe, the Content-Security-Policy, and /healthz."""

from __future__ import annotations

from http.cookies import SimpleCookie

from tests.lti import launch


def _set_cookies(response) -> dict[str, str]:
    raw = response.raw.headers.getlist("Set-Cookie")
    return {header.split("=", 1)[0]: header for header in raw}


def test_session_and_state_cookies_are_secure_httponly_samesite_none(site):
    result = launch(site.browser())
    state_cookies = _set_cookies(result.login)
    assert len(state_cookies) == 1
    for header in [*state_cookies.values(), _set_cookies(result.launch)["kp-session"]]:
        attributes = {part.strip().split("=")[0].lower() for part in header.split(";")}
        assert {"secure", "httponly", "samesite"} <= attributes, header
        assert "SameSite=None" in header
        assert "Path=/" in header
        # Served over plain http here: Partitioned is only for HTTPS.
        assert "partitioned" not in attributes


def test_partitioned_is_added_over_https(site):
    """Behind a TLS-terminating proxy (ProxyFix) the cookies become Partitioned (CHIPS)."""
    from lti_tool import create_app
    from lti_tool.devplatform import CLIENT_ID

    app = create_app(
        env={
            "KOTOPAIKKA_ENV": "test",
            "DATABASE_URL": site.app.config["SQLALCHEMY_DATABASE_URI"],
            "KOTOPAIKKA_PROXY_HOPS": "1",
        },
        instance_path=site.app.instance_path,
    )
    client = app.test_client()
    response = client.post(
        "/lti/login",
        data={"iss": site.url + "/devplatform", "login_hint": "2001", "client_id": CLIENT_ID},
        headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "tool.example.invalid"},
    )
    assert response.status_code == 302
    (header,) = response.headers.getlist("Set-Cookie")
    assert "Partitioned" in header and "Secure" in header and "SameSite=None" in header
    with app.app_context():
        from courses.database import db

        db.engine.dispose()


def test_the_state_cookie_is_removed_after_the_launch(site):
    browser = site.browser()
    launch(browser)
    assert [c.name for c in browser.cookies] == ["kp-session"]


def test_flask_cookie_session_is_never_used_and_cookies_do_not_grow(site):
    """pylti1p3 keeps launch data in Flask's cookie session: past 4 KB after ~22 launches."""
    browser = site.browser()
    for _ in range(30):
        result = launch(browser)
        assert result.page is not None and result.page.status_code == 200
    assert [c.name for c in browser.cookies] == ["kp-session"]
    again = browser.get(browser.url(result.address))  # the landing page, asked for again
    cookie_header = again.request.headers["Cookie"]
    assert len(cookie_header) < 100
    assert "session" not in SimpleCookie(cookie_header)


def test_the_cookie_session_refuses_to_keep_anything(site):
    """Launch data must never go into Flask's cookie session: writing to it fails loudly
    instead of growing a cookie."""
    import pytest
    from flask import session

    with site.app.test_request_context("/lti/launch", method="POST"):
        with pytest.raises(RuntimeError):
            session["launch"] = {"sub": "2001"}


def test_csp_frames_only_under_registered_platforms(site):
    result = launch(site.browser())
    assert result.page is not None
    csp = result.page.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["frame-ancestors"].split() == ["'self'", site.url]
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in csp


def test_no_inline_script_in_any_tool_page(site):
    browser = site.browser()
    result = launch(browser, "2004", "101:deeplink")
    assert result.page is not None
    answer = browser.submit(result.page)
    for page in (result.page, answer, result.auth):
        assert "<script>" not in page.text and "onload=" not in page.text


def test_error_pages_carry_the_policy_too(site):
    response = site.browser().get(site.url + "/lti/login")
    assert response.status_code == 400
    assert "frame-ancestors" in response.headers["Content-Security-Policy"]


def test_healthz_reports_the_database(site):
    response = site.browser().get(site.url + "/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_is_503_when_the_database_is_unreachable(tmp_path):
    from lti_tool import create_app

    app = create_app(
        env={
            "KOTOPAIKKA_ENV": "test",
            "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1",
        },
        instance_path=str(tmp_path),
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"
