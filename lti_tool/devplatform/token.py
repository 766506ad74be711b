"""OAuth2 for the services: the token endpoint (Moodle's token.php) and bearer checks.

The tool proves who it is with a JWT signed by its own key; the platform checks it
against the tool's JWKS, fetched over HTTP like Moodle fetches a tool's keyset.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from typing import Any

import jwt
import requests
from flask import Response, jsonify, request
from sqlalchemy import bindparam, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lti_tool.devplatform import storage
from lti_tool.devplatform.claims import AGS_SCOPES
from lti_tool.devplatform.faults import fault_response
from lti_tool.devplatform.storage import AccessTokenRow, UsedJti
from lti_tool.devplatform.tools import DevTool, find_tool
from lti_tool.devplatform.views import bp, platform_config

SCOPE_LINEITEM, SCOPE_LINEITEM_READ, SCOPE_RESULT_READ, SCOPE_SCORE = AGS_SCOPES
TOKEN_LIFETIME = 3600  # Moodle: LTI_ACCESS_TOKEN_LIFE
JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
LEEWAY = 5
JWKS_TIMEOUT = (2.0, 5.0)
JWKS_CACHE_SECONDS = 60


class ToolJwtError(Exception):
    """A JWT the tool signed failed verification; the message says why."""


_jwks_cache: dict[str, tuple[float, dict[str, Any]]] = {}
_jwks_lock = threading.Lock()


def _tool_jwks(url: str, refresh: bool) -> dict[str, Any]:
    """The tool's keyset, cached for a short while per process."""
    now = time.monotonic()
    with _jwks_lock:
        cached = _jwks_cache.get(url)
    if cached and not refresh and now - cached[0] < JWKS_CACHE_SECONDS:
        return cached[1]
    try:
        response = requests.get(url, timeout=JWKS_TIMEOUT)
        response.raise_for_status()
        keyset = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ToolJwtError(f"could not fetch the tool's keyset from {url}: {exc}") from exc
    if not isinstance(keyset, dict) or not isinstance(keyset.get("keys"), list):
        raise ToolJwtError("the tool's keyset has no 'keys' list")
    with _jwks_lock:
        _jwks_cache[url] = (now, keyset)
    return keyset


def forget_tool_keys() -> None:
    """Drop the cached keysets (tests: start from a cold cache)."""
    with _jwks_lock:
        _jwks_cache.clear()


def _key_for(jwks_url: str, kid: str, refresh: bool) -> Any:
    for jwk in _tool_jwks(jwks_url, refresh)["keys"]:
        if isinstance(jwk, dict) and jwk.get("kid") == kid:
            try:
                return jwt.PyJWK.from_dict(jwk, algorithm="RS256").key
            except jwt.PyJWTError as exc:
                raise ToolJwtError(f"the tool's key {kid!r} is not usable: {exc}") from exc
    return None


def verify_tool_jwt(token: str, audience: list[str], require: list[str]) -> tuple[DevTool, dict[str, Any]]:
    """Verify a JWT signed by a tool (RS256, kid in its JWKS, iss = its client id), found
    by its ``iss`` as Moodle finds the tool type; returns the tool and the claims."""
    try:
        header = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise ToolJwtError(f"not a JWT: {exc}") from exc
    tool = find_tool(unverified.get("iss"))
    if tool is None:
        raise ToolJwtError("the issuer (iss) is not the client id of a registered tool")
    if not tool.active:
        raise ToolJwtError("the tool is pending (not activated)")
    if header.get("alg") != "RS256":
        raise ToolJwtError("alg must be RS256")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise ToolJwtError("the JWT header has no kid")
    # Like Moodle: on an unknown kid or a failed signature, fetch the keyset once more
    # (the tool may have rotated its key since the cached copy).
    for refresh in (False, True):
        key = _key_for(tool.jwks_url, kid, refresh)
        if key is None:
            if refresh:
                raise ToolJwtError(f"kid {kid!r} is not in the tool's keyset")
            continue
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=["RS256"],
                audience=audience,
                issuer=tool.client_id,
                leeway=LEEWAY,
                options={"require": require},
            )
            return tool, claims
        except jwt.InvalidSignatureError as exc:
            if refresh:
                raise ToolJwtError("signature verification failed") from exc
        except jwt.PyJWTError as exc:
            raise ToolJwtError(str(exc)) from exc
    raise ToolJwtError("signature verification failed")  # pragma: no cover


