"""Proposals: drafting with co-authors, immutable versions, one state machine, search."""
