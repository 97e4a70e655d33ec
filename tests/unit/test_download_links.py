"""Links to files (calendars, exports, scans, stored files) must not be boosted: htmx would fetch the file
and swap its text into the page instead of letting the browser download or open it."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "pbflow" / "templates"
FILE_ENDPOINTS = ("meetings.feed", "meetings.calendar_feed", "readiness.scan_file", "marathons.booking_ics",
                  "consultations.booking_ics", "exports.download_csv", "exports.download_json",
                  "exports.download_pabulib", "files.download", "accounts.download_data")
LINK = re.compile(r"<a\b[^>]*>", re.S)


def test_every_link_to_a_file_is_left_to_the_browser():
    boosted = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        for tag in LINK.findall(path.read_text(encoding="utf-8")):
            if any(f"url_for('{endpoint}'" in tag for endpoint in FILE_ENDPOINTS) and 'hx-boost="false"' not in tag:
                boosted.append(f"{path.relative_to(TEMPLATES)}: {tag[:100]}")
    assert boosted == []


def test_the_check_sees_a_boosted_file_link():
    tag = "<a href=\"{{ url_for('exports.download_csv', edition_id=1) }}\">CSV</a>"
    assert LINK.findall(tag) and 'hx-boost="false"' not in LINK.findall(tag)[0]
