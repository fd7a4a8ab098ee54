"""Accounts: registration, log-in, bearer tokens and the admin bootstrap."""
