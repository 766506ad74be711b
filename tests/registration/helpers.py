"""Dynamic registration driven as a Moodle administrator would: "Add LTI Advantage" on
the development platform opens the tool's registration URL; the tool's page confirms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import requests
from sqlalchemy import select

from courses.database import db
from lti_tool.devplatform import storage
from lti_tool.devplatform.storage import ToolTypeRow
from tests.browser import Browser, forms_in


def admin_browser(site: Any, language: str = "en") -> Browser:
    """The platform administrator's browser (the pages follow its Accept-Language)."""
    browser = site.browser()
    browser.headers["Accept-Language"] = language
    return browser


def invite(site: Any, name: str = "Testiopisto", lifetime: timedelta = timedelta(days=7)) -> str:
    """A fresh invitation's registration URL."""
    from lti_tool.registration.invitations import create_invitation

    with site.app.app_context():
        _, secret = create_invitation(name, lifetime)
    return f"{site.url}/lti/register/{secret}"


NEW = "new"  # "Register as a new external tool"


def start_registration(browser: Browser, tool_url: str, choose: str | int = NEW) -> requests.Response:
    """Moodle's "Add LTI Advantage" up to its redirect into the tool. When a tool on the
    same host exists, the platform first asks; ``choose`` answers: NEW, or the id of the
    type to update."""
    start = browser.get(
        browser.url("/devplatform/tools/start-registration"),
        params={"url": tool_url},
        allow_redirects=False,
    )
    if start.status_code == 200 and "data-registration-new" in start.text:
        wanted = "0" if choose == NEW else str(choose)
        forms = forms_in(start.text)
        index = next(i for i, f in enumerate(forms) if f.fields.get("type") == wanted)
        start = browser.submit(start, index)
    assert start.status_code == 302, start.text
    return start


def open_registration(browser: Browser, tool_url: str, choose: str | int = NEW) -> requests.Response:
    """Moodle's "Add LTI Advantage": the platform sends the dialog to the tool's URL with
    openid_configuration and registration_token; the tool's page answers."""
    start = start_registration(browser, tool_url, choose)
    return browser.get(start.headers["Location"], allow_redirects=False)


@dataclass
class Registered:
    client_id: str
    deployment_id: str
    type_id: int
    page: requests.Response


def tool_types(site: Any) -> list[ToolTypeRow]:
    with storage.session(site.app.instance_path) as platform:
        return list(platform.execute(select(ToolTypeRow).order_by(ToolTypeRow.id)).scalars())


def register(
    site: Any, browser: Browser, tool_url: str, activate: bool = True, choose: str | int = NEW
) -> Registered:
    page = open_registration(browser, tool_url, choose)
    assert page.status_code == 200, page.text
    done = browser.submit(page)
    assert done.status_code == 200, done.text
    types = tool_types(site)
    row = types[-1] if choose == NEW else next(t for t in types if t.id == int(choose))
    assert row.client_id in done.text
    assert row.state == "pending" or choose != NEW
    if activate:
        answer = browser.post(
            browser.url(f"/devplatform/tools/{row.id}/activate"), allow_redirects=False
        )
        assert answer.status_code == 303
    return Registered(row.client_id, str(row.id), row.id, done)


def platform_clients(site: Any, issuer: str) -> list[tuple[str, list[str]]]:
    from lti_tool.registry.models import Platform

    with site.app.app_context():
        platform = db.session.execute(
            select(Platform).where(Platform.issuer == issuer)
        ).scalar_one()
        return [(c.client_id, [d.deployment_id for d in c.deployments]) for c in platform.clients]
