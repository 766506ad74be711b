"""A draft's shape and history: a new module, pages added, moved and removed, versions
compared and restored (authoring.structure, authoring.history)."""

from __future__ import annotations

import logging

from flask import Response, redirect, render_template, request, url_for

from authoring import history, publishing, structure
from authoring.drafts import InvalidText, draft_page
from courses import catalog
from courses.languages import ENDONYMS, SOURCE_LANGUAGE
from lti_tool.authoring import bp
from lti_tool.authoring.common import checked, refusing, site_of, trainer_visit
from lti_tool.authoring.errors import TEXT_PROBLEMS
from lti_tool.authoring.forms import CompareForm, NewModuleForm, NewPageForm, PageActionForm
from lti_tool.authoring.views import module_page
from lti_tool.identity.names import display_names
from lti_tool.learning.context import form_context
from lti_tool.learning.errors import Refused

log = logging.getLogger(__name__)


def _module_address(launch_id: str, module_id: int, **query: object) -> str:
    address = url_for("authoring.module_page", launch_id=launch_id, module_id=module_id)
    return address + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@bp.post("/l/<launch_id>/library/new")
@refusing
def new_module(launch_id: str) -> Response:
    visit = trainer_visit(launch_id)
    form = NewModuleForm(request.form, meta=form_context(visit))
    form.programme.choices = [p.slug for p in catalog.all_programmes(site_of(visit))]
    checked(form)
    try:
        module = structure.create_module(site_of(visit), form.programme.data, form.title.data, visit.learner_id)
    except InvalidText as exc:
        raise Refused("bad_form", exc.code) from exc
    log.info("module_created site=%s module=%s", site_of(visit), module.id)
    return redirect(_module_address(launch_id, module.id), 303)


@bp.post("/l/<launch_id>/library/<int:module_id>/pages")
@refusing
def add_page(launch_id: str, module_id: int) -> Response | tuple[str, int]:
    visit = trainer_visit(launch_id)
    form = NewPageForm(request.form, meta=form_context(visit))
    checked(form)
    try:
        page = structure.add_page(site_of(visit), module_id, form.title.data, visit.learner_id)
    except InvalidText as exc:
        return module_page(launch_id, module_id, problem=TEXT_PROBLEMS.get(exc.code), status=400)
    return redirect(
        url_for("authoring.page_text", launch_id=launch_id, page_id=page.id, language=SOURCE_LANGUAGE), 303
    )


@bp.post("/l/<launch_id>/library/page/<int:page_id>/arrange")
@refusing
def arrange_page(launch_id: str, page_id: int) -> Response | tuple[str, int]:
    """Move a page up or down, or remove it from the draft."""
    visit = trainer_visit(launch_id)
    form = PageActionForm(request.form, meta=form_context(visit))
    checked(form)
    _, module, _ = draft_page(site_of(visit), page_id)
    try:
        if form.action.data == "up":
            structure.move_page(site_of(visit), page_id, -1)
        elif form.action.data == "down":
            structure.move_page(site_of(visit), page_id, 1)
        elif form.action.data == "remove":
            structure.remove_page(site_of(visit), page_id)
        else:
            raise Refused("bad_form", "action")
    except InvalidText as exc:
        return module_page(launch_id, module.id, problem=TEXT_PROBLEMS.get(exc.code), status=400)
    return redirect(_module_address(launch_id, module.id) + f"#page-{page_id}", 303)


@bp.get("/l/<launch_id>/library/<int:module_id>/compare")
@refusing
def compare(launch_id: str, module_id: int) -> tuple[str, int]:
    visit = trainer_visit(launch_id)
    form = CompareForm(request.args, meta={"csrf": False})
    if not form.validate():
        raise Refused("bad_form", str(form.errors)[:200])
    older, newer = sorted((form.older.data, form.newer.data))
    changes = history.compare(site_of(visit), module_id, older, newer)
    compared = [v for v in publishing.versions(site_of(visit), module_id) if v.number in (older, newer)]
    compared.reverse()  # the older first
    page = render_template(
        "authoring/compare.html", visit=visit, module_id=module_id, older=older, newer=newer,
        changes=changes, endonyms=ENDONYMS, compared=compared,
        authors=display_names(v.author_id for v in compared),
    )
    return page, 200


@bp.post("/l/<launch_id>/library/<int:module_id>/restore/<int:number>")
@refusing
def restore(launch_id: str, module_id: int, number: int) -> Response:
    visit = trainer_visit(launch_id)
    form = PageActionForm(request.form, meta=form_context(visit))
    checked(form)
    changed = history.restore(site_of(visit), module_id, number, visit.learner_id)
    log.info("module_restored site=%s module=%s version=%s texts=%s", site_of(visit), module_id, number, changed)
    return redirect(_module_address(launch_id, module_id, restored=number), 303)
