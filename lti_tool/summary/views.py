"""The summary report on the web, for a coordinator (the platform's site administrator):
every course of the Moodle they launched from, on screen with charts, and as XLSX."""

from __future__ import annotations

from flask import Response, render_template
from flask_babel import get_locale

from lti_tool.launch.errors import LaunchRejected
from lti_tool.launch.pages import rejected_page
from lti_tool.learning.context import Visit, open_visit
from lti_tool.learning.errors import Refused, refused_page
from lti_tool.summary import bp
from lti_tool.summary.queries import Scope
from lti_tool.summary.report import XLSX, Report, build_report, workbook_bytes


def _coordinator(launch_id: str) -> Visit:
    visit = open_visit(launch_id, trainer=True)
    if not visit.roles.is_tool_admin:
        raise Refused("coordinators_only", launch_id)
    return visit


def _report(visit: Visit) -> Report:
    locale = str(get_locale())
    wanted = visit.session.user.locale or visit.session.locale
    return build_report(Scope((visit.session.platform.id,)), locale, wanted)


@bp.get("/l/<launch_id>/reports/summary")
def summary_page(launch_id: str) -> str | tuple[str, int]:
    """Per programme and module: started, completed, rate, median time; charts."""
    try:
        visit = _coordinator(launch_id)
    except LaunchRejected as exc:
        return rejected_page(exc, "session")
    except Refused as exc:
        return refused_page(exc)
    return render_template("summary/summary.html", visit=visit, report=_report(visit))


@bp.get("/l/<launch_id>/reports/summary.xlsx")
def summary_xlsx(launch_id: str) -> Response | str | tuple[str, int]:
    """The same figures as a workbook: one sheet per view."""
    try:
        visit = _coordinator(launch_id)
    except LaunchRejected as exc:
        return rejected_page(exc, "session")
    except Refused as exc:
        return refused_page(exc)
    response = Response(workbook_bytes(_report(visit)), mimetype=XLSX)
    response.headers["Content-Disposition"] = 'attachment; filename="kotopaikka-summary.xlsx"'
    return response
