"""The tests' HTTP server: werkzeug's, with one repair.

When a browser drops a connection (it navigated on before a static file was sent), werkzeug's
request handler can fail in its clean-up before it closes the response, and the file behind
``send_file`` is left to the garbage collector: a ResourceWarning at a random moment of a
random later test. Here every response a request produced is closed once the request is
done, whatever werkzeug managed.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

_open = threading.local()


class _ClosedOnce:
    """A response body whose ``close`` runs at most once, whoever calls it."""

    def __init__(self, body: Iterable[bytes]) -> None:
        self.body = body
        self.closed = False

    def __iter__(self) -> Any:
        return iter(self.body)

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            close = getattr(self.body, "close", None)
            if close is not None:
                close()


class _ClosingHandler(WSGIRequestHandler):
    def run_wsgi(self) -> None:
        _open.bodies = []
        try:
            super().run_wsgi()
        finally:
            for body in _open.bodies:
                body.close()
            _open.bodies = []


def make_test_server(app: Flask) -> BaseWSGIServer:
    def closing_app(environ: dict[str, Any], start_response: Any) -> _ClosedOnce:
        body = _ClosedOnce(app(environ, start_response))
        getattr(_open, "bodies", []).append(body)
        return body

    return make_server(
        "127.0.0.1", 0, closing_app, threaded=True, request_handler=_ClosingHandler
    )
