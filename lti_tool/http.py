"""Outbound HTTP: every call has a connect and a read timeout."""

from __future__ import annotations

from typing import Any

import requests

USER_AGENT = "Kotopaikka-LTI-tool/0.1"


class TimeoutSession(requests.Session):
    """A requests session that never waits forever (pylti1p3 sets no timeout at all)."""

    def __init__(self, timeout: tuple[float, float]) -> None:
        super().__init__()
        self.default_timeout = timeout
        self.headers["User-Agent"] = USER_AGENT

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.default_timeout
        return super().request(method, url, *args, **kwargs)


def outbound_session(timeout: tuple[float, float]) -> TimeoutSession:
    return TimeoutSession(timeout)
