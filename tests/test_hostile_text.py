"""A strict build of the hostile program (tests/hostile_support.py): text from YAML and CSV stays text.

Every page of the site is parsed as a browser would: no payload may reach a
script, an event handler, a URL, an iframe or the search index, and each name
must read exactly as typed in the page title, the header, the heading, the
meta tags and the JSON in the page.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as etree
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from badgepress.sign.keys import KeyPair

from .conftest import EPOCH, Build, add_key, copy_program, mkdocs_build
from .hostile_support import (
    ACHIEVEMENT_NAME,
    CAPTION,
    LEARNER,
    LEARNER_NAME,
    NAMES,
    SLUG,
    TAG,
    make_hostile,
)

SITE_NAME = "Northfield Code School Badges"
MARKERS = ("__pwned", "alert(")  # what every payload runs
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "data"}


@dataclass
class Parsed(HTMLParser):
    """What a browser would make of a page: elements, attributes, inline scripts, and a few texts."""

    tags: set[str] = field(default_factory=set)
    attributes: list[tuple[str, str, str]] = field(default_factory=list)
    scripts: list[str] = field(default_factory=list)
    texts: dict[str, list[str]] = field(default_factory=dict)  # title, h1, header topic, recipient
    meta: dict[str, str] = field(default_factory=dict)
    _open: list[tuple[str, str | None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        HTMLParser.__init__(self, convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        values = {name: value or "" for name, value in attrs}
        self.attributes.extend((tag, name, value) for name, value in values.items())
        if tag == "meta" and "property" in values:
            self.meta[values["property"]] = values.get("content", "")
        role = None
        if tag in ("title", "h1", "script"):
            role = tag
        elif tag == "span" and values.get("class") == "bp-recipient":
            role = "recipient"
        elif tag == "div" and values.get("data-md-component") == "header-topic":
            role = "topic"
        if tag not in ("meta", "link", "img", "input", "br", "hr", "source"):
            self._open.append((tag, role))
            if role:
                self.texts.setdefault(role, []).append("")

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            open_tag, _ = self._open.pop()
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        roles = {role for _, role in self._open if role}
        for role in roles:
            self.texts[role][-1] += data
        if "script" in roles:
            self.scripts.append(data)

    def text(self, role: str, index: int = 0) -> str:
        return " ".join(self.texts[role][index].split())


def parse(path: Path) -> Parsed:
    parsed = Parsed()
    parsed.feed(path.read_text(encoding="utf-8"))
    parsed.close()
    return parsed


def _pages(site: Path) -> Iterator[Path]:
    yield from sorted(site.rglob("*.html"))


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory, signing_key: KeyPair) -> Build:
    root = copy_program(tmp_path_factory.mktemp("hostile"))
    make_hostile(root)
    add_key(root, signing_key)
    build = mkdocs_build(root, root / "site", signing_key, {"SOURCE_DATE_EPOCH": EPOCH})
    assert build.returncode == 0, build.output
    assert "WARNING" not in build.output, build.output
    return build


def _credential_pages(site: Path) -> dict[str, Parsed]:
    """The hostile achievement's credential pages, by the recipient's name their heading shows."""
    pages = {}
    for path in sorted((site / "credentials").glob("*/index.html")):
        doc = json.loads(path.parent.with_suffix(".json").read_text(encoding="utf-8"))
        if doc["credentialSubject"]["achievement"]["id"].endswith(f"/achievements/{SLUG}.json"):
            page = parse(path)
            pages[page.text("recipient")] = page
    return pages


def test_no_page_runs_or_links_anything_from_yaml(hostile: Build) -> None:
    pages = list(_pages(hostile.site))
    assert len(pages) > 30
    for path in pages:
        page = parse(path)
        where = path.relative_to(hostile.site)
        assert not page.tags & {"iframe", "object", "embed", "frame", "base"}, where
        for script in page.scripts:
            assert not any(m in script for m in MARKERS), (where, script[:200])
        for tag, name, value in page.attributes:
            if name.startswith("on"):
                raise AssertionError(f"{where}: <{tag} {name}={value!r}>")
            if name in URL_ATTRIBUTES:
                scheme = urlsplit(value.strip()).scheme.lower()
                assert scheme not in {"javascript", "data", "vbscript"}, (where, tag, name, value)
            if name == "style":
                assert "url(" not in value and "__pwned" not in value, (where, tag, value)


def test_every_name_reads_as_typed_on_its_credential_page(hostile: Build) -> None:
    pages = _credential_pages(hostile.site)
    assert set(pages) == {" ".join(name.split()) for name in NAMES}
    for name in NAMES:
        page = pages[" ".join(name.split())]
        title = f"{name} earned {ACHIEVEMENT_NAME}"
        assert page.text("title") == f"{title} - {SITE_NAME}"
        assert page.text("topic") == title  # Material's header
        assert page.text("h1") == " ".join(title.split())
        assert page.meta["og:title"] == title
        assert page.meta["og:image:alt"] == CAPTION


def test_the_achievement_page_shows_its_markup_as_text(hostile: Build) -> None:
    page = parse(hostile.site / "achievements" / SLUG / "index.html")
    assert page.text("title") == f"{ACHIEVEMENT_NAME} - {SITE_NAME}"
    assert page.text("topic") == ACHIEVEMENT_NAME
    assert page.text("h1") == " ".join(ACHIEVEMENT_NAME.split())
    assert page.meta["og:title"] == ACHIEVEMENT_NAME
    html = (hostile.site / "achievements" / SLUG / "index.html").read_text(encoding="utf-8")
    # the criteria's Markdown survives, its raw HTML does not
    assert "Hover here" in html and "<code>&lt;script&gt;</code>" in html
    assert "<svg onload" not in html and "background:url" not in html


def test_the_catalog_and_taxonomy_show_names_and_tags_as_text(hostile: Build) -> None:
    for page_path in ("achievements/index.html", "taxonomy/index.html"):
        html = (hostile.site / page_path).read_text(encoding="utf-8")
        page = parse(hostile.site / page_path)
        assert "Hostile &lt;script&gt;" in html, page_path
        assert "&lt;img src=x onerror=alert(&#39;tag&#39;)&gt;" in html, page_path
        assert ("img", "src", "x") not in page.attributes, page_path
    catalog = parse(hostile.site / "achievements" / "index.html")
    tags = [json.loads(v) for tag, name, v in catalog.attributes if name == "data-tags"]
    assert [TAG] in tags  # the JSON in the card's attribute reads back as the tag


def test_the_learner_record_page_shows_the_name_as_text(hostile: Build) -> None:
    page = parse(hostile.site / "learners" / LEARNER / "index.html")
    assert page.text("title") == f"Learner record of {LEARNER_NAME} - {SITE_NAME}"
    assert page.text("topic") == f"Learner record of {LEARNER_NAME}"
    assert page.text("h1") == LEARNER_NAME


def test_the_search_index_holds_escaped_text_only(hostile: Build) -> None:
    index = json.loads((hostile.site / "search" / "search_index.json").read_text(encoding="utf-8"))
    for doc in index["docs"]:
        for key in ("title", "text"):
            parsed = Parsed()
            parsed.feed(doc[key])
            # Material's index keeps simple formatting (p, code, …) and escapes every text
            assert not parsed.tags & {"script", "img", "svg", "iframe", "a", "div", "style"}, doc
            assert not any(name.startswith("on") for _, name, _ in parsed.attributes), doc
    (entry,) = [d for d in index["docs"] if d["location"] == f"achievements/{SLUG}/"]
    title = Parsed()
    title.feed(f"<title>{entry['title']}</title>")
    assert title.text("title") == ACHIEVEMENT_NAME
    # credential and learner pages stay out of search; their names with them
    locations = [d["location"] for d in index["docs"]]
    assert not any(LEARNER in place or place.startswith("credentials/") for place in locations)


def test_the_generated_badge_image_holds_the_name_as_text(hostile: Build) -> None:
    (svg,) = (hostile.site / "achievements").glob(f"{SLUG}*.svg")
    root = etree.fromstring(svg.read_bytes())
    tags = {element.tag.rsplit("}", 1)[-1] for element in root.iter()}
    assert not tags & {"script", "foreignObject", "iframe"}
    for element in root.iter():
        assert not any(name.startswith("on") for name in element.attrib), element.attrib
    title = next(e for e in root.iter() if e.tag.endswith("title"))
    assert ACHIEVEMENT_NAME in (title.text or "")
