"""The worker's side of the outbox: claim scores, deliver them, record what happened.

``leases`` decides which scores a worker takes (due, first in line for their learner and
line item) and for how long; ``sending`` posts one score and records its outcome;
``worker`` runs the rounds in a few threads; ``coordinators`` counts the outbox and
sends dead scores again; ``policy`` holds the lease length and the retry backoff.

A score's timestamp is fixed when it is first leased, committed before it is sent, and
sent unchanged every time after, so a send that reached the platform but whose outcome
was lost (a timeout, a killed worker) is refused the second time (409, delivered) rather
than written twice; each is a whole second after the key's previous one (Moodle compares
seconds and answers 409 to a timestamp that is not newer).
"""

from __future__ import annotations

from lti_tool.grades.delivery.coordinators import outbox_counts, retry_dead
from lti_tool.grades.delivery.leases import claim
from lti_tool.grades.delivery.policy import LEASE_SECONDS, RetryPolicy
from lti_tool.grades.delivery.worker import deliver_due, run_worker, start_background_worker

__all__ = [
    "LEASE_SECONDS",
    "RetryPolicy",
    "claim",
    "deliver_due",
    "outbox_counts",
    "retry_dead",
    "run_worker",
    "start_background_worker",
]
