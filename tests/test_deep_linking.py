"""Deep linking from the tool's side: the trainer's choice goes back as a signed response."""

from __future__ import annotations

import jwt
import requests

from tests.browser import forms_in
from tests.lti import PARTICIPANT, TRAINER, launch

DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
LTI = "https://purl.imsglobal.org/spec/lti/claim/"


def test_trainer_gets_a_signed_deep_linking_response(site):
    browser = site.browser()
    result = launch(browser, TRAINER, "101:deeplink")
    assert result.page is not None and result.page.status_code == 200
    answer = browser.submit(result.page, modules="finnish-working-life")
    assert answer.status_code == 200
    form = forms_in(answer.text)[0]
    assert form.action == site.url + "/devplatform/deep-link-return/101"
    token = form.fields["JWT"]
    keys = jwt.PyJWKClient(site.url + "/lti/jwks")
    claims = jwt.decode(
        token,
        keys.get_signing_key_from_jwt(token).key,
        algorithms=["RS256"],
        audience=site.url + "/devplatform",
        issuer="kotopaikka-dev-client",
    )
    assert claims[LTI + "message_type"] == "LtiDeepLinkingResponse"
    assert claims[LTI + "deployment_id"] == "1"
    (item,) = claims[DL + "content_items"]
    assert item["type"] == "ltiResourceLink"
    assert item["title"] == "Suomalainen työelämä"
    assert item["url"] == site.url + "/lti/launch"  # the one registered redirect URI, no query
    assert item["lineItem"]["scoreMaximum"] == 100
    assert item["custom"] == {"module": "finnish-working-life"}


def test_learner_cannot_add_content(site):
    with_learner = launch(site.browser(), PARTICIPANT, "101:deeplink")
    assert with_learner.page is not None and with_learner.page.status_code == 403
    assert "<code>trainers_only</code>" in with_learner.page.text


def test_deep_link_form_refuses_a_forged_csrf_token(site):
    browser = site.browser()
    result = launch(browser, TRAINER, "101:deeplink")
    assert result.page is not None
    answer = browser.submit(result.page, csrf_token="forged")
    assert answer.status_code == 400
    assert "JWT" not in answer.text


def test_cross_site_post_without_the_browser_cookie_is_refused(site):
    browser = site.browser()
    result = launch(browser, TRAINER, "101:deeplink")
    assert result.page is not None
    form = forms_in(result.page.text)[0]
    attacker = requests.post(site.url + form.action, data=form.fields, allow_redirects=False)
    assert attacker.status_code == 403
