"""The learner's certificate download and the trainer's choice of what earns one.

Load the launch (its browser's own), check who asks (a learner, their own records only),
then issue once and draw the PDF from the record.
"""

from __future__ import annotations

from flask import Response, redirect, render_template, request, url_for

from certificates import services
from certificates.pdf import render
from certificates.services import Earner, Face, Subject
from courses import catalog
from courses.catalog import ModuleInfo
from lti_tool.certificates import bp
from lti_tool.certificates.errors import CertificateRefused, refused_page
from lti_tool.certificates.forms import SettingForm
from lti_tool.certificates.wording import (
    certificate_languages,
    learner_language,
    learner_name,
    module_titles,
    organisation,
    titles,
    wordings,
)
from lti_tool.launch.errors import LaunchRejected
from lti_tool.launch.pages import rejected_page
from lti_tool.learning.context import Visit, form_context, open_visit
from lti_tool.learning.errors import Refused
from lti_tool.learning.errors import refused_page as learning_refused_page


def programme_modules(visit: Visit) -> list[ModuleInfo]:
    assert visit.bound is not None
    return [
        module
        for module, _status, _percent in catalog.programme_modules(
            visit.bound.programme_id, visit.learner_id, visit.course, visit.session.platform_id
        )
    ]


def _earned(visit: Visit, module_slug: str | None) -> tuple[Subject, list[ModuleInfo]]:
    """What this learner's certificate would certify, if they have earned it."""
    assert visit.bound is not None
    if visit.is_trainer:
        raise CertificateRefused("learners_only", visit.session.id)
    if module_slug is None:
        modules = programme_modules(visit)
        standings = [services.Standing(m.id, m.completed_at) for m in modules]
        if not services.programme_complete(standings):
            raise CertificateRefused("programme_not_completed", visit.session.id)
        return Subject(visit.bound.programme_id), modules
    context = visit.session.context
    if not services.per_module(context.id if context else None):
        raise CertificateRefused("no_module_certificates", module_slug)
    module = visit.module(module_slug)
    if module.completed_at is None:
        raise CertificateRefused("module_not_completed", module_slug)
    return Subject(module.programme_id, module.id), [module]


def _download(launch_id: str, module_slug: str | None) -> Response | tuple[str, int]:
    try:
        visit = open_visit(launch_id, need_module=True)
        assert visit.bound is not None
        visit.content_language(visit.bound)  # settles the interface language too
        subject, modules = _earned(visit, module_slug)
        context = visit.session.context
        earner = Earner(
            visit.learner_id,
            visit.course,
            context.id if context else None,
            visit.session.platform_id,
        )
        certificate = services.existing(earner, subject)
        if certificate is None:
            language = learner_language()
            languages = certificate_languages(language)
            face = Face(
                learner_name=learner_name(visit),
                organisation=organisation(visit),
                language=language,
                programme_title=titles(visit.bound.programme_title, languages),
                modules=module_titles(modules, languages),
                completed_on=services.completion_date(
                    [m.completed_at for m in modules if m.completed_at is not None]
                ),
            )
            certificate = services.issue(earner, subject, face)
    except LaunchRejected as exc:
        return rejected_page(exc, "session")
    except Refused as exc:
        return learning_refused_page(exc)
    except CertificateRefused as exc:
        return refused_page(exc)
    document = render(certificate, wordings(certificate))
    name = f"certificate-{certificate.code[:4].lower()}.pdf"
    return Response(
        document,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "private, no-store",
        },
    )


@bp.get("/l/<launch_id>/certificate")
def programme_certificate(launch_id: str) -> Response | tuple[str, int]:
    """The learner's certificate for the programme, once every module is completed."""
    return _download(launch_id, None)


@bp.get("/l/<launch_id>/m/<module_slug>/certificate")
def module_certificate(launch_id: str, module_slug: str) -> Response | tuple[str, int]:
    """The learner's certificate for one module, where the course gives them per module."""
    return _download(launch_id, module_slug)


@bp.route("/l/<launch_id>/certificates/settings", methods=["GET", "POST"])
def settings(launch_id: str) -> Response | str | tuple[str, int]:
    """A trainer chooses for their course: one certificate for the programme, or also one
    for each module."""
    try:
        visit = open_visit(launch_id, trainer=True, need_module=True)
        context = visit.session.context
        if context is None:
            raise CertificateRefused("no_course", launch_id)
        form = SettingForm(request.form, meta=form_context(visit))
        if request.method == "POST":
            if not form.validate():
                raise Refused("bad_form", str(form.errors))
            services.set_per_module(context.id, form.earns.data == "module", visit.learner_id)
            target = url_for("certificates.settings", launch_id=launch_id, saved=1)
            return redirect(target, code=303)
        form.earns.data = "module" if services.per_module(context.id) else "programme"
    except LaunchRejected as exc:
        return rejected_page(exc, "session")
    except Refused as exc:
        return learning_refused_page(exc)
    except CertificateRefused as exc:
        return refused_page(exc)
    return render_template(
        "certificates/settings.html",
        visit=visit,
        form=form,
        saved=request.args.get("saved") == "1",
    )
