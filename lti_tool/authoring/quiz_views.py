"""The quiz editor of a site's own module: its questions listed, added, edited per
language (a form per kind), moved and removed, previewed as a learner sees them
(authoring.quiz_drafts). GIFT and Moodle XML come in through quiz_import_views."""

from __future__ import annotations

import logging
import re
import secrets
from typing import Any

from flask import Response, jsonify, redirect, render_template, request, url_for
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from authoring import quiz_autosave, quiz_drafts
from authoring.quiz_autosave import TOKEN
from authoring.quiz_drafts import InvalidQuestion
from authoring.quiz_publishing import published_kinds
from courses import catalog
from courses.languages import ENDONYMS, SOURCE_LANGUAGE
from lti_tool.authoring import bp
from lti_tool.authoring.common import checked, refusing, site_of, trainer_visit
from lti_tool.authoring.markup_messages import unsafe_message
from lti_tool.authoring.quiz_errors import QUESTION_PROBLEMS
from lti_tool.authoring.quiz_forms import (
    KIND_NAMES,
    KINDS,
    ImportForm,
    QuestionActionForm,
    QuestionForm,
    form_data,
    question_from,
)
from lti_tool.authoring.quiz_preview import as_learner
from lti_tool.learning.context import Visit, form_context
from lti_tool.learning.errors import Refused
from quizzes.model import Question

log = logging.getLogger(__name__)


def quiz_address(launch_id: str, module_id: int, **query: object) -> str:
    address = url_for("authoring.quiz_page", launch_id=launch_id, module_id=module_id)
    return address + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def excerpt(question: Question | None, length: int = 140) -> str:
    if question is None:
        return ""
    text = re.sub(r"\s+", " ", Markup(question.text).striptags()).strip()
    return text if len(text) <= length else text[: length - 1] + "…"


def quiz_page_context(visit: Visit, module_id: int) -> dict[str, Any]:
    own, questions, languages = quiz_drafts.draft_quiz(site_of(visit), module_id)
    rows = [(q, quiz_drafts.question_text(q, SOURCE_LANGUAGE), quiz_drafts.states(q, languages)) for q in questions]
    return {
        "visit": visit, "own": own, "rows": rows, "languages": languages, "endonyms": ENDONYMS,
        "published_kinds": published_kinds(own),
        "kind_names": KIND_NAMES, "kinds": KINDS, "excerpt": excerpt,
        "action_form": QuestionActionForm(meta=form_context(visit)),
        "pick": lambda texts: catalog.pick(texts, SOURCE_LANGUAGE),
    }


@bp.get("/l/<launch_id>/library/<int:module_id>/quiz/")
@refusing
def quiz_page(launch_id: str, module_id: int) -> tuple[str, int]:
    visit = trainer_visit(launch_id)
    context = quiz_page_context(visit, module_id)
    form = ImportForm(meta=form_context(visit))
    form.language.choices = context["languages"]
    return render_template(
        "authoring/quiz_list.html", **context, import_form=form,
        imported=request.args.get("imported"), removed=request.args.get("removed"),
        unfinished=quiz_autosave.unfinished_new(site_of(visit), module_id, visit.learner_id),
    ), 200


@bp.post("/l/<launch_id>/library/<int:module_id>/quiz/<int:question_id>/arrange")
@refusing
def arrange_question(launch_id: str, module_id: int, question_id: int) -> Response:
    """Move a question up or down, or remove it from the draft."""
    visit = trainer_visit(launch_id)
    checked(QuestionActionForm(request.form, meta=form_context(visit)))
    action = request.form.get("action")
    site = site_of(visit)
    if action in ("up", "down"):
        quiz_drafts.move_question(site, module_id, question_id, -1 if action == "up" else 1)
        return redirect(quiz_address(launch_id, module_id) + f"#question-{question_id}", 303)
    if action == "remove":
        quiz_drafts.remove_question(site, module_id, question_id)
        log.info("question_removed site=%s module=%s question=%s", site, module_id, question_id)
        return redirect(quiz_address(launch_id, module_id, removed=1), 303)
    raise Refused("bad_form", "action")


