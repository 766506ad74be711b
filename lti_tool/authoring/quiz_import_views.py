"""Pasted or uploaded GIFT and Moodle XML into a draft quiz: first what would be
imported (each question and its kind, every error with its line and column), then,
on the trainer's word, saved into the draft (authoring.quiz_import)."""

from __future__ import annotations

import logging

from flask import Response, redirect, render_template, request

from authoring import quiz_import
from authoring.quiz_drafts import InvalidQuestion
from lti_tool.authoring import bp
from lti_tool.authoring.common import refusing, site_of, trainer_visit
from lti_tool.authoring.markup_messages import unsafe_message
from lti_tool.authoring.quiz_errors import QUESTION_PROBLEMS
from lti_tool.authoring.quiz_forms import ImportForm
from lti_tool.authoring.quiz_views import checked_csrf, quiz_address, quiz_page_context
from lti_tool.learning.context import form_context
from lti_tool.learning.errors import Refused
from quizzes.limits import MAX_FILE_BYTES


def _source(form: ImportForm) -> str | bytes:
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        data = upload.stream.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise Refused("bad_form", "file_too_large")
        try:  # as text, so that the confirming form can carry it
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return data
    return (form.text.data or "").replace("\r\n", "\n")


@bp.post("/l/<launch_id>/library/<int:module_id>/quiz/import")
@refusing
def import_questions(launch_id: str, module_id: int) -> Response | tuple[str, int]:
    """``action`` "preview" (the default) shows the plan; "save" writes it, or shows it
    again with its problems and writes nothing."""
    visit = trainer_visit(launch_id)
    context = quiz_page_context(visit, module_id)
    form = ImportForm(request.form, meta=form_context(visit))
    form.language.choices = context["languages"]
    if not form.validate():
        checked_csrf(form)  # type: ignore[arg-type]
        return render_template("authoring/quiz_list.html", **context, import_form=form), 400
    source = _source(form)
    language, fmt = form.language.data, form.file_format.data
    try:
        if form.action.data == "save":
            done = quiz_import.import_into_draft(site_of(visit), module_id, language, source, fmt, visit.learner_id)
            logging.getLogger(__name__).info(
                "questions_imported site=%s module=%s language=%s count=%s",
                site_of(visit), module_id, language, len(done.items),
            )
            return redirect(quiz_address(launch_id, module_id, imported=len(done.items)), 303)
        plan = quiz_import.plan(site_of(visit), module_id, language, source, fmt)
    except quiz_import.ImportRefused as exc:
        plan = exc.plan
    except InvalidQuestion as exc:
        raise Refused("bad_form", exc.code) from exc
    return render_template(
        "authoring/quiz_import.html", **context, plan=plan, import_form=form,
        carried=source if isinstance(source, str) else "", problems=QUESTION_PROBLEMS,
        unsafe_message=unsafe_message,
    ), 200 if plan.ok else 400
