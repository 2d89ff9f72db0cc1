"""Development tools shared by tests/ and scripts/; never imported by the app."""
