"""The development platform's own RSA key, kept in the instance folder (never committed)."""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

KEY_FILE = "devplatform-key.pem"


def _create_key_file(path: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    try:  # O_EXCL: two workers starting at once must not write two different keys
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)


@functools.lru_cache(maxsize=4)
def _load(path: str, mtime_ns: int) -> tuple[rsa.RSAPrivateKey, str]:
    key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
    kid = "devplatform-" + jwk["n"][:16]
    return key, kid


def platform_key(instance_path: str) -> tuple[rsa.RSAPrivateKey, str]:
    """The platform's private key and kid, created on first use, parsed once."""
    path = Path(instance_path) / KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        _create_key_file(path)
    return _load(str(path), path.stat().st_mtime_ns)


def jwks(instance_path: str) -> dict[str, list[dict[str, Any]]]:
    key, kid = platform_key(instance_path)
    jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
    return {"keys": [{**jwk, "kid": kid, "alg": "RS256", "use": "sig"}]}


def sign(instance_path: str, claims: dict[str, Any], headers: dict[str, Any] | None = None) -> str:
    key, kid = platform_key(instance_path)
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid, **(headers or {})})
