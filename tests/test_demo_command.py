"""`kotopaikka demo` from a clean environment: migrates, creates keys, serves the platform."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.browser import Browser
from tests.lti import TRAINER, launch
from tests.registration.helpers import open_registration


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_demo_runs_with_no_configuration_and_a_trainer_can_launch(tmp_path: Path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KOTOPAIKKA_", "SECRET_KEY", "DATABASE_URL", "REDIS_URL"))}
    env["KOTOPAIKKA_INSTANCE_PATH"] = str(tmp_path)  # keep the demo's files out of the repo
    env["PYTHONUNBUFFERED"] = "1"  # its invitation line is read while it serves
    kotopaikka = Path(sys.executable).with_name("kotopaikka")
    server = subprocess.Popen(
        [str(kotopaikka), "demo", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert server.poll() is None, server.stdout.read() if server.stdout else ""
            try:
                if requests.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, "the demo did not start in 30 s"
            time.sleep(0.2)
        result = launch(Browser(base), TRAINER)
        assert result.page is not None and result.page.status_code == 200
        assert "Demo Kouluttaja" in result.page.text
        assert "<h1 lang=\"fi\">Suomalainen työelämä</h1>" in result.page.text  # content was loaded
        assert (tmp_path / "kotopaikka.sqlite").exists()
        # The demo registers itself dynamically too, with the invitation it printed.
        assert server.stdout is not None
        invitation = next(line.strip() for line in server.stdout if "/lti/register/" in line)
        browser = Browser(base)
        page = open_registration(browser, invitation)
        assert page.status_code == 200, page.text
        done = browser.submit(page)
        assert done.status_code == 200, done.text
        tools = browser.get(base + "/devplatform/tools").text
        activate = re.search(r'action="(/devplatform/tools/(\d+)/activate)"', tools)
        assert activate is not None
        assert browser.post(base + activate.group(1), allow_redirects=False).status_code == 303
        client_id = re.search(r"<td><code>([^<]+)</code></td>\s*<td><code>" + activate.group(2), tools)
        assert client_id is not None
        again = launch(Browser(base), TRAINER, tool=client_id.group(1))
        assert again.page is not None and again.page.status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=10)
        if server.stdout:
            server.stdout.close()
