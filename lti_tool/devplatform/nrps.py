"""Names and Role Provisioning Services 2.0, shaped as Moodle 4.5's memberships service."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Response, request

from lti_tool.devplatform import directory
from lti_tool.devplatform.ags import json_response
from lti_tool.devplatform.faults import fault_response
from lti_tool.devplatform.token import check_bearer, service_error
from lti_tool.devplatform.tools import NRPS_SCOPE
from lti_tool.devplatform.views import bp, platform_config

MEMBERSHIP_CONTAINER = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
CONTEXT_ROLE = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
# What Moodle's lti_get_ims_role(..., islti2=true) adds for a site administrator.
ADMIN_ROLE = "http://purl.imsglobal.org/vocab/lis/v2/person#Administrator"
# The next-page URL carries this exact value: a client that lower-cases the URL it was
# given (some do) asks for "coursesection" and gets a 400 instead of silently page 1.
CONTEXT_TYPE = "CourseSection"


def nrps_roles(user: directory.DevUser, course_id: str) -> list[str]:
    """Short role names, as Moodle's NRPS answers send them (not the launch's URIs)."""
    roles = ["Instructor" if "Instructor" in user.course_roles[course_id] else "Learner"]
    if user.site_admin:
        roles = [r for r in roles if r != "Learner"] + [ADMIN_ROLE]
    return roles


def member_json(user: directory.DevUser, course_id: str) -> dict[str, Any]:
    return {
        "status": "Active",
        "roles": nrps_roles(user, course_id),
        "user_id": user.id,
        "lis_person_sourcedid": "",  # Moodle sends the (empty) ID number
        "name": user.name,
        "given_name": user.given_name,
        "family_name": user.family_name,
        "email": user.email,
    }


def _role_wanted(user: directory.DevUser, course_id: str, role: str) -> bool:
    """Moodle's role filter: Instructor means may manage, Learner means may not."""
    name = role.removeprefix(CONTEXT_ROLE)
    is_instructor = "Instructor" in user.course_roles[course_id]
    if name == "Instructor":
        return is_instructor
    if name == "Learner":
        return not is_instructor
    return True  # Moodle ignores any other role filter


@bp.get("/api/<course_id>/memberships")
def memberships(course_id: str) -> Response:
    """The course's members, with ``limit``/``from`` paging and a Link header."""
    if (fault := fault_response("memberships")) is not None:
        return fault
    if (refused := check_bearer(NRPS_SCOPE)) is not None:
        return refused
    course = directory.course(course_id)
    if course is None:
        return service_error(404, f"course {course_id} does not exist")
    context_type = request.args.get("type")
    if context_type is not None and context_type != CONTEXT_TYPE:
        return service_error(
            400, f"type={context_type!r}: the next-page URL must be used exactly as given"
        )
    try:
        limit = max(int(request.args.get("limit", "0") or 0), 0)
        start = max(int(request.args.get("from", "0") or 0), 0) if limit else 0
    except ValueError:
        return service_error(400, "limit and from must be integers")
    role = request.args.get("role", "")
    members = [
        u
        for u in sorted(directory.USERS, key=lambda u: int(u.id))
        if course_id in u.course_roles and (not role or _role_wanted(u, course_id, role))
    ]
    page = members[start : start + limit] if limit else members
    endpoint = platform_config().url(f"/api/{course_id}/memberships")
    body = {
        "id": endpoint,
        "context": {"id": course.id, "label": course.label, "title": course.title},
        "members": [member_json(u, course_id) for u in page],
    }
    response = json_response(body, MEMBERSHIP_CONTAINER)
    if limit and start + limit < len(members):
        # Like Moodle, the next page drops the role filter (a Moodle bug a tool must survive).
        query = urlencode({"type": CONTEXT_TYPE, "limit": limit, "from": start + limit})
        response.headers["Link"] = f'<{endpoint}?{query}>; rel="next"'
    return response
