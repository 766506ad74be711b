"""A library module's images: listed with where each is used, and deleted when nothing
uses it (authoring.image_library)."""

from __future__ import annotations

import logging

from flask import Response, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from authoring import image_library, library
from courses import catalog
from courses.languages import ENDONYMS, SOURCE_LANGUAGE
from lti_tool.authoring import bp
from lti_tool.authoring.common import checked, refusing, site_of, trainer_visit
from lti_tool.forms import LaunchForm
from lti_tool.learning.context import Visit, form_context

log = logging.getLogger(__name__)

IN_USE = {
    "in_draft": _l(
        "The image is not deleted: the draft still shows it. Take its line out of the pages "
        "and questions listed beside it, then delete it."
    ),
    "published": _l(
        "The image is not deleted: a published version shows it, and learners may still see it."
    ),
    "elsewhere": _l("The image is not deleted: another module of your site shows it."),
}


def _page(
    visit: Visit, module_id: int, problem: object = None, status: int = 200
) -> tuple[str, int]:
    own = library.own_module(site_of(visit), module_id)
    return render_template(
        "authoring/images.html",
        visit=visit,
        own=own,
        images=image_library.module_images(site_of(visit), module_id),
        endonyms=ENDONYMS,
        form=LaunchForm(meta=form_context(visit)),
        problem=problem,
        deleted=request.args.get("deleted") == "1",
        title=catalog.pick(own.title, SOURCE_LANGUAGE),
    ), status


@bp.get("/l/<launch_id>/library/<int:module_id>/images")
@refusing
def module_images(launch_id: str, module_id: int) -> tuple[str, int]:
    return _page(trainer_visit(launch_id), module_id)


@bp.post("/l/<launch_id>/library/<int:module_id>/images/<key>/delete")
@refusing
def delete_image(launch_id: str, module_id: int, key: str) -> Response | tuple[str, int]:
    """Delete an image nothing uses; one in use is refused (409) and kept."""
    visit = trainer_visit(launch_id)
    checked(LaunchForm(request.form, meta=form_context(visit)))
    try:
        image_library.delete_image(site_of(visit), module_id, key)
    except image_library.ImageInUse as exc:
        return _page(visit, module_id, problem=IN_USE[exc.code], status=409)
    log.info("image_deleted site=%s module=%s key=%s", site_of(visit), module_id, key[:8])
    address = url_for("authoring.module_images", launch_id=launch_id, module_id=module_id)
    return redirect(address + "?deleted=1", 303)
