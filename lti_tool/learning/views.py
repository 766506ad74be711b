"""Learner pages: the module and its pages, the programme overview, the language choice."""

from __future__ import annotations

from flask import Response, redirect, render_template, request, url_for

from certificates import services as certificate_services
from courses import catalog
from courses.catalog import ModuleInfo, OutlineEntry, PageContent
from courses.glossary import own_language
from courses.languages import CONTENT_LANGUAGES, ENDONYMS, HTML_LANG
from courses.packages.render import resolve_page_links
from courses.packages.terms import show_terms
from courses.progress.models import COMPLETED
from courses.progress.services import KEEP, Progress, record_page_view, remember_language
from lti_tool.forms import csrf_token_for
from lti_tool.i18n import select_locale
from lti_tool.launch.errors import LaunchRejected
from lti_tool.launch.pages import rejected_page
from lti_tool.learning import bp
from lti_tool.learning.context import Visit, form_context, open_visit, remember_binding
from lti_tool.learning.errors import Refused, refused_page
from lti_tool.learning.forms import (
    INTERFACE_ENDONYMS,
    LANGUAGE_LABEL,
    LanguageForm,
    choices,
)
from lti_tool.learning.fragments import language_menus, listen_tools
from lti_tool.learning.grading import publish_progress
from lti_tool.learning.trainer_views import bind_picker, module_picker
from quizzes.standing import QuizBrief, quiz_brief


def _resume_entry(module: ModuleInfo, entries: list[OutlineEntry]) -> OutlineEntry:
    """Where a learner left off: the last page they opened, else the first unseen one."""
    for entry in entries:
        if entry.id == module.last_page_id:
            return entry
    return next((e for e in entries if not e.seen), entries[0])


def _render_page(visit: Visit, module: ModuleInfo, page_slug: str | None) -> str:
    language = visit.content_language(module)
    found = catalog.outline(
        module.id,
        language,
        visit.learner_id,
        wanted_slug=page_slug,
        wanted_id=module.last_page_id if page_slug is None else None,
    )
    entries = found.entries
    if not entries:
        raise Refused("unknown_page", module.slug)
    if page_slug is None:
        entry = _resume_entry(module, entries)
    else:
        entry = next((e for e in entries if e.slug == page_slug), None)
        if entry is None:
            raise Refused("unknown_page", f"{module.slug}/{page_slug}")
    content = found.content(entry.id, language) or catalog.page_content(entry.id, language)
    if content is None:
        raise Refused("unknown_page", f"{module.slug}/{entry.slug}")
    linked = visit.session.linked_module
    if linked is not None and linked.id == module.id:
        quiz = visit.session.linked_quiz  # read with the session
    else:
        quiz = quiz_brief(module.id, visit.learner_id, visit.course)
    progress = record_page_view(
        learner_id=visit.learner_id,
        module_id=module.id,
        rule=module.completion_rule,
        audience=visit.audience(module),
        page_id=entry.id,
        seen_before={e.id for e in entries if e.seen},
        live_pages={e.id for e in entries},
        last_page_id=module.last_page_id,
        quiz_passed=None if quiz is None else quiz.passed,
        on_change=lambda changed: publish_progress(
            visit, module, changed, quiz.quiz_id if quiz else None
        ),
        language=content.language,
        place=visit.place,
        recorded=module.recorded,
        completed=module.completed_at is not None,
    )
    module_base = url_for("learning.landing", launch_id=visit.session.id) + "m/"
    action = url_for("learning.choose_language", launch_id=visit.session.id)
    return render_module_page(
        visit, module, entries, entry, content, language,
        progress=progress, quiz=quiz, module_base=module_base, language_action=action,
    )


def render_module_page(
    visit: Visit,
    module: ModuleInfo,
    entries: list[OutlineEntry],
    entry: OutlineEntry,
    content: PageContent,
    language: str,
    *,
    progress: Progress,
    quiz: QuizBrief | None,
    module_base: str,
    language_action: str,
    preview: object = None,
) -> str:
    """A module's page as learners get it (learning/page.html), from whatever source the
    caller read it: the published module, or a trainer's draft in its preview (then
    ``preview`` holds the preview's addresses, and nothing is recorded by the caller)."""
    index = entries.index(entry)
    language_form = {
        "csrf_token": csrf_token_for(visit.session.id, visit.session.browser_key_hash),
        "back": f"{module.slug}/{entry.slug}",
        "action": language_action,
    }
    # The menus and the listen tools are the same words for the same languages: rendered
    # once per interface language and kept (fragments.py).
    menus = language_menus(
        str(LANGUAGE_LABEL),
        tuple((tag, ENDONYMS[tag]) for tag in CONTENT_LANGUAGES if tag in module.languages),
        language,
        tuple(INTERFACE_ENDONYMS.items()),
        visit.session.interface_choice or "",
    )
    # The quiz's address is made here, not with a {% set %} in the template's block: after
    # a block's {% set %}, Jinja derives a new context for every _() that follows it (a
    # score of them on this page, on every page view).
    if quiz is None:
        quiz_url = None
    elif preview is not None:
        quiz_url = preview.quiz_url  # type: ignore[attr-defined]  # authoring's Links
    else:
        quiz_url = url_for("learning.quiz_home", launch_id=visit.session.id, module_slug=module.slug)
    # The glossary's words (marked at load): plain Finnish and the learner's own language.
    body, words = show_terms(
        content.html,
        content.language,
        own_language(content.language, select_locale(), module.languages),
    )
    return render_template(
        "learning/page.html",
        visit=visit,
        module=module,
        entries=entries,
        entry=entry,
        index=index,
        previous=entries[index - 1] if index > 0 else None,
        next=entries[index + 1] if index + 1 < len(entries) else None,
        content=content,
        body=resolve_page_links(body, module_base),
        words=words,
        language=language,
        content_lang=HTML_LANG[content.language],
        fallback=content.language != language,
        progress=progress,
        quiz=quiz,
        quiz_url=quiz_url,
        language_form=language_form,
        language_menus=menus,
        listen_tools=listen_tools(HTML_LANG[content.language]),
        module_title=catalog.pick(module.title, language),
        programme_title=catalog.pick(module.programme_title, language),
        module_base=module_base,
        preview=preview,
    )


