"""The page a refused launch, login or session shows: what happened, what to do, and
where the remedy is a click (close this window, open the page in a new one), a button."""

from __future__ import annotations

import logging

from flask import g, render_template

from courses.database import db
from lti_tool.i18n import locale_from_lti
from lti_tool.launch.errors import REASONS, LaunchRejected

log = logging.getLogger(__name__)


def rejected_page(exc: LaunchRejected, stage: str) -> tuple[str, int]:
    db.session.rollback()
    log.warning(
        "lti_%s_rejected reason=%s status=%s detail=%s", stage, exc.reason, exc.status, exc.detail
    )
    reason = REASONS[exc.reason]
    if exc.locale:  # the refused launch's own language (see LaunchRejected)
        g.ui_locale = locale_from_lti(exc.locale)
    page = render_template(
        "lti/error.html",
        title=reason.title,
        advice=reason.advice,
        action=reason.action,
        reason_code=exc.reason,
    )
    return page, exc.status
