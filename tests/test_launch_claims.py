"""Each claim the tool reads, of the wrong type, with characters the database cannot
store, or longer than its column: a 400 before anything is written.

One table: a claim (or a member of one, by path), the value put there, and the refusal
expected. Every case is a fresh login and a freshly signed id_token posted to the real
launch route.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import jwt
import pytest

from tests.lti import LTI_CLAIM as LTI
from tests.lti import TRAINER, PendingLaunch, expect_rejected, pending_launch

DL = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
DEEP_LINKING = "101:deeplink"

# (path, value[, activity]): the claim, then the members to go down to.
WRONG_TYPES: list[tuple[Any, ...]] = [
    (("iss",), ["http://127.0.0.1/devplatform"]),
    (("aud",), 7),
    (("aud",), [7]),
    (("sub",), 2001),
    (("nonce",), 12345),
    (("azp",), ["kotopaikka"]),
    (("name",), ["Aino", "Virtanen"]),
    (("given_name",), 5),
    (("family_name",), {"fi": "Virtanen"}),
    (("email",), True),
    ((LTI + "message_type",), ["LtiResourceLinkRequest"]),
    ((LTI + "version",), 1.3),
    ((LTI + "deployment_id",), 1),
    ((LTI + "roles",), "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"),
    ((LTI + "roles", 0), {"role": "Learner"}),
    ((LTI + "context",), "101"),
    ((LTI + "context", "id"), 101),
    ((LTI + "context", "label"), 5),
    ((LTI + "context", "title"), ["Working life"]),
    ((LTI + "resource_link",), ["301"]),
    ((LTI + "resource_link", "id"), 301),
    ((LTI + "resource_link", "title"), {"fi": "Työelämä"}),
    ((LTI + "launch_presentation",), "fi"),
    ((LTI + "launch_presentation", "locale"), ["fi"]),
    ((LTI + "custom",), ["module=job-search"]),
    ((LTI + "custom", "module"), 7),
    ((LTI + "custom", "module"), None),  # "null is not a valid value" (Deep Linking 4.4.11)
    ((LTI + "custom", "module"), {"slug": "job-search"}),
    ((AGS,), ["https://purl.imsglobal.org/spec/lti-ags/scope/score"]),
    ((AGS, "scope"), "https://purl.imsglobal.org/spec/lti-ags/scope/score"),
    ((AGS, "lineitem"), 42),
    ((AGS, "lineitems"), {"url": "x"}),
    ((NRPS,), "http://moodle.example/memberships"),
    ((NRPS, "context_memberships_url"), ["x"]),
    ((DL,), "settings", DEEP_LINKING),
    ((DL, "deep_link_return_url"), 5, DEEP_LINKING),
    ((DL, "accept_types"), "ltiResourceLink", DEEP_LINKING),
    ((DL, "accept_presentation_document_targets"), "iframe", DEEP_LINKING),
    ((DL, "accept_multiple"), "true", DEEP_LINKING),
]

# Every string the tool stores from a launch, and one it only keeps with the claims.
STORED_STRINGS: list[tuple[Any, ...]] = [
    ("sub",),
    ("name",),
    ("given_name",),
    ("family_name",),
    ("email",),
    (LTI + "roles", 0),
    (LTI + "context", "id"),
    (LTI + "context", "title"),
    (LTI + "context", "label"),
    (LTI + "resource_link", "id"),
    (LTI + "resource_link", "title"),
    (LTI + "launch_presentation", "locale"),
    (LTI + "custom", "module"),
    (LTI + "custom", "context_memberships_url"),
    (LTI + "ext", "user_username"),  # not read, but stored with the launch's claims
    (LTI + "tool_platform", "name"),
]
UNSTORABLE = {"nul": "\x00", "lone_surrogate": "\ud800"}

TOO_LONG: list[tuple[tuple[Any, ...], int]] = [
    (("sub",), 256),
    ((LTI + "context", "id"), 256),
    ((LTI + "resource_link", "id"), 256),
    ((LTI + "deployment_id",), 256),
    (("email",), 321),
]


# Refused earlier, for what the wrong type makes of the claim: an issuer or audience that
# is not a string names no registration, and PyJWT checks that ``sub`` is a string.
REFUSED_BEFORE = {
    ("iss",): ("unknown_issuer", 403),
    ("aud",): ("unknown_client", 403),
    ("sub",): ("invalid_token", 403),
}


def _case_id(path: tuple[Any, ...]) -> str:
    return ".".join(str(p).rsplit("/", 1)[-1] for p in path)


def _with(claims: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    """A copy of ``claims`` with the value at ``path`` replaced (made where missing)."""
    changed = copy.deepcopy(claims)
    here: Any = changed
    for step in path[:-1]:
        if isinstance(here, dict):
            here = here.setdefault(step, {})
        else:
            here = here[step]
    here[path[-1]] = value
    return changed


def sign_as_platform(app: Any, claims: dict[str, Any]) -> str:
    """Signed by the platform's key as they are: PyJWT would not encode a non-string
    issuer."""
    from lti_tool.devplatform import keys

    key, kid = keys.platform_key(app.instance_path)
    return jwt.PyJWS().encode(json.dumps(claims).encode(), key, "RS256", {"kid": kid})


def _pending(site: Any, activity: str | None) -> PendingLaunch:
    if activity == DEEP_LINKING:
        return pending_launch(site.browser(), TRAINER, DEEP_LINKING)
    return pending_launch(site.browser())


def _refused(
    site: Any, caplog: Any, path: tuple[Any, ...], value: Any, activity: str | None = None,
    reason: str = "invalid_claim", status: int = 400,
) -> Any:
    pending = _pending(site, activity)
    token = sign_as_platform(site.app, _with(pending.claims(), path, value))
    return expect_rejected(site, pending, token, reason, status, caplog)


@pytest.mark.parametrize(
    "case", WRONG_TYPES, ids=[f"{_case_id(c[0])}={type(c[1]).__name__}" for c in WRONG_TYPES]
)
def test_a_claim_of_the_wrong_type_is_refused(site, caplog, case):
    path, value, *activity = case
    reason, status = REFUSED_BEFORE.get(path, ("invalid_claim", 400))
    _refused(site, caplog, path, value, *activity, reason=reason, status=status)


@pytest.mark.parametrize("char", UNSTORABLE.values(), ids=UNSTORABLE.keys())
@pytest.mark.parametrize("path", STORED_STRINGS, ids=[_case_id(p) for p in STORED_STRINGS])
def test_a_string_the_database_cannot_store_is_refused(site, caplog, path, char):
    _refused(site, caplog, path, f"x{char}y")


@pytest.mark.parametrize("char", UNSTORABLE.values(), ids=UNSTORABLE.keys())
def test_a_custom_parameter_name_the_database_cannot_store_is_refused(site, caplog, char):
    _refused(site, caplog, (LTI + "custom", f"module{char}"), "job-search")


def test_bad_characters_in_a_deep_linking_setting_are_refused(site, caplog):
    _refused(site, caplog, (DL, "title"), "\x00", DEEP_LINKING)


@pytest.mark.parametrize("path,length", TOO_LONG, ids=[_case_id(p) for p, _ in TOO_LONG])
def test_an_identifier_longer_than_its_column_is_refused(site, caplog, path, length):
    _refused(site, caplog, path, "1" * length)


def test_the_refusal_speaks_the_launch_language(site):
    pending = pending_launch(site.browser())
    claims = _with(pending.claims(), ("name",), 5)
    claims[LTI + "launch_presentation"]["locale"] = "fi"
    response = pending.post(sign_as_platform(site.app, claims))
    assert response.status_code == 400
    assert "Avauspyynnössä on arvo, joka ei kelpaa." in response.text


@pytest.mark.parametrize(
    "path,value",
    [
        ((LTI + "resource_link", "description"), None),  # the IMS reference platform's nulls
        ((LTI + "resource_link", "title"), None),
        ((LTI + "context", "title"), None),
        ((LTI + "context", "type"), None),
        (("sub",), "1" * 255),
        ((LTI + "resource_link", "id"), "9" * 255),
        ((LTI + "context", "title"), "Kurssi " * 100),  # a display text: shortened to fit
        (("name",), "Aino \u2028 Virtanen 😀"),  # storable, if odd
    ],
    ids=["null description", "null title", "null context title", "null context type",
         "255-character sub", "255-character link id", "700-character title", "odd characters"],
)
def test_values_within_the_specification_are_accepted(site, path, value):
    pending = pending_launch(site.browser())
    response = pending.post(sign_as_platform(site.app, _with(pending.claims(), path, value)))
    assert response.status_code == 200, response.text
