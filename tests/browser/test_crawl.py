"""One crawl over the whole product (issue 16, item 1).

For each role — a visitor, then the demo resident, ambassador, expert (Zarząd Zieleni), coordinator and partner,
each logged in through the login form — the crawl starts at the home page, its navigation and the account links,
and follows every same-origin link it finds (GET only), a few addresses per Flask endpoint. It visits each page in
Polish, then switches to English with the header's button as a person does and visits them again; each page is
checked at 1280 px and, resized, at 360 px. Every failure is collected and reported at once:

- status: an answer other than 200 after redirects (3xx on the way is fine);
- axe: an axe-core WCAG 2.1 A/AA violation of impact serious or critical;
- overflow: the document wider than the viewport (the page scrolls sideways);
- language: visible text (a whole text node, or a label attribute) that is a string of the other language in the
  catalogue and not a string of the page's language: a Polish msgstr differing from its msgid on an English page,
  an English msgid with a different Polish msgstr on a Polish page;
- unnamed input: a shown input, select or textarea without a label, aria-label(ledby) or title;
- duplicate id: two elements with one id (WCAG 2.1's 4.1.1; a label or aria reference would find the first);
- unnamed cell: a th without text; a td with no column header (headers=, a th of its column in the header row)
  nor row header (th in its row); at 360 px, where pbflow.css stacks tables and moves the header row off screen,
  a td that shows data (text or a form field; links and buttons name themselves) without showing its column's
  name (data-label, a visible label, or the row's own th) — except a row's first cell holding only text, which
  reads as the card's title — since the off-screen header row is neither seen nor reliably announced.

Downloads (CSV, ICS, JSON, .pb, files) are fetched, not rendered: their status and content type are checked.
"""

import json
import os
import re
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from babel.messages.pofile import read_po
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from pbflow import demo
from tests.browser.conftest import EXPECTED_4XX

pytestmark = pytest.mark.browser

HERE = Path(__file__).parent
AXE = (HERE / "vendor" / "axe-4.14.1.min.js").read_text()
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CATALOGUE = HERE.parents[1] / "pbflow" / "translations" / "pl" / "LC_MESSAGES" / "messages.po"

ROLES = {  # role: the demo login (None: a visitor)
    "visitor": None,
    "resident": "mieszkaniec@example.org",
    "ambassador": "ambasador@example.org",
    "expert": "ekspert@example.org",
    "coordinator": "koordynator@example.org",
    "partner": "partner@example.org",
}
WIDTHS = (1280, 360)
HEIGHT = 800
LANGUAGES = ("pl", "en")
PER_ENDPOINT = 2  # addresses visited per Flask endpoint and role: the first met, and one that leads further
PROBES = 6  # further addresses of an endpoint fetched (not rendered) to find one that leads to new endpoints
MAX_PAGES = 120  # per role and language: a bound, far above what pbflow has

# Not visited, each for its reason.
SKIP_ENDPOINTS = {
    "accounts.logout": "ends the session (and is a POST)",
    "notifications.follow": "marks the notification read (a POST)",
    "static": "assets, not pages",
}
# Downloads: fetched (status, content type), never rendered.
DOWNLOAD_ENDPOINTS = {"files.download", "readiness.scan_file"}
DOWNLOAD_SUFFIXES = (".csv", ".ics", ".json", ".pb")


# --- the other language, from the catalogue ---------------------------------------------------------------------

PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]")


def _normal(text):
    return " ".join(text.split())


def _pattern(message):
    """A whole-text regex for a message with placeholders, when enough of it is fixed words; else None."""
    parts = PLACEHOLDER.split(message)
    if len(re.sub(r"[\W\d_]", "", "".join(parts))) < 8:
        return None
    return ".+?".join(re.escape(part) for part in parts)


def _catalogue():
    """(Polish-only strings, English-only strings): for each, exact strings and whole-text patterns."""
    with CATALOGUE.open("rb") as handle:
        catalog = read_po(handle, locale="pl")
    pairs = []
    for message in catalog:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, (tuple, list)) else (message.id,)
        strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        english = [_normal(i) for i in ids]
        for polish in strings:
            for eng in english:
                pairs.append((eng, _normal(polish)))
    english_all = {e for e, _p in pairs}
    polish_all = {p for _e, p in pairs if p}
    polish_only = {p for e, p in pairs if p and p != e and p not in english_all}
    english_only = {e for e, p in pairs if p and p != e and e not in polish_all}

    def detector(strings):
        exact = sorted(s for s in strings if len(s) > 3 and not PLACEHOLDER.search(s))
        patterns = sorted(filter(None, (_pattern(s) for s in strings if PLACEHOLDER.search(s))))
        return {"exact": exact, "patterns": patterns}

    return {"en": detector(polish_only), "pl": detector(english_only)}  # page language: the other language's strings


