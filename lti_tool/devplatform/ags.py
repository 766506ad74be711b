"""Assignment and Grade Services 2.0, line items: shaped and checked as Moodle 4.5 does.

Moodle's routing (mod/lti/services.php and the gradebookservices resources) is strict
about media types: a POST or PUT must carry exactly the resource's Content-Type (no
``application/json``, no parameters), and a GET of a container must ask for the
container type or nothing. The same strictness here catches a client Moodle refuses.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from flask import Response, request
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from lti_tool.devplatform import directory, storage
from lti_tool.devplatform.faults import fault_response
from lti_tool.devplatform.storage import LineItemRow
from lti_tool.devplatform.token import (
    SCOPE_LINEITEM,
    SCOPE_LINEITEM_READ,
    check_bearer,
    service_error,
)
from lti_tool.devplatform.views import bp, platform_config

LINEITEM = "application/vnd.ims.lis.v2.lineitem+json"
LINEITEM_CONTAINER = "application/vnd.ims.lis.v2.lineitemcontainer+json"
TYPE_ID = "1"  # the tool's type id in the AGS claim's URLs (?type_id=1)


def json_response(body: Any, media_type: str, status: int = 200) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status, content_type=media_type)


def number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def read_json_object() -> dict[str, Any] | None:
    try:
        data = json.loads(request.get_data(as_text=True) or "null")
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def require_content_type(media_type: str) -> Response | None:
    """Moodle compares the raw Content-Type header with the resource's format, exactly."""
    if request.headers.get("Content-Type", "") != media_type:
        return service_error(400, f"unsupported content type: send Content-Type: {media_type}")
    return None


def require_accept(*media_types: str) -> Response | None:
    """A GET must ask for nothing in particular, or for exactly this resource's type."""
    accept = request.headers.get("Accept", "")
    if accept and accept not in media_types:
        return service_error(400, f"unsupported Accept: ask for {' or '.join(media_types)}")
    return None


def container_url(course_id: str) -> str:
    return platform_config().url(f"/api/{course_id}/lineitems")


def lineitem_url(item: LineItemRow, query: bool = True) -> str:
    url = f"{container_url(item.course_id)}/{item.id}/lineitem"
    return f"{url}?type_id={TYPE_ID}" if query else url


def lineitem_json(item: LineItemRow) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": lineitem_url(item),
        "label": item.label,
        "scoreMaximum": float(item.score_maximum),
        "resourceId": item.resource_id or "",
        "tag": item.tag or "",
    }
    if item.resource_link_id is not None:
        body["resourceLinkId"] = body["ltiLinkId"] = item.resource_link_id
    return body


def page_links(base: str, params: dict[str, str], start: int, limit: int, total: int) -> str:
    """A Link header for offset paging (Moodle's ``limit`` and ``from``)."""

    def url(offset: int) -> str:
        return base + "?" + urlencode({**params, "limit": limit, "from": offset})

    links = [f'<{url(0)}>; rel="first"']
    if start > 0:
        links.append(f'<{url(max(start - limit, 0))}>; rel="prev"')
    if start + limit < total:
        links.append(f'<{url(start + limit)}>; rel="next"')
    links.append(f'<{url(max(total - limit, 0))}>; rel="last"')
    return ", ".join(links)


def paging_params() -> tuple[int, int] | Response:
    try:
        limit = int(request.args.get("limit", "0") or 0)
        start = int(request.args.get("from", "0") or 0)
    except ValueError:
        return service_error(400, "limit and from must be integers")
    return max(limit, 0), max(start, 0)


def course_link_ids(db: Session, course_id: str) -> set[str]:
    return {link.id for link in storage.all_links(db, course_id)}


# Built once: a reused statement keeps its compiled form (every score asks it).
_ITEM_COURSE = select(LineItemRow.__table__.c.course_id).where(
    LineItemRow.__table__.c.id == bindparam("item_id")
)


def item_in_course(db: Session, course_id: str, item_id: str) -> int | None:
    """The line item's id if it exists in the course (an activity's own grade item is
    created on first use)."""
    if not item_id.isdigit():
        return None
    params = {"item_id": int(item_id)}
    found = db.execute(_ITEM_COURSE, params).scalar()
    if found is None:
        storage.ensure_activity_items(db, course_id)
        found = db.execute(_ITEM_COURSE, params).scalar()
    return int(item_id) if found == course_id else None


def find_item(db: Session, course_id: str, item_id: str) -> LineItemRow | None:
    found = item_in_course(db, course_id, item_id)
    return db.get(LineItemRow, found) if found is not None else None


def _link_id_of(data: dict[str, Any]) -> tuple[str | None, Response | None]:
    """The resourceLinkId (or the older ltiLinkId) of a line item body, checked like Moodle."""
    value = data.get("resourceLinkId", data.get("ltiLinkId"))
    if value is None:
        return None, None
    if not str(value).isdigit():
        return None, service_error(400, "resourceLinkId must be a resource link id")
    return str(value), None


def _score_maximum(data: dict[str, Any]) -> float | Response:
    if not isinstance(data.get("label"), str) or not data["label"].strip():
        return service_error(400, "a line item needs a label")
    if not number(data.get("scoreMaximum")) or data["scoreMaximum"] <= 0:
        return service_error(400, "a line item needs a numeric scoreMaximum above 0")
    return float(data["scoreMaximum"])


