"""`kotopaikka demo` from a clean environment: migrates, creates keys, serves the platform,
and registers itself through the platform's dynamic registration (again: an update)."""

from __future__ import annotations

import os
import queue
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

from tests.browser import Browser
from tests.lti import TRAINER, launch
from tests.registration.helpers import open_registration

REGISTERED = re.compile(
    r"Kotopaikka (registered itself|updated its registration) through the development "
    r"platform's dynamic registration: client id (\S+), deployment (\d+), active"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Demo:
    """A running `kotopaikka demo`; its output is read line by line as it comes."""

    def __init__(self, instance: Path, port: int) -> None:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("KOTOPAIKKA_", "SECRET_KEY", "DATABASE_URL", "REDIS_URL"))
        }
        env["KOTOPAIKKA_INSTANCE_PATH"] = str(instance)  # keep the demo's files out of the repo
        env["PYTHONUNBUFFERED"] = "1"  # its lines are read while it serves
        kotopaikka = Path(sys.executable).with_name("kotopaikka")
        self.base = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            [str(kotopaikka), "demo", "--port", str(port)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)

    def wait_for(self, pattern: re.Pattern[str] | str, seconds: float = 30) -> re.Match[str]:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                assert self.process.poll() is None, "".join(self.seen)
                continue
            self.seen.append(line)
            found = re.search(pattern, line)
            if found:
                return found
        raise AssertionError(f"no {pattern!r} in {seconds} s:\n" + "".join(self.seen[-40:]))

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        if self.process.stdout:
            self.process.stdout.close()


def test_demo_runs_with_no_configuration_registers_itself_and_a_trainer_can_launch(tmp_path: Path):
    port = _free_port()
    demo = Demo(tmp_path, port)
    base = demo.base
    try:
        invitation = demo.wait_for(r"\S+/lti/register/\S+").group(0)  # printed for a person
        # Once it listens, the demo registers itself as an administrator would, and activates.
        registered = demo.wait_for(REGISTERED)
        assert registered.group(1) == "registered itself"
        client_id = registered.group(2)
        assert requests.get(base + "/healthz", timeout=5).status_code == 200
        result = launch(Browser(base), TRAINER)  # the built-in registration
        assert result.page is not None and result.page.status_code == 200
        assert "Demo Kouluttaja" in result.page.text
        assert "<h1 lang=\"fi\">Suomalainen työelämä</h1>" in result.page.text  # content was loaded
        assert (tmp_path / "kotopaikka.sqlite").exists()
        again = launch(Browser(base), TRAINER, tool=client_id)  # the dynamic one
        assert again.page is not None and again.page.status_code == 200
        tools = requests.get(base + "/devplatform/tools", timeout=5).text
        assert client_id in tools and "configured" in tools and "pending" not in tools
        # The printed invitation works too: the platform asks, and "new" adds a tool.
        browser = Browser(base)
        page = open_registration(browser, invitation)
        assert page.status_code == 200, page.text
        assert browser.submit(page).status_code == 200
    finally:
        demo.stop()

    # Run again on the same files: the demo updates its registration, one client kept.
    demo = Demo(tmp_path, port)
    try:
        updated = demo.wait_for(REGISTERED)
        assert updated.group(1) == "updated its registration" and updated.group(2) == client_id
        third = launch(Browser(base), TRAINER, tool=client_id)
        assert third.page is not None and third.page.status_code == 200
    finally:
        demo.stop()
