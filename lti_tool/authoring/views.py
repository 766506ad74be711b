"""The library, a module's draft, a page's text in one language, publishing.

Only trainers (Moodle's Instructor in the launching course) and coordinators (its
administrators) reach them, and only their own site's library (the launch's platform):
another site's module or page answers as if it did not exist.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Response, jsonify, redirect, render_template, request, url_for

from authoring import (
    drafts,
    images,
    library,
    plain_language,
    publishing,
    upstream,
    upstream_pages,
    upstream_quiz,
)
from courses import catalog
from courses.database import db
from courses.languages import ENDONYMS, PLAIN_FINNISH, SOURCE_LANGUAGE
from courses.models import Programme
from lti_tool.authoring import bp
from lti_tool.authoring.common import checked, refusing, site_of, trainer_visit
from lti_tool.authoring.errors import PUBLISH_PROBLEMS, text_problem
from lti_tool.authoring.forms import (
    AdaptForm,
    NewModuleForm,
    NewPageForm,
    PageActionForm,
    PageTextForm,
    PublishForm,
    UpstreamForm,
)
from lti_tool.identity.names import display_names
from lti_tool.learning.context import Visit, form_context
from lti_tool.learning.errors import Refused

log = logging.getLogger(__name__)


@bp.get("/l/<launch_id>/library")
@refusing
def library_page(launch_id: str) -> str:
    visit = trainer_visit(launch_id)
    language = SOURCE_LANGUAGE
    return render_template(
        "authoring/library.html",
        visit=visit,
        own=library.own_modules(site_of(visit)),
        shipped=library.shipped_modules(),
        form=AdaptForm(meta=form_context(visit)),
        new_form=NewModuleForm(meta=form_context(visit)),
        programmes=[(p.slug, catalog.pick(p.title, language)[0]) for p in catalog.all_programmes(site_of(visit))],
        pick=lambda texts: catalog.pick(texts, language),
    )


@bp.post("/l/<launch_id>/library/adapt")
@refusing
def adapt(launch_id: str) -> Response:
    visit = trainer_visit(launch_id)
    form = AdaptForm(request.form, meta=form_context(visit))
    checked(form)
    copy = library.adapt(site_of(visit), form.module_id.data, visit.learner_id)
    log.info("module_adapted site=%s from=%s copy=%s", site_of(visit), form.module_id.data, copy.id)
    return redirect(url_for("authoring.module_page", launch_id=launch_id, module_id=copy.id), 303)


def _languages(library_module: Any) -> list[str]:
    return list(db.session.get(Programme, library_module.programme_id).languages)


@bp.get("/l/<launch_id>/library/<int:module_id>/")
@refusing
def module_page(launch_id: str, module_id: int, publish_form: PublishForm | None = None,
                problem: object = None, status: int = 200) -> tuple[str, int]:
    visit = trainer_visit(launch_id)
    own = library.own_module(site_of(visit), module_id)
    languages = _languages(own)
    pages = [(page, drafts.translation_states(page, languages)) for page in library.draft_pages(own.id)]
    versions = publishing.versions(site_of(visit), own.id)
    page = render_template(
        "authoring/module.html",
        visit=visit,
        own=own,
        pages=pages,
        endonyms=ENDONYMS,
        versions=versions,
        authors=display_names(v.author_id for v in versions),  # who published each
        upstream=upstream.changes(site_of(visit), own.id),
        added_pages=upstream_pages.added_pages(site_of(visit), own.id),
        retired_pages=upstream_pages.retired_pages(site_of(visit), own.id),
        quiz_changes=upstream_quiz.offers(site_of(visit), own.id),
        upstream_form=UpstreamForm(meta=form_context(visit)),
        form=publish_form or PublishForm(meta=form_context(visit)),
        page_form=NewPageForm(meta=form_context(visit)),
        action_form=PageActionForm(meta=form_context(visit)),
        problem=problem,
        published=request.args.get("published"),
        restored=request.args.get("restored"),
        pick=lambda texts: catalog.pick(texts, SOURCE_LANGUAGE),
    )
    return page, status


@bp.post("/l/<launch_id>/library/<int:module_id>/publish")
@refusing
def publish(launch_id: str, module_id: int) -> Response | tuple[str, int]:
    visit = trainer_visit(launch_id)
    form = PublishForm(request.form, meta=form_context(visit))
    if not form.validate():
        if form.csrf_token.errors:
            raise Refused("bad_form", "csrf")
        return module_page(launch_id, module_id, publish_form=form, status=400)
    try:
        done = publishing.publish(site_of(visit), module_id, form.note.data or "", visit.learner_id)
    except publishing.PublishRefused as exc:
        problem = PUBLISH_PROBLEMS.get(exc.code, exc.code)
        return module_page(launch_id, module_id, publish_form=form, problem=problem, status=400)
    log.info("module_published site=%s module=%s version=%s", site_of(visit), module_id, done.version)
    address = url_for("authoring.module_page", launch_id=launch_id, module_id=module_id)
    return redirect(f"{address}?published={done.version}", 303)


def _editor(visit: Visit, page_id: int, language: str, form: PageTextForm | None = None,
            conflict: drafts.Conflict | None = None, problem: object = None,
            status: int = 200) -> tuple[str, int]:
    page, own, languages = drafts.draft_page(site_of(visit), page_id)
    if language not in languages:
        raise Refused("language_not_offered", language)
    texts = {t.language: t for t in page.texts}
    text, source = texts.get(language), texts.get(SOURCE_LANGUAGE)
    if form is None:
        form = PageTextForm(meta=form_context(visit))
        form.title.data = text.title if text else ""
        form.body.data = text.body_markdown if text else ""
        form.base_revision.data = text.revision if text else None
        form.source_revision.data = source.revision if source and language != SOURCE_LANGUAGE else None
    if conflict is not None:  # their text stays shown; yours stays in the form, over theirs
        form.base_revision.data = conflict.revision
    state = next(s for s in drafts.translation_states(page, languages) if s.language == language)
    html = render_template(
        "authoring/page_text.html",
        visit=visit,
        own=own,
        page=page,
        language=language,
        languages=languages,
        endonyms=ENDONYMS,
        source=source if language != SOURCE_LANGUAGE else None,
        source_html=images.render(source.body_markdown) if source and language != SOURCE_LANGUAGE else "",
        state=state,
        form=form,
        conflict=conflict,
        problem=problem,
        saved=request.args.get("saved"),
        # Not "preview": the nav (learning/_nav.html) reads that as "Preview as a learner".
        preview_html=images.render(form.body.data or ""),
        # Plain Finnish gets help while writing: long sentences and words, marked.
        plain=plain_language.analyse(form.body.data or "") if language == PLAIN_FINNISH else None,
    )
    return html, status


@bp.route("/l/<launch_id>/library/page/<int:page_id>/<language>", methods=["GET", "POST"])
@refusing
def page_text(launch_id: str, page_id: int, language: str) -> Response | tuple[str, int]:
    """A page's text in one language beside its Finnish source; POST saves it (JSON for
    the page's autosave), never over someone else's newer save."""
    visit = trainer_visit(launch_id)
    if request.method == "GET":
        return _editor(visit, page_id, language)
    wants_json = request.accept_mimetypes.best == "application/json"
    form = PageTextForm(request.form, meta=form_context(visit))
    if not form.validate():
        if form.csrf_token.errors:
            raise Refused("bad_form", "csrf")
        if wants_json:
            return jsonify({"saved": False, "errors": form.errors}), 400
        return _editor(visit, page_id, language, form, status=400)
    if form.action.data == "preview":
        return _editor(visit, page_id, language, form)
    try:
        outcome = drafts.save_text(
            site_of(visit), page_id, language,
            base_revision=form.base_revision.data, title=form.title.data, body=form.body.data,
            author_id=visit.learner_id, source_revision=form.source_revision.data,
        )
    except drafts.InvalidText as exc:  # nothing written; the text stays in the form
        problem = text_problem(exc)
        if wants_json:
            return jsonify({"saved": False, "problem": str(problem)}), 400
        return _editor(visit, page_id, language, form, problem=problem, status=400)
    if isinstance(outcome, drafts.Conflict):
        if wants_json:
            return jsonify({"saved": False, "conflict": True, "revision": outcome.revision}), 409
        return _editor(visit, page_id, language, form, conflict=outcome, status=409)
    if wants_json:
        return jsonify({"saved": True, "revision": outcome.revision})
    address = url_for("authoring.page_text", launch_id=launch_id, page_id=page_id, language=language)
    return redirect(f"{address}?saved=1", 303)
