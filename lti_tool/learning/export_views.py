"""Completion exports on the web: a trainer's course, or a coordinator's whole Moodle.

A trainer exports the records of the course they launched from; a coordinator (the
platform's site administrator) may also export every course of that platform. Records
of other platforms are only in the command line's export, run by the tool's operator.
"""

from __future__ import annotations

import itertools
import os
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime

from flask import (
    Response,
    current_app,
    render_template,
    request,
    send_file,
    stream_with_context,
)
from flask_babel import gettext as _
from sqlalchemy import select

from courses.database import db
from courses.models import Programme
from lti_tool.exports import localised
from lti_tool.exports.completions import Filters, csv_chunks, records
from lti_tool.launch.errors import LaunchRejected
from lti_tool.launch.pages import rejected_page
from lti_tool.learning import bp
from lti_tool.learning.context import Visit, open_visit
from lti_tool.learning.errors import Refused, refused_page
from lti_tool.learning.forms import ExportForm, choices

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _form(visit: Visit, data: object = None) -> ExportForm:
    form = ExportForm(data)
    programmes = db.session.execute(
        select(Programme.slug, Programme.title).order_by(Programme.slug)
    ).all()
    form.programme.choices = choices(
        [("", _("all programmes"))]
        + [(slug, title.get("fi") or slug) for slug, title in programmes]
    )
    if not visit.roles.is_tool_admin:
        form.scope.choices = [c for c in form.scope.choices if c.value == "course"]
    return form


@bp.get("/l/<launch_id>/reports")
def reports(launch_id: str) -> str | tuple[str, int]:
    """The export page: what to include, and the download button."""
    try:
        visit = open_visit(launch_id, trainer=True)
        if visit.session.context is None:
            raise Refused("bad_form", "no course")
    except LaunchRejected as exc:
        return rejected_page(exc, "session")
    except Refused as exc:
        return refused_page(exc)
    return render_template("learning/reports.html", visit=visit, form=_form(visit))


@bp.get("/l/<launch_id>/reports/completions")
def export_completions(launch_id: str) -> Response | str | tuple[str, int]:
    try:
        visit = open_visit(launch_id, trainer=True)
        context = visit.session.context
        if context is None:
            raise Refused("bad_form", "no course")
        form = _form(visit, request.args)
        if not form.validate():
            return render_template("learning/reports.html", visit=visit, form=form), 400
    except LaunchRejected as exc:
        return rejected_page(exc, "session")
    except Refused as exc:
        return refused_page(exc)
    whole_platform = form.scope.data == "platform" and visit.roles.is_tool_admin
    filters = Filters(
        programme=form.programme.data or None,
        audience=form.audience.data or None,
        platform_ids=(visit.session.platform.id,),
        context_ids=None if whole_platform else (context.id,),
        completed_from=form.completed_from.data,
        completed_to=form.completed_to.data,
        only_completed=form.completed_only.data,
    )
    machine = form.file_format.data == "csv"
    language = form.language.data
    rows = records(
        filters,
        pseudonymise=form.pseudonymise.data,
        secret=current_app.config["SECRET_KEY"],
        # The machine form keeps the module titles it always had; the localised one has
        # them in its own language.
        language=(visit.content_language(visit.bound) if visit.bound else "fi")
        if machine
        else language,
    )
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M")
    name = f"kotopaikka-completions-{stamp}"
    if machine:
        return _csv_response(csv_chunks(rows), name)
    sheet = localised.layout(
        localised.Options(
            language=language,
            utc=form.time_zone.data == "utc",
            technical=form.technical.data,
            pseudonymised=form.pseudonymise.data,
        )
    )
    if form.file_format.data == "csv_excel":
        return _csv_response(localised.csv_chunks(rows, sheet), name)
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        localised.write_xlsx(rows, sheet, path)
        response = send_file(path, mimetype=XLSX, as_attachment=True, download_name=f"{name}.xlsx")
    except BaseException:
        os.unlink(path)
        raise
    response.call_on_close(lambda: os.unlink(path))
    return response


def _csv_response(chunks: Iterator[bytes], name: str) -> Response:
    # The header and the first rows before the response starts: a failing query is a
    # plain 500 then, not a download that stops half way.
    first = [next(chunks), next(chunks, b"")]
    response = Response(
        stream_with_context(itertools.chain(first, chunks)), mimetype="text/csv; charset=utf-8"
    )
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
