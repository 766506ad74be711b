"""Full LTI 1.3 launches through the HTTP routes, as Moodle drives them."""

from __future__ import annotations

from sqlalchemy import select

from courses.database import db
from lti_tool.identity.models import LtiContext, LtiUser, Membership, ResourceLink
from lti_tool.launch.models import LaunchSession
from tests.lti import (
    LTI_CLAIM,
    EMPLOYER_MENTOR,
    MENTOR_COURSE,
    PARTICIPANT,
    PARTICIPANT_RU,
    TRAINER,
    launch,
)


def test_participant_launch_lands_on_a_page_that_says_who_they_are(site):
    result = launch(site.browser(), PARTICIPANT)
    assert result.launch.status_code == 200
    assert result.page is not None and result.page.status_code == 200
    html = result.page.text
    assert "Demo Osallistuja" in html
    assert 'id="role">Opiskelija' in html  # Finnish: the launch's locale is fi
    assert "Avaimet työelämään, kevät 2026" in html
    with site.app.app_context():
        user = db.session.execute(select(LtiUser)).scalar_one()
        assert (user.sub, user.name, user.email, user.locale) == (
            PARTICIPANT, "Demo Osallistuja", "osallistuja@example.invalid", "fi"
        )
        membership = db.session.execute(select(Membership)).scalar_one()
        assert membership.is_learner and not membership.is_trainer
        link = db.session.execute(select(ResourceLink)).scalar_one()
        assert link.custom["module"] == "finnish-working-life"
        assert link.context is not None and link.context.context_id == "101"


def test_trainer_and_employer_mentor_see_their_roles(site):
    trainer = launch(site.browser(), TRAINER)
    assert trainer.page is not None and trainer.page.status_code == 200
    with site.app.app_context():
        membership = db.session.execute(select(Membership)).scalar_one()
        assert membership.is_trainer and not membership.is_learner
    mentor = launch(site.browser(), EMPLOYER_MENTOR, MENTOR_COURSE)
    assert mentor.page is not None and "Mentorivalmennus, kevät 2026" in mentor.page.text
    with site.app.app_context():
        contexts = db.session.execute(select(LtiContext.context_id)).scalars().all()
        assert sorted(contexts) == ["101", "102"]


def test_landing_page_follows_the_launch_locale(site):
    result = launch(site.browser(), PARTICIPANT_RU)
    assert result.page is not None
    assert '<html lang="ru">' in result.page.text


def test_a_second_launch_reuses_the_user_and_keeps_one_browser_cookie(site):
    browser = site.browser()
    first = launch(browser)
    second = launch(browser)
    assert first.page is not None and second.page is not None
    assert first.launch.headers["Content-Location"] != second.launch.headers["Content-Location"]
    with site.app.app_context():
        assert db.session.execute(select(db.func.count()).select_from(LtiUser)).scalar_one() == 1
        sessions = db.session.execute(select(LaunchSession)).scalars().all()
        assert len(sessions) == 2
        assert len({s.browser_key_hash for s in sessions}) == 1


def test_landing_page_refuses_another_browser(site):
    result = launch(site.browser())
    stranger = site.browser()
    page = stranger.get(site.url + result.launch.headers["Content-Location"])
    assert page.status_code == 403
    assert "session_not_yours" in page.text


def test_a_launch_without_the_name_claim_keeps_the_name_we_had(site):
    from tests.lti import pending_launch, sign_as_platform

    launch(site.browser(), PARTICIPANT)
    pending = pending_launch(site.browser())
    token = sign_as_platform(site.app, pending.claims(name=None, email=None))
    assert pending.post(token).status_code == 200
    with site.app.app_context():
        user = db.session.execute(select(LtiUser)).scalar_one()
        assert (user.name, user.email) == ("Demo Osallistuja", "osallistuja@example.invalid")


def test_first_launches_of_one_person_at_once_make_one_user(site):
    """Two tabs opened at the same moment: the upserts must not race into two rows."""
    from concurrent.futures import ThreadPoolExecutor

    from tests.lti import pending_launch, sign_as_platform

    pendings = [pending_launch(site.browser()) for _ in range(4)]
    tokens = [sign_as_platform(site.app, p.claims()) for p in pendings]
    with ThreadPoolExecutor(4) as pool:
        statuses = list(pool.map(lambda pt: pt[0].post(pt[1]).status_code, zip(pendings, tokens)))
    assert statuses == [200] * 4
    with site.app.app_context():
        count = lambda model: db.session.execute(select(db.func.count()).select_from(model)).scalar_one()  # noqa: E731
        assert (count(LtiUser), count(LtiContext), count(ResourceLink), count(Membership)) == (1, 1, 1, 1)
        assert count(LaunchSession) == 4


