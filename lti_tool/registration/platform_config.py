"""The platform's OpenID configuration: fetched only from the issuer's own host, with
the outbound timeouts and a size limit, and checked field by field (LTI Dynamic
Registration 1.0, "Platform OpenID Configuration")."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests

from lti_tool.registration.errors import RegistrationRefused

MAX_DOCUMENT_BYTES = 64 * 1024
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
PLATFORM_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-platform-configuration"


@dataclass(frozen=True)
class PlatformConfiguration:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    registration_endpoint: str
    product_family_code: str
    version: str
    messages_supported: tuple[str, ...]


def acceptable_url(url: str, allow_loopback_http: bool) -> bool:
    """https, or plain http to this machine in development and tests only."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises on a port that is not a number)
    except ValueError:
        return False
    if not parts.hostname or parts.username or parts.password or parts.fragment:
        return False
    if parts.scheme == "https":
        return True
    return parts.scheme == "http" and allow_loopback_http and parts.hostname in LOOPBACK


def origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = parts.port or {"https": 443, "http": 80}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), port


def read_limited(response: requests.Response, limit: int, seconds: float) -> bytes:
    """The body, or a ValueError once it passes ``limit`` bytes or takes longer than
    ``seconds`` in all (the read timeout only bounds each wait for more bytes)."""
    deadline = time.monotonic() + seconds
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise ValueError(f"{declared} bytes")
    body = b""
    for chunk in response.iter_content(8192):
        body += chunk
        if len(body) > limit:
            raise ValueError(f"more than {limit} bytes")
        if time.monotonic() > deadline:
            raise ValueError(f"took more than {seconds:.0f} s")
    return body


def _total_seconds(http: requests.Session) -> float:
    timeout = getattr(http, "default_timeout", (3.0, 5.0))
    return float(sum(timeout)) if isinstance(timeout, tuple) else float(timeout)


def fetch_json(http: requests.Session, method: str, url: str, unavailable: str, **kwargs: Any) -> tuple[int, Any]:
    """One request (no redirects: they could lead to another host), its status and JSON."""
    try:
        with http.request(method, url, allow_redirects=False, stream=True, **kwargs) as response:
            body = read_limited(response, MAX_DOCUMENT_BYTES, _total_seconds(http))
            status = response.status_code
    except (requests.RequestException, ValueError) as exc:
        raise RegistrationRefused(unavailable, f"{url}: {exc}") from exc
    try:
        return status, json.loads(body) if body else None
    except ValueError:
        return status, None


def _url_field(document: dict[str, Any], name: str, allow_loopback_http: bool) -> str:
    value = document.get(name)
    if not isinstance(value, str) or len(value) > 1000 or not acceptable_url(value, allow_loopback_http):
        raise RegistrationRefused("config_invalid", f"{name} is not an acceptable URL")
    return value


def _includes(document: dict[str, Any], name: str, wanted: str, required: bool = True) -> None:
    value = document.get(name)
    if value is None and not required:
        return
    if not isinstance(value, list) or wanted not in value:
        raise RegistrationRefused("config_invalid", f"{name} must include {wanted}")


def _message_types(value: Any) -> tuple[str, ...]:
    """``messages_supported``: objects with a ``type`` (the spec) or plain strings."""
    if not isinstance(value, list):
        raise RegistrationRefused("config_invalid", "messages_supported must be a list")
    types = []
    for item in value:
        kind = item.get("type") if isinstance(item, dict) else item
        if isinstance(kind, str):
            types.append(kind)
    return tuple(types)


def parse_configuration(document: Any, config_url: str, allow_loopback_http: bool) -> PlatformConfiguration:
    if not isinstance(document, dict):
        raise RegistrationRefused("config_invalid", "not a JSON object")
    issuer = document.get("issuer")
    if not isinstance(issuer, str) or len(issuer) > 255 or not acceptable_url(issuer, allow_loopback_http):
        raise RegistrationRefused("config_invalid", "issuer is not an acceptable URL")
    if urlsplit(issuer).query:
        raise RegistrationRefused("config_invalid", "issuer has a query")
    # The issuer must be the site the configuration was fetched from.
    if origin(issuer) != origin(config_url):
        raise RegistrationRefused("issuer_mismatch", f"{issuer} vs {config_url}")
    urls = {
        name: _url_field(document, name, allow_loopback_http)
        for name in ("authorization_endpoint", "token_endpoint", "jwks_uri", "registration_endpoint")
    }
    # The registration token goes to the registration endpoint: only on the issuer's site.
    if origin(urls["registration_endpoint"]) != origin(issuer):
        raise RegistrationRefused("issuer_mismatch", "registration_endpoint is on another site")
    _includes(document, "token_endpoint_auth_methods_supported", "private_key_jwt")
    _includes(document, "token_endpoint_auth_signing_alg_values_supported", "RS256")
    _includes(document, "id_token_signing_alg_values_supported", "RS256")
    _includes(document, "response_types_supported", "id_token", required=False)
    lti = document.get(PLATFORM_CONFIGURATION)
    if not isinstance(lti, dict):
        raise RegistrationRefused("config_invalid", f"{PLATFORM_CONFIGURATION} is missing")
    family = lti.get("product_family_code")
    if not isinstance(family, str) or not family:
        raise RegistrationRefused("config_invalid", "product_family_code is missing")
    version = lti.get("version")
    messages = _message_types(lti.get("messages_supported"))
    if "LtiResourceLinkRequest" not in messages:
        messages = ("LtiResourceLinkRequest", *messages)  # every LTI 1.3 platform launches
    return PlatformConfiguration(
        issuer=issuer,
        product_family_code=family[:100],
        version=str(version)[:100] if isinstance(version, (str, int, float)) else "",
        messages_supported=messages,
        **urls,
    )


def fetch_configuration(http: requests.Session, config_url: str, issuer_hint: str | None,
                        allow_loopback_http: bool) -> PlatformConfiguration:
    """Fetch and check the configuration at ``config_url``."""
    if len(config_url) > 1000 or not acceptable_url(config_url, allow_loopback_http):
        raise RegistrationRefused("config_url_refused", config_url[:200])
    status, document = fetch_json(
        http, "GET", config_url, "config_unavailable", headers={"Accept": "application/json"}
    )
    if status != 200:
        raise RegistrationRefused("config_unavailable", f"HTTP {status}")
    config = parse_configuration(document, config_url, allow_loopback_http)
    if issuer_hint and issuer_hint != config.issuer:
        raise RegistrationRefused("issuer_mismatch", "the configuration changed")
    return config