def landing_page(launch_id: str, browser_key: str | None = None) -> tuple[str, int]:
    """Where a launch lands: the bound module at the learner's page, or what to do next.
    Raises LaunchRejected or Refused."""
    visit = open_visit(launch_id, browser_key=browser_key)
    if visit.is_deep_linking:
        return module_picker(visit)
    if visit.bound is None:
        if visit.is_trainer:
            return bind_picker(visit)
        return render_template("learning/not_bound.html", visit=visit), 200
    remember_binding(visit)
    return _render_page(visit, visit.bound, None), 200


@bp.get("/l/<launch_id>/")
def landing(launch_id: str) -> str | tuple[str, int]:
    """The landing page again (a reload, the back button, a link to it); the launch itself
    answers with it directly (lti_tool.launch.views.launch)."""
    try:
        return landing_page(launch_id)
    except LaunchRejected as exc:
        return rejected_page(exc, "session")
    except Refused as exc:
        return refused_page(exc)


@bp.get("/l/<launch_id>/m/<module_slug>/")
@bp.get("/l/<launch_id>/m/<module_slug>/<page_slug>")
def page(launch_id: str, module_slug: str, page_slug: str | None = None) -> str | tuple[str, int]:
    try:
        visit = open_visit(launch_id, need_module=True)
        return _render_page(visit, visit.module(module_slug), page_slug)
    except LaunchRejected as exc:
        return rejected_page(exc, "session")
    except Refused as exc:
        return refused_page(exc)


@bp.post("/l/<launch_id>/language")
def choose_language(launch_id: str) -> Response | tuple[str, int]:
    """Remember the learner's content language and go back to the page they were on."""
    try:
        visit = open_visit(launch_id, need_module=True)
        form = LanguageForm(request.form, meta=form_context(visit))
        assert visit.bound is not None
        form.language.choices = choices([(tag, tag) for tag in visit.bound.languages])
        module_slug, _, page_slug = (form.back.data or "").partition("/")
        if not form.validate():
            if form.language.errors and not form.csrf_token.errors:
                raise Refused("language_not_offered", str(form.language.data))
            raise Refused("bad_form", str(form.errors))
        module = visit.module(module_slug or visit.bound.slug)
        # Without the menus' field (an older page, a script) their language stays as it was.
        interface = (form.interface.data or None) if "interface" in request.form else KEEP
        remember_language(visit.learner_id, form.language.data, interface)
    except LaunchRejected as exc:
        return rejected_page(exc, "session")
    except Refused as exc:
        return refused_page(exc)
    target = url_for(
        "learning.page", launch_id=launch_id, module_slug=module.slug, page_slug=page_slug or None
    )
    return redirect(target, code=303)


@bp.get("/l/<launch_id>/programme")
def overview(launch_id: str) -> str | tuple[str, int]:
    """Every module of the programme with the learner's status."""
    try:
        visit = open_visit(launch_id, need_module=True)
        assert visit.bound is not None
        language = visit.content_language(visit.bound)
    except LaunchRejected as exc:
        return rejected_page(exc, "session")
    except Refused as exc:
        return refused_page(exc)
    modules = catalog.programme_modules(
        visit.bound.programme_id, visit.learner_id, visit.course, visit.session.platform_id
    )
    completed = sum(1 for _module, status, _percent in modules if status == COMPLETED)
    context = visit.session.context
    return render_template(
        "learning/overview.html",
        visit=visit,
        modules=modules,
        completed=completed,
        # The first module not completed yet: where the learner goes on.
        next_up=next((m for m in modules if m[1] != COMPLETED), None),
        # (Asked only when there is a completed module to give a certificate for.)
        per_module=completed > 0
        and not visit.is_trainer
        and certificate_services.per_module(context.id if context else None),
        language=language,
        programme_title=catalog.pick(visit.bound.programme_title, language),
        pick=catalog.pick,
    )
