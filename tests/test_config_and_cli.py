"""Safe configuration, and the ``kotopaikka`` command line."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from lti_tool.config import ConfigError, Settings
from lti_tool.identity.roles import classify_roles


def _config(**env: str) -> dict:
    return Settings.from_env(env).to_flask_config("/tmp/instance")


def test_secret_key_is_required_outside_development():
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        _config()
    assert _config(SECRET_KEY="x" * 40)["SECRET_KEY"] == "x" * 40
    assert _config(KOTOPAIKKA_ENV="development")["SECRET_KEY"]


def test_dev_platform_is_refused_in_production_or_with_a_real_key():
    with pytest.raises(ConfigError, match="never enable it in production"):
        _config(SECRET_KEY="x" * 40, KOTOPAIKKA_DEV_PLATFORM="1")
    with pytest.raises(ConfigError):
        _config(KOTOPAIKKA_ENV="development", SECRET_KEY="x" * 40, KOTOPAIKKA_DEV_PLATFORM="1")
    assert _config(KOTOPAIKKA_ENV="development", KOTOPAIKKA_DEV_PLATFORM="1")["DEV_PLATFORM"]


def test_default_database_is_sqlite_in_the_instance_folder():
    assert _config(KOTOPAIKKA_ENV="development")["SQLALCHEMY_DATABASE_URI"] == (
        "sqlite:////tmp/instance/kotopaikka.sqlite"
    )


def test_kotopaikka_refuses_to_start_without_a_secret_key(monkeypatch, tmp_path):
    from lti_tool.cli import main

    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("KOTOPAIKKA_ENV", "production")
    result = CliRunner().invoke(main, ["platform", "list"])
    assert result.exit_code != 0
    assert "SECRET_KEY is not set" in result.output


@pytest.mark.parametrize(
    ("roles", "primary"),
    [
        (["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"], "learner"),
        (["Learner"], "learner"),
        (["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"], "trainer"),
        (["Instructor"], "trainer"),
        (["http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"], "trainer"),
        (["ContentDeveloper"], "trainer"),
        (["http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor"], "mentor"),
        (["http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator"], "trainer"),
        (["http://purl.imsglobal.org/vocab/lis/v2/institution/person#Student"], "guest"),
        ([], "guest"),
    ],
)
def test_role_mapping_accepts_full_uris_and_short_names(roles, primary):
    assert classify_roles(roles).primary == primary


def test_institution_administrator_is_a_tool_admin_but_not_a_course_trainer():
    roles = classify_roles(["http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator"])
    assert roles.is_tool_admin and not roles.is_trainer and not roles.is_learner


class TestPlatformCommands:
    def run(self, site, *args: str):
        from flask.cli import ScriptInfo

        from lti_tool.cli import main

        info = ScriptInfo(create_app=lambda: site.app)
        return CliRunner().invoke(main, list(args), obj=info, catch_exceptions=False)

    def test_add_list_and_remove_a_moodle_registration(self, site):
        moodle = "https://moodle.example.invalid"
        add = [
            "platform", "add", "--issuer", moodle, "--client-id", "AbC123",
            "--deployment-id", "3", "--auth-url", moodle + "/mod/lti/auth.php",
            "--token-url", moodle + "/mod/lti/token.php", "--jwks-url", moodle + "/mod/lti/certs.php",
            "--name", "Example Moodle",
        ]
        result = self.run(site, *add)
        assert result.exit_code == 0 and "Registered" in result.output
        # The same registration again changes nothing; a second client id is added.
        assert "Updated" in self.run(site, *add).output
        add[add.index("AbC123")] = "XyZ789"
        assert "Registered" in self.run(site, *add).output
        listing = self.run(site, "platform", "list").output
        assert "client AbC123: deployments 3" in listing and "client XyZ789: deployments 3" in listing
        result = self.run(site, "platform", "remove", "--issuer", moodle, "--client-id", "AbC123")
        assert result.exit_code == 0
        listing = self.run(site, "platform", "list").output
        assert "AbC123" not in listing and "XyZ789" in listing
        missing = self.run(site, "platform", "remove", "--issuer", "https://nowhere.invalid")
        assert missing.exit_code != 0 and "No platform" in missing.output

    def test_keys_rotate_list_and_retire(self, site):
        before = self.run(site, "keys", "list").output.split()[0]
        assert "New current key" in self.run(site, "keys", "rotate").output
        listing = self.run(site, "keys", "list").output
        assert f"{before}  previous" in listing
        # "--": a key id is base64url and may begin with "-" (it did once in CI).
        assert self.run(site, "keys", "retire", "--", before).exit_code == 0
        assert f"{before}  retired" in self.run(site, "keys", "list").output
