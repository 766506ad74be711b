"""The tools this platform knows: the built-in registration of the tool on this site, and
those registered through dynamic registration (pending until activated, like Moodle)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from lti_tool.devplatform import CLIENT_ID, DEPLOYMENT_ID, storage
from lti_tool.devplatform.claims import AGS_SCOPES
from lti_tool.devplatform.storage import ToolTypeRow

NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
PENDING, CONFIGURED = "pending", "configured"


@dataclass(frozen=True)
class DevTool:
    type_id: int
    client_id: str
    deployment_id: str
    name: str
    state: str
    login_url: str
    launch_url: str
    redirect_uris: tuple[str, ...]
    jwks_url: str
    scopes: frozenset[str]
    send_name: bool
    send_email: bool
    deep_linking: bool
    domain: str = ""

    @property
    def active(self) -> bool:
        return self.state == CONFIGURED

    @property
    def grade_sync(self) -> bool:
        return bool(self.scopes & set(AGS_SCOPES))

    @property
    def memberships(self) -> bool:
        return NRPS_SCOPE in self.scopes


def builtin_tool() -> DevTool:
    """The tool on this site, registered by hand (``register_dev_platform``)."""
    from lti_tool.devplatform.views import tool_urls

    urls = tool_urls()
    return DevTool(
        type_id=1,
        client_id=CLIENT_ID,
        deployment_id=DEPLOYMENT_ID,
        name="Kotopaikka",
        state=CONFIGURED,
        login_url=urls["login"],
        launch_url=urls["launch"],
        redirect_uris=(urls["launch"],),
        jwks_url=urls["jwks"],
        scopes=frozenset([*AGS_SCOPES, NRPS_SCOPE]),
        send_name=True,
        send_email=True,
        deep_linking=True,
    )


def _as_tool(row: ToolTypeRow) -> DevTool:
    return DevTool(
        type_id=row.id,
        client_id=row.client_id,
        deployment_id=str(row.id),
        name=row.name,
        state=row.state,
        login_url=row.initiate_login_uri,
        launch_url=row.target_link_uri,
        redirect_uris=tuple(row.redirect_uris or ()),
        jwks_url=row.jwks_uri,
        scopes=frozenset(row.scopes.split()),
        send_name=row.send_name,
        send_email=row.send_email,
        deep_linking=row.deep_linking,
        domain=row.domain,
    )


def find_tool(client_id: object) -> DevTool | None:
    if not isinstance(client_id, str) or not client_id:
        return None
    if client_id == CLIENT_ID:
        return builtin_tool()
    with storage.session() as db:
        row = db.execute(
            select(ToolTypeRow).where(ToolTypeRow.client_id == client_id)
        ).scalar_one_or_none()
        return _as_tool(row) if row is not None else None


def registered_tools() -> list[DevTool]:
    """Every dynamically registered tool, oldest first."""
    with storage.session() as db:
        return [
            _as_tool(r) for r in db.execute(select(ToolTypeRow).order_by(ToolTypeRow.id)).scalars()
        ]


def launchable_tools() -> list[DevTool]:
    return [builtin_tool(), *(t for t in registered_tools() if t.active)]


def activate_tool(type_id: int) -> bool:
    """Moodle's Activate: the type is configured (False if there is no such type)."""
    with storage.session(write=True) as db:
        row = db.get(ToolTypeRow, type_id)
        if row is None:
            return False
        row.state = CONFIGURED
    return True
