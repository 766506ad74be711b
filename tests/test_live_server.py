"""The tests' server closes every response, even where werkzeug's clean-up fails."""

from __future__ import annotations

import selectors
import socket
import threading

import pytest
from flask import Flask

from tests.live_server import make_test_server


def test_a_response_is_closed_when_werkzeug_fails_before_closing_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    closed = threading.Event()

    class Body:
        def __iter__(self):  # type: ignore[no-untyped-def]
            return iter([b"hello"])

        def close(self) -> None:
            closed.set()

    app = Flask(__name__)

    @app.get("/")
    def index():  # type: ignore[no-untyped-def]
        return app.response_class(Body())

    def register_fails(*args: object, **kwargs: object) -> None:
        # What werkzeug meets when the browser has already dropped the socket.
        raise ValueError("Invalid file descriptor: -1")

    monkeypatch.setattr(selectors.DefaultSelector, "register", register_fails)
    server = make_test_server(app)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with socket.create_connection(("127.0.0.1", server.server_port)) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: test\r\n\r\n")
            sock.recv(1024)
        assert closed.wait(5)
    finally:
        server.shutdown()
        server.server_close()
