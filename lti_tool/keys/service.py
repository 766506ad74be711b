"""Create, rotate, retire and publish the tool's signing keys."""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from jwt.utils import base64url_encode
from sqlalchemy import select

from courses.database import db, utcnow
from lti_tool.keys.models import KeyStatus, ToolKey


class NoSigningKey(RuntimeError):
    """The tool has no current key yet: run ``kotopaikka keys rotate``."""


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_key: rsa.RSAPrivateKey


def _new_rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_jwk(private_key: rsa.RSAPrivateKey, kid: str) -> dict[str, Any]:
    jwk = json.loads(RSAAlgorithm.to_jwk(private_key.public_key()))
    return {"kty": "RSA", "n": jwk["n"], "e": jwk["e"], "kid": kid, "alg": "RS256", "use": "sig"}


def _thumbprint_kid(private_key: rsa.RSAPrivateKey) -> str:
    """RFC 7638 thumbprint of the public key: stable, unique, reveals nothing."""
    jwk = json.loads(RSAAlgorithm.to_jwk(private_key.public_key()))
    canonical = json.dumps({k: jwk[k] for k in ("e", "kty", "n")}, separators=(",", ":"))
    return base64url_encode(hashlib.sha256(canonical.encode()).digest()).decode()


def _store_new_current_key() -> ToolKey:
    private_key = _new_rsa_key()
    kid = _thumbprint_kid(private_key)
    pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    key = ToolKey(
        kid=kid,
        private_key_pem=pem,
        public_jwk_json=json.dumps(public_jwk(private_key, kid)),
        status=KeyStatus.CURRENT,
    )
    db.session.add(key)
    return key


def ensure_current_key() -> ToolKey:
    """Return the current key, creating the first one on a fresh installation."""
    key = db.session.execute(
        select(ToolKey).where(ToolKey.status == KeyStatus.CURRENT)
    ).scalar_one_or_none()
    if key is None:
        key = _store_new_current_key()
        db.session.commit()
    return key


def rotate_keys() -> ToolKey:
    """Make a new current key; the old one stays published as 'previous' until retired."""
    for old in db.session.execute(
        select(ToolKey).where(ToolKey.status == KeyStatus.CURRENT).with_for_update()
    ).scalars():
        old.status = KeyStatus.PREVIOUS
    key = _store_new_current_key()
    db.session.commit()
    return key


def retire_key(kid: str) -> ToolKey:
    key = db.session.execute(select(ToolKey).where(ToolKey.kid == kid)).scalar_one_or_none()
    if key is None:
        raise LookupError(f"No key with kid {kid!r}.")
    if key.status is KeyStatus.CURRENT:
        raise ValueError("The current key cannot be retired; rotate first.")
    key.status = KeyStatus.RETIRED
    key.retired_at = utcnow()
    db.session.commit()
    return key


def list_keys() -> list[ToolKey]:
    return list(db.session.execute(select(ToolKey).order_by(ToolKey.id)).scalars())


def published_jwks() -> dict[str, list[dict[str, Any]]]:
    """The JWKS document: current and previous keys, wrapped in ``keys`` exactly once."""
    rows = db.session.execute(
        select(ToolKey.public_jwk_json)
        .where(ToolKey.status.in_([KeyStatus.CURRENT, KeyStatus.PREVIOUS]))
        .order_by(ToolKey.id.desc())
    ).scalars()
    return {"keys": [json.loads(row) for row in rows]}


@functools.lru_cache(maxsize=16)
def _parse_private_key(kid: str, pem: str) -> rsa.RSAPrivateKey:
    # Loading a PEM checks the key and costs ~45 ms; a kid's key never changes, so
    # parsing once per process is safe (pylti1p3 re-parses it for every signature).
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


def current_signing_key() -> SigningKey:
    row = db.session.execute(
        select(ToolKey.kid, ToolKey.private_key_pem).where(ToolKey.status == KeyStatus.CURRENT)
    ).first()
    if row is None:
        raise NoSigningKey("The tool has no signing key yet: run 'kotopaikka keys rotate'.")
    return SigningKey(kid=row.kid, private_key=_parse_private_key(row.kid, row.private_key_pem))
