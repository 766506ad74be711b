"""Take over or leave a change that a newer release of the original brought
(authoring.upstream)."""

from __future__ import annotations

import logging

from flask import Response, redirect, request, url_for

from authoring import upstream
from lti_tool.authoring import bp
from lti_tool.authoring.common import checked, refusing, site_of, trainer_visit
from lti_tool.authoring.forms import PageActionForm
from lti_tool.learning.context import form_context
from lti_tool.learning.errors import Refused

log = logging.getLogger(__name__)


@bp.post("/l/<launch_id>/library/<int:module_id>/upstream/<int:page_id>/<language>")
@refusing
def decide_upstream(launch_id: str, module_id: int, page_id: int, language: str) -> Response:
    visit = trainer_visit(launch_id)
    form = PageActionForm(request.form, meta=form_context(visit))
    checked(form)
    if form.action.data not in ("take", "leave"):
        raise Refused("bad_form", "action")
    take = form.action.data == "take"
    upstream.decide(site_of(visit), module_id, page_id, language, take, visit.learner_id)
    log.info(
        "upstream_change site=%s module=%s page=%s language=%s taken=%s",
        site_of(visit), module_id, page_id, language, take,
    )
    address = url_for("authoring.module_page", launch_id=launch_id, module_id=module_id)
    return redirect(address + "#upstream", 303)