def _editor(visit: Visit, module_id: int, kind: str, language: str, form: QuestionForm, *,
            row: Any = None, preview: Question | None = None, conflict: quiz_drafts.Conflict | None = None,
            problem: object = None, restored: object = None, status: int = 200) -> tuple[str, int]:
    own, _, languages = quiz_drafts.draft_quiz(site_of(visit), module_id)
    source = quiz_drafts.question_text(row, SOURCE_LANGUAGE) if row is not None and language != SOURCE_LANGUAGE else None
    states = quiz_drafts.states(row, languages) if row is not None else []
    shown, shown_form = as_learner([(preview, language)], language) if preview is not None else ([], None)
    theirs, theirs_form = as_learner([(conflict.question, language)], language, 200) if conflict else ([], None)
    return render_template(
        "authoring/quiz_question.html", visit=visit, own=own, row=row, kind=kind, kind_names=KIND_NAMES,
        language=language, languages=languages, endonyms=ENDONYMS, form=form, source=source,
        source_shown=as_learner([(source, SOURCE_LANGUAGE)], SOURCE_LANGUAGE, 100) if source else None,
        state=next((s for s in states if s.language == language), None), shown=shown, shown_form=shown_form,
        conflict=conflict, theirs=theirs, theirs_form=theirs_form, problem=problem, restored=restored,
        published_kind=published_kinds(own).get(row.idnumber) if row is not None else None,
        saved=request.args.get("saved"),
    ), status


def _more_rows(form: QuestionForm) -> None:
    for rows in (form.choices, form.pairs, form.numeric):
        for _ in range(3):
            if len(rows.entries) < rows.max_entries:
                rows.append_entry()


def _problem(code: str) -> str:
    return str(QUESTION_PROBLEMS.get(code, code))


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _fields() -> dict[str, object]:
    """The form as posted, to keep as the trainer left it (no CSRF token, no button)."""
    return {k: v for k, v in request.form.items() if k not in ("csrf_token", "action")}


def _not_yet(code: str, address: str | None = None) -> Response:
    """The autosave's answer for a form that is not a question yet: kept, and why."""
    return jsonify({"saved": False, "kept": True, "problem": _problem(code), "address": address})


def _unsafe(exc: InvalidQuestion, page: Any) -> Response | tuple[str, int]:
    """A script in the question's texts: refused with what and where, and nothing is
    written, not even the unfinished form; the trainer's text stays in the form."""
    problem = unsafe_message(exc.finding, markdown=False)
    if _wants_json():
        return jsonify({"saved": False, "problem": problem}), 400
    return page(problem)


def _edit_address(launch_id: str, module_id: int, question_id: int, language: str) -> str:
    return url_for("authoring.edit_question", launch_id=launch_id, module_id=module_id,
                   question_id=question_id, language=language)


