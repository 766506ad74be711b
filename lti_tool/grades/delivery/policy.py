"""How long a claim lasts, and when a score that failed is tried again."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask

LEASE_SECONDS = 60.0


@dataclass(frozen=True)
class RetryPolicy:
    base_seconds: float = 5.0
    cap_seconds: float = 600.0
    limit: int = 40  # about eight hours of retries at the cap

    def delay(self, attempts: int) -> timedelta:
        """Exponential, capped, with jitter so that many scores do not retry in step."""
        seconds = min(self.cap_seconds, self.base_seconds * 2 ** max(0, attempts - 1))
        return timedelta(seconds=seconds * random.uniform(0.8, 1.2))

    @classmethod
    def from_config(cls, app: Flask) -> RetryPolicy:
        return cls(
            float(app.config.get("GRADE_RETRY_BASE_SECONDS", cls.base_seconds)),
            float(app.config.get("GRADE_RETRY_CAP_SECONDS", cls.cap_seconds)),
            int(app.config.get("GRADE_RETRY_LIMIT", cls.limit)),
        )


def lease_seconds(app: Flask) -> float:
    return float(app.config.get("GRADE_LEASE_SECONDS", LEASE_SECONDS))
