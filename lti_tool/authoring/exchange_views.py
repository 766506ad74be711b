"""A module's texts out to a translator as a PO file, and the translations back
(authoring.translation_files)."""

from __future__ import annotations

import logging

from flask import Response, render_template, request
from werkzeug.exceptions import RequestEntityTooLarge

from authoring import exchange, translation_files
from authoring.drafts import InvalidText
from courses.languages import ENDONYMS
from lti_tool.authoring import bp
from lti_tool.authoring.common import checked, refusing, site_of, trainer_visit
from lti_tool.authoring.errors import FILE_PROBLEMS
from lti_tool.authoring.forms import PageActionForm
from lti_tool.authoring.markup_messages import unsafe_message
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
    # A translation file may be up to exchange.MAX_FILE_BYTES: only this request may be
    # that large (the app's limit stays MAX_CONTENT_LENGTH); a larger one is refused as such.
    request.max_content_length = exchange.MAX_FILE_BYTES + 64 * 1024
    visit = trainer_visit(launch_id)
    problem, outcome = None, None
    try:
        form = PageActionForm(request.form, meta=form_context(visit))
        upload = request.files.get("file")
    except RequestEntityTooLarge:
        translation_files.export_file(site_of(visit), module_id, language)  # another site's: 404
        problem = (FILE_PROBLEMS["too_large"], None)
        return _import_page(visit, module_id, language, None, problem)
    checked(form)
    data = upload.read() if upload is not None else b""
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
    return _import_page(visit, module_id, language, outcome, problem)


def _import_page(visit, module_id: int, language: str, outcome, problem) -> tuple[str, int]:  # type: ignore[no-untyped-def]
    page = render_template(
        "authoring/translation_import.html", visit=visit, module_id=module_id, language=language,
        endonyms=ENDONYMS, outcome=outcome, problem=problem, unsafe_message=unsafe_message,
    )
    status = 200 if problem is None else 413 if problem[0] is FILE_PROBLEMS["too_large"] else 400
    return page, status