@bp.route("/l/<launch_id>/library/<int:module_id>/quiz/new/<kind>", methods=["GET", "POST"])
@refusing
def new_question(launch_id: str, module_id: int, kind: str) -> Response | tuple[str, int]:
    """A new Finnish question of one kind, written in its form. The form saves itself as
    the trainer types: kept unfinished under its ``draft`` token until it is a question,
    then added (and saved over from then on, never added twice)."""
    visit = trainer_visit(launch_id)
    if kind not in KINDS:
        raise Refused("bad_form", "kind")
    site, author = site_of(visit), visit.learner_id
    quiz_drafts.draft_quiz(site, module_id)  # this site's module, or 404
    if request.method == "GET":
        token = request.args.get("draft", "")
        kept = quiz_autosave.kept_form(site, module_id, author, token=token) if TOKEN.fullmatch(token) else None
        if kept is not None and kept.draft_question_id is not None:
            return redirect(_edit_address(launch_id, module_id, kept.draft_question_id, SOURCE_LANGUAGE), 303)
        if kept is not None and kept.kind == kind:
            form = QuestionForm(MultiDict(kept.fields), meta=form_context(visit))
            return _editor(visit, module_id, kind, SOURCE_LANGUAGE, form, restored=_problem(kept.problem or ""))
        form = QuestionForm(meta=form_context(visit), data={**form_data(None), "draft": secrets.token_urlsafe(12)})
        return _editor(visit, module_id, kind, SOURCE_LANGUAGE, form)
    form = QuestionForm(request.form, meta=form_context(visit))
    token = form.draft.data or None  # None: a form posted without its page (kept nowhere)
    if token is not None and not TOKEN.fullmatch(token):
        raise Refused("bad_form", "draft")
    if form.action.data == "discard" and token is not None:
        checked(QuestionActionForm(request.form, meta=form_context(visit)))
        quiz_autosave.discard_new(site, module_id, author, token)
        return redirect(quiz_address(launch_id, module_id), 303)
    kept = quiz_autosave.kept_form(site, module_id, author, token=token) if token else None
    if kept is not None and kept.draft_question_id is not None:  # added by an earlier save
        if form.base_revision.data is None:
            form.base_revision.data = 1  # the revision the adding made
        return _save_edit(launch_id, visit, module_id, kept.draft_question_id, SOURCE_LANGUAGE, form)
    unfinished = url_for("authoring.new_question", launch_id=launch_id, module_id=module_id, kind=kind, draft=token)

    def keep(code: str) -> None:
        if token is not None:
            quiz_autosave.keep_form(site, module_id, author, language=SOURCE_LANGUAGE, kind=kind,
                                    fields=_fields(), problem=code, token=token)

    if not form.validate():
        checked_csrf(form)
        if form.action.data == "save":
            keep("form_errors")
            if _wants_json():
                return _not_yet("form_errors", unfinished)
        return _editor(visit, module_id, kind, SOURCE_LANGUAGE, form, status=400)
    question = question_from(form, kind, None)
    if form.action.data == "more":
        _more_rows(form)
        return _editor(visit, module_id, kind, SOURCE_LANGUAGE, form)
    if form.action.data == "preview":
        return _editor(visit, module_id, kind, SOURCE_LANGUAGE, form, preview=question)
    try:
        row = quiz_drafts.add_question(site, module_id, question, author)
    except InvalidQuestion as exc:
        if exc.code == "unsafe_markup":
            return _unsafe(exc, lambda problem: _editor(visit, module_id, kind, SOURCE_LANGUAGE, form,
                                                        problem=problem, status=400))
        keep(exc.code)
        if _wants_json():
            return _not_yet(exc.code, unfinished)
        return _editor(visit, module_id, kind, SOURCE_LANGUAGE, form, problem=_problem(exc.code), status=400)
    if token is not None:
        quiz_autosave.added_from(site, module_id, author, token, row.id)
    log.info("question_added site=%s module=%s question=%s", site, module_id, row.id)
    address = _edit_address(launch_id, module_id, row.id, SOURCE_LANGUAGE)
    if _wants_json():
        return jsonify({"saved": True, "revision": 1, "address": address})
    return redirect(address + "?saved=1", 303)


def checked_csrf(form: QuestionForm) -> None:
    if form.csrf_token.errors:
        raise Refused("bad_form", "csrf")


@bp.route("/l/<launch_id>/library/<int:module_id>/quiz/<int:question_id>/<language>", methods=["GET", "POST"])
@refusing
def edit_question(launch_id: str, module_id: int, question_id: int, language: str) -> Response | tuple[str, int]:
    """A question in one language (a translation beside its Finnish source); POST saves
    it (JSON for the form's autosave), never over someone else's newer save. What the
    trainer left unfinished comes back in the form."""
    visit = trainer_visit(launch_id)
    site = site_of(visit)
    row, _, languages = quiz_drafts.question_in(site, module_id, question_id)
    if language not in languages:
        raise Refused("language_not_offered", language)
    if request.method == "POST":
        form = QuestionForm(request.form, meta=form_context(visit))
        if form.action.data == "discard":
            checked(QuestionActionForm(request.form, meta=form_context(visit)))
            quiz_autosave.forget_form(site, module_id, visit.learner_id, question_id, language)
            return redirect(_edit_address(launch_id, module_id, question_id, language), 303)
        return _save_edit(launch_id, visit, module_id, question_id, language, form)
    current = quiz_drafts.question_text(row, language)
    source = quiz_drafts.question_text(row, SOURCE_LANGUAGE)
    stored = quiz_drafts.text_row(row.id, language)
    kept = quiz_autosave.kept_form(site, module_id, visit.learner_id, question_id=row.id, language=language)
    if kept is not None:
        form = QuestionForm(MultiDict(kept.fields), meta=form_context(visit))
        theirs = stored.revision if stored else None
        conflict = None
        if theirs != form.base_revision.data and current is not None:
            assert theirs is not None
            conflict = quiz_drafts.Conflict(theirs, current)  # yours stays in the form, over theirs
            form.base_revision.data = theirs
        return _editor(visit, module_id, row.kind, language, form, row=row, conflict=conflict,
                       restored=_problem(kept.problem or ""))
    fi = quiz_drafts.text_row(row.id, SOURCE_LANGUAGE)
    form = QuestionForm(meta=form_context(visit), data=form_data(current or source))
    form.base_revision.data = stored.revision if stored else None
    form.source_revision.data = fi.revision if fi and language != SOURCE_LANGUAGE else None
    return _editor(visit, module_id, row.kind, language, form, row=row, preview=current or source)


