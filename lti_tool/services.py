"""Long-lived collaborators of one app: built once by the factory, no I/O at build time."""

from __future__ import annotations

from dataclasses import dataclass

import requests
from flask import Flask, current_app

from lti_tool.http import outbound_session
from lti_tool.launch.state_store import StateStore, state_store_for


@dataclass
class Services:
    state_store: StateStore
    http: requests.Session


def init_app(app: Flask) -> None:
    app.extensions["kotopaikka"] = Services(
        state_store=state_store_for(app.config["REDIS_URL"]),
        http=outbound_session(app.config["HTTP_TIMEOUT"]),
    )


def services() -> Services:
    return current_app.extensions["kotopaikka"]  # type: ignore[no-any-return]
