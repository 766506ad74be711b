"""Preview as a learner: a library module's draft in the learner's own pages and templates
(lti_tool.learning.views.render_module_page, the quiz's templates), page by page, in any
of the module's languages, and its quiz taken as a learner takes it: laid out by the
draft's settings and graded by quizzes' own code, with the review and its feedback.

Nothing is recorded: no page view, no progress, no attempt, no grade, no score to the
platform. An attempt here lives in its address (the seed of its random layout) and in
the form on the page.
"""

from __future__ import annotations

import json
import random
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from flask import Response, redirect, render_template, request, url_for

from authoring import preview, quiz_settings
from courses import catalog
from courses.languages import language_for_locale
from courses.progress.services import evaluate
from lti_tool.authoring import bp
from lti_tool.authoring.common import refusing, site_of, trainer_visit
from lti_tool.forms import LaunchForm
from lti_tool.learning.context import Visit, form_context
from lti_tool.learning.errors import Refused
from lti_tool.learning.forms import LanguageForm, attempt_form, choices
from lti_tool.learning.quiz_summary_views import summary_rows
from lti_tool.learning.quiz_views import ANSWER_KEY, posted_answers, read_answers
from lti_tool.learning.views import render_module_page
from quizzes.attempts import AttemptRefused, accept, grade_all
from quizzes.layouts import build_layout
from quizzes.model import Question
from quizzes.presenting import review, shown_questions
from quizzes.settings import Settings
from quizzes.standing import QuizBrief, Standing
from quizzes.types import REGISTRY

NEW_LEARNER = Standing(attempts=(), grade=None, passed=False)  # no attempts, nothing passed


@dataclass(frozen=True)
class Links:
    """Where a preview's pages lead (page.html, _nav.html and the quiz's templates)."""

    back_url: str  # the module in the library
    overview_url: str
    quiz_url: str
    start_url: str


@dataclass(frozen=True)
class PreviewAttempt:
    """What the quiz's templates show of an attempt: it is never stored."""

    number: int
    layout: list[dict[str, Any]]
    pass_mark: int
    passed: bool | None = None


def _open(launch_id: str, module_id: int, language: str) -> tuple[Visit, preview.DraftModule]:
    """The trainer's visit and this site's draft (403 for learners, 404 for any other
    site's module), in a language of the module (the menus stay in the trainer's own
    interface language, as a learner's stay in theirs)."""
    visit = trainer_visit(launch_id)
    draft = preview.draft_module(site_of(visit), module_id)
    if language not in draft.module.languages:
        raise Refused("language_not_offered", language)
    return visit, draft


def _links(launch_id: str, module_id: int, language: str) -> Links:
    back = url_for("authoring.module_page", launch_id=launch_id, module_id=module_id)
    quiz = url_for(
        "authoring.preview_quiz_home", launch_id=launch_id, module_id=module_id, language=language
    )
    return Links(back, back, quiz, quiz + "start")


def _page_address(
    launch_id: str, module_id: int, language: str, slug: str, page_slug: str | None
) -> str:
    return url_for(
        "authoring.preview_page",
        launch_id=launch_id,
        module_id=module_id,
        language=language,
        module_slug=slug,
        page_slug=page_slug or None,
    )


@bp.get("/l/<launch_id>/library/<int:module_id>/preview/")
@refusing
def preview_start(launch_id: str, module_id: int) -> Response:
    """The draft's first page in the language a learner of this trainer's Moodle
    language would get first."""
    visit = trainer_visit(launch_id)
    draft = preview.draft_module(site_of(visit), module_id)
    session = visit.session
    language = language_for_locale(session.user.locale or session.locale, draft.module.languages)
    return redirect(_page_address(launch_id, module_id, language, draft.module.slug, None), 303)


@bp.get("/l/<launch_id>/library/<int:module_id>/preview/<language>/m/<module_slug>/")
@bp.get("/l/<launch_id>/library/<int:module_id>/preview/<language>/m/<module_slug>/<page_slug>")
@refusing
def preview_page(
    launch_id: str, module_id: int, language: str, module_slug: str, page_slug: str | None = None
) -> str:
    """A page of the draft as a learner gets it; the pages before it count as seen."""
    visit, draft = _open(launch_id, module_id, language)
    module = draft.module
    found = preview.outline(module.id, language, page_slug) if module_slug == module.slug else None
    if found is None:
        raise Refused("unknown_page", f"{module_slug}/{page_slug or ''}")
    quiz = QuizBrief(0, 0, False, None) if preview.has_quiz(draft.library_module) else None
    seen = sum(1 for e in found.entries if e.seen)
    progress = evaluate(
        module.completion_rule, seen, len(found.entries), None if quiz is None else False
    )
    base = (
        url_for("authoring.preview_start", launch_id=launch_id, module_id=module_id)
        + f"{language}/m/"
    )
    return render_module_page(
        visit,
        module,
        found.entries,
        found.entry,
        found.content,
        language,
        progress=progress,
        quiz=quiz,
        module_base=base,
        language_action=url_for(
            "authoring.preview_language", launch_id=launch_id, module_id=module_id
        ),
        preview=_links(launch_id, module_id, language),
    )


