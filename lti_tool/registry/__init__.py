"""Platforms (LMS sites) registered with the tool: issuers, client ids, deployments."""
