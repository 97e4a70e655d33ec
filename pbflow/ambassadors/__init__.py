"""Stage I: residents become Local Participation Ambassadors for an area, train, and get materials."""