# --- the checks run in the page ---------------------------------------------------------------------------------

PAGE_JS = r"""
const norm = s => (s || "").replace(/\s+/g, " ").trim();
const shown = el => !!el && el.checkVisibility({checkVisibilityCSS: true});
const textOf = el => norm(el.textContent);
const byIds = ids => (ids || "").split(/\s+/).filter(Boolean).map(id => document.getElementById(id)).filter(Boolean);
const inMain = el => !!(el && el.closest && el.closest("main"));
const describe = el => {
  let s = el.tagName.toLowerCase();
  if (el.id) s += "#" + el.id;
  else if (el.getAttribute("name")) s += `[name="${el.getAttribute("name")}"]`;
  else if (el.className && typeof el.className === "string" && el.className.trim())
    s += "." + el.className.trim().split(/\s+/).join(".");
  const table = el.closest("table");
  if (table && table !== el) s += " in " + describeTable(table);
  return s;
};
const describeTable = table => {
  const cap = table.querySelector("caption");
  return "table" + (table.id ? "#" + table.id : table.className ? "." + table.className.trim().split(/\s+/).join(".") : "")
    + (cap ? ` "${norm(cap.textContent).slice(0, 50)}"` : "");
};
const hash = str => {  // cyrb53
  let h1 = 0xdeadbeef, h2 = 0x41c6ce57;
  for (let i = 0; i < str.length; i++) {
    const c = str.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761); h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36) + ":" + str.length;
};
window.__crawl = {
  // What the page's main part and the rest (header, footer) are, less the session's CSRF token, hidden values
  // (the address to come back to) and which navigation entry is current.
  keys() {
    const normal = root => {
      root.querySelectorAll("input[type=hidden]").forEach(i => i.removeAttribute("value"));
      [root, ...root.querySelectorAll("[hx-headers], [aria-current]")].forEach(e => {
        e.removeAttribute("hx-headers"); e.removeAttribute("aria-current"); });
      return root.outerHTML;
    };
    const body = document.body.cloneNode(true);
    const main = body.querySelector("main");
    const mainHtml = main ? normal(main) : "";
    if (main) main.remove();
    return {main: hash(document.documentElement.lang + mainHtml), chrome: hash(document.documentElement.lang + normal(body))};
  },

  overflow() {
    const doc = document.documentElement;
    if (doc.scrollWidth <= window.innerWidth) return [];
    const wide = [];
    for (const el of document.body.querySelectorAll("*")) {
      const r = el.getBoundingClientRect();
      if (r.right > window.innerWidth + 1 && r.width > 0 && shown(el) &&
          ![...el.children].some(c => c.getBoundingClientRect().right > window.innerWidth + 1)) {
        wide.push(describe(el) + ` (right edge ${Math.round(r.right)} px)`);
        if (wide.length >= 3) break;
      }
    }
    return [[true, "overflow", `document ${doc.scrollWidth} px wide in a ${window.innerWidth} px window; ` +
      `sticking out: ` + wide.join("; "), "overflow " + window.innerWidth]];
  },

  // [inMain, kind, detail] for everything but overflow and axe
  checks() {
    const lang = (document.documentElement.lang || "").slice(0, 2);
    const foreign = window.__crawlForeign[lang] || {exact: [], patterns: []};
    const out = [];
    for (const el of document.querySelectorAll("input, select, textarea")) {
      const type = (el.getAttribute("type") || "").toLowerCase();
      if (type === "hidden" || !shown(el)) continue;
      if (["submit", "button", "reset"].includes(type) && norm(el.value)) continue;
      if (type === "image" && norm(el.alt)) continue;
      const named = norm(el.getAttribute("aria-label")) || norm(el.getAttribute("title")) ||
        byIds(el.getAttribute("aria-labelledby")).some(l => textOf(l)) || [...(el.labels || [])].some(l => textOf(l));
      if (!named) out.push([inMain(el), "unnamed input", describe(el) +
        (el.id && document.querySelectorAll("#" + CSS.escape(el.id)).length > 1 ? " (its id is not unique)" : ""),
        describe(el)]);
    }
    const ids = new Map();  // WCAG 2.1's 4.1.1: an id names one element (labels, aria-*, skip links rely on it)
    for (const el of document.querySelectorAll("[id]")) {
      if (el.id) ids.set(el.id, [...(ids.get(el.id) || []), el]);
    }
    for (const [id, els] of ids) {
      if (els.length > 1) out.push([els.some(inMain), "duplicate id", `id="${id}" on ${els.length} elements: ` +
        els.slice(0, 3).map(describe).join(", "), "id " + id]);
    }
    this.cells(out);
    this.language(out, foreign);
    return out;
  },

  cells(out) {
    const onScreen = el => {
      if (!shown(el) || el.closest(".visually-hidden")) return false;
      const r = el.getBoundingClientRect();
      return r.width > 1 && r.height > 1 && r.right > 0 && r.left < window.innerWidth;
    };
    const nameOf = th => th ? (norm(th.getAttribute("aria-label")) || textOf(th) || norm(th.getAttribute("title"))) : "";
    for (const table of document.querySelectorAll("table")) {
      if (!shown(table)) continue;
      const stacked = getComputedStyle(table).display !== "table";
      const rows = [...table.rows];
      // the header row: the thead's last row, else a first row of th only
      let headRow = table.tHead && table.tHead.rows.length ? table.tHead.rows[table.tHead.rows.length - 1] : null;
      if (!headRow && rows.length && [...rows[0].cells].every(c => c.tagName === "TH")) headRow = rows[0];
      const columnHeader = [];
      if (headRow) {
        let col = 0;
        for (const th of headRow.cells) {
          for (let k = 0; k < (th.colSpan || 1); k++) columnHeader[col + k] = th.tagName === "TH" ? th : null;
          col += th.colSpan || 1;
        }
      }
      const problems = new Map();  // one line per table and column
      const note = (key, text, example) => {
        const p = problems.get(key) || {text, example, count: 0};
        p.count += 1; problems.set(key, p);
      };
      let dataRows = 0;
      for (const row of rows) {
        if (row === headRow || (row.parentElement && row.parentElement.tagName === "THEAD")) continue;
        dataRows += 1;
        let col = 0;
        const rowTh = [...row.cells].find(c => c.tagName === "TH");
        const rowName = nameOf(rowTh);
        for (const cell of row.cells) {
          const here = col;
          col += cell.colSpan || 1;
          if (!shown(cell)) continue;
          if (cell.tagName === "TH") {
            if (!nameOf(cell)) note("th" + here, `empty th in column ${here + 1}`, "");
            continue;
          }
          const headers = byIds(cell.getAttribute("headers"));
          const colName = headers.length ? headers.map(nameOf).join(" ") : nameOf(columnHeader[here]);
          if (!colName && !rowName) {
            note("td" + here, `td in column ${here + 1} has no column header (th of its column, headers=) nor row header`,
                 textOf(cell).slice(0, 30));
            continue;
          }
          if (!stacked) continue;
          // Stacked on a phone: the header row is off screen, so a cell that shows data must show its column's name.
          const data = [...cell.childNodes].some(function has(n) {
            if (n.nodeType === 3) return norm(n.nodeValue) !== "";
            if (n.nodeType !== 1 || !shown(n) || n.matches(".visually-hidden, a[href], button, input[type=submit], input[type=hidden]")) return false;
            if (n.matches("input, select, textarea")) return true;
            return [...n.childNodes].some(has);
          });
          if (!data) continue;
          // The row's first cell, when it is text (no form field), reads as the stacked card's title.
          if (here === 0 && !rowTh && !cell.querySelector("input:not([type=hidden]), select, textarea")) continue;
          const before = getComputedStyle(cell, "::before").content;
          const labelled = (before && !["none", "normal", '""'].includes(before)) ||
            [...cell.querySelectorAll("label, th, dt, h2, h3, h4")].some(l => onScreen(l) && textOf(l)) ||
            (!colName && rowTh && onScreen(rowTh));
          if (!labelled) {
            const clone = cell.cloneNode(true);
            clone.querySelectorAll(".visually-hidden, button").forEach(e => e.remove());
            note("stack" + here, `column ${here + 1}` + (colName ? ` "${colName}"` : ""),
                 norm(clone.textContent).slice(0, 30) || "a form field");
          }
        }
      }
      const where = describeTable(table);
      const tableKey = "table" + (table.id ? "#" + table.id : "." + (table.className || "").trim()) + ":" +
        [...document.querySelectorAll("table")].indexOf(table);
      const stackedColumns = [...problems.entries()].filter(([k]) => k.startsWith("stack"));
      if (stackedColumns.length) {
        out.push([inMain(table), "unlabelled stacked cell", "on a phone these columns show data without the " +
          "column's name: " + stackedColumns.map(([k, p]) => `${p.text} (${p.count} of ${dataRows} rows` +
          (p.example ? `, e.g. "${p.example}"` : "") + ")").join("; ") + " — in " + where,
          tableKey + ":" + stackedColumns.map(([k]) => k).join(",")]);
      }
      for (const [k, p] of problems) {
        if (k.startsWith("stack")) continue;
        out.push([inMain(table), "unnamed cell", `${p.text} (${p.count} of ${dataRows} rows` +
          (p.example ? `, e.g. "${p.example}"` : "") + ") in " + where, tableKey + ":" + k]);
      }
    }
  },

  language(out, foreign) {
    const lang = (document.documentElement.lang || "").slice(0, 2);
    const exact = new Set(foreign.exact);
    const pattern = new RegExp("^(?:" + foreign.patterns.join("|") + ")$");
    const isForeign = s => s.length > 3 && (exact.has(s) || pattern.test(s));
    const otherLang = el => { const l = el.closest("[lang]"); return l && l.getAttribute("lang").slice(0, 2) !== lang; };
    const found = new Map();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!el || el.closest("script, style, template, noscript, textarea") || otherLang(el) || !shown(el)) continue;
      const s = norm(node.nodeValue);
      if (isForeign(s)) found.set(`"${s}" in ${describe(el)}`, inMain(el));
    }
    for (const el of document.querySelectorAll("[aria-label], [title], [placeholder], [alt], [data-label], input[value]")) {
      if (otherLang(el) || !shown(el)) continue;
      for (const attr of ["aria-label", "title", "placeholder", "alt", "data-label", "value"]) {
        if (attr === "value" && !(el.tagName === "INPUT" && ["submit", "button"].includes(el.type))) continue;
        const s = norm(el.getAttribute(attr));
        if (s && isForeign(s)) found.set(`"${s}" (${attr}) on ${describe(el)}`, inMain(el));
      }
    }
    const title = norm(document.title.replace(/\s*·\s*pbflow$/, ""));
    if (isForeign(title)) found.set(`"${title}" (the page's title)`, true);
    for (const [text, main] of found) out.push([main, "language", text, text]);
  },

  async axe(tags) {
    const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
    const out = [];
    for (const v of result.violations) {
      if (!["serious", "critical"].includes(v.impact)) continue;
      const groups = [[], []];  // outside main, in main
      for (const n of v.nodes) {
        let el = null;
        try { el = document.querySelector(n.target[0]); } catch (e) { /* a target inside a frame */ }
        groups[inMain(el) ? 1 : 0].push(n.target.join(" "));
      }
      groups.forEach((targets, main) => {
        if (targets.length) out.push([!!main, "axe", `${v.id} (${v.impact}): ${v.help} — ${targets.length}× e.g. ` +
          targets.slice(0, 3).join(", "), v.id + " " + targets[0]]);
      });
    }
    return out;
  },
};
"""


