"""Part 3 (writing feedback) has no page without arguments: the workspace (/routings/<id>) and the
snippets (/units/<id>/snippets) are tested per person in tests/web/test_feedback_writing.py and
tests/web/test_feedback_snippets.py (403 for anyone but the unit's experts and coordinators)."""

PAGES = {}
