"""The platform's administrator, scripted, for ``kotopaikka demo``: register the tool on
this site through dynamic registration as a person does it in Moodle, then activate it.

"Add LTI Advantage" with the invitation's URL. When the platform already has a tool on
that host (an earlier run of the demo), the administrator answers "Update" for the
oldest one, so that repeated runs keep one registration. Then the tool's page is
confirmed over HTTP, exactly as a browser posts it, and the new tool is activated.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin

import jwt
import requests
from flask import Flask

from lti_tool.devplatform.registration import (
    registration_token,
    same_host_tools,
    with_registration_params,
)
from lti_tool.devplatform.tools import activate_tool, find_tool

TIMEOUT = 30.0  # the tool's confirmation fetches the configuration and posts the registration


@dataclass(frozen=True)
class SelfRegistration:
    client_id: str
    deployment_id: str
    updated: bool  # "Update" of an existing tool, rather than a new one


class _RegistrationForm(HTMLParser):
    """The tool page's POST form: its action and hidden fields, as a browser sends them."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post" and self.action is None:
            self.action, self._inside = a.get("action", ""), True
        elif tag == "input" and self._inside and a.get("name"):
            self.fields[a["name"]] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._inside = False


def _refused(step: str, answer: requests.Response) -> RuntimeError:
    return RuntimeError(f"{step}: HTTP {answer.status_code} {answer.text[:300]}")


def register_itself(app: Flask, site: str, invitation_url: str) -> SelfRegistration:
    """Register the tool served at ``site`` with its development platform (both must be
    listening), through the invitation at ``invitation_url``, and activate it."""
    with app.test_request_context(base_url=site):
        existing = same_host_tools(invitation_url)
        update = existing[0] if existing else None
        token = registration_token(type_id=update.type_id if update else None)
        dialog = with_registration_params(invitation_url, token)
    # For a new tool the token's subject is its client id; an update keeps the type's.
    client_id = update.client_id if update else jwt.decode(token, options={"verify_signature": False})["sub"]

    http = requests.Session()
    page = http.get(dialog, timeout=TIMEOUT, allow_redirects=False)
    if page.status_code != 200:
        raise _refused("the tool's registration page", page)
    form = _RegistrationForm()
    form.feed(page.text)
    if form.action is None:
        raise RuntimeError("the tool's registration page has no form")
    done = http.post(
        urljoin(page.url, form.action),
        data=form.fields,
        headers={"Origin": site},  # a browser names the page's origin
        timeout=TIMEOUT,
        allow_redirects=False,
    )
    if done.status_code != 200 or client_id not in done.text:
        raise _refused("the registration", done)
    with app.app_context():
        tool = find_tool(client_id)
        if tool is None or not activate_tool(tool.type_id):
            raise RuntimeError(f"the platform has no tool with client id {client_id}")
    return SelfRegistration(client_id, tool.deployment_id, update is not None)


def register_when_listening(
    app: Flask, site: str, invitation_url: str, echo: Callable[[str], None], wait: float = 30.0
) -> threading.Thread:
    """In the background: once ``site`` answers, register the tool and say how it went
    (a failure is reported, and the demo goes on with its built-in registration)."""

    def run() -> None:
        deadline = time.monotonic() + wait
        while True:
            try:
                if requests.get(site + "/healthz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                echo(f"Dynamic registration skipped: {site} did not answer in {wait:g} s.")
                return
            time.sleep(0.2)
        try:
            done = register_itself(app, site, invitation_url)
        except (RuntimeError, requests.RequestException) as exc:
            echo(f"Dynamic registration failed ({exc}); the built-in registration still works.")
            return
        what = "updated its registration" if done.updated else "registered itself"
        echo(
            f"Kotopaikka {what} through the development platform's dynamic registration: "
            f"client id {done.client_id}, deployment {done.deployment_id}, active "
            f"(see {site}/devplatform/tools)."
        )

    thread = threading.Thread(target=run, name="demo-self-registration", daemon=True)
    thread.start()
    return thread
