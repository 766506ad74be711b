"""A module's texts out to a translator as a PO file, and the translations back
(authoring.translation_files)."""

from __future__ import annotations

import logging

from flask import Response, render_template, request

from authoring import exchange, translation_files
from authoring.drafts import InvalidText
from courses.languages import ENDONYMS
from lti_tool.authoring import bp
from lti_tool.authoring.common import checked, refusing, site_of, trainer_visit
from lti_tool.authoring.errors import FILE_PROBLEMS
from lti_tool.authoring.forms import PageActionForm
from lti_tool.learning.context import form_context
from lti_tool.learning.errors import Refused

log = logging.getLogger(__name__)


@bp.get("/l/<launch_id>/library/<int:module_id>/translation/<language>.po")
@refusing
def export_translation(launch_id: str, module_id: int, language: str) -> Response:
    visit = trainer_visit(launch_id)
    try:
        name, data = translation_files.export_file(site_of(visit), module_id, language)
    except InvalidText as exc:
        raise Refused("language_not_offered", language) from exc
    response = Response(data, mimetype="text/x-gettext-translation")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/l/<launch_id>/library/<int:module_id>/translation/<language>")
@refusing
def import_translation(launch_id: str, module_id: int, language: str) -> tuple[str, int]:
    visit = trainer_visit(launch_id)
    form = PageActionForm(request.form, meta=form_context(visit))
    checked(form)
    upload = request.files.get("file")
    data = upload.read() if upload is not None else b""
    problem, outcome = None, None
    try:
        outcome = translation_files.import_file(site_of(visit), module_id, language, data, visit.learner_id)
    except InvalidText as exc:
        raise Refused("language_not_offered", language) from exc
    except exchange.ExchangeFileError as exc:
        problem = (FILE_PROBLEMS.get(exc.reason, exc.reason), exc.line)
    if outcome is not None:
        log.info(
            "translation_imported site=%s module=%s language=%s placed=%d unplaced=%d",
            site_of(visit), module_id, language, len(outcome.placed), len(outcome.unplaced),
        )
    page = render_template(
        "authoring/translation_import.html", visit=visit, module_id=module_id, language=language,
        endonyms=ENDONYMS, outcome=outcome, problem=problem,
    )
    return page, 400 if problem else 200
