"""OIDC login initiation, launch validation and the server-side session after it."""
