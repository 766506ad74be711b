"""The platforms' public keys: fetched with a timeout, cached in the database.

The cache is shared by every worker and host, honours the platform's cache headers
within bounds, and is refreshed once when a token names a key we have not seen
(the platform rotated its keys). It is never fetched on every launch.
"""

from __future__ import annotations

import functools
import json
import logging
import re
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, Protocol

import requests
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from jwt.algorithms import RSAAlgorithm
from sqlalchemy import update

from courses.database import STANDS_ALONE, db, utcnow
from lti_tool.registry.models import Platform

log = logging.getLogger(__name__)

DEFAULT_LIFETIME = timedelta(minutes=10)
MIN_LIFETIME = timedelta(minutes=1)
# An unknown kid triggers a refetch, but not more often than this, so that tokens
# with made-up kids cannot make us hammer the platform.
MIN_REFETCH_INTERVAL = timedelta(seconds=5)
MAX_JWKS_BYTES = 512 * 1024


class PlatformKeysUnavailable(Exception):
    """The platform's JWKS could not be fetched or is not a key set."""


class UnknownSigningKey(Exception):
    """No key in the platform's JWKS matches the token's kid, even after a refetch."""


def _lifetime_from_headers(headers: Any, max_age: timedelta) -> timedelta:
    cache_control = headers.get("Cache-Control", "")
    lifetime = DEFAULT_LIFETIME
    if re.search(r"\b(no-store|no-cache)\b", cache_control):
        lifetime = MIN_LIFETIME
    elif match := re.search(r"\bmax-age\s*=\s*(\d+)", cache_control):
        lifetime = timedelta(seconds=int(match.group(1)))
    elif expires := headers.get("Expires"):
        try:
            lifetime = parsedate_to_datetime(expires) - utcnow()
        except (TypeError, ValueError):
            lifetime = MIN_LIFETIME
    return max(MIN_LIFETIME, min(lifetime, max_age))


class PlatformKeyCache(Protocol):
    """What the key cache needs of a platform (an ORM row or a plain record)."""

    id: int
    issuer: str
    key_set_url: str
    key_set_json: str | None
    key_set_fetched_at: datetime | None
    key_set_expires_at: datetime | None


def _fetch(platform: PlatformKeyCache, http: requests.Session, max_age: timedelta) -> dict[str, Any]:
    try:
        response = http.get(platform.key_set_url, headers={"Accept": "application/json"})
        response.raise_for_status()
        if len(response.content) > MAX_JWKS_BYTES:
            raise ValueError("key set too large")
        key_set = response.json()
        if not isinstance(key_set, dict) or not isinstance(key_set.get("keys"), list):
            raise ValueError("not a JWKS document")
    except (requests.RequestException, ValueError) as exc:
        log.warning(
            "platform_keys_unavailable issuer=%s url=%s error=%s",
            platform.issuer,
            platform.key_set_url,
            exc,
        )
        raise PlatformKeysUnavailable(str(exc)) from exc
    now = utcnow()
    db.session.execute(
        update(Platform)
        .where(Platform.id == platform.id)
        .values(
            key_set_json=json.dumps(key_set),
            key_set_fetched_at=now,
            key_set_expires_at=now + _lifetime_from_headers(response.headers, max_age),
        ),
        execution_options={STANDS_ALONE: True},
    )
    return key_set


@functools.lru_cache(maxsize=64)
def _parse_public_key(jwk_json: str) -> RSAPublicKey:
    # Keyed by the JWK's own text, so a changed key can never be served stale.
    key = RSAAlgorithm.from_jwk(jwk_json)
    if not isinstance(key, RSAPublicKey):
        raise ValueError("not an RSA public key")
    return key


def _find(key_set: dict[str, Any], kid: str) -> RSAPublicKey | None:
    for jwk in key_set.get("keys", []):
        if isinstance(jwk, dict) and jwk.get("kid") == kid and jwk.get("alg", "RS256") == "RS256":
            try:
                return _parse_public_key(json.dumps(jwk, sort_keys=True))
            except (ValueError, TypeError, KeyError):
                return None
    return None


def verification_key(
    platform: PlatformKeyCache, kid: str, http: requests.Session, max_age: timedelta
) -> RSAPublicKey:
    """Return the platform's RS256 key named ``kid``, fetching the JWKS only when needed."""
    now = utcnow()
    cached = json.loads(platform.key_set_json) if platform.key_set_json else None
    fresh = cached is not None and platform.key_set_expires_at is not None and (
        platform.key_set_expires_at > now
    )
    if fresh:
        key = _find(cached, kid)
        if key is not None:
            return key
        fetched_at = platform.key_set_fetched_at
        if fetched_at is not None and now - fetched_at < MIN_REFETCH_INTERVAL:
            raise UnknownSigningKey(kid)
    try:
        key_set = _fetch(platform, http, max_age)
    finally:
        # The cache is not launch data: keep what was fetched even if this launch fails.
        db.session.commit()
    key = _find(key_set, kid)
    if key is None:
        raise UnknownSigningKey(kid)
    return key
