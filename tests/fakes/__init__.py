"""Fakes of remote services, spoken at the protocol level (never mocks of our own code)."""