@bp.post("/l/<launch_id>/library/<int:module_id>/preview/language")
@refusing
def preview_language(launch_id: str, module_id: int) -> Response:
    """The learner's language choice, in the preview: the same page in another language
    (nothing is remembered)."""
    visit = trainer_visit(launch_id)
    draft = preview.draft_module(site_of(visit), module_id)
    form = LanguageForm(request.form, meta=form_context(visit))
    form.language.choices = choices([(tag, tag) for tag in draft.module.languages])
    if not form.validate():
        if form.language.errors and not form.csrf_token.errors:
            raise Refused("language_not_offered", str(form.language.data))
        raise Refused("bad_form", str(form.errors)[:200])
    _, _, page_slug = (form.back.data or "").partition("/")
    return redirect(
        _page_address(launch_id, module_id, form.language.data, draft.module.slug, page_slug), 303
    )


# ------------------------------------------------------------------ the quiz


def _quiz_args(visit: Visit, draft: preview.DraftModule, language: str) -> dict[str, Any]:
    """What every quiz template gets (as lti_tool.learning.quiz_views.quiz_page_args)."""
    module, launch_id = draft.module, visit.session.id
    links = _links(launch_id, module.id, language)
    return {
        "visit": visit,
        "module": module,
        "language": language,
        "module_title": catalog.pick(module.title, language),
        "programme_title": catalog.pick(module.programme_title, language),
        "module_url": _page_address(launch_id, module.id, language, module.slug, None),
        "quiz_url": links.quiz_url,
        "preview": links,
    }


def _questions(
    draft: preview.DraftModule, language: str
) -> tuple[Settings, list[tuple[str, Question, str]]]:
    """The draft's settings and questions; 404 when nothing in it can be answered (a
    learner could not start it either)."""
    items = preview.quiz_questions(draft.library_module, language)
    if not any(REGISTRY[q.kind].answerable for _, q, _ in items):
        raise Refused("no_quiz", draft.module.slug)
    return quiz_settings.draft_settings(draft.library_module)[0], items


@bp.get("/l/<launch_id>/library/<int:module_id>/preview/<language>/quiz/")
@refusing
def preview_quiz_home(launch_id: str, module_id: int, language: str) -> str:
    """The quiz's home page, for a learner who has not tried it yet."""
    visit, draft = _open(launch_id, module_id, language)
    settings, items = _questions(draft, language)
    return render_template(
        "learning/quiz_home.html",
        **_quiz_args(visit, draft, language),
        settings=settings,
        record=NEW_LEARNER,
        attempts_left=NEW_LEARNER.attempts_left(settings.attempts_allowed),
        question_count=min(len(items), settings.random_count or len(items)),
        form=LaunchForm(meta=form_context(visit)),
    )


@bp.post("/l/<launch_id>/library/<int:module_id>/preview/<language>/quiz/start")
@refusing
def preview_quiz_start(launch_id: str, module_id: int, language: str) -> Response:
    """A new attempt of the preview: a fresh random layout, kept in its address only."""
    visit, draft = _open(launch_id, module_id, language)
    if not LaunchForm(request.form, meta=form_context(visit)).validate():
        raise Refused("bad_form", "csrf")
    _questions(draft, language)
    seed = secrets.randbelow(2**31)
    address = url_for(
        "authoring.preview_attempt",
        launch_id=launch_id,
        module_id=module_id,
        language=language,
        seed=seed,
    )
    return redirect(address, 303)


def _attempt(
    draft: preview.DraftModule, language: str, seed: int
) -> tuple[Settings, PreviewAttempt, list[Question]]:
    settings, items = _questions(draft, language)
    layout = build_layout(items, settings, random.Random(seed))
    by_key = {key: question for key, question, _ in items}
    questions = [by_key[slot["version"]] for slot in layout]
    return settings, PreviewAttempt(1, layout, settings.pass_mark), questions


