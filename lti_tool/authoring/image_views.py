"""An image uploaded into a page (authoring.images), and every image served back.

The upload answers the editor's script with the image's Markdown (JSON), which it puts
where the trainer's cursor is, and the autosave saves it with the rest of the text: the
text being typed is never replaced by an older one from the server. Without the script,
the Markdown is added at the end of the text saved now (its current revision).
"""

from __future__ import annotations

import logging

from flask import Response, abort, jsonify, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms import StringField

from authoring import drafts, images
from lti_tool.authoring import bp
from lti_tool.authoring.common import checked, refusing, site_of, trainer_visit
from lti_tool.authoring.views import _editor
from lti_tool.forms import LaunchForm
from lti_tool.learning.context import form_context
from lti_tool.learning.errors import Refused

log = logging.getLogger(__name__)

# The upload's form fields and multipart framing, beside the image itself.
FORM_ROOM = 64 * 1024
# A year, and never revalidated: an address's bytes never change (a new image, a new key).
CACHE_FOREVER = "public, max-age=31536000, immutable"

IMAGE_PROBLEMS = {
    "alt_missing": (400, _l("Write an alternative text: what the image shows, for a learner who cannot see it.")),
    "alt_too_long": (400, _l("The alternative text can be at most 250 characters.")),
    "alt_bad_characters": (400, _l("The alternative text must be one line without control characters.")),
    "empty": (400, _l("Choose an image file to upload.")),
    "too_large": (413, _l("The image is larger than 2 MB. Make it smaller and upload it again.")),
    "too_many_pixels": (
        400, _l("The image has too many pixels (at most 25 million). Make it smaller and upload it again.")
    ),
    "not_an_image": (415, _l("The file is not a PNG, JPEG, WebP or GIF image.")),
    "site_full": (400, _l("Your site's images already take all the space allowed for them (250 MB).")),
}


class ImageForm(LaunchForm):
    alt = StringField()  # checked by authoring.images.clean_alt, for its messages


def _refused(visit, page_id: int, language: str, code: str, wants_json: bool):
    status, message = IMAGE_PROBLEMS[code]
    if wants_json:
        return jsonify({"stored": False, "problem": str(message)}), status
    return _editor(visit, page_id, language, problem=message, status=status)


@bp.post("/l/<launch_id>/library/page/<int:page_id>/<language>/image")
@refusing
def upload_image(launch_id: str, page_id: int, language: str) -> object:
    # Only this request may be this large (the app's limit stays MAX_CONTENT_LENGTH).
    request.max_content_length = images.MAX_UPLOAD_BYTES + FORM_ROOM
    visit = trainer_visit(launch_id)
    wants_json = request.accept_mimetypes.best == "application/json"
    try:
        form = ImageForm(request.form, meta=form_context(visit))
        upload = request.files.get("file")
    except RequestEntityTooLarge:
        drafts.draft_page(site_of(visit), page_id)  # another site's page stays a 404
        return _refused(visit, page_id, language, "too_large", wants_json)
    checked(form)
    try:
        data = images.read_upload(upload.stream) if upload is not None else b""
        stored = images.store(site_of(visit), page_id, language, data, form.alt.data, visit.learner_id)
    except images.ImageRefused as exc:
        if exc.code == "language_not_offered":
            raise Refused("language_not_offered", language) from exc
        log.info("image_refused site=%s page=%s reason=%s detail=%s", site_of(visit), page_id, exc.code, exc.detail)
        return _refused(visit, page_id, language, exc.code, wants_json)
    log.info(
        "image_stored site=%s page=%s language=%s size=%sx%s", site_of(visit), page_id, language,
        stored.width, stored.height,
    )
    if wants_json:
        return jsonify(
            {"stored": True, "markdown": stored.markdown, "src": stored.path,
             "width": stored.width, "height": stored.height}
        ), 201
    outcome = images.add_to_text(site_of(visit), page_id, language, stored.markdown, visit.learner_id)
    if isinstance(outcome, drafts.Saved):
        address = url_for("authoring.page_text", launch_id=launch_id, page_id=page_id, language=language)
        return redirect(f"{address}?image=added", 303)
    message = _l(
        "The image is stored, but it could not be added to the text. Put this line where the image belongs: %(markdown)s",
        markdown=stored.markdown,
    )
    return _editor(visit, page_id, language, problem=message, status=409 if outcome else 200)


@bp.get("/media/<key>")
def media(key: str) -> Response:
    """An image, for anyone who has its address: learners' browsers load it inside
    Moodle's iframe with no session of the tool, so the unguessable key (192 random
    bits) is the access control, as for a shared link."""
    found = images.served(key)
    if found is None:
        abort(404)
    response = Response(found.data, mimetype=found.content_type)
    response.headers["Cache-Control"] = CACHE_FOREVER
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Only the tool's own pages embed it; opened on its own, it runs nothing.
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.set_etag(found.sha256)
    return response.make_conditional(request)
