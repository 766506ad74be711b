"""Requests the learning pages refuse: a clear page, a 4xx, nothing written."""

from __future__ import annotations

from sqlalchemy import update

from courses.database import db, utcnow
from courses.models import Module
from tests.learning.helpers import page_views, progress_rows
from tests.lti import LTI_CLAIM, pending_launch, sign_as_platform


def launch_with_custom(site, custom: dict[str, str]):
    """A launch whose activity carries these custom parameters, signed as the platform."""
    browser = site.browser()
    pending = pending_launch(browser)
    token = sign_as_platform(site.app, pending.claims(**{LTI_CLAIM + "custom": custom}))
    posted = pending.post(token)
    assert posted.status_code in (200, 404, 410), posted.text  # the landing page, or why not
    return browser, posted.headers["Content-Location"]


def test_an_unknown_module_in_the_custom_parameter(site):
    browser, landing = launch_with_custom(site, {"module": "no-such-module"})
    page = browser.get(browser.url(landing))
    assert page.status_code == 404
    assert "<code>unknown_module</code>" in page.text
    assert page_views(site.app) == 0 and progress_rows(site.app) == []


def test_a_binding_to_a_retired_module(site):
    with site.app.app_context():
        db.session.execute(
            update(Module).where(Module.slug == "job-search").values(retired_at=utcnow())
        )
        db.session.commit()
    try:
        browser, landing = launch_with_custom(site, {"module": "job-search"})
        page = browser.get(browser.url(landing))
        assert page.status_code == 410
        assert "<code>retired_module</code>" in page.text
        assert page_views(site.app) == 0
    finally:
        with site.app.app_context():
            db.session.execute(
                update(Module).where(Module.slug == "job-search").values(retired_at=None)
            )
            db.session.commit()


def test_a_page_of_another_module_is_refused(site):
    browser, landing = launch_with_custom(site, {"module": "finnish-working-life"})
    assert browser.get(browser.url(landing)).status_code == 200
    views = page_views(site.app)
    # cv-and-application belongs to job-search, not to finnish-working-life
    page = browser.get(browser.url(landing + "m/finnish-working-life/cv-and-application"))
    assert page.status_code == 404
    assert "<code>unknown_page</code>" in page.text
    assert page_views(site.app) == views


def test_a_module_of_another_programme_is_refused(site):
    browser, landing = launch_with_custom(site, {"module": "finnish-working-life"})
    views = page_views(site.app)  # the launch's own first page
    page = browser.get(browser.url(landing + "m/multicultural-competence/"))
    assert page.status_code == 404
    assert "<code>module_elsewhere</code>" in page.text
    assert page_views(site.app) == views


def test_another_module_of_the_same_programme_opens_from_a_link(site):
    browser, landing = launch_with_custom(site, {"module": "finnish-working-life"})
    page = browser.get(browser.url(landing + "m/job-search/cv-and-application"))
    assert page.status_code == 200
    assert '<h1 lang="fi">Työnhaku</h1>' in page.text


def test_page_links_in_the_text_point_into_this_launch(site):
    browser, landing = launch_with_custom(site, {"module": "job-search"})
    page = browser.get(browser.url(landing + "m/job-search/cv-and-application"))
    assert 'href="page:' not in page.text
    assert f'href="{landing}m/' in page.text


def test_pages_need_the_browser_that_launched(site):
    browser, landing = launch_with_custom(site, {"module": "finnish-working-life"})
    stranger = site.browser()
    views = page_views(site.app)
    page = stranger.get(stranger.url(landing + "m/finnish-working-life/"))
    assert page.status_code == 403
    assert page_views(site.app) == views


def test_a_forged_language_form_is_refused(site):
    browser, landing = launch_with_custom(site, {"module": "finnish-working-life"})
    answer = browser.post(
        browser.url(landing + "language"), data={"language": "en", "csrf_token": "forged"}
    )
    assert answer.status_code == 400
    assert "<code>bad_form</code>" in answer.text


def test_an_unknown_language_tag_is_refused(site):
    from tests.browser import forms_in

    browser, landing = launch_with_custom(site, {"module": "finnish-working-life"})
    page = browser.get(browser.url(landing))
    (form,) = [f for f in forms_in(page.text) if f.action.endswith("/language")]
    answer = browser.post(browser.url(form.action), data={**form.fields, "language": "xx-klingon"})
    assert answer.status_code == 400
    assert "<code>language_not_offered</code>" in answer.text


def test_an_id_beyond_the_database_integer_is_not_found(site):
    """PostgreSQL's integer ends at 2**31 - 1: a larger id in a URL is no id at all (404),
    never an out-of-range error from the query (500); SQLite's ends at 2**63 - 1."""
    browser, landing = launch_with_custom(site, {"module": "finnish-working-life"})
    before = site.row_counts()
    in_range = browser.get(browser.url(landing + f"attempt/{2**31 - 1}"))
    assert in_range.status_code == 404 and "<code>no_such_attempt</code>" in in_range.text
    for number in (2**31, 2**63, 10**30):
        for path in (f"attempt/{number}", f"attempt/{number}/review"):
            assert browser.get(browser.url(landing + path)).status_code == 404, path
        assert browser.post(browser.url(landing + f"attempt/{number}")).status_code == 404
    assert site.row_counts() == before


def test_every_int_route_is_bounded_by_the_database_integer(site):
    from werkzeug.routing import IntegerConverter

    bounded = [
        (rule.rule, converter.max)
        for rule in site.app.url_map.iter_rules()
        for converter in rule._converters.values()
        if isinstance(converter, IntegerConverter)
    ]
    assert bounded, "no <int:...> route found"
    assert all(maximum == 2**31 - 1 for _, maximum in bounded), bounded