def _oauth_error(code: str, description: str, status: int = 400) -> tuple[Response, int]:
    response = jsonify(error=code, error_description=description)
    response.headers["Cache-Control"] = "no-store"
    return response, status


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _remember_jti(jti: str, expires_at: float) -> bool:
    """Record the assertion's jti; False if it was used before."""
    try:
        with storage.session(write=True) as db:
            db.execute(delete(UsedJti).where(UsedJti.expires_at < time.time() - LEEWAY))
            db.add(UsedJti(jti=jti, expires_at=expires_at))
    except IntegrityError:
        return False
    return True


@bp.post("/token")
def token() -> Response | tuple[Response, int]:
    """client_credentials grant with a private_key_jwt client assertion."""
    with storage.session(write=True) as db:
        storage.bump(db, "token_requests")
    if (fault := fault_response("token")) is not None:
        return fault
    # Moodle's token.php answers every failure with 400 and a JSON error.
    if request.mimetype != "application/x-www-form-urlencoded":
        return _oauth_error("invalid_request", "send application/x-www-form-urlencoded")
    form = request.form
    assertion, scope = form.get("client_assertion", ""), form.get("scope", "")
    if not all((assertion, form.get("client_assertion_type"), form.get("grant_type"), scope)):
        return _oauth_error(
            "invalid_request",
            "grant_type, client_assertion_type, client_assertion and scope are required",
        )
    if form["grant_type"] != "client_credentials" or form["client_assertion_type"] != JWT_BEARER:
        return _oauth_error(
            "unsupported_grant_type", "client_credentials with a jwt-bearer assertion"
        )
    config = platform_config()
    try:
        tool, claims = verify_tool_jwt(
            assertion,
            audience=[config.url("/token"), config.issuer],
            require=["iss", "sub", "aud", "exp", "iat", "jti"],
        )
    except ToolJwtError as exc:
        return _oauth_error("invalid_client", str(exc))
    if claims.get("sub") != tool.client_id:
        return _oauth_error("invalid_client", "sub must be the client id")
    if not isinstance(claims["jti"], str) or not _remember_jti(claims["jti"], float(claims["exp"])):
        return _oauth_error("invalid_client", "the client assertion was already used (jti)")
    requested = scope.split()
    granted = [s for s in dict.fromkeys(requested) if s in tool.scopes]
    if not granted:
        return _oauth_error("invalid_scope", "none of the requested scopes is allowed")
    access_token = secrets.token_urlsafe(32)
    with storage.session(write=True) as db:
        db.execute(delete(AccessTokenRow).where(AccessTokenRow.expires_at < time.time()))
        db.add(
            AccessTokenRow(
                token_hash=_hash(access_token),
                client_id=tool.client_id,
                scope=" ".join(granted),
                expires_at=time.time() + TOKEN_LIFETIME,
            )
        )
        storage.bump(db, "tokens_issued")
    response = jsonify(
        access_token=access_token,
        token_type="Bearer",
        expires_in=TOKEN_LIFETIME,
        scope=" ".join(granted),
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def service_error(status: int, message: str, **headers: str) -> Response:
    """A JSON error from a service endpoint."""
    response = jsonify(error=message)
    response.status_code = status
    response.headers.update(headers)
    return response


def _unauthorised(description: str) -> Response:
    return service_error(
        401,
        description,
        **{"WWW-Authenticate": f'Bearer error="invalid_token", error_description="{description}"'},
    )


# Built once: a reused statement keeps its compiled form (this runs with every service call).
_TOKEN_LOOKUP = select(AccessTokenRow.__table__.c.expires_at, AccessTokenRow.__table__.c.scope).where(
    AccessTokenRow.__table__.c.token_hash == bindparam("token_hash")
)


def check_bearer(*accepted_scopes: str, db: Session | None = None) -> Response | None:
    """None if the request carries a live token with one of ``accepted_scopes``, else the
    error; read in ``db``'s transaction when given, else in one of its own."""
    header = request.headers.get("Authorization", "")
    if not header:
        return service_error(401, "no access token", **{"WWW-Authenticate": "Bearer"})
    scheme, _, value = header.partition(" ")
    value = value.strip()
    if scheme.lower() != "bearer" or not value or " " in value or len(value) > 512:
        return _unauthorised("malformed Authorization header")
    params = {"token_hash": _hash(value)}
    if db is None:
        with storage.session() as own:
            row = own.execute(_TOKEN_LOOKUP, params).first()
    else:
        row = db.execute(_TOKEN_LOOKUP, params).first()
    if row is None:
        return _unauthorised("unknown access token")
    expires_at, scope = row
    if expires_at <= time.time():
        return _unauthorised("the access token has expired")
    if not set(scope.split()) & set(accepted_scopes):
        return service_error(
            403,
            "the access token lacks the scope this needs",
            **{
                "WWW-Authenticate": f'Bearer error="insufficient_scope", scope="{" ".join(accepted_scopes)}"'
            },
        )
    return None
