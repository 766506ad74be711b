"""Trainer pages: choose modules by deep linking, bind an activity (the group pages are in
lti_tool.group)."""

from __future__ import annotations

import logging
from typing import Any

from flask import Response, redirect, render_template, request, url_for
from sqlalchemy import select, update

from courses import catalog
from courses.database import db
from courses.languages import language_for_locale
from courses.models import Module
from lti_tool.advantage import (
    ContentItem,
    ServiceNotOffered,
    deep_link_settings,
    deep_linking_response,
)
from lti_tool.identity.models import ResourceLink
from lti_tool.launch.errors import LaunchRejected
from lti_tool.launch.pages import rejected_page
from lti_tool.launch.views import launch_url
from lti_tool.learning import bp
from lti_tool.learning.context import Visit, form_context, open_visit
from lti_tool.learning.errors import Refused, refused_page
from lti_tool.learning.forms import BindForm, ModulesForm, choices

log = logging.getLogger(__name__)


def _trainer_language(visit: Visit, languages: list[str] | tuple[str, ...]) -> str:
    return language_for_locale(visit.session.user.locale or visit.session.locale, languages)


def _programme_groups(visit: Visit) -> list[dict[str, Any]]:
    """Programmes with their live modules, titled in the trainer's language."""
    groups = []
    for programme in catalog.all_programmes(visit.session.platform_id):
        language = _trainer_language(visit, programme.languages)
        groups.append(
            {
                "slug": programme.slug,
                "title": catalog.pick(programme.title, language)[0],
                "modules": [
                    {
                        "slug": m.slug,
                        "title": catalog.pick(m.title, language)[0],
                        "summary": catalog.pick(m.summary, language)[0],
                        "minutes": m.estimated_minutes,
                        "pages": m.pages,
                    }
                    for m in programme.modules
                ],
            }
        )
    return groups


def _module_choices(groups: list[dict[str, Any]]) -> list[Any]:
    return choices([(m["slug"], m["title"]) for g in groups for m in g["modules"]])


# ---------------------------------------------------------------- deep linking


def _deep_link_settings(visit: Visit) -> dict[str, Any]:
    try:
        settings = deep_link_settings(visit.session)
    except ServiceNotOffered as exc:
        raise Refused("bad_form", "no deep linking settings") from exc
    return settings


def _modules_form(
    visit: Visit, groups: list[dict[str, Any]], settings: dict[str, Any], posted: bool = False
) -> ModulesForm:
    form = ModulesForm(
        request.form if posted else None,  # not the launch's own POST, which shows the picker
        meta=form_context(visit),
        multiple=settings.get("accept_multiple") is True,  # the spec's default is one item
    )
    form.modules.choices = _module_choices(groups)
    return form


def module_picker(
    visit: Visit, form: ModulesForm | None = None, status: int = 200
) -> tuple[str, int]:
    if not visit.is_trainer:
        raise Refused("trainers_only", visit.session.id)
    settings = _deep_link_settings(visit)
    groups = _programme_groups(visit)
    form = form or _modules_form(visit, groups, settings)
    page = render_template("learning/module_picker.html", visit=visit, groups=groups, form=form)
    return page, status


@bp.post("/l/<launch_id>/deep-link")
def deep_link_respond(launch_id: str) -> str | tuple[str, int]:
    """One ltiResourceLink per chosen module, signed, posted back to the platform."""
    try:
        visit = open_visit(launch_id, trainer=True)
        if not visit.is_deep_linking:
            raise Refused("bad_form", "not a deep linking launch")
        settings = _deep_link_settings(visit)
        groups = _programme_groups(visit)
        form = _modules_form(visit, groups, settings, posted=True)
        if not form.validate():
            if form.csrf_token.errors:
                raise Refused("bad_form", "csrf")
            return module_picker(visit, form, 400)
    except LaunchRejected as exc:
        return rejected_page(exc, "deep_link")
    except Refused as exc:
        return refused_page(exc)
    chosen = set(form.modules.data or [])
    items = [
        ContentItem(
            title=m["title"],
            url=launch_url(),
            text=m["summary"],
            custom={"module": m["slug"]},
            resource_id=m["slug"],
            score_maximum=100,
        )
        for g in groups
        for m in g["modules"]
        if m["slug"] in chosen
    ]
    return_url, response_jwt = deep_linking_response(visit.session, items)
    log.info("lti_deep_link_response platform=%s items=%d", visit.session.platform_id, len(items))
    return render_template("lti/autopost.html", action=return_url, fields={"JWT": response_jwt})


# ---------------------------------------------------------------- binding one activity


def bind_picker(visit: Visit, form: BindForm | None = None, status: int = 200) -> tuple[str, int]:
    groups = _programme_groups(visit)
    if form is None:
        form = BindForm(meta=form_context(visit))
        form.module.choices = _module_choices(groups)
    return render_template("learning/bind.html", visit=visit, groups=groups, form=form), status


@bp.post("/l/<launch_id>/bind")
def bind(launch_id: str) -> Response | tuple[str, int]:
    """A trainer chooses the module of an activity that has none."""
    try:
        visit = open_visit(launch_id, trainer=True)
        link = visit.session.resource_link
        if link is None or visit.bound is not None:
            raise Refused("bad_form", "nothing to bind")
        form = BindForm(request.form, meta=form_context(visit))
        form.module.choices = _module_choices(_programme_groups(visit))
        if not form.validate():
            if form.csrf_token.errors:
                raise Refused("bad_form", "csrf")
            return bind_picker(visit, form, 400)
        module_id = db.session.execute(
            select(Module.id).where(Module.slug == form.module.data)
        ).scalar_one()
        db.session.execute(
            update(ResourceLink).where(ResourceLink.id == link.id).values(module_id=module_id)
        )
        db.session.commit()
    except LaunchRejected as exc:
        return rejected_page(exc, "session")
    except Refused as exc:
        return refused_page(exc)
    log.info("activity_bound resource_link=%s module=%s", link.id, form.module.data)
    return redirect(url_for("learning.landing", launch_id=launch_id), code=303)
