"""Who launched: users, contexts (courses), resource links and roles, per platform."""
