"""LTI Dynamic Registration, by invitation: a platform registers itself in one paste.

The operator creates a one-time invitation (``kotopaikka platform invite``); its URL is
what the platform's administrator pastes into Moodle's "Tool URL". The pages live in
``views``; the invitations, the platform's configuration and the registration request in
their own modules.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from lti_tool.registration.views import bp

    app.register_blueprint(bp)