def _attempt_page(
    visit: Visit,
    draft: preview.DraftModule,
    language: str,
    attempt: PreviewAttempt,
    questions: list[Question],
    form: Any,
    saved: dict[int, Any],
    status: int = 200,
) -> tuple[str, int]:
    return render_template(
        "learning/quiz_attempt.html",
        **_quiz_args(visit, draft, language),
        attempt=attempt,
        shown=shown_questions(attempt.layout, questions, saved, language),
        form=form,
        answered=len(saved),
        answerable=sum(1 for q in questions if REGISTRY[q.kind].answerable),
    ), status


@bp.route(
    "/l/<launch_id>/library/<int:module_id>/preview/<language>/quiz/<int:seed>",
    methods=["GET", "POST"],
)
@refusing
def preview_attempt(launch_id: str, module_id: int, language: str, seed: int) -> tuple[str, int]:
    """The attempt's questions (GET; answers given before come back in the address), the
    summary before sending ("finish"), its confirmation, then the grade and the review, as
    the learner gets them. The answers travel in the pages' forms: none is stored."""
    visit, draft = _open(launch_id, module_id, language)
    settings, attempt, questions = _attempt(draft, language, seed)
    if request.method == "GET":
        given = request.args if any(ANSWER_KEY.fullmatch(k) for k in request.args) else None
        form = attempt_form(attempt.layout, questions, given, meta=form_context(visit))
        return _attempt_page(visit, draft, language, attempt, questions, form, {})
    form, valid = posted_answers(visit, attempt.layout, questions)
    if not valid:
        return _attempt_page(visit, draft, language, attempt, questions, form, {}, 422)
    try:
        accepted = accept(attempt.layout, read_answers(form, attempt.layout, questions), questions)
    except AttemptRefused as exc:
        raise Refused(exc.code, str(exc)) from exc
    # As the attempt's answers come back from the database: JSON, the cleared ones gone.
    answers = {
        slot: json.loads(json.dumps(value)) for slot, value in accepted.items() if value is not None
    }
    action = request.form.get("action")
    if action == "submit" or (action is None and request.form.get("confirmed") == "1"):
        return _review(visit, draft, language, settings, attempt, questions, answers), 200
    if action is None or action == "finish":  # the summary, or (unconfirmed) its question
        return _summary(
            visit, draft, language, attempt, questions, answers, confirming=action is None
        )
    return _attempt_page(visit, draft, language, attempt, questions, form, answers)


def _summary(
    visit: Visit,
    draft: preview.DraftModule,
    language: str,
    attempt: PreviewAttempt,
    questions: list[Question],
    answers: dict[int, Any],
    *,
    confirming: bool,
) -> tuple[str, int]:
    """The learner's summary of the attempt, the answers carried in its forms."""
    carried = [
        (k, v)
        for k in request.form
        if ANSWER_KEY.fullmatch(k)
        for v in request.form.getlist(k)
        if v
    ]
    rows = summary_rows(questions, set(answers))
    address = request.path  # the attempt's
    return render_template(
        "learning/quiz_summary.html",
        **_quiz_args(visit, draft, language),
        attempt=attempt,
        rows=rows,
        unanswered=sum(1 for r in rows if not r["answered"]),
        confirming=confirming,
        attempt_url=address + ("?" + urlencode(carried) if carried else ""),
        carried=carried,
        form=LaunchForm(meta=form_context(visit)),
    ), 200


def _review(
    visit: Visit,
    draft: preview.DraftModule,
    language: str,
    settings: Settings,
    attempt: PreviewAttempt,
    questions: list[Question],
    answers: dict[int, Any],
) -> str:
    """The grade (quizzes' own grading) and the review with its feedback, as after a first
    attempt."""
    score, passed, _ = grade_all(questions, answers, attempt.pass_mark)
    percent = round(score * 100)
    show = settings.shows_review(passed)
    left = None if not settings.attempts_allowed else settings.attempts_allowed - 1
    return render_template(
        "learning/quiz_review.html",
        **_quiz_args(visit, draft, language),
        attempt=PreviewAttempt(1, attempt.layout, attempt.pass_mark, passed),
        percent=percent,
        band=settings.band_for(percent),
        settings=settings,
        show_review=show,
        reviewed=review(attempt.layout, questions, answers, language) if show else [],
        record=NEW_LEARNER,
        can_retry=left is None or left > 0,
        attempts_left=left,
        just_submitted=True,
        form=LaunchForm(meta=form_context(visit)),
    )
