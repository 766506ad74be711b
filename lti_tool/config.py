"""Configuration read from environment variables, with safe defaults for the demo only."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

DEV_SECRET_KEY = "kotopaikka-development-only-not-secret"


class ConfigError(RuntimeError):
    """The configuration is unsafe or incomplete; the message tells how to fix it."""


def _flag(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    """Everything the app reads from the environment, parsed once."""

    environment: str
    secret_key: str
    database_url: str | None
    redis_url: str | None
    dev_platform: bool
    proxy_fix_hops: int
    jwt_leeway_seconds: int
    http_connect_timeout: float
    http_read_timeout: float
    platform_jwks_max_age: int

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if env is None else env
        environment = env.get("KOTOPAIKKA_ENV", "production").strip().lower()
        return cls(
            environment=environment,
            secret_key=env.get("SECRET_KEY", ""),
            database_url=env.get("DATABASE_URL") or None,
            redis_url=env.get("REDIS_URL") or None,
            dev_platform=_flag(env.get("KOTOPAIKKA_DEV_PLATFORM")),
            proxy_fix_hops=int(env.get("KOTOPAIKKA_PROXY_HOPS", "0")),
            jwt_leeway_seconds=int(env.get("KOTOPAIKKA_JWT_LEEWAY", "10")),
            http_connect_timeout=float(env.get("KOTOPAIKKA_HTTP_CONNECT_TIMEOUT", "3")),
            http_read_timeout=float(env.get("KOTOPAIKKA_HTTP_READ_TIMEOUT", "5")),
            platform_jwks_max_age=int(env.get("KOTOPAIKKA_JWKS_MAX_AGE", "3600")),
        )

    def to_flask_config(self, instance_path: str) -> dict[str, Any]:
        """Check the settings for safety and turn them into Flask config keys."""
        development = self.environment in {"development", "test"}
        secret_key = self.secret_key
        if not secret_key:
            if not development:
                raise ConfigError(
                    "SECRET_KEY is not set. Set SECRET_KEY to a long random value "
                    "(for example: python -c 'import secrets; print(secrets.token_hex(32))'), "
                    "or set KOTOPAIKKA_ENV=development to run the local demo."
                )
            secret_key = DEV_SECRET_KEY
        if self.dev_platform and (not development or secret_key != DEV_SECRET_KEY):
            raise ConfigError(
                "The development platform is enabled (KOTOPAIKKA_DEV_PLATFORM) outside "
                "development. It signs launches for anyone: never enable it in production. "
                "Unset KOTOPAIKKA_DEV_PLATFORM, or run with KOTOPAIKKA_ENV=development and "
                "without a production SECRET_KEY."
            )
        database_url = self.database_url or "sqlite:///" + str(
            Path(instance_path) / "kotopaikka.sqlite"
        )
        return {
            "ENV_NAME": self.environment,
            "SECRET_KEY": secret_key,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "REDIS_URL": self.redis_url,
            "DEV_PLATFORM": self.dev_platform,
            "PROXY_FIX_HOPS": self.proxy_fix_hops,
            "LTI_JWT_LEEWAY": self.jwt_leeway_seconds,
            "HTTP_TIMEOUT": (self.http_connect_timeout, self.http_read_timeout),
            "PLATFORM_JWKS_MAX_AGE": self.platform_jwks_max_age,
            "MAX_CONTENT_LENGTH": 256 * 1024,
        }
