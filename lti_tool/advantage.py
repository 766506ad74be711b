"""LTI Advantage from the tool's side: deep linking responses, roster and scores.

Built on pylti1p3's service classes, with the tool's registration (a parsed key,
never a PEM re-read per signature) and an HTTP session that always times out.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field
from datetime import datetime, timezone

from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.deep_link import DeepLink
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.exception import LtiException as LtiException  # re-exported for callers
from pylti1p3.grade import Grade
from pylti1p3.lineitem import LineItem
from pylti1p3.names_roles import NamesRolesProvisioningService
from pylti1p3.service_connector import ServiceConnector

from lti_tool.launch.services import OpenSession as LaunchSession
from lti_tool.registry.access_tokens import CachedTokenServiceConnector
from lti_tool.registry.tool_config import ClientRecord, DatabaseToolConf
from lti_tool.services import services

DL_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
AGS_ENDPOINT = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"


class ServiceNotOffered(Exception):
    """The launch did not offer the service (no claim for it)."""


@dataclass(frozen=True)
class ContentItem:
    """One activity to create in the platform's course."""

    title: str
    url: str
    text: str = ""
    custom: dict[str, str] = field(default_factory=dict)
    resource_id: str | None = None
    score_maximum: int | None = 100


def _client(session: LaunchSession) -> tuple[DatabaseToolConf, ClientRecord]:
    conf = DatabaseToolConf()
    client = conf.find_client(session.platform.issuer, session.client_id)
    if client is None:
        raise LookupError("the platform registration was removed after this launch")
    return conf, client


def _registration(session: LaunchSession) -> t.Any:
    conf, client = _client(session)
    return conf.registration_for(client)


def deep_link_settings(session: LaunchSession) -> dict[str, t.Any]:
    settings = session.claims.get(DL_SETTINGS)
    if not isinstance(settings, dict):
        raise ServiceNotOffered("deep linking")
    return settings


def deep_linking_response(session: LaunchSession, items: t.Sequence[ContentItem]) -> tuple[str, str]:
    """Sign the LtiDeepLinkingResponse; returns (return URL, JWT)."""
    settings = deep_link_settings(session)
    resources = []
    for item in items:
        resource = DeepLinkResource().set_url(item.url).set_title(item.title)
        if item.custom:
            resource.set_custom_params(item.custom)
        if item.score_maximum is not None:
            line_item = LineItem().set_score_maximum(item.score_maximum).set_label(item.title)
            if item.resource_id:
                line_item.set_resource_id(item.resource_id)
            resource.set_lineitem(line_item)
        resources.append(resource)
    deep_link = DeepLink(_registration(session), session.deployment_id, settings)  # type: ignore[arg-type]
    message = deep_link.get_message_jwt(resources)
    for resource_dict, item in zip(
        t.cast(list[dict[str, t.Any]], message["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]),
        items,
        strict=True,
    ):
        if item.text:
            resource_dict["text"] = item.text
    return settings["deep_link_return_url"], deep_link.encode_jwt(message)


def service_connector(session: LaunchSession) -> ServiceConnector:
    conf, client = _client(session)
    return CachedTokenServiceConnector(conf.registration_for(client), client.id, services().http)


def fetch_roster(session: LaunchSession) -> list[dict[str, t.Any]]:
    """Every member of the launch's context, following the platform's paging links."""
    claim = session.claims.get(NRPS_CLAIM)
    if not isinstance(claim, dict) or not claim.get("context_memberships_url"):
        raise ServiceNotOffered("names and roles")
    nrps = NamesRolesProvisioningService(service_connector(session), claim)  # type: ignore[arg-type]
    return list(nrps.get_members())


def send_score(
    session: LaunchSession,
    score_given: float,
    score_maximum: float,
    activity_progress: str,
    grading_progress: str,
    comment: str | None = None,
) -> dict[str, t.Any]:
    """Post one score for the launch's user to the launch's line item, now."""
    claim = session.claims.get(AGS_ENDPOINT)
    if not isinstance(claim, dict) or not claim.get("lineitem"):
        raise ServiceNotOffered("assignment and grade services")
    ags = AssignmentsGradesService(service_connector(session), claim)  # type: ignore[arg-type]
    grade = (
        Grade()
        .set_score_given(score_given)
        .set_score_maximum(score_maximum)
        .set_activity_progress(activity_progress)
        .set_grading_progress(grading_progress)
        .set_user_id(session.user.sub)
        .set_timestamp(datetime.now(timezone.utc).isoformat(timespec="milliseconds"))
    )
    if comment:
        grade.set_comment(comment)
    return t.cast(dict[str, t.Any], ags.put_grade(grade))
