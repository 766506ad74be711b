"""Take over or leave a change that a newer release of the original brought: a text
(authoring.upstream), a page added or retired (authoring.upstream_pages), a quiz question
added, changed or retired (authoring.upstream_quiz). A decision made on an older view of
the copy than it now is (a colleague saved or decided meanwhile) is not made: the module
page shows the offers again as they are now (409)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Response, redirect, request, url_for
from flask_babel import lazy_gettext as _l

from authoring import upstream, upstream_pages, upstream_quiz
from authoring.drafts import InvalidText
from authoring.library import NotInLibrary
from authoring.quiz_drafts import InvalidQuestion
from lti_tool.authoring import bp
from lti_tool.authoring.common import checked, refusing, site_of, trainer_visit
from lti_tool.authoring.errors import TEXT_PROBLEMS
from lti_tool.authoring.forms import UpstreamForm
from lti_tool.authoring.quiz_errors import QUESTION_PROBLEMS
from lti_tool.learning.context import Visit, form_context
from lti_tool.learning.errors import Refused

log = logging.getLogger(__name__)

STALE = _l("Your copy or the original changed since the page was shown, so nothing was done. Here are the changes as they are now: decide again.")


def _decided(visit: Visit, launch_id: str, module_id: int, allowed: tuple[str, ...], offered: Callable[[], bool],
             decide: Callable[[str, str], object], what: str) -> Response | tuple[str, int]:
    """``offered``: whether the copy has that offer now (another site's module, or an
    offer decided already, is not there: 404 before anything else is looked at)."""
    if not offered():
        raise NotInLibrary(f"no such change: {what}")
    form = UpstreamForm(request.form, meta=form_context(visit))
    checked(form)
    action = form.action.data
    if action not in allowed:
        raise Refused("bad_form", "action")
    from lti_tool.authoring.views import module_page

    try:
        decide(action, form.mark.data or "")
    except upstream.StaleOffer:
        return module_page(launch_id, module_id, problem=STALE, status=409)
    except InvalidText as exc:
        return module_page(launch_id, module_id, problem=TEXT_PROBLEMS.get(exc.code, exc.code), status=400)
    except InvalidQuestion as exc:
        if exc.code == "bad_action":  # a button this change does not have
            raise Refused("bad_form", "action") from exc
        return module_page(launch_id, module_id, problem=QUESTION_PROBLEMS.get(exc.code, exc.code), status=400)
    log.info("upstream_change site=%s module=%s %s action=%s", site_of(visit), module_id, what, action)
    address = url_for("authoring.module_page", launch_id=launch_id, module_id=module_id)
    return redirect(address + "#upstream", 303)


def _revision(mark: str) -> int | None | str:
    if mark == "":
        return None  # the copy had no text in that language
    if not mark.isdigit():
        raise Refused("bad_form", "mark")
    return int(mark)


@bp.post("/l/<launch_id>/library/<int:module_id>/upstream/<int:page_id>/<language>")
@refusing
def decide_upstream(launch_id: str, module_id: int, page_id: int, language: str) -> Response | tuple[str, int]:
    """A text of a page the copy has: take the original's over, or leave yours."""
    visit = trainer_visit(launch_id)
    site = site_of(visit)
    return _decided(
        visit, launch_id, module_id, ("take", "leave"),
        lambda: any((c.page_id, c.language) == (page_id, language) for c in upstream.changes(site, module_id)),
        lambda action, mark: upstream.decide(
            site, module_id, page_id, language, action == "take", visit.learner_id, revision=_revision(mark)
        ),
        f"page={page_id} language={language}",
    )


@bp.post("/l/<launch_id>/library/<int:module_id>/upstream/added/<int:page_id>")
@refusing
def decide_added_page(launch_id: str, module_id: int, page_id: int) -> Response | tuple[str, int]:
    """A page the original added (``page_id`` is the original's): into the draft, or not."""
    visit = trainer_visit(launch_id)
    site = site_of(visit)
    return _decided(
        visit, launch_id, module_id, ("take", "leave"),
        lambda: any(a.page_id == page_id for a in upstream_pages.added_pages(site, module_id)),
        lambda action, mark: upstream_pages.decide_added(
            site, module_id, page_id, action == "take", visit.learner_id, mark=mark
        ),
        f"added_page={page_id}",
    )


@bp.post("/l/<launch_id>/library/<int:module_id>/upstream/retired/<int:page_id>")
@refusing
def decide_retired_page(launch_id: str, module_id: int, page_id: int) -> Response | tuple[str, int]:
    """A page of the copy whose original was retired: remove it too, or keep it."""
    visit = trainer_visit(launch_id)
    site = site_of(visit)
    return _decided(
        visit, launch_id, module_id, ("remove", "keep"),
        lambda: any(r.page_id == page_id for r in upstream_pages.retired_pages(site, module_id)),
        lambda action, _mark: upstream_pages.decide_retired(site, module_id, page_id, action == "remove"),
        f"retired_page={page_id}",
    )


@bp.post("/l/<launch_id>/library/<int:module_id>/upstream/question/<idnumber>")
@refusing
def decide_question(launch_id: str, module_id: int, idnumber: str) -> Response | tuple[str, int]:
    """A question the original added, changed or retired."""
    visit = trainer_visit(launch_id)
    site = site_of(visit)
    return _decided(
        visit, launch_id, module_id, ("take", "leave", "remove", "keep"),
        lambda: any(o.idnumber == idnumber for o in upstream_quiz.offers(site, module_id)),
        lambda action, mark: upstream_quiz.decide(
            site, module_id, idnumber, action, visit.learner_id, mark=mark
        ),
        f"question={idnumber}",
    )
