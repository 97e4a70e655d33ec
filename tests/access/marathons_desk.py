"""The helper's desk, the copy view and undoing a submission record (part S3) have no page without URL
arguments: every one names a marathon, a proposal or a submission. Their 403s are tested in
tests/web/test_marathon_desk.py and tests/web/test_submissions.py."""

PAGES = {}