def test_a_later_launch_updates_the_course_activity_and_roles_in_place(site):
    """The launch's rows are written together (on PostgreSQL in one statement): a later
    launch with new titles, custom values and roles updates the same rows, and its
    session points at them."""
    from tests.lti import LTI_CLAIM, pending_launch, sign_as_platform

    launch(site.browser(), PARTICIPANT)
    pending = pending_launch(site.browser())
    claims = pending.claims()
    context = {**claims[LTI_CLAIM + "context"], "title": "Työelämään, kevät"}
    link = {**claims[LTI_CLAIM + "resource_link"], "title": "Moduuli 1 (uusi nimi)"}
    custom = {**claims.get(LTI_CLAIM + "custom", {}), "cohort": "kevät"}
    roles = ["http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor"]
    changed = pending.claims(
        **{LTI_CLAIM + "context": context, LTI_CLAIM + "resource_link": link,
           LTI_CLAIM + "custom": custom, LTI_CLAIM + "roles": roles}
    )
    assert pending.post(sign_as_platform(site.app, changed)).status_code == 200
    with site.app.app_context():
        count = lambda model: db.session.execute(select(db.func.count()).select_from(model)).scalar_one()  # noqa: E731
        assert (count(LtiUser), count(LtiContext), count(ResourceLink), count(Membership)) == (1, 1, 1, 1)
        user = db.session.execute(select(LtiUser)).scalar_one()
        course = db.session.execute(select(LtiContext)).scalar_one()
        activity = db.session.execute(select(ResourceLink)).scalar_one()
        membership = db.session.execute(select(Membership)).scalar_one()
        assert course.title == "Työelämään, kevät"
        assert (activity.title, activity.custom["cohort"], activity.context_pk) == (
            "Moduuli 1 (uusi nimi)", "kevät", course.id,
        )
        assert (membership.user_pk, membership.context_pk, membership.roles) == (user.id, course.id, roles)
        assert (membership.is_mentor, membership.is_learner) == (True, False)
        newest = db.session.execute(
            select(LaunchSession).order_by(LaunchSession.created_at.desc()).limit(1)
        ).scalar_one()
        assert (newest.user_pk, newest.context_pk, newest.resource_link_pk) == (user.id, course.id, activity.id)
        assert newest.roles == roles


def test_a_launch_without_a_course_records_the_person_and_the_activity_only(site):
    """The context claim is optional in LTI 1.3: without it there is no course and no
    membership to write, and the chain of rows must still hold together."""
    from tests.lti import LTI_CLAIM, pending_launch, sign_as_platform

    pending = pending_launch(site.browser())
    answer = pending.post(sign_as_platform(site.app, pending.claims(**{LTI_CLAIM + "context": None})))
    assert answer.status_code == 200 and "<h1" in answer.text
    with site.app.app_context():
        count = lambda model: db.session.execute(select(db.func.count()).select_from(model)).scalar_one()  # noqa: E731
        assert (count(LtiUser), count(LtiContext), count(ResourceLink), count(Membership)) == (1, 0, 1, 0)
        session = db.session.execute(select(LaunchSession)).scalar_one()
        activity = db.session.execute(select(ResourceLink)).scalar_one()
        assert (session.context_pk, session.resource_link_pk, activity.context_pk) == (None, activity.id, None)


def test_a_launch_whose_write_fails_keeps_its_nonce_and_writes_nothing(site, monkeypatch):
    """The nonce is consumed by the launch's own write (on PostgreSQL in the same
    statement, on SQLite in the same transaction): if recording the launch fails, nothing
    is half written, the nonce included, and the same id_token can still complete it."""
    import dataclasses

    from lti_tool.identity import services as identity
    from tests.lti import pending_launch, sign_as_platform

    launch(site.browser())  # the platform's keys are cached: the launch below fetches nothing
    pending = pending_launch(site.browser())
    token = sign_as_platform(site.app, pending.claims())
    before = site.row_counts()
    assert before["login_state"] == 1
    real_user_row = identity.user_row

    def user_without_sub(*args):  # NOT NULL: the database refuses the write
        row = real_user_row(*args)
        return dataclasses.replace(row, values={**row.values, "sub": None})

    monkeypatch.setattr(identity, "user_row", user_without_sub)
    failed = pending.post(token)
    assert failed.status_code == 500
    assert site.row_counts() == before
    monkeypatch.undo()
    answer = pending.post(token)
    assert answer.status_code == 200 and "Demo Osallistuja" in answer.text
    assert site.row_counts()["login_state"] == 0


def test_the_launch_write_does_not_wait_for_the_wal_flush_and_nothing_else_is_changed(site):
    """On PostgreSQL the launch's chained write turns synchronous_commit off for its own
    transaction only (set_config in a CTE, which runs only if the statement reads it);
    learners' page views, answers and scores still wait for the flush."""
    from sqlalchemy import text

    from lti_tool.identity import services as identity

    with site.app.app_context():
        if db.engine.dialect.name != "postgresql":
            return  # SQLite in WAL mode with synchronous=NORMAL never waits at a commit
        setting = lambda: db.session.execute(text("SELECT current_setting('synchronous_commit')")).scalar_one()  # noqa: E731
        platform_id = db.session.execute(text("SELECT id FROM platform")).scalar_one()
        claims = {"sub": "wal-probe", LTI_CLAIM + "roles": []}
        for synchronous, expected in ((True, "on"), (False, "off")):
            row = identity.user_row(platform_id, claims, identity.classify(claims))
            ids = identity.write_rows({"usr": row}, synchronous_commit=synchronous)
            assert ids is not None and ids["usr"] > 0
            assert setting() == expected  # in the same transaction as the write
            db.session.commit()
            assert setting() == "on"  # the next transaction is as configured
            db.session.commit()
