"""Accounts: registration, log-in, profile, roles, and the user's own data (RODO)."""
