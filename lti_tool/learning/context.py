"""From a launch session to what a learning page needs: the module, the language, who asks.

Load the objects (404/410), check access (403), then the view does its work.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import g, request
from sqlalchemy import update

from courses import catalog
from courses.catalog import ModuleInfo
from courses.database import db, transaction_for_writes
from courses.languages import language_for_locale
from courses.progress.models import course_key
from courses.progress.services import Place
from lti_tool.i18n import UI_LOCALES, locale_from_lti
from lti_tool.identity.models import ResourceLink
from lti_tool.identity.roles import RoleSet, classify_roles
from lti_tool.launch.protocol import DEEP_LINKING_REQUEST
from lti_tool.launch.services import OpenSession, load_session
from lti_tool.learning.errors import Refused
from lti_tool.security import BROWSER_COOKIE, origin_of

MODULE_PARAMETER = "module"


@dataclass
class Visit:
    """One request inside a launch: the session, the person's roles and their module."""

    session: OpenSession
    roles: RoleSet
    bound: ModuleInfo | None  # the module the activity is bound to, if any

    @property
    def learner_id(self) -> int:
        return self.session.user_pk

    @property
    def is_trainer(self) -> bool:
        return self.roles.is_trainer or self.roles.is_tool_admin

    @property
    def is_deep_linking(self) -> bool:
        return self.session.message_type == DEEP_LINKING_REQUEST

    @property
    def course(self) -> int:
        """The course this visit's records belong to (courses.progress course_key)."""
        return course_key(self.session.context.id if self.session.context else None)

    def audience(self, module: ModuleInfo) -> str:
        context = self.session.context
        return (context.audience if context and context.audience else None) or module.audience

    def module(self, slug: str) -> ModuleInfo:
        """A module of the bound module's programme, by slug (404 or 410 otherwise)."""
        if self.bound is None:
            raise Refused("not_bound", self.session.id)
        if slug == self.bound.slug:
            return self.bound
        module = catalog.find_module(
            self.learner_id, slug=slug, course=self.course, site=self.session.platform_id
        )
        if module is None or module.programme_id != self.bound.programme_id:
            raise Refused("module_elsewhere", slug)
        if module.retired:
            raise Refused("retired_module", slug)
        return module

    @property
    def place(self) -> Place:
        """Where this visit happens, for the learner's completion record."""
        session = self.session
        return Place(
            session.platform.id,
            session.context.id if session.context else None,
            session.resource_link.id if session.resource_link else None,
        )

    def content_language(self, module: ModuleInfo) -> str:
        """The learner's chosen language if the programme has it, else their platform's."""
        chosen = self.session.language_choice
        if chosen in module.languages:
            assert chosen is not None
            return chosen
        return language_for_locale(
            self.session.user.locale or self.session.locale, module.languages
        )


def custom_module_slug(session: OpenSession) -> str | None:
    """The activity's ``module`` custom parameter, as the latest launch of it sent it."""
    custom = session.resource_link.custom if session.resource_link else None
    value = custom.get(MODULE_PARAMETER) if isinstance(custom, dict) else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def bound_module(session: OpenSession) -> ModuleInfo | None:
    """The activity's module: its ``module`` custom parameter, else the trainer's binding."""
    slug = custom_module_slug(session)
    linked = session.linked_module  # read with the session
    if slug is not None:
        module = linked if linked is not None and linked.slug == slug else None
        course = course_key(session.context.id if session.context else None)
        module = module or catalog.find_module(
            session.user_pk, slug=slug, course=course, site=session.platform_id
        )
        if module is None:
            raise Refused("unknown_module", slug)
    elif linked is not None:
        module = linked
    else:
        return None
    if module is not None and module.retired:
        raise Refused("retired_module", module.slug)
    return module


def open_visit(
    launch_id: str,
    *,
    trainer: bool = False,
    need_module: bool = False,
    browser_key: str | None = None,
) -> Visit:
    """Load the launch behind the URL for this browser (its cookie, or ``browser_key``
    while the launch that sets the cookie is answered); LaunchRejected or Refused if not."""
    session = load_session(launch_id, browser_key or request.cookies.get(BROWSER_COOKIE))
    # The menus: the learner's own choice, else the launch's locale; the same on every
    # page of the launch, error pages included (the pages' language is chosen apart).
    chosen = session.interface_choice
    g.ui_locale = chosen if chosen in UI_LOCALES else locale_from_lti(session.user.locale or session.locale)
    platform_origin = origin_of(session.platform.issuer)
    g.frame_ancestors = [platform_origin] if platform_origin else []
    roles = classify_roles(session.roles)
    visit = Visit(session, roles, None)
    if trainer and not visit.is_trainer:
        raise Refused("trainers_only", launch_id)
    if session.message_type != DEEP_LINKING_REQUEST:
        visit.bound = bound_module(session)
    if need_module and visit.bound is None:
        raise Refused("not_bound", launch_id)
    return visit


def form_context(visit: Visit) -> dict[str, object]:
    """WTForms meta for a form of this launch (see lti_tool.forms.LaunchCSRF)."""
    return {"csrf_context": (visit.session.id, visit.session.browser_key_hash)}


def remember_binding(visit: Visit) -> None:
    """Keep a custom-parameter binding on the activity too, so the group page lists it."""
    link = visit.session.resource_link
    if visit.bound is None or link is None or link.module_id == visit.bound.id:
        return
    transaction_for_writes()
    db.session.execute(
        update(ResourceLink).where(ResourceLink.id == link.id).values(module_id=visit.bound.id)
    )
    db.session.commit()
    link.module_id = visit.bound.id
