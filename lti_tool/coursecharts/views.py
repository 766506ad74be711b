"""The course's charts page: load the launch (404), check it is a trainer's in a course
(403), then count and draw."""

from __future__ import annotations

from flask import render_template
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

from charts import Bar, Chart, Series, bar_chart, histogram, line_chart
from courses import catalog
from courses.languages import language_for_locale
from lti_tool.coursecharts import bp
from lti_tool.coursecharts.queries import CourseFigures, course_figures
from lti_tool.launch.errors import LaunchRejected
from lti_tool.launch.pages import rejected_page
from lti_tool.learning.context import Visit, open_visit
from lti_tool.learning.errors import Refused, refused_page


def _completion(figures: CourseFigures, titles: dict[int, str], locale: str) -> Chart:
    learners = figures.learners
    return bar_chart(
        "completion-per-module",
        _("Completion per module"),
        ngettext(
            "The share of the course's %(num)d learner who has completed each module.",
            "The share of the course's %(num)d learners who have completed each module.",
            learners,
        ),
        [
            Bar(
                titles[m.id],
                m.completed / learners if learners else 0.0,
                _("%(completed)d of %(learners)d", completed=m.completed, learners=learners),
            )
            for m in figures.modules
        ],
        locale=locale,
        headers=(_("Module"), _("Completed"), _("Learners")),
    )


def _progress(figures: CourseFigures, locale: str) -> Chart:
    return line_chart(
        "progress-over-time",
        _("Progress over time"),
        _(
            "Modules started and completed by the course's learners, added up week by week "
            "(each point is the total at the end of the week)."
        ),
        [
            Series(_("Modules started"), tuple((w, s) for w, s, _c in figures.weeks)),
            Series(_("Modules completed"), tuple((w, c) for w, _s, c in figures.weeks)),
        ],
        locale=locale,
        date_header=_("Week starting"),
        y_label=_("Modules"),
    )


def _scores(figures: CourseFigures, titles: dict[int, str], locale: str) -> list[Chart]:
    charts = []
    for module in figures.modules:
        if not module.has_quiz or not any(module.bands):
            continue
        charts.append(
            histogram(
                f"scores-{module.slug}",
                _("Quiz results: %(module)s", module=titles[module.id]),
                ngettext(
                    "How %(num)d learner's quiz result falls in ten-point bands.",
                    "How %(num)d learners' quiz results fall in ten-point bands.",
                    sum(module.bands),
                ),
                module.bands,
                locale=locale,
                x_label=_("Score (%)"),
                y_label=_("Learners"),
                headers=(_("Score"), _("Learners")),
            )
        )
    return charts


def _titles(visit: Visit, figures: CourseFigures) -> dict[int, str]:
    wanted = visit.session.user.locale or visit.session.locale
    return {
        m.id: catalog.pick(m.title, language_for_locale(wanted, m.programme_languages))[0]
        for m in figures.modules
    }


@bp.get("/l/<launch_id>/group/charts")
def course_charts(launch_id: str) -> str | tuple[str, int]:
    """Completion per module, progress per week and quiz results of this course."""
    try:
        visit = open_visit(launch_id, trainer=True)
        context = visit.session.context
        if context is None:
            raise Refused("bad_form", "no course")
    except LaunchRejected as exc:
        return rejected_page(exc, "session")
    except Refused as exc:
        return refused_page(exc)
    figures = course_figures(visit.session.platform.id, context.id)
    locale = str(get_locale())
    titles = _titles(visit, figures)
    return render_template(
        "coursecharts/charts.html",
        visit=visit,
        figures=figures,
        completion=_completion(figures, titles, locale) if figures.modules else None,
        progress=_progress(figures, locale) if figures.weeks else None,
        scores=_scores(figures, titles, locale),
        quizzes=any(m.has_quiz for m in figures.modules),
    )
