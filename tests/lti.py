"""Drive the development platform the way a browser does, and mint tampered launches."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import requests

from tests.browser import Browser, query_of

LTI_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"

PARTICIPANT = "2001"
PARTICIPANT_RU = "2002"
EMPLOYER_MENTOR = "2003"
TRAINER = "2004"
COORDINATOR = "2005"
WORKING_LIFE = "101:301"  # course 101, activity 301
MENTOR_COURSE = "102:311"
WORKING_LIFE_AUTUMN = "103:321"  # the same module in another course of the participant


@dataclass
class Launch:
    login: requests.Response  # the tool's answer to login initiation (302 to the platform)
    auth: requests.Response  # the platform's auto-posting page with the id_token
    launch: requests.Response  # the tool's answer to the id_token: the landing page, or why not
    page: requests.Response | None  # the landing page, if the launch succeeded

    @property
    def address(self) -> str:
        """The landing page's own path (the launch's Content-Location)."""
        return self.launch.headers["Content-Location"]


def begin_login(browser: Browser, user: str, activity: str, tool: str | None = None) -> requests.Response:
    """Pick a user and an activity (and a tool registration: the built-in one unless
    told) on the platform and initiate login at the tool."""
    choice = {"user": user, "activity": activity, **({"tool": tool} if tool else {})}
    start = browser.post(browser.url("/devplatform/launch"), data=choice)
    start.raise_for_status()
    return browser.submit(start)


def launch(
    browser: Browser, user: str = PARTICIPANT, activity: str = WORKING_LIFE, tool: str | None = None
) -> Launch:
    """A complete launch: login initiation, platform authorisation, id_token post, landing page."""
    login = begin_login(browser, user, activity, tool)
    assert login.status_code == 302, login.text
    auth = browser.get(login.headers["Location"], allow_redirects=False)
    assert auth.status_code == 200, auth.text
    posted = browser.submit(auth)
    page = None
    if "Content-Location" in posted.headers:  # accepted: the answer is the landing page
        # The page's script puts its own address in the browser's history (address.js);
        # a page's URL here is what the browser's location then says.
        posted.url = browser.url(posted.headers["Content-Location"])
        page = posted
    return Launch(login, auth, posted, page)


@dataclass
class PendingLaunch:
    """A login the tool has started: the state and nonce it issued, not yet used."""

    browser: Browser
    state: str
    nonce: str
    redirect_uri: str
    user: str
    activity: str

    def claims(self, **changes: Any) -> dict[str, Any]:
        """The claims the development platform would sign, with ``changes`` applied
        (a value of ``None`` removes the claim)."""
        from lti_tool.devplatform import directory
        from lti_tool.devplatform.claims import LaunchHint, id_token_claims
        from lti_tool.devplatform.views import find_link

        course_id, _, link_id = self.activity.partition(":")
        user = directory.user(self.user)
        course = directory.course(course_id)
        assert user is not None and course is not None
        if link_id == "deeplink":  # the launcher's "select content" entry
            link, hint = None, LaunchHint(course_id, None, "LtiDeepLinkingRequest")
        else:
            link, hint = find_link(course_id, link_id), LaunchHint(course_id, link_id)
        claims = id_token_claims(self.browser_platform(), user, course, link, hint, self.nonce)
        for name, value in changes.items():
            name = name.replace("__", "/")
            if value is None:
                claims.pop(name, None)
            else:
                claims[name] = value
        return claims

    def browser_platform(self) -> Any:
        from lti_tool.devplatform import CLIENT_ID, DEPLOYMENT_ID, URL_PREFIX
        from lti_tool.devplatform.claims import PlatformConfig

        root = self.browser.base_url + URL_PREFIX
        return PlatformConfig(root, CLIENT_ID, DEPLOYMENT_ID, root)

    def post(self, id_token: str, state: str | None = "same") -> requests.Response:
        data = {"id_token": id_token}
        if state is not None:
            data["state"] = self.state if state == "same" else state
        return self.browser.post(self.redirect_uri, data=data, allow_redirects=False)


def pending_launch(browser: Browser, user: str = PARTICIPANT, activity: str = WORKING_LIFE) -> PendingLaunch:
    login = begin_login(browser, user, activity)
    assert login.status_code == 302, login.text
    params = query_of(login.headers["Location"])
    return PendingLaunch(
        browser, params["state"], params["nonce"], params["redirect_uri"], user, activity
    )


def sign_as_platform(app: Any, claims: dict[str, Any], headers: dict[str, Any] | None = None) -> str:
    from lti_tool.devplatform import keys

    return keys.sign(app.instance_path, claims, headers)


def expect_rejected(site: Any, pending: PendingLaunch, id_token: str, reason: str, status: int,
                    caplog: Any, state: str | None = "same") -> requests.Response:
    """Post the id_token; the launch must be refused for ``reason`` with ``status``, say so
    in the log, and write nothing."""
    before = site.row_counts()
    caplog.clear()
    with caplog.at_level(logging.INFO):
        response = pending.post(id_token, state=state)
    assert response.status_code == status, response.text
    assert f"<code>{reason}</code>" in response.text
    assert any(f"reason={reason}" in r.getMessage() for r in caplog.records)
    assert site.row_counts() == before, "a rejected launch wrote to the database"
    return response
