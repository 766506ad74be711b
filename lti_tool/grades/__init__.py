"""Grades to the platform (LTI Assignment and Grade Services), never lost.

A score is written to an outbox in the same transaction as the progress change that
caused it (``outbox``), and delivered by a worker (``delivery``): in order per learner
and line item, with exponential backoff, a retry limit and a dead-letter state.
"""
