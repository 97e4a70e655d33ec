"""URL helpers."""

from urllib.parse import urlsplit


def safe_next(target):
    """Only same-site paths may be a redirect target (no open redirects)."""
    if not target or not isinstance(target, str):
        return None
    target = target.strip()
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target
