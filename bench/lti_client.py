"""The benchmarks' client side: a minimal HTTP/1.1 connection, an LTI 1.3 launch client
that signs its own id_tokens with the development platform's key, and the units of work the
client processes repeat (a launch, a page view, a quiz submit; ``UNITS``).

It runs in the client processes ``launch_bench.py`` forks; the server side is in
``harness.py``.
"""

from __future__ import annotations

import dataclasses
import re
import socket
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlencode, urlsplit


@dataclass(frozen=True)
class Target:
    """One dev user launching one activity of a course they are enrolled in."""

    user: Any
    course: Any
    link: Any


def launch_targets() -> list[Target]:
    from lti_tool.devplatform import directory

    targets = []
    for link in directory.LINKS:
        course = directory.course(link.course_id)
        for user in directory.USERS:
            if user.roles_in(link.course_id):
                targets.append(Target(user, course, link))
    return targets


class LaunchError(Exception):
    pass


@dataclass
class Reply:
    """One HTTP response as the client needs it."""

    status: int
    headers: list[tuple[str, str]]  # names lower-cased, in order
    will_close: bool

    def getheader(self, name: str, default: str = "") -> str:
        name = name.lower()
        return next((value for key, value in self.headers if key == name), default)

    def get_all(self, name: str) -> list[str]:
        name = name.lower()
        return [value for key, value in self.headers if key == name]


