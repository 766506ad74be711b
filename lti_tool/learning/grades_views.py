"""Coordinators see the scores their Moodle has not taken, and send dead ones again."""

from __future__ import annotations

from flask import Response, redirect, render_template, request, url_for
from sqlalchemy import select

from courses.database import db
from lti_tool.forms import LaunchForm
from lti_tool.grades.delivery import retry_dead
from lti_tool.grades.models import DEAD, PENDING, REJECTED, ScoreOutbox
from lti_tool.launch.errors import LaunchRejected
from lti_tool.launch.pages import rejected_page
from lti_tool.learning import bp
from lti_tool.learning.context import Visit, form_context, open_visit
from lti_tool.learning.errors import Refused, refused_page
from lti_tool.registry.models import PlatformClient

SHOWN = 200


def _coordinator(launch_id: str) -> Visit:
    visit = open_visit(launch_id, trainer=True)
    if not visit.roles.is_tool_admin:
        raise Refused("coordinators_only", launch_id)
    return visit


def _platform_scores(visit: Visit, statuses: tuple[str, ...]) -> list[ScoreOutbox]:
    clients = select(PlatformClient.id).where(
        PlatformClient.platform_id == visit.session.platform.id
    )
    return list(
        db.session.execute(
            select(ScoreOutbox)
            .where(ScoreOutbox.client_pk.in_(clients), ScoreOutbox.status.in_(statuses))
            .order_by(ScoreOutbox.id.desc())
            .limit(SHOWN)
        ).scalars()
    )


@bp.route("/l/<launch_id>/grades", methods=["GET", "POST"])
def undelivered_scores(launch_id: str) -> Response | str | tuple[str, int]:
    """Scores waiting, refused or given up on, for this Moodle; POST sends dead ones again."""
    try:
        visit = _coordinator(launch_id)
        form = LaunchForm(
            request.form if request.method == "POST" else None, meta=form_context(visit)
        )
        if request.method == "POST":
            if not form.validate():
                raise Refused("bad_form", "csrf")
            ids = [row.id for row in _platform_scores(visit, (DEAD,))]
            count = retry_dead(ids)
            return redirect(
                url_for("learning.undelivered_scores", launch_id=launch_id, sent=count), 303
            )
    except LaunchRejected as exc:
        return rejected_page(exc, "session")
    except Refused as exc:
        return refused_page(exc)
    return render_template(
        "learning/grades.html",
        visit=visit,
        form=form,
        rows=_platform_scores(visit, (PENDING, REJECTED, DEAD)),
        dead=DEAD,
    )