@bp.route("/api/<course_id>/lineitems", methods=["GET", "POST"])
def lineitems(course_id: str) -> Response:
    """The line item container: list (filters and paging) or create."""
    if (fault := fault_response("lineitems")) is not None:
        return fault
    reading = request.method == "GET"
    scopes = (SCOPE_LINEITEM, SCOPE_LINEITEM_READ) if reading else (SCOPE_LINEITEM,)
    if (refused := check_bearer(*scopes)) is not None:
        return refused
    media = require_accept(LINEITEM_CONTAINER) if reading else require_content_type(LINEITEM)
    if media is not None:
        return media
    if directory.course(course_id) is None:
        return service_error(404, f"course {course_id} does not exist")
    return _list_items(course_id) if reading else _create_item(course_id)


def _list_items(course_id: str) -> Response:
    paging = paging_params()
    if isinstance(paging, Response):
        return paging
    limit, start = paging
    filters = {
        "resource_link_id": request.args.get("resource_link_id", request.args.get("lti_link_id")),
        "resource_id": request.args.get("resource_id"),
        "tag": request.args.get("tag"),
    }
    with storage.session(write=True) as db:
        storage.ensure_activity_items(db, course_id)
        query = select(LineItemRow).where(LineItemRow.course_id == course_id)
        if filters["resource_link_id"] is not None:
            query = query.where(LineItemRow.resource_link_id == filters["resource_link_id"])
        if filters["resource_id"] is not None:
            query = query.where(LineItemRow.resource_id == filters["resource_id"])
        if filters["tag"] is not None:
            query = query.where(LineItemRow.tag == filters["tag"])
        items = list(db.execute(query.order_by(LineItemRow.id)).scalars())
    total = len(items)
    if limit:
        items = items[start : start + limit]
    response = json_response([lineitem_json(item) for item in items], LINEITEM_CONTAINER)
    if limit:
        params = {"type_id": TYPE_ID, **{k: v for k, v in filters.items() if v is not None}}
        response.headers["Link"] = page_links(container_url(course_id), params, start, limit, total)
    return response


def _item_body(db: Session, course_id: str) -> tuple[dict[str, Any], float, str | None] | Response:
    """The posted line item, checked: (JSON, scoreMaximum, resourceLinkId) or an error."""
    data = read_json_object()
    if data is None:
        return service_error(400, "the body must be a JSON object")
    maximum = _score_maximum(data)
    if isinstance(maximum, Response):
        return maximum
    link_id, problem = _link_id_of(data)
    if problem is not None:
        return problem
    if link_id is not None and link_id not in course_link_ids(db, course_id):
        return service_error(403, f"resource link {link_id} is not in course {course_id}")
    return data, maximum, link_id


def _create_item(course_id: str) -> Response:
    with storage.session(write=True) as db:
        body = _item_body(db, course_id)
        if isinstance(body, Response):
            return body
        data, maximum, link_id = body
        item = LineItemRow(
            id=storage.next_id(db),
            course_id=course_id,
            label=data["label"],
            score_maximum=maximum,
            resource_id=str(data.get("resourceId") or ""),
            tag=str(data.get("tag") or ""),
            resource_link_id=link_id,
        )
        db.add(item)
    # Moodle answers with the posted JSON plus the new line item's id.
    return json_response({**data, "id": lineitem_url(item)}, LINEITEM, 201)


@bp.route("/api/<course_id>/lineitems/<item_id>/lineitem", methods=["GET", "PUT", "DELETE"])
def lineitem(course_id: str, item_id: str) -> Response:
    """One line item: read, update or delete."""
    if (fault := fault_response("lineitems")) is not None:
        return fault
    reading = request.method == "GET"
    scopes = (SCOPE_LINEITEM, SCOPE_LINEITEM_READ) if reading else (SCOPE_LINEITEM,)
    if (refused := check_bearer(*scopes)) is not None:
        return refused
    if reading and "*/*" not in request.headers.get("Accept", ""):
        media = require_accept(LINEITEM)
    else:
        media = require_content_type(LINEITEM) if request.method == "PUT" else None
    if media is not None:
        return media
    if directory.course(course_id) is None:
        return service_error(404, f"course {course_id} does not exist")
    with storage.session(write=True) as db:
        item = find_item(db, course_id, item_id)
        if item is None:
            return service_error(404, f"line item {item_id} does not exist in course {course_id}")
        if reading:
            return json_response(lineitem_json(item), LINEITEM)
        if request.method == "DELETE":
            if item.is_activity_item:
                return service_error(403, "an activity's own grade item cannot be deleted")
            db.delete(item)
            return Response(status=204)
        return _update_item(db, item)


def _update_item(db: Session, item: LineItemRow) -> Response:
    body = _item_body(db, item.course_id)
    if isinstance(body, Response):
        return body
    data, maximum, link_id = body
    item.label = data["label"]
    # Scores keep their percentage when the maximum changes (they are scaled on reading).
    item.score_maximum = maximum
    item.resource_id = str(data.get("resourceId") or "")
    item.tag = str(data.get("tag") or "")
    if link_id is not None:
        item.resource_link_id = link_id
    return json_response({**data, "id": lineitem_url(item)}, LINEITEM)
