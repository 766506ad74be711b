"""A second platform whose key endpoint can be told to misbehave, on a real socket."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class KeyServer:
    """Serves a JWKS at /jwks; ``mode`` picks: ok, status500, garbage, hang, close."""

    def __init__(self, jwks: dict[str, Any]) -> None:
        self.jwks = jwks
        self.mode = "ok"
        self.cache_control: str | None = None
        self.hits = 0
        self._stop = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                outer.hits += 1
                if outer.mode == "hang":
                    outer._stop.wait(30)  # never answer within any sane timeout
                    return
                if outer.mode == "status500":
                    self.send_response(500)
                    self.end_headers()
                    return
                body = b"<html>not json" if outer.mode == "garbage" else json.dumps(outer.jwks).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                if outer.cache_control:
                    self.send_header("Cache-Control", outer.cache_control)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    time.sleep(0)
    return port
