"""The staff console: accounts, sessions, the report queue, drafts, dashboard and web pages."""