def _save_edit(launch_id: str, visit: Visit, module_id: int, question_id: int, language: str,
               form: QuestionForm) -> Response | tuple[str, int]:
    site, author = site_of(visit), visit.learner_id
    row, _, _ = quiz_drafts.question_in(site, module_id, question_id)

    def keep(code: str, base: int | None) -> None:
        fields = {**_fields(), "base_revision": "" if base is None else str(base)}
        quiz_autosave.keep_form(site, module_id, author, language=language, kind=row.kind, fields=fields,
                                problem=code, question_id=question_id)

    if not form.validate():
        checked_csrf(form)
        if form.action.data == "save":
            keep("form_errors", form.base_revision.data)
            if _wants_json():
                return _not_yet("form_errors")
        return _editor(visit, module_id, row.kind, language, form, row=row, status=400)
    existing = quiz_drafts.question_text(row, language) or quiz_drafts.question_text(row, SOURCE_LANGUAGE)
    question = question_from(form, row.kind, existing)
    if form.action.data == "more":
        _more_rows(form)
        return _editor(visit, module_id, row.kind, language, form, row=row)
    if form.action.data == "preview":
        return _editor(visit, module_id, row.kind, language, form, row=row, preview=question)
    base = form.base_revision.data
    try:
        outcome = quiz_drafts.save_question(
            site, module_id, question_id, language, base_revision=base,
            question=question, author_id=author, source_revision=form.source_revision.data,
        )
    except InvalidQuestion as exc:
        if exc.code == "unsafe_markup":
            return _unsafe(exc, lambda problem: _editor(visit, module_id, row.kind, language, form, row=row,
                                                        problem=problem, status=400))
        keep(exc.code, base)
        if _wants_json():
            return _not_yet(exc.code)
        return _editor(visit, module_id, row.kind, language, form, row=row, problem=_problem(exc.code), status=400)
    if isinstance(outcome, quiz_drafts.Conflict):
        keep("conflict", base)  # reopened, the form shows yours over theirs again
        if _wants_json():
            return jsonify({"saved": False, "conflict": True, "revision": outcome.revision}), 409
        form.base_revision.data = outcome.revision  # yours stays in the form, over theirs
        return _editor(visit, module_id, row.kind, language, form, row=row, conflict=outcome, status=409)
    quiz_autosave.forget_form(site, module_id, author, question_id, language)
    if _wants_json():
        return jsonify({"saved": True, "revision": outcome.revision})
    return redirect(_edit_address(launch_id, module_id, question_id, language) + "?saved=1", 303)


@bp.get("/l/<launch_id>/library/<int:module_id>/quiz/preview/<language>")
@refusing
def preview_quiz(launch_id: str, module_id: int, language: str) -> tuple[str, int]:
    """The whole draft quiz as a learner in ``language`` would get it (Finnish where a
    question is not translated). Read only: no attempt is made."""
    visit = trainer_visit(launch_id)
    own, questions, languages = quiz_drafts.draft_quiz(site_of(visit), module_id)
    if language not in languages:
        raise Refused("language_not_offered", language)
    chosen = []
    for row in questions:
        translated = quiz_drafts.question_text(row, language)
        if translated is not None and translated.kind == row.kind:
            chosen.append((translated, language))
        elif (source := quiz_drafts.question_text(row, SOURCE_LANGUAGE)) is not None:
            chosen.append((source, SOURCE_LANGUAGE))
    shown, form = as_learner(chosen, language)
    return render_template(
        "authoring/quiz_preview.html", visit=visit, own=own, language=language, languages=languages,
        endonyms=ENDONYMS, shown=shown, form=form, title=catalog.pick(own.title, language),
    ), 200
