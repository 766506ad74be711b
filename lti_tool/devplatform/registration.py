"""Dynamic registration, the platform's side, as Moodle 4.5's mod/lti does it.

- ``/tools``: "Manage tools": the registered tools, their state, Activate, and the
  "Tool URL" field with "Add LTI Advantage", which opens the tool's registration URL in
  a dialog (here an iframe) with ``openid_configuration`` and ``registration_token``
  appended (startltiadvregistration.php). When a tool type with the same host and port
  exists, it first asks: "Update" that type or "Register as a new external tool".
- ``/openid-configuration``: the platform's configuration (openid-configuration.php).
- ``/openid-registration``: the registration endpoint (openid-registration.php): the
  token must be this platform's and unexpired; the request is checked as
  registration_helper::registration_to_config checks it. A ``reg`` token (its sub the
  new client id) works once and creates the tool pending; a ``reg-update`` token (its sub
  the type's id) updates that type, which keeps its client id, deployment id and state.
"""

from __future__ import annotations

import json
import secrets
import string
import time
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import jwt
from flask import Response, abort, current_app, redirect, render_template, request, url_for
from sqlalchemy import select

from lti_tool.devplatform import keys, storage
from lti_tool.devplatform.claims import AGS_SCOPES
from lti_tool.devplatform.storage import ToolTypeRow
from lti_tool.devplatform.tools import (
    NRPS_SCOPE,
    PENDING,
    DevTool,
    activate_tool,
    registered_tools,
)
from lti_tool.devplatform.views import bp, platform_config

TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
REGISTRATION_TOKEN_LIFETIME = 3600  # Moodle: HOURSECS
SCOPE_NEW, SCOPE_UPDATE = "reg", "reg-update"  # registration_helper::REG_TOKEN_OP_*
SCOPE_LINEITEM, SCOPE_LINEITEM_READ, SCOPE_RESULT_READ, SCOPE_SCORE = AGS_SCOPES
REQUIRED = (
    "response_types",
    "initiate_login_uri",
    "redirect_uris",
    "client_name",
    "jwks_uri",
    "token_endpoint_auth_method",
    TOOL_CONFIGURATION,
)


class RegistrationError(Exception):
    """Moodle's registration_exception: a message and an HTTP status."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@bp.get("/openid-configuration")
def openid_configuration() -> Response:
    from lti_tool.devplatform.faults import fault_response

    if (fault := fault_response("configuration")) is not None:
        return fault
    config = platform_config()
    document = {
        "issuer": config.issuer,
        "token_endpoint": config.url("/token"),
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        "token_endpoint_auth_signing_alg_values_supported": ["RS256"],
        "jwks_uri": config.url("/jwks"),
        "authorization_endpoint": config.url("/auth"),
        "registration_endpoint": config.url("/openid-registration"),
        "scopes_supported": [*AGS_SCOPES, NRPS_SCOPE, "openid"],
        "response_types_supported": ["id_token"],
        "subject_types_supported": ["public", "pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "claims_supported": ["sub", "iss", "name", "given_name", "family_name", "email"],
        "https://purl.imsglobal.org/spec/lti-platform-configuration": {
            "product_family_code": "moodle",
            "version": "4.5.6 (Build: 20250811)",
            "messages_supported": [
                {"type": "LtiResourceLinkRequest"},
                {"type": "LtiDeepLinkingRequest"},
            ],
            "variables": ["Context.id", "ResourceLink.id", "User.id"],
        },
    }
    return Response(json.dumps(document, indent=2), mimetype="application/json")


def registration_token(now: int | None = None, type_id: int | None = None) -> str:
    """Moodle's, one hour: scope reg with sub = the client id the registration will get,
    or, to update a type, scope reg-update with sub = the type's id."""
    now = int(time.time()) if now is None else now
    if type_id is None:
        sub = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(15))
        scope = SCOPE_NEW
    else:
        sub, scope = str(type_id), SCOPE_UPDATE
    claims = {"sub": sub, "scope": scope, "iat": now, "exp": now + REGISTRATION_TOKEN_LIFETIME}
    return keys.sign(current_app.instance_path, claims)


