"""Proposal forms: the proposal and its cost lines, authors, list filters, transitions."""