# --- the crawl ---------------------------------------------------------------------------------------------------

class Crawl:
    def __init__(self, app, browser, base_url, foreign):
        self.app, self.browser, self.base = app, browser, base_url
        self.foreign = foreign
        self.adapter = app.url_map.bind("127.0.0.1")
        self.failures = []  # (role, language, width, url, kind, detail)
        self.visited = set()  # (endpoint, role, width, language)
        self.endpoint_urls = defaultdict(set)
        self.skipped = set()
        self.seen = {}  # (region's key, width): its findings; a region (main, or the rest) is checked once
        self.checked = self.reused = 0

    def fail(self, role, lang, width, url, kind, detail, key=None):
        """One failure; `key` (the detail less its language's words) groups the same defect in both languages."""
        self.failures.append((role, lang, width, url, kind, detail, key or detail))

    def endpoint(self, url):
        parts = urlsplit(url)
        try:
            endpoint, _args = self.adapter.match(parts.path, method="GET")
        except RequestRedirect as redirect:
            return self.endpoint(redirect.new_url)
        except HTTPException:
            return None
        return endpoint

    def links(self, page):
        hrefs = page.eval_on_selector_all(
            "a[href]", "els => els.map(a => [a.getAttribute('href'), a.hasAttribute('download')])")
        found = []
        for href, download in hrefs:
            url = urldefrag(urljoin(page.url, href)).url
            if url.startswith(self.base + "/"):
                found.append((url[len(self.base):], download))
        return found

    def crawl(self, role, email):
        context = self.browser.new_context(base_url=self.base, locale="pl-PL", bypass_csp=True,
                                           viewport={"width": WIDTHS[0], "height": HEIGHT})
        context.set_default_timeout(15_000)
        context.add_init_script(f"window.__crawlForeign = {json.dumps(self.foreign)};\n{PAGE_JS}")
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda message: errors.append(message.text)
                if message.type == "error" and not message.text.startswith(EXPECTED_4XX) else None)
        try:
            if email:
                page.goto("/login")
                page.fill("#email", email)
                page.fill("#password", demo.DEMO_PASSWORD)
                with page.expect_navigation():
                    page.locator("main form button[type=submit]").click()
                page.wait_for_selector("form[action='/logout']")
            plan = self.discover(context, page, role, LANGUAGES[0], errors)
            for lang in LANGUAGES[1:]:  # the same pages after switching the language as a person does
                page.goto("/")
                with page.expect_navigation():  # the switch is a form post answered by a redirect
                    page.locator(f".language-switch button[value={lang}]").click()
                page.wait_for_load_state()
                assert page.evaluate("document.documentElement.lang") == lang
                for url, endpoint in plan:
                    self.visit(context, page, role, lang, url, endpoint, errors)
        finally:
            context.close()

    def discover(self, context, page, role, lang, errors):
        """Breadth first from the home page (whose header is the navigation): each link's endpoint is visited once,
        and a second time for an address that leads to endpoints not met yet (fetched without rendering first:
        an editable proposal has an edit link, another does not). Returns the pages visited, for the other language."""
        queue, plan, seen = [("/", "home.index")], [], {"/"}
        full, probes, met = defaultdict(int), defaultdict(int), {"home.index"}
        full["home.index"] = 1
        while queue and len(plan) < MAX_PAGES:
            url, endpoint = queue.pop(0)
            plan.append((url, endpoint))
            links = self.visit(context, page, role, lang, url, endpoint, errors)
            met.update(self.endpoint(link) for link, _download in links)
            for link, download in links:
                if link in seen:
                    continue
                seen.add(link)
                target = self.endpoint(link)
                if target is None or target in SKIP_ENDPOINTS:
                    self.skipped.add((target, link))
                    continue
                if download or target in DOWNLOAD_ENDPOINTS or urlsplit(link).path.endswith(DOWNLOAD_SUFFIXES):
                    if not full[target]:
                        full[target] += 1
                        self.download(context, role, lang, link, target)
                    continue
                if not full[target]:
                    full[target] += 1
                    queue.append((link, target))
                elif full[target] < PER_ENDPOINT and probes[target] < PROBES:
                    probes[target] += 1
                    leads_to = self.probe(context, link) - met
                    if leads_to:
                        met.update(leads_to)
                        full[target] += 1
                        queue.append((link, target))
        return plan

    def probe(self, context, url):
        """The endpoints an address links to, from its HTML (not rendered)."""
        response = context.request.get(url, max_redirects=0)
        if response.status != 200 or not response.headers.get("content-type", "").startswith("text/html"):
            return set()
        hrefs = re.findall(r'<a\b[^>]*\shref="([^"#]*)', response.text())
        return {self.endpoint(urldefrag(urljoin(self.base + url, href)).url[len(self.base):])
                for href in hrefs if urljoin(self.base + url, href).startswith(self.base + "/")} - {None}

    def download(self, context, role, lang, url, endpoint):
        response = context.request.get(url, max_redirects=5)
        kind = response.headers.get("content-type", "")
        self.endpoint_urls[endpoint].add(url)
        if response.status != 200:
            self.fail(role, lang, "-", url, "status", f"download answered {response.status}")
        elif kind.startswith("text/html"):
            self.fail(role, lang, "-", url, "status", f"a download answered with a page ({kind})")

    def visit(self, context, page, role, lang, url, endpoint, errors):
        errors.clear()
        try:
            response = page.goto(url)
        except Exception as error:  # noqa: BLE001 - a download or a broken page: reported, the crawl goes on
            self.fail(role, lang, "-", url, "status", f"not a page: {str(error).splitlines()[0]}")
            return []
        self.endpoint_urls[endpoint].add(url)
        if response is None or response.status != 200:
            self.fail(role, lang, "-", url, "status", f"answered {response.status if response else 'nothing'}")
            return []
        endpoint = self.endpoint(page.url) or endpoint  # where a redirect led, e.g. the login form
        keys = page.evaluate("__crawl.keys()")
        axe_loaded = False
        current = page.viewport_size["width"]
        for width in sorted(WIDTHS, key=lambda w: w != current):  # the current width first: one resize a page
            if width != current:
                page.set_viewport_size({"width": width, "height": HEIGHT})
            self.visited.add((endpoint, role, width, lang))
            found = page.evaluate("__crawl.overflow()")
            main_key, chrome_key = (keys["main"], width), (keys["chrome"], width)
            if main_key in self.seen and chrome_key in self.seen:
                found += self.seen[main_key] + self.seen[chrome_key]
                self.reused += 1
            else:
                if not axe_loaded:
                    page.evaluate(AXE)
                    axe_loaded = True
                checked = page.evaluate("__crawl.checks()")
                checked += page.evaluate("tags => __crawl.axe(tags)", WCAG_AA)
                self.seen[main_key] = [f for f in checked if f[0]]
                self.seen[chrome_key] = [f for f in checked if not f[0]]
                found += checked
                self.checked += 1
            for _in_main, kind, detail, key in found:
                self.fail(role, lang, width, url, kind, detail, key)
        for error in errors:
            self.fail(role, lang, "-", url, "javascript", error[:200])
        return self.links(page)

    def report(self):
        """The failures grouped by kind, then page and defect, each with where it shows (role/language/width)."""
        grouped = defaultdict(dict)
        for role, lang, width, url, kind, detail, key in self.failures:
            entry = grouped[kind].setdefault((self.endpoint(url) or "?", url, key), [detail, set()])
            if lang == "en":  # the English wording reads for everyone
                entry[0] = detail
            entry[1].add(f"{role}/{lang}/{width}")
        lines = []
        for kind in sorted(grouped):
            lines.append(f"== {kind} ({len(grouped[kind])})")
            for (endpoint, url, _key), (detail, where) in sorted(grouped[kind].items()):
                lines.append(f"- {url} [{endpoint}]: {detail}\n    at {', '.join(sorted(where))}")
        return "\n".join(lines)

    def coverage(self):
        by_role = defaultdict(set)
        for endpoint, role, _width, _lang in self.visited:
            by_role[role].add(endpoint)
        lines = [f"{role}: {len(endpoints)} endpoints: {' '.join(sorted(endpoints))}" for role, endpoints in by_role.items()]
        pages = {rule.endpoint for rule in self.app.url_map.iter_rules() if "GET" in rule.methods}
        reached = {e for e, *_ in self.visited} | set(self.endpoint_urls)
        lines.append(f"GET endpoints no link led to: {' '.join(sorted(pages - reached - set(SKIP_ENDPOINTS)))}")
        return "\n".join(lines)


def test_every_page_for_every_role(app, browser, live_server):
    started = time.monotonic()
    with app.app_context():
        demo.seed()
    seeded = time.monotonic() - started
    crawl = Crawl(app, browser, live_server, _catalogue())
    only = os.environ.get("PBFLOW_CRAWL_ROLES")  # e.g. "resident,expert" while working on one role's pages
    for role, email in ROLES.items():
        if not only or role in only.split(","):
            crawl.crawl(role, email)
    endpoints = {e for e, *_ in crawl.visited}
    summary = (f"visited {len(endpoints)} endpoints, {len(crawl.visited)} endpoint × role × width × language "
               f"combinations, {sum(len(u) for u in crawl.endpoint_urls.values())} addresses in "
               f"{time.monotonic() - started:.0f} s (demo data {seeded:.1f} s)")
    print(summary, f"checked {crawl.checked}, reused {crawl.reused}")
    report = crawl.report()
    if os.environ.get("PBFLOW_CRAWL_REPORT"):  # a file for the whole list
        Path(os.environ["PBFLOW_CRAWL_REPORT"]).write_text(f"{summary}\n{report}\n\n{crawl.coverage()}\n")
    assert not crawl.failures, f"{len(crawl.failures)} failures ({summary}):\n{report}"
