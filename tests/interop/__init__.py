"""Interoperability tests against platform implementations this project did not write."""
