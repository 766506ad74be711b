"""The tool's own RSA signing keys, stored in the database and published as a JWKS."""
