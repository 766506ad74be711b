"""Shared client for the development platform's service tests: signs client assertions
with the tool's key itself, so what is tested is the platform, not the tool's clients."""


from __future__ import annotations

import json
import time
import uuid
from typing import Any

import jwt
import pytest
import requests
from sqlalchemy import select

from lti_tool.devplatform import CLIENT_ID, storage
from lti_tool.devplatform.storage import ScoreRow
from tests.lti import PARTICIPANT

AGS = "https://purl.imsglobal.org/spec/lti-ags/scope/"
LINEITEM, LINEITEM_READ = AGS + "lineitem", AGS + "lineitem.readonly"
RESULT_READ, SCORE = AGS + "result.readonly", AGS + "score"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
ALL_SCOPES = [LINEITEM, LINEITEM_READ, RESULT_READ, SCORE, NRPS]
SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"
LINEITEM_TYPE = "application/vnd.ims.lis.v2.lineitem+json"
CONTAINER_TYPE = "application/vnd.ims.lis.v2.lineitemcontainer+json"
RESULTS_TYPE = "application/vnd.ims.lis.v2.resultcontainer+json"
NRPS_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
TIMEOUT = 5


class Platform:
    """The development platform's services as a tool sees them."""

    def __init__(self, site: Any) -> None:
        self.site = site
        self.root = site.url + "/devplatform"
        with site.app.app_context():
            from lti_tool.keys.service import current_signing_key

            self.key = current_signing_key()

    def sign(self, claims: dict[str, Any], key: Any = None, kid: str | None = None) -> str:
        return jwt.encode(
            claims,
            key or self.key.private_key,
            algorithm="RS256",
            headers={"kid": kid or self.key.kid},
        )

    def assertion(self, key: Any = None, kid: str | None = None, **changes: Any) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": CLIENT_ID,
            "sub": CLIENT_ID,
            "aud": self.root + "/token",
            "iat": now,
            "exp": now + 60,
            "jti": uuid.uuid4().hex,
        }
        for name, value in changes.items():
            if value is None:
                claims.pop(name, None)
            else:
                claims[name] = value
        return self.sign(claims, key, kid)

    def request_token(self, scopes: list[str], assertion: str | None = None) -> requests.Response:
        return requests.post(
            self.root + "/token",
            data={
                "grant_type": "client_credentials",
                "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion": assertion or self.assertion(),
                "scope": " ".join(scopes),
            },
            timeout=TIMEOUT,
        )

    def token(self, scopes: list[str] = ALL_SCOPES) -> str:
        answer = self.request_token(scopes)
        assert answer.status_code == 200, answer.text
        return str(answer.json()["access_token"])

    def call(
        self,
        method: str,
        url: str,
        token: str | None = None,
        body: Any = None,
        content_type: str | None = None,
        accept: str | None = None,
        **kwargs: Any,
    ) -> requests.Response:
        headers = {"Authorization": "Bearer " + (token or self.token())}
        if content_type:
            headers["Content-Type"] = content_type
        if accept:
            headers["Accept"] = accept
        data = body if isinstance(body, (str, bytes)) or body is None else json.dumps(body)
        url = url if url.startswith("http") else self.root + url
        return requests.request(method, url, headers=headers, data=data, timeout=TIMEOUT, **kwargs)

    def score(self, item_url: str, token: str | None = None, **fields: Any) -> requests.Response:
        body = {
            "userId": PARTICIPANT,
            "scoreGiven": 8,
            "scoreMaximum": 10,
            "activityProgress": "Completed",
            "gradingProgress": "FullyGraded",
            "timestamp": "2026-03-01T10:00:00.000+00:00",
            **fields,
        }
        body = {k: v for k, v in body.items() if v is not None}
        base, _, query = item_url.partition("?")
        return self.call("POST", f"{base}/scores?{query}", token, body, SCORE_TYPE)

    def stored_scores(self) -> list[ScoreRow]:
        with storage.session(self.site.app.instance_path) as db:
            return list(db.execute(select(ScoreRow).order_by(ScoreRow.id)).scalars())

    def counter(self, name: str) -> int:
        return storage.counter(self.site.app, name)


@pytest.fixture
def platform(site: Any) -> Platform:
    from lti_tool.devplatform.token import forget_tool_keys

    storage.reset(site.app)
    forget_tool_keys()
    return Platform(site)


ITEM_301 = "/api/101/lineitems/301/lineitem?type_id=1"  # as the AGS claim has it
