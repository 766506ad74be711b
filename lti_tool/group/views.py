"""The trainer's group pages: the overview of the course's learners (filters and sorting
in the query string), the course's audience, the roster refresh, and one learner's view.

The routes belong to the learning blueprint (``learning.group``, ``learning.refresh_roster``
and ``learning.group_learner``): every learning page's navigation links to them.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import requests
from babel.dates import format_datetime, format_timedelta
from flask import Response, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import update

from courses import catalog
from courses.database import db, utcnow
from courses.languages import CONTENT_LANGUAGES, language_for_locale
from lti_tool.advantage import LtiException, ServiceNotOffered, fetch_roster
from lti_tool.forms import LaunchForm
from lti_tool.group.forms import AudienceForm, GroupFilterForm
from lti_tool.group.learner import learner_record
from lti_tool.group.queries import DEFAULT_STUCK_DAYS, group_overview
from lti_tool.identity.models import LtiContext
from lti_tool.identity.services import record_roster
from lti_tool.launch.errors import LaunchRejected
from lti_tool.launch.pages import rejected_page
from lti_tool.learning import bp
from lti_tool.learning.context import Visit, form_context, open_visit
from lti_tool.learning.errors import Refused, refused_page

log = logging.getLogger(__name__)

HELSINKI = ZoneInfo("Europe/Helsinki")


def _now() -> datetime:
    return utcnow()


def local_time(value: datetime | None) -> str:
    """A time in Finland's time zone (with daylight saving), in the interface language."""
    if value is None:
        return ""
    return format_datetime(value, "short", tzinfo=HELSINKI, locale=get_locale())


def time_since(value: datetime | None, now: datetime) -> str:
    """ "3 days ago", in the interface language."""
    if value is None:
        return ""
    return format_timedelta(
        value - now, granularity="minute", add_direction=True, locale=get_locale()
    )


def _trainer_visit(launch_id: str) -> tuple[Visit, LtiContext]:
    """A trainer's visit in a course (a coordinator is a trainer here too: Moodle's site
    administrator launching in the course); 403 for anyone else."""
    visit = open_visit(launch_id, trainer=True)
    context = visit.session.context
    if context is None:
        raise Refused("bad_form", "no course")
    return visit, context


def _page_args(visit: Visit, now: datetime) -> dict[str, Any]:
    return {
        "visit": visit,
        "language": language_for_locale(
            visit.session.user.locale or visit.session.locale, CONTENT_LANGUAGES
        ),
        "pick": catalog.pick,
        "local_time": local_time,
        "time_since": lambda value: time_since(value, now),
    }


@bp.route("/l/<launch_id>/group", methods=["GET", "POST"])
def group(launch_id: str) -> Response | str | tuple[str, int]:
    """The course's learners × its modules, filtered and sorted as the query string says;
    a POST sets the course's audience."""
    try:
        visit, context = _trainer_visit(launch_id)
        audience = AudienceForm(
            request.form if request.method == "POST" else None,
            meta=form_context(visit),
            audience=context.audience or "",
        )
        if request.method == "POST":
            if not audience.validate():
                raise Refused("bad_form", str(audience.errors))
            db.session.execute(
                update(LtiContext)
                .where(LtiContext.id == context.id)
                .values(audience=audience.audience.data or None)
            )
            db.session.commit()
            log.info("course_audience_set context=%s", context.id)
            return redirect(url_for("learning.group", launch_id=launch_id), code=303)
    except LaunchRejected as exc:
        return rejected_page(exc, "session")
    except Refused as exc:
        return refused_page(exc)
    filters = GroupFilterForm(request.args)
    now = _now()
    args = _page_args(visit, now)
    if not filters.validate():
        return render_template(
            "group/overview.html", **args, filters=filters, audience=audience, overview=None
        ), 400
    overview = group_overview(context.id, visit.course, filters.filters(), now)
    return render_template(
        "group/overview.html",
        **args,
        filters=filters,
        audience=audience,
        overview=overview,
    )


@bp.get("/l/<launch_id>/group/learner/<int:learner_id>")
def group_learner(launch_id: str, learner_id: int) -> str | tuple[str, int]:
    """One learner of this course (their lti_user id): 404 for anyone else's learner."""
    try:
        visit, context = _trainer_visit(launch_id)
        filters = GroupFilterForm(request.args)
        days = filters.days.data if filters.validate() else None
        now = _now()
        record = learner_record(
            context.id, visit.course, learner_id, now, days or DEFAULT_STUCK_DAYS
        )
        if record is None:
            raise Refused("no_such_learner", str(learner_id))
    except LaunchRejected as exc:
        return rejected_page(exc, "session")
    except Refused as exc:
        return refused_page(exc)
    return render_template(
        "group/learner.html",
        **_page_args(visit, now),
        record=record,
        who=record.row.name or _("Learner %(id)s", id=record.row.sub[:8]),
        back=url_for(
            "learning.group",
            launch_id=launch_id,
            **{k: v for k, v in request.args.items() if k in GroupFilterForm.KEYS},
        ),
    )


@bp.post("/l/<launch_id>/group/roster")
def refresh_roster(launch_id: str) -> Response | str | tuple[str, int]:
    """Fetch the course's members from the platform (Names and Roles), so the group page
    lists learners who have not opened the tool yet."""
    try:
        visit, context = _trainer_visit(launch_id)
        form = LaunchForm(request.form, meta=form_context(visit))
        if not form.validate():
            raise Refused("bad_form", "csrf")
        db.session.commit()  # no transaction is held while the platform answers
        try:
            members = fetch_roster(visit.session)
        except ServiceNotOffered:
            raise Refused("roster_not_offered", launch_id) from None
        except (LtiException, requests.RequestException, ValueError) as exc:
            log.warning("roster_failed context=%s error=%s", context.id, exc)
            raise Refused("roster_unavailable", str(exc)[:200]) from None
        count = record_roster(visit.session.platform.id, context.id, members)
        db.session.commit()
    except LaunchRejected as exc:
        return rejected_page(exc, "session")
    except Refused as exc:
        return refused_page(exc)
    log.info("roster_refreshed context=%s members=%s", context.id, count)
    return redirect(url_for("learning.group", launch_id=launch_id, members=count), code=303)