def with_registration_params(url: str, token: str) -> str:
    """The tool's URL with its own path and query kept and the two parameters appended."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    query += [
        ("openid_configuration", platform_config().url("/openid-configuration")),
        ("registration_token", token),
    ]
    return urlunsplit(parts._replace(query=urlencode(query)))


@bp.get("/tools")
def manage_tools() -> str:
    return render_template("devplatform/tools.html", tools=registered_tools())


def same_host_tools(url: str) -> list[DevTool]:
    """The registered types on the tool URL's host and port (lti_get_tools_by_url)."""
    return [t for t in registered_tools() if _host_and_port(t.domain) == _host_and_port(url)]


@bp.route("/tools/start-registration", methods=["GET", "POST"])
def start_registration() -> Response | str:
    """ "Add LTI Advantage": into the dialog, the tool's URL with the token appended;
    first, if types on the same host and port exist, the choice to update one of them
    (``type`` = its id) or to register a new one (``type=0``)."""
    url = request.values.get("url", "").strip()
    if urlsplit(url).scheme not in {"http", "https"} or not urlsplit(url).netloc:
        abort(400, "Tool URL must be an http(s) URL.")
    choice = request.values.get("type", "")
    same_host = same_host_tools(url)
    if not choice:
        if same_host:
            return render_template("devplatform/registration_choice.html", url=url, tools=same_host)
        choice = "0"
    if not choice.isdigit():
        abort(400, "type must be a tool type's id, or 0 for a new one.")
    type_id = int(choice)
    if type_id and type_id not in {t.type_id for t in same_host}:
        abort(400, "No tool type with that id on the tool URL's host.")
    return redirect(with_registration_params(url, registration_token(type_id=type_id or None)), 302)


@bp.post("/tools/<int:type_id>/activate")
def activate(type_id: int) -> Response:
    if not activate_tool(type_id):
        abort(404)
    return redirect(url_for("devplatform.manage_tools"), 303)  # Moodle: 303 to the settings


def validate_token(header: str) -> tuple[str, int | None]:
    """The client id the registration gets and, for an update, the type it updates, if
    the token is this platform's (a new registration's token must be unused)."""
    if not header.startswith("Bearer "):
        raise RegistrationError("missing_registration_token", 401)
    token = header[7:].strip()
    try:
        key, _ = keys.platform_key(current_app.instance_path)
        claims = jwt.decode(
            token, key.public_key(), algorithms=["RS256"], options={"require": ["sub", "exp"]}
        )
    except jwt.PyJWTError as exc:
        raise RegistrationError(f"invalid_registration_token: {exc}", 401) from exc
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub:
        raise RegistrationError("invalid_registration_token", 401)
    if claims.get("scope") == SCOPE_UPDATE:
        with storage.session() as db:
            row = db.get(ToolTypeRow, int(sub)) if sub.isdigit() else None
            if row is None:
                raise RegistrationError("Unknown client", 400)
            return row.client_id, row.id
    if claims.get("scope") != SCOPE_NEW:
        raise RegistrationError("Incorrect scope", 403)
    with storage.session() as db:
        if db.execute(select(ToolTypeRow.id).where(ToolTypeRow.client_id == sub)).first():
            raise RegistrationError("token_already_used", 401)
    return sub, None


def _parameter(payload: dict[str, Any], key: str, required: bool) -> Any:
    value = payload.get(key)
    if not value:
        if required:
            raise RegistrationError(f"missing required attribute {key}")
        return None
    return value


def _host_and_port(url: str) -> str:
    parts = urlsplit(url if "//" in url else "//" + url)
    host = (parts.hostname or "").lower()
    return f"{host}:{parts.port}" if parts.port else host


