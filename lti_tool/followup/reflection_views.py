"""The trainer's reflections page: one entry per learner and question, replies, export."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from flask import Response, redirect, render_template, request, url_for

from courses.catalog import ModuleInfo
from lti_tool.followup import bp
from lti_tool.followup.forms import ReplyForm
from lti_tool.followup.services import export_csv, names_of
from lti_tool.launch.errors import LaunchRejected
from lti_tool.launch.pages import rejected_page
from lti_tool.learning.context import Visit, form_context, open_visit
from lti_tool.learning.errors import Refused, refused_page
from lti_tool.learning.quiz_trainer_views import course_quiz
from lti_tool.learning.quiz_views import quiz_page_args
from quizzes.models import Quiz
from quizzes.reflections import ReplyRefused, course_reflections, reflection_of, write_reply

log = logging.getLogger(__name__)


def _page(
    visit: Visit,
    module: ModuleInfo,
    quiz: Quiz,
    failed: ReplyForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    entries = course_reflections(quiz.id, visit.course)
    people = names_of(
        {e.learner_id for e in entries}
        | {
            r.author_id
            for e in entries
            for a in (e.latest, *e.earlier)
            for r in a.replies
            if r.author_id
        }
    )
    forms = {}
    for entry in entries:
        answer = entry.latest
        key = (answer.attempt_id, answer.slot)
        if failed is not None and (failed.attempt.data, failed.slot.data) == key:
            forms[key] = failed
        else:
            reply = answer.reply
            forms[key] = ReplyForm(
                meta=form_context(visit),
                data={
                    "attempt": answer.attempt_id,
                    "slot": answer.slot,
                    "text": reply.text if reply else "",
                },
            )
    return render_template(
        "followup/reflections.html",
        **quiz_page_args(visit, module),
        entries=entries,
        people=people,
        forms=forms,
        saved=request.args.get("saved") == "1",
        failed=failed,
    ), status


@bp.get("/l/<launch_id>/quiz/<module_slug>/reflections")
def reflections(launch_id: str, module_slug: str) -> str | tuple[str, int]:
    """The course's reflections at this quiz, newest first, with the trainer's replies."""
    try:
        visit, module, quiz, _context_id = course_quiz(launch_id, module_slug)
    except LaunchRejected as exc:
        return rejected_page(exc, "session")
    except Refused as exc:
        return refused_page(exc)
    return _page(visit, module, quiz)


@bp.post("/l/<launch_id>/quiz/<module_slug>/reflections/reply")
def reply(launch_id: str, module_slug: str) -> Response | str | tuple[str, int]:
    """Write or edit the reply to one reflection of this course's quiz."""
    try:
        visit, module, quiz, _context_id = course_quiz(launch_id, module_slug)
        form = ReplyForm(request.form, meta=form_context(visit))
        if not form.validate():
            if form.csrf_token.errors or form.attempt.errors or form.slot.errors:
                raise Refused("bad_form", str(form.errors)[:200])
            return _page(visit, module, quiz, failed=form, status=400)
        try:
            attempt, _question = reflection_of(form.attempt.data, form.slot.data)
        except ReplyRefused as exc:
            raise Refused("no_such_reflection", exc.code) from exc
        if attempt.quiz_id != quiz.id or attempt.course_key != visit.course:
            raise Refused("no_such_reflection", str(attempt.id))
        try:
            write_reply(attempt.id, form.slot.data, form.text.data, visit.learner_id)
        except ReplyRefused as exc:
            raise Refused("bad_form", exc.code) from exc
        log.info("reflection_reply attempt=%s slot=%s", attempt.id, form.slot.data)
    except LaunchRejected as exc:
        return rejected_page(exc, "session")
    except Refused as exc:
        return refused_page(exc)
    target = url_for("followup.reflections", launch_id=launch_id, module_slug=module.slug)
    return redirect(f"{target}?saved=1#r-{attempt.id}-{form.slot.data}", 303)


@bp.get("/l/<launch_id>/reflections/export.csv")
def export(launch_id: str) -> Response | str | tuple[str, int]:
    """Every reflection of the course as a CSV for Excel."""
    try:
        visit = open_visit(launch_id, trainer=True)
        if visit.session.context is None:
            raise Refused("bad_form", "no course")
    except LaunchRejected as exc:
        return rejected_page(exc, "session")
    except Refused as exc:
        return refused_page(exc)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M")
    response = Response(export_csv(visit), mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="kotopaikka-reflections-{stamp}.csv"'
    )
    return response
