"""Outbound HTTP: every call has a connect and a read timeout."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests

USER_AGENT = "Kotopaikka-LTI-tool/0.1"


class TimeoutSession(requests.Session):
    """A requests session that never waits forever (pylti1p3 sets no timeout at all)."""

    def __init__(self, timeout: tuple[float, float]) -> None:
        super().__init__()
        self.default_timeout = timeout
        self.headers["User-Agent"] = USER_AGENT
        self._environment: dict[str, dict[str, Any]] = {}

    def merge_environment_settings(
        self, url: Any, proxies: Any, stream: Any, verify: Any, cert: Any
    ) -> dict[str, Any]:
        """requests reads the proxy and CA bundle variables again for every request,
        walking all of ``os.environ`` (a tenth of a score's delivery); they do not
        change while the tool runs, so read them once per origin."""
        if proxies or stream is not None or verify is not None or cert is not None:
            return super().merge_environment_settings(url, proxies, stream, verify, cert)
        parts = urlsplit(url if isinstance(url, str) else url.decode())
        origin = f"{parts.scheme}://{parts.netloc}"
        settings = self._environment.get(origin)
        if settings is None:
            if len(self._environment) >= 256:
                self._environment.clear()
            settings = super().merge_environment_settings(url, {}, None, None, None)
            self._environment[origin] = settings
        return {**settings, "proxies": dict(settings["proxies"])}

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.default_timeout
        return super().request(method, url, *args, **kwargs)


def outbound_session(timeout: tuple[float, float]) -> TimeoutSession:
    return TimeoutSession(timeout)