def registration_to_type(payload: Any, client_id: str) -> dict[str, Any]:
    """The tool type a registration asks for, refused as Moodle refuses it."""
    if not isinstance(payload, dict):
        raise RegistrationError("missing required attribute response_types")
    values = {key: _parameter(payload, key, True) for key in REQUIRED}
    tool = values[TOOL_CONFIGURATION]
    if not isinstance(tool, dict):
        raise RegistrationError(f"missing required attribute {TOOL_CONFIGURATION}")
    domain = _parameter(tool, "domain", True)
    target = _parameter(tool, "target_link_uri", True)
    if not isinstance(values["response_types"], list) or "id_token" not in values["response_types"]:
        raise RegistrationError("invalid_response_types")
    if not isinstance(values["redirect_uris"], list):
        raise RegistrationError("invalid_redirect_uris")
    if values["token_endpoint_auth_method"] != "private_key_jwt":
        raise RegistrationError("invalid_token_endpoint_auth_method")
    application_type = payload.get("application_type")
    if application_type and application_type != "web":
        raise RegistrationError("invalid_application_type")
    if (
        not isinstance(domain, str)
        or not isinstance(target, str)
        or _host_and_port(domain) != _host_and_port(target)
    ):
        raise RegistrationError("domain_mismatch")
    scopes = str(payload.get("scope") or "").split()
    granted = []
    if set(scopes) & {SCOPE_SCORE, SCOPE_RESULT_READ, SCOPE_LINEITEM_READ, SCOPE_LINEITEM}:
        granted += [SCOPE_SCORE, SCOPE_RESULT_READ, SCOPE_LINEITEM_READ]
    if SCOPE_LINEITEM in scopes:
        granted.append(SCOPE_LINEITEM)
    if NRPS_SCOPE in scopes:
        granted.append(NRPS_SCOPE)
    claims = tool.get("claims") if isinstance(tool.get("claims"), list) else []
    messages = tool.get("messages") if isinstance(tool.get("messages"), list) else []
    deep_link = next(
        (m for m in messages if isinstance(m, dict) and m.get("type") == "LtiDeepLinkingRequest"),
        None,
    )
    return {
        "client_id": client_id,
        "name": str(values["client_name"])[:255],
        "target_link_uri": target,
        "domain": domain,
        "initiate_login_uri": str(values["initiate_login_uri"]),
        "redirect_uris": [str(u) for u in values["redirect_uris"]],
        "jwks_uri": str(values["jwks_uri"]),
        "scopes": " ".join(granted),
        "send_name": bool({"name", "given_name", "family_name"} & set(claims)),
        "send_email": "email" in claims,
        "deep_linking": deep_link is not None,
        "deep_link_url": str((deep_link or {}).get("target_link_uri") or ""),
    }


def type_to_registration(row: ToolTypeRow) -> dict[str, Any]:
    """The answer: the registration echoed with the client id and deployment id."""
    tool: dict[str, Any] = {
        "deployment_id": str(row.id),
        "target_link_uri": row.target_link_uri,
        "domain": row.domain,
        "description": "",
        "claims": ["sub", "iss"]
        + (["name", "family_name", "middle_name"] if row.send_name else [])
        + (["email"] if row.send_email else []),
    }
    if row.deep_linking:
        message: dict[str, Any] = {"type": "LtiDeepLinkingRequest"}
        if row.deep_link_url:
            message["target_link_uri"] = row.deep_link_url
        tool["messages"] = [message]
    return {
        "client_id": row.client_id,
        "token_endpoint_auth_method": "private_key_jwt",
        "response_types": ["id_token"],
        "jwks_uri": row.jwks_uri,
        "initiate_login_uri": row.initiate_login_uri,
        "grant_types": ["client_credentials", "implicit"],
        "redirect_uris": row.redirect_uris,
        "application_type": ["web"],
        "client_name": row.name,
        "logo_uri": "",
        "scope": row.scopes,
        TOOL_CONFIGURATION: tool,
    }


@bp.post("/openid-registration")
def openid_registration() -> Response:
    from lti_tool.devplatform.faults import fault_response

    if (fault := fault_response("registration")) is not None:
        return fault
    try:
        client_id, type_id = validate_token(request.headers.get("Authorization", ""))
        settings = registration_to_type(request.get_json(silent=True), client_id)
        with storage.session(write=True) as db:
            if type_id is None:
                row = ToolTypeRow(id=storage.next_id(db), state=PENDING, **settings)
                db.add(row)
            else:  # lti_update_type: the same id, client id and state, the new settings
                row = db.get(ToolTypeRow, type_id)
                if row is None:
                    raise RegistrationError("Unknown client", 400)
                for key, value in settings.items():
                    setattr(row, key, value)
            db.flush()
            answer = type_to_registration(row)
    except RegistrationError as exc:
        return Response(str(exc), status=exc.status, mimetype="text/plain")
    return Response(json.dumps(answer), mimetype="application/json")
