"""Markdown written by residents, rendered and then sanitised with nh3.

A proposal page renders its description and every feedback point and comment on each request, and Python-Markdown
costs about a millisecond a text, most of it building a new converter. So each thread keeps one converter (they are
not thread-safe), and the HTML of recent texts is kept, by their text: rendering is a pure function of it, so a
kept answer is never stale. Only texts up to KEPT_TEXT_MAX characters are kept, so the memory kept stays small.
"""

import re
import threading
from functools import lru_cache
from html.parser import HTMLParser

import markdown as md
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "li",
    "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}


KEPT_TEXTS = 256
KEPT_TEXT_MAX = 5000  # the official form's usual limit for a description; a feedback point or a comment is shorter
# At most about 6 MB: 256 texts of 5,000 Polish characters (2 bytes each in Python) and their HTML.

_converters = threading.local()


def _markdown_html(text):
    """Python-Markdown's HTML (not yet sanitised), from this thread's converter."""
    converter = getattr(_converters, "markdown", None)
    if converter is None:
        converter = _converters.markdown = md.Markdown(
            extensions=["tables", "sane_lists"], output_format="html",
            # align="…" survives the sanitiser and the CSP; style="text-align…" would not
            extension_configs={"tables": {"use_align_attribute": True}})
    return converter.reset().convert(text)


def _sanitised(text):
    clean = nh3.clean(
        _markdown_html(text),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )
    return Markup(clean)  # noqa: S704 - sanitised by nh3 just above


_kept = lru_cache(maxsize=KEPT_TEXTS)(_sanitised)


def render_markdown(text):
    text = text or ""
    return _kept(text) if len(text) <= KEPT_TEXT_MAX else _sanitised(text)


# Blocks a reader sees apart: each starts on a line of its own (paragraphs and headings after a blank line).
_BLOCKS = {"p", "h2", "h3", "h4", "blockquote", "pre", "ul", "ol", "table", "hr"}
_LINES = {"li", "tr", "br"}


class _ReaderText(HTMLParser):
    """The text of sanitised HTML as a reader sees it: no Markdown marks, one block per paragraph,
    list items with a bullet or their number, table cells separated by " | "."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.lists, self.cell, self.pre = [], [], False, False

    def _break(self, text):
        if self.parts:
            self.parts.append(text)

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCKS and not self.lists:
            self._break("\n\n")
        if tag in ("ul", "ol"):
            self.lists.append(0 if tag == "ol" else None)
        elif tag == "li":
            self._break("\n")
            number = self.lists[-1] if self.lists else None
            if number is None:
                self.parts.append("• " if len(self.lists) < 2 else "◦ ")
            else:
                self.lists[-1] = number + 1
                self.parts.append(f"{number + 1}. ")
        elif tag == "tr" or tag == "br":
            self._break("\n")
            self.cell = False
        elif tag in ("td", "th"):
            if self.cell:
                self.parts[-1] = self.parts[-1].rstrip(" ")
                self.parts.append(" | ")
            self.cell = True
        elif tag == "hr":
            self.parts.append("—")
        elif tag == "pre":
            self.pre = True

    def handle_endtag(self, tag):
        if tag == "pre":
            self.pre = False
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()

    def handle_data(self, data):
        if self.pre:
            self.parts.append(data)
            return
        data = _SPACES.sub(" ", data)  # as a browser shows it: a run of spaces and line breaks is one space
        if data.strip() or (self.parts and not self.parts[-1].endswith(("\n", " "))):
            self.parts.append(data)


_SPACES = re.compile(r"\s+")
_AROUND_BREAKS = re.compile(r"[ \t]*\n[ \t]*(?=\S|\n|$)")


def reader_text(text):
    """What a reader sees of Markdown, as plain text: rendered, sanitised, then stripped of all tags."""
    parser = _ReaderText()
    parser.feed(str(render_markdown(text)))
    parser.close()
    joined = "".join(parser.parts).strip()
    return re.sub(r"\n{3,}", "\n\n", _AROUND_BREAKS.sub("\n", joined))


# nh3 drops these tags with everything inside them; any other tag it drops leaves its text behind.
_DROPPED_WITH_CONTENT = {"script", "style"}


class _StartTags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.names = set()

    def handle_starttag(self, tag, attrs):
        self.names.add(tag)


def strip_unshown_html(text):
    """(text without the HTML tags the sanitiser would not show, their names sorted). Markdown and the
    words between the tags stay as written; a script or style goes with its content, as nh3 drops it."""
    parser = _StartTags()
    parser.feed(_markdown_html(text or ""))
    parser.close()
    unshown = sorted(name for name in parser.names if name not in ALLOWED_TAGS)
    for name in unshown:
        if name in _DROPPED_WITH_CONTENT:
            text = re.sub(rf"<{name}\b[^>]*>.*?(</{name}\s*>|$)", "", text, flags=re.I | re.S)
        text = re.sub(rf"</?{name}\b[^>]*>", "", text, flags=re.I)
    return text, unshown
