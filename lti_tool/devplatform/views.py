"""The platform's pages and endpoints: launcher, OIDC authorisation, JWKS."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    has_app_context,
    jsonify,
    render_template,
    request,
)

from lti_tool.devplatform import CLIENT_ID, DEPLOYMENT_ID, URL_PREFIX, directory, keys, storage
from lti_tool.devplatform.claims import LaunchHint, PlatformConfig, id_token_claims
from lti_tool.devplatform.tools import DevTool, find_tool, launchable_tools

bp = Blueprint("devplatform", __name__, template_folder="../templates")


def site_url() -> str:
    """Where this app is served; fixed by config so the issuer never depends on the Host."""
    return (current_app.config.get("DEV_PLATFORM_SITE_URL") or request.host_url).rstrip("/")


def platform_config(tool: DevTool | None = None) -> PlatformConfig:
    """The platform as one tool sees it (the built-in one unless told)."""
    root = site_url() + URL_PREFIX
    if tool is None:
        return PlatformConfig(issuer=root, client_id=CLIENT_ID, deployment_id=DEPLOYMENT_ID, base_url=root)
    return PlatformConfig(
        issuer=root,
        client_id=tool.client_id,
        deployment_id=tool.deployment_id,
        base_url=root,
        type_id=tool.type_id,
        send_name=tool.send_name,
        send_email=tool.send_email,
        grade_sync=tool.grade_sync,
        memberships=tool.memberships,
    )


def tool_site_url() -> str:
    """Where the platform finds the tool: the same site unless DEV_PLATFORM_TOOL_URL says
    otherwise, as when the platform is served on localhost and the tool on 127.0.0.1, two
    sites, so that the tool's cookies in the platform's iframe are third-party ones, as
    in a real Moodle."""
    return (current_app.config.get("DEV_PLATFORM_TOOL_URL") or site_url()).rstrip("/")


def tool_urls() -> dict[str, str]:
    site = tool_site_url()
    return {
        "login": site + "/lti/login",
        "launch": site + "/lti/launch",
        "jwks": site + "/lti/jwks",
    }


def find_link(course_id: str, link_id: str) -> directory.DevLink | None:
    """A fixed activity, or one deep linking created (stored; needs an app context)."""
    link = directory.static_link(link_id)
    if link is None and has_app_context():
        link = storage.stored_link(link_id)
    return link if link is not None and link.course_id == course_id else None


def course_links(course_id: str) -> list[directory.DevLink]:
    static = [link for link in directory.LINKS if link.course_id == course_id]
    return static + storage.stored_links(course_id)


@bp.get("/")
def launcher() -> str:
    return render_template(
        "devplatform/launcher.html",
        users=directory.USERS,
        courses=directory.COURSES,
        course_links=course_links,
        tools=launchable_tools(),
    )


@bp.post("/launch")
def start_launch() -> str:
    """Start a launch the way Moodle does: an auto-submitted login initiation form."""
    user = directory.user(request.form.get("user", ""))
    target = request.form.get("activity", "")
    course_id, _, link_id = target.partition(":")
    course = directory.course(course_id)
    if user is None or course is None:
        abort(400, "Choose a user and an activity.")
    tool = find_tool(request.form.get("tool") or CLIENT_ID)
    if tool is None or not tool.active:
        abort(400, "Unknown tool, or one still pending: activate it in Manage tools.")
    if link_id == "deeplink":
        hint = LaunchHint(course.id, None, "LtiDeepLinkingRequest")
    else:
        if find_link(course.id, link_id) is None:
            abort(400, "Unknown activity.")
        hint = LaunchHint(course.id, link_id, document_target=request.form.get("target", "iframe"))
    config = platform_config(tool)
    fields = {
        "iss": config.issuer,
        "target_link_uri": tool.launch_url,
        "login_hint": user.id,
        "lti_message_hint": hint.encode(),
        "client_id": config.client_id,
        "lti_deployment_id": config.deployment_id,
    }
    return render_template("devplatform/autopost.html", action=tool.login_url, fields=fields)


def _auth_error(message: str, status: int = 400) -> tuple[str, int]:
    return render_template("devplatform/message.html", message=message), status


@bp.route("/auth", methods=["GET", "POST"])
def authorize() -> str | tuple[str, int]:
    """OIDC authorisation endpoint, as strict as Moodle's auth.php."""
    params = request.values
    if params.get("scope") != "openid":
        return _auth_error("invalid_scope: scope must be openid")
    if params.get("response_type") != "id_token":
        return _auth_error("unsupported_response_type: response_type must be id_token")
    if params.get("response_mode") != "form_post":
        return _auth_error("invalid_request: response_mode must be form_post")
    if params.get("prompt") not in (None, "", "none"):
        return _auth_error("invalid_request: prompt must be none")
    tool = find_tool(params.get("client_id"))
    if tool is None:
        return _auth_error("unauthorized_client: unknown client_id")
    if not tool.active:
        return _auth_error("unauthorized_client: the tool is pending (not activated)")
    config = platform_config(tool)
    redirect_uri = params.get("redirect_uri", "")
    if redirect_uri not in tool.redirect_uris:  # exact string match, like Moodle
        return _auth_error("invalid_request: redirect_uri is not registered")
    nonce = params.get("nonce")
    if not nonce:
        return _auth_error("invalid_request: nonce is required")
    user = directory.user(params.get("login_hint", ""))
    if user is None:
        return _auth_error("access_denied: unknown login_hint", 403)
    try:
        hint = LaunchHint.decode(params.get("lti_message_hint", ""))
    except (ValueError, KeyError, TypeError):
        return _auth_error("invalid_request: lti_message_hint is not valid")
    course = directory.course(hint.course_id)
    if course is None or not user.roles_in(course.id):
        return _auth_error("access_denied: the user is not enrolled in the course", 403)
    link = None
    if hint.message_type == "LtiDeepLinkingRequest" and not tool.deep_linking:
        return _auth_error("invalid_request: the tool does not support deep linking")
    if hint.message_type != "LtiDeepLinkingRequest":
        link = find_link(course.id, hint.link_id or "")
        if link is None:
            return _auth_error("invalid_request: unknown resource link")
    claims = id_token_claims(config, user, course, link, hint, nonce)
    id_token = keys.sign(current_app.instance_path, claims)
    fields = {"id_token": id_token}
    if state := params.get("state"):
        fields["state"] = state
    return render_template("devplatform/autopost.html", action=redirect_uri, fields=fields)


@bp.get("/jwks")
def jwks() -> Response:
    from lti_tool.devplatform.faults import fault_response

    if (fault := fault_response("jwks")) is not None:
        return fault
    return jsonify(keys.jwks(current_app.instance_path))


@bp.get("/return")
def launch_return() -> str:
    return render_template("devplatform/message.html", message="Returned to the course.")




# The service endpoints register themselves on ``bp``; imported last, as they import it.
from lti_tool.devplatform import (  # noqa: F401
    ags,
    deeplink,
    faults,
    gradebook,
    nrps,
    registration,
    scores,
    token,
)
