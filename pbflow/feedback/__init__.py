"""Verifying units and their experts (written feedback follows in Stage III)."""