class Connection:
    """A minimal HTTP/1.1 client for the benchmarks: one socket to the server, reopened
    whenever the server closes it (gunicorn's sync workers close after each response).

    http.client parses every response's headers with the email package, which cost this
    client more CPU than the tool spends routing a request; this reads the status line,
    the headers and a Content-Length body, and nothing else (no chunked bodies: the tool
    sends none).
    """

    def __init__(self, netloc: str, timeout: float = 30.0) -> None:
        host, _, port = netloc.partition(":")
        self.address = (host, int(port or 80))
        self.host = netloc.encode()
        self.timeout = timeout
        self.sock: socket.socket | None = None
        self.buffer = b""

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
        self.sock, self.buffer = None, b""

    def request(
        self, method: str, path: str, body: str | None, headers: dict[str, str]
    ) -> tuple[Reply, bytes]:
        if self.sock is None:
            self.sock = socket.create_connection(self.address, timeout=self.timeout)
        payload = body.encode() if body is not None else b""
        lines = [f"{method} {path} HTTP/1.1".encode(), b"Host: " + self.host]
        lines += [f"{name}: {value}".encode() for name, value in headers.items()]
        if body is not None:
            lines.append(b"Content-Length: %d" % len(payload))
        self.sock.sendall(b"\r\n".join(lines) + b"\r\n\r\n" + payload)
        head = self._read_until(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        parts = status_line.split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/1."):
            raise LaunchError(f"not an HTTP response: {status_line[:80]!r}")
        fields = []
        for line in header_lines:
            name, _, value = line.partition(":")
            fields.append((name.strip().lower(), value.strip()))
        reply = Reply(int(parts[1]), fields, will_close=False)
        if reply.getheader("transfer-encoding"):
            raise LaunchError("chunked responses are not read by this client")
        data = self._read_exactly(int(reply.getheader("content-length", "0") or 0))
        reply.will_close = reply.getheader("connection").lower() == "close"
        if reply.will_close:
            self.close()
        return reply, data

    def _fill(self) -> None:
        assert self.sock is not None
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionResetError("the server closed the connection")
        self.buffer += chunk

    def _read_until(self, marker: bytes) -> bytes:
        while (end := self.buffer.find(marker)) < 0:
            self._fill()
        head, self.buffer = self.buffer[:end], self.buffer[end + len(marker):]
        return head

    def _read_exactly(self, size: int) -> bytes:
        while len(self.buffer) < size:
            self._fill()
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data


def _cookie_from(response: Reply, prefix: str) -> tuple[str, str]:
    for header in response.get_all("Set-Cookie"):
        pair = header.split(";", 1)[0]
        name, _, value = pair.partition("=")
        if name.startswith(prefix) and value:
            return name, value
    raise LaunchError(f"no {prefix} cookie")


class LaunchClient:
    """One browser-like client: one connection (see ``Connection``), cookies set by hand,
    the platform key parsed once."""

    FORM: ClassVar[dict[str, str]] = {"Content-Type": "application/x-www-form-urlencoded"}

    def __init__(self, site: str, instance_path: str) -> None:
        import jwt

        from lti_tool.devplatform import CLIENT_ID, DEPLOYMENT_ID, URL_PREFIX, keys
        from lti_tool.devplatform.claims import LaunchHint, PlatformConfig, id_token_claims

        self._encode, self._claims, self._hint = jwt.encode, id_token_claims, LaunchHint
        self.netloc = urlsplit(site).netloc
        self.conn = Connection(self.netloc, timeout=30)
        root = site + URL_PREFIX
        self.platform = PlatformConfig(root, CLIENT_ID, DEPLOYMENT_ID, root)
        self.key, self.kid = keys.platform_key(instance_path)  # a key object, not a PEM
        self.login_fields = {
            "iss": root,
            "target_link_uri": site + "/lti/launch",
            "client_id": CLIENT_ID,
            "lti_deployment_id": DEPLOYMENT_ID,
        }

    def _request(
        self, method: str, path: str, body: str | None = None, headers: dict[str, str] | None = None
    ) -> tuple[Reply, bytes]:
        for attempt in (1, 2):
            try:
                return self.conn.request(method, path, body, headers or {})
            except (BrokenPipeError, ConnectionResetError):
                self.conn.close()  # a kept connection the server had closed: open a new one
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def launch(self, target: Target) -> tuple[str, str, bytes]:
        """One full launch with a fresh state, nonce and id_token; raises LaunchError.

        Returns the landing path, the session cookie and the landing page."""
        hint = self._hint(target.course.id, target.link.id)
        login_body = urlencode(
            {**self.login_fields, "login_hint": target.user.id, "lti_message_hint": hint.encode()}
        )
        response, _ = self._request("POST", "/lti/login", login_body, self.FORM)
        if response.status != 302:
            raise LaunchError(f"login {response.status}")
        query = parse_qs(urlsplit(response.getheader("Location", "")).query)
        state, nonce = query["state"][0], query["nonce"][0]
        cookie_name, cookie_value = _cookie_from(response, "kp-state-")
        if cookie_name != f"kp-state-{state}":
            raise LaunchError("state cookie does not match state")

        claims = self._claims(self.platform, target.user, target.course, target.link, hint, nonce)
        id_token = self._encode(claims, self.key, algorithm="RS256", headers={"kid": self.kid})

        launch_body = urlencode({"id_token": id_token, "state": state})
        headers = {**self.FORM, "Cookie": f"{cookie_name}={cookie_value}"}
        launch_path = urlsplit(query["redirect_uri"][0]).path
        response, page = self._request("POST", launch_path, launch_body, headers)
        if response.status != 200 or b"<h1" not in page:
            raise LaunchError(f"launch {response.status}")
        landing = response.getheader("Content-Location")  # the launch answers with the page
        _, session_cookie = _cookie_from(response, "kp-session")
        return landing, session_cookie, page

    def get_page(self, path: str, session_cookie: str) -> None:
        """One page view inside a launch; raises LaunchError."""
        response, page = self._request("GET", path, None, {"Cookie": f"kp-session={session_cookie}"})
        if response.status != 200 or b'class="kp-body"' not in page:
            raise LaunchError(f"page {response.status}")


TOC_LINK = re.compile(rb'<a href="(/l/[^"]+/m/[^"]+)" lang=')


def page_work(client: LaunchClient, index: int, concurrency: int = 1) -> Any:
    """Page views: one launch into a bound module, then its pages round and round."""
    bound = [t for t in launch_targets() if t.link.custom.get("module")]
    _, cookie, page = client.launch(bound[index % len(bound)])
    paths = [m.decode() for m in TOC_LINK.findall(page)]
    if not paths:
        raise LaunchError("no table of contents on the landing page")
    counter = iter(range(10**9))
    return lambda: client.get_page(paths[next(counter) % len(paths)], cookie)


def launch_work(client: LaunchClient, index: int, concurrency: int = 1) -> Any:
    targets = launch_targets()
    counter = iter(range(index * 3, 10**9))
    return lambda: client.launch(targets[next(counter) % len(targets)])


CSRF = re.compile(rb'name="csrf_token" value="([^"]+)"')
FIELD = re.compile(
    rb'<(input|textarea|select)[^>]*?(?:type="(\w+)"[^>]*?)?name="(q\d+(?:-\d+)?)"'
)


def _answers(page: bytes) -> dict[str, str]:
    """Every question answered: the first choice, a number, a sentence."""
    answers: dict[str, str] = {}
    for tag, kind, name in FIELD.findall(page):
        key = name.decode()
        if key in answers:
            continue
        if tag == b"textarea":
            answers[key] = "I will ask about the work shifts and the pay day."
        elif tag == b"select":
            answers[key] = "0"
        elif kind in (b"radio", b"checkbox"):
            value = re.search(rb'name="' + name + rb'" [^>]*?value="([^"]+)"', page)
            answers[key] = value.group(1).decode() if value else "0"
        else:
            answers[key] = "60,0"
    return answers


MODULE_LINK = re.compile(rb'<a href="/l/[^"]+/m/([^"/]+)/"')
SUBMIT_POOL = 0  # attempts prepared per level, shared among the clients (0: 600 per second run)


class SubmitWork:
    """Quiz submits. Before the run (not timed) each client launches as learners of its
    own and starts an attempt at every quiz of their programme, reading each attempt page;
    the timed unit is one submit: every answer sent with ``action=submit``, saved, graded
    exactly once, the module's progress updated, a redirect to the review."""

    def __init__(self, client: LaunchClient, index: int, concurrency: int = 1) -> None:
        self.client = client
        self.prepared: list[tuple[str, str, dict[str, str]]] = []
        wanted = SUBMIT_POOL // concurrency + 20
        bound = [t for t in launch_targets() if t.link.custom.get("module")]
        learners = [t for t in bound if "Learner" in str(t.user.roles_in(t.course.id))]
        n = 0
        while len(self.prepared) < wanted:
            target = learners[(index + n) % len(learners)]
            # A learner of their own: one learner has one unfinished attempt per quiz.
            learner = dataclasses.replace(target.user, id=f"bench-{index}-{n}")
            n += 1
            landing, cookie, page = client.launch(Target(learner, target.course, target.link))
            csrf = CSRF.search(page)
            if csrf is None:
                raise LaunchError("no form token on the landing page")
            headers = {**LaunchClient.FORM, "Cookie": f"kp-session={cookie}"}
            response, overview = client._request("GET", landing + "programme", None, headers)
            for slug in dict.fromkeys(MODULE_LINK.findall(overview)):
                self.prepared.append(self._start(landing, slug.decode(), csrf.group(1), headers))

    def _start(
        self, landing: str, slug: str, csrf: bytes, headers: dict[str, str]
    ) -> tuple[str, str, dict[str, str]]:
        body = urlencode({"csrf_token": csrf.decode()})
        response, _ = self.client._request("POST", f"{landing}quiz/{slug}/start", body, headers)
        if response.status != 303:
            raise LaunchError(f"start {response.status}")
        path = urlsplit(response.getheader("Location", "")).path
        response, page = self.client._request("GET", path, None, headers)
        if response.status != 200:
            raise LaunchError(f"attempt page {response.status}")
        fields = {"csrf_token": csrf.decode(), **_answers(page), "action": "submit"}
        return path, urlencode(fields), headers

    def __call__(self) -> None:
        if not self.prepared:
            raise PoolExhausted
        path, body, headers = self.prepared.pop()
        response, _ = self.client._request("POST", path, body, headers)
        if response.status != 303 or not response.getheader("Location", "").endswith(
            "/review?submitted=1"
        ):
            raise LaunchError(f"submit {response.status} {response.getheader('Location')}")


UNITS = {"launches": launch_work, "page views": page_work, "submits": SubmitWork}


class PoolExhausted(Exception):
    """A client has used every unit it prepared before the run."""
