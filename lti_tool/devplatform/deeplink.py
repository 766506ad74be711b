"""The deep linking return: verify the tool's response and add its items to the course.

Moodle only fills in the teacher's "add activity" form and creates the activities when
the teacher saves; this platform saves straight away, so the new activities can be
launched at once (they appear in the launcher, with their custom parameters).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import render_template, request

from lti_tool.devplatform import directory, storage
from lti_tool.devplatform.claims import DL, LTI
from lti_tool.devplatform.storage import LineItemRow, LinkRow
from lti_tool.devplatform.token import ToolJwtError, verify_tool_jwt
from lti_tool.devplatform.views import bp, platform_config


class DeepLinkRejected(Exception):
    """The response JWT is not acceptable; the message says why."""


@dataclass(frozen=True)
class Created:
    link_id: str
    title: str
    score_maximum: float | None


def _text(value: Any, limit: int = 1000) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


def _custom(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise DeepLinkRejected("custom must be a JSON object")
    return {str(k): str(v) for k, v in value.items()}


def verified_claims(token: str) -> dict[str, Any]:
    """The claims of an LtiDeepLinkingResponse, checked as Moodle checks them."""
    if not token:
        raise DeepLinkRejected("no JWT in the form")
    try:
        tool, claims = verify_tool_jwt(
            token, audience=[platform_config().issuer], require=["iss", "aud", "exp", "iat"]
        )
    except ToolJwtError as exc:
        raise DeepLinkRejected(str(exc)) from exc
    if claims.get(LTI + "message_type") != "LtiDeepLinkingResponse":
        raise DeepLinkRejected("message_type must be LtiDeepLinkingResponse")
    if claims.get(LTI + "version") != "1.3.0":
        raise DeepLinkRejected("version must be 1.3.0")
    if not tool.deep_linking:
        raise DeepLinkRejected("the tool's registration has no deep linking")
    if claims.get(LTI + "deployment_id") != tool.deployment_id:
        raise DeepLinkRejected("deployment_id is not this registration's")
    items = claims.get(DL + "content_items", [])
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise DeepLinkRejected("content_items must be a list of objects")
    return claims


def _line_item(item: dict[str, Any]) -> dict[str, Any] | None:
    spec = item.get("lineItem")
    if spec is None:
        return None
    if not isinstance(spec, dict):
        raise DeepLinkRejected("lineItem must be a JSON object")
    maximum = spec.get("scoreMaximum")
    if not isinstance(maximum, (int, float)) or isinstance(maximum, bool) or maximum <= 0:
        raise DeepLinkRejected("lineItem.scoreMaximum must be a number above 0")
    return spec


def create_links(course_id: str, items: list[dict[str, Any]]) -> tuple[list[Created], int]:
    """One activity per ltiResourceLink item (other types are ignored, as Moodle does)."""
    links = [i for i in items if i.get("type") == "ltiResourceLink"]
    # Check every item before creating any: a bad item leaves the course unchanged.
    checked = [(i, _custom(i.get("custom")), _line_item(i)) for i in links]
    created: list[Created] = []
    with storage.session(write=True) as db:
        for item, custom, line_item in checked:
            link_id = storage.next_id(db)
            title = _text(item.get("title"), 255) or "Kotopaikka"
            db.add(
                LinkRow(
                    id=link_id,
                    course_id=course_id,
                    title=title,
                    text=_text(item.get("text"), 5000),
                    url=_text(item.get("url")),
                    custom=custom,
                    accepts_grades=line_item is not None,
                )
            )
            maximum = None
            if line_item is not None:
                maximum = float(line_item["scoreMaximum"])
                # The activity's grade item: same id as the link, so the AGS claim's
                # lineitem URL (built from the link id) finds it.
                db.add(
                    LineItemRow(
                        id=link_id,
                        course_id=course_id,
                        label=_text(line_item.get("label"), 255) or title,
                        score_maximum=maximum,
                        resource_id=_text(line_item.get("resourceId"), 255),
                        tag=_text(line_item.get("tag"), 255),
                        resource_link_id=str(link_id),
                        is_activity_item=True,
                    )
                )
            created.append(Created(str(link_id), title, maximum))
    return created, len(items) - len(links)


@bp.post("/deep-link-return/<course_id>")
def deep_link_return(course_id: str) -> tuple[str, int]:
    course = directory.course(course_id)
    if course is None:
        return render_template("devplatform/deep_link_result.html", error="Unknown course."), 404
    try:
        claims = verified_claims(request.form.get("JWT", ""))
        created, ignored = create_links(course.id, claims.get(DL + "content_items", []))
    except DeepLinkRejected as exc:
        page = render_template(
            "devplatform/deep_link_result.html",
            course=course,
            error=f"Invalid deep linking response: {exc}",
        )
        return page, 400
    page = render_template(
        "devplatform/deep_link_result.html",
        course=course,
        created=created,
        ignored=ignored,
        message=_text(claims.get(DL + "msg")),
        tool_error=_text(claims.get(DL + "errormsg")),
    )
    return page, 200
