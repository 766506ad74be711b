"""A real LTI 1.3 platform inside the project, for the demo and the test suite.

Enabled only by configuration (``KOTOPAIKKA_DEV_PLATFORM=1`` with
``KOTOPAIKKA_ENV=development``); the config refuses it anywhere else. It signs
its own RS256 id_tokens, behaves like Moodle 4.5 where shared/moodle.md says
how, and talks to the tool only over HTTP.
"""

from __future__ import annotations

from flask import Flask

CLIENT_ID = "kotopaikka-dev-client"
DEPLOYMENT_ID = "1"
URL_PREFIX = "/devplatform"


def init_app(app: Flask) -> None:
    from lti_tool.devplatform.views import bp

    app.register_blueprint(bp, url_prefix=URL_PREFIX)


def register_dev_platform(base_url: str) -> None:
    """Register the development platform served at ``base_url`` with the tool."""
    from lti_tool.registry.services import PlatformSpec, add_platform

    root = base_url.rstrip("/") + URL_PREFIX
    add_platform(
        PlatformSpec(
            issuer=root,
            client_id=CLIENT_ID,
            deployment_id=DEPLOYMENT_ID,
            auth_login_url=root + "/auth",
            auth_token_url=root + "/token",
            key_set_url=root + "/jwks",
            name="Kotopaikka development platform",
        )
    )
