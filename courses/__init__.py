"""Programmes, modules and pages: the coaching content learners read."""
