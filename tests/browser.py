"""A small stand-in for a browser: cookies like Chromium's, forms submitted as a person would."""

from __future__ import annotations

import http.cookiejar
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qs, urljoin, urlsplit

import requests

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class LoopbackIsSecure(http.cookiejar.DefaultCookiePolicy):
    """Browsers treat http://127.0.0.1 as a secure context and send Secure cookies there."""

    def return_ok_secure(self, cookie: http.cookiejar.Cookie, request: object) -> bool:
        host = urlsplit(request.get_full_url()).hostname  # type: ignore[attr-defined]
        return host in LOOPBACK or super().return_ok_secure(cookie, request)  # type: ignore[arg-type]


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(Form(a.get("action", ""), a.get("method", "get").lower()))
        elif not self.forms:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in {"radio", "checkbox"} and "checked" not in a:
                return
            self.forms[-1].fields[a["name"]] = a.get("value", "")
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self.forms[-1].fields[a["name"]] = ""
        elif tag == "option" and self._select:
            fields = self.forms[-1].fields
            if self._select not in fields or "selected" in a:
                fields[self._select] = a.get("value", "")

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self.forms[-1].fields[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # As a browser: one line break after <textarea> is dropped, and the text is
            # sent with CRLF line breaks.
            fields, name = self.forms[-1].fields, self._textarea
            text = fields[name].replace("\r\n", "\n").replace("\r", "\n")
            fields[name] = text.removeprefix("\n").replace("\n", "\r\n")
            self._textarea = None


def forms_in(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


class Browser(requests.Session):
    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base_url = base_url.rstrip("/")
        self.cookies.set_policy(LoopbackIsSecure())

    def prepare_request(self, request: requests.Request) -> requests.PreparedRequest:
        # requests merges cookies into a fresh jar with the default policy, which
        # drops Secure cookies on http://127.0.0.1; recompute the header with ours.
        prepared = super().prepare_request(request)
        prepared.headers.pop("Cookie", None)
        header = requests.cookies.get_cookie_header(self.cookies, prepared)
        if header:
            prepared.headers["Cookie"] = header
        return prepared

    def url(self, path: str) -> str:
        return path if path.startswith("http") else self.base_url + path

    def submit(self, response: requests.Response, index: int = 0, **overrides: str) -> requests.Response:
        """Submit the page's form as its auto-submit script would, without following redirects."""
        form = forms_in(response.text)[index]
        data = {**form.fields, **overrides}
        action = urljoin(response.url, form.action)
        if form.method == "post":
            return self.post(action, data=data, allow_redirects=False)
        return self.get(action, params=data, allow_redirects=False)


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
