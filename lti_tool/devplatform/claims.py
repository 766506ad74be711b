"""id_token claims shaped the way Moodle 4.5 sends them (see shared/moodle.md)."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

from lti_tool.devplatform import directory

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
AGS_SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
]
ID_TOKEN_LIFETIME = 60  # Moodle: exp = iat + 60 s


@dataclass(frozen=True)
class PlatformConfig:
    """Who the platform is and where its endpoints live."""

    issuer: str
    client_id: str
    deployment_id: str
    base_url: str  # the platform's own URL prefix, e.g. http://127.0.0.1:5000/devplatform
    # The tool type's settings (Moodle: privacy and services of the registration).
    type_id: int = 1
    send_name: bool = True
    send_email: bool = True
    grade_sync: bool = True
    memberships: bool = True

    def url(self, path: str) -> str:
        return self.base_url.rstrip("/") + path


@dataclass(frozen=True)
class LaunchHint:
    """What the launcher page asked for; travels as ``lti_message_hint``."""

    course_id: str
    link_id: str | None
    message_type: str = "LtiResourceLinkRequest"
    document_target: str = "iframe"

    def encode(self) -> str:
        return json.dumps(
            {
                "course": self.course_id,
                "link": self.link_id,
                "type": self.message_type,
                "target": self.document_target,
            }
        )

    @classmethod
    def decode(cls, raw: str) -> "LaunchHint":
        data = json.loads(raw)
        return cls(
            course_id=str(data["course"]),
            link_id=str(data["link"]) if data.get("link") else None,
            message_type=str(data.get("type", "LtiResourceLinkRequest")),
            document_target=str(data.get("target", "iframe")),
        )


def _normalise_custom(custom: dict[str, str]) -> dict[str, str]:
    """Moodle lower-cases custom parameter names and turns other characters into ``_``."""
    out = {}
    for name, value in custom.items():
        key = "".join(ch if ch.isalnum() else "_" for ch in name.lower())
        out[key] = value
    return out


def id_token_claims(
    platform: PlatformConfig,
    user: directory.DevUser,
    course: directory.DevCourse,
    link: directory.DevLink | None,
    hint: LaunchHint,
    nonce: str,
    now: int | None = None,
) -> dict[str, Any]:
    now = int(time.time()) if now is None else now
    memberships_url = platform.url(f"/api/{course.id}/memberships")
    claims: dict[str, Any] = {
        "iss": platform.issuer,
        "aud": platform.client_id,
        "sub": user.id,
        "iat": now,
        "exp": now + ID_TOKEN_LIFETIME,
        "nonce": nonce,
        LTI + "deployment_id": platform.deployment_id,
        LTI + "message_type": hint.message_type,
        LTI + "version": "1.3.0",
        LTI + "roles": user.roles_in(course.id),
        LTI + "context": {
            "id": course.id,
            "label": course.label,
            "title": course.title,
            "type": ["CourseSection"],
        },
        LTI + "launch_presentation": {
            "locale": user.locale,
            "document_target": hint.document_target,
            "return_url": platform.url(f"/return?course={course.id}"),
        },
        LTI + "tool_platform": {
            "product_family_code": "moodle",
            "version": "2024100706",
            "guid": "devplatform.kotopaikka.invalid",
            "name": "Kotopaikka development platform",
        },
        "https://purl.imsglobal.org/spec/lti/claim/ext": {"user_username": f"user{user.id}"},
    }
    if platform.send_name:
        claims.update(name=user.name, given_name=user.given_name, family_name=user.family_name)
    if platform.send_email:
        claims["email"] = user.email
    if platform.memberships:
        claims[NRPS] = {"context_memberships_url": memberships_url, "service_versions": ["1.0", "2.0"]}
    custom = {"context_memberships_url": memberships_url}
    if hint.message_type == "LtiDeepLinkingRequest":
        claims[DL + "deep_linking_settings"] = {
            "accept_types": ["ltiResourceLink"],
            "accept_presentation_document_targets": ["frame", "iframe", "window"],
            "accept_multiple": True,
            "auto_create": False,
            "deep_link_return_url": platform.url(f"/deep-link-return/{course.id}"),
            "title": "",
            "text": "",
        }
    elif link is not None:
        claims[LTI + "resource_link"] = {
            "id": link.id,
            "title": link.title,
            "description": "",
        }
        custom.update(link.custom)
    claims[LTI + "custom"] = _normalise_custom(custom)
    if not platform.grade_sync:
        return claims
    type_id = platform.type_id
    ags: dict[str, Any] = {
        "scope": AGS_SCOPES,
        "lineitems": platform.url(f"/api/{course.id}/lineitems?type_id={type_id}"),
    }
    if link is not None and link.accepts_grades and hint.message_type != "LtiDeepLinkingRequest":
        ags["lineitem"] = platform.url(f"/api/{course.id}/lineitems/{link.id}/lineitem?type_id={type_id}")
    claims[AGS] = ags
    return claims


def new_nonce() -> str:
    return uuid.uuid4().hex
