"""Markdown that contributors write in award and endorsement files, as safe HTML for the pages."""

from __future__ import annotations

import xml.etree.ElementTree as etree
from functools import cache
from urllib.parse import urlsplit

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from badgepress.publish.markup import clean_html


class _SafeLinks(Treeprocessor):
    """Keep only web and mail links, and mark them as the author's, not the program's."""

    def run(self, root: etree.Element) -> None:
        for link in root.iter("a"):
            href = link.get("href", "")
            if urlsplit(href.strip()).scheme.lower() not in {"http", "https", "mailto"}:
                link.attrib.pop("href", None)
            else:
                link.set("rel", "nofollow noopener")


class _TextOnly(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.deregister("html_block")
        for pattern in ("html", "image_link", "image_reference", "short_image_ref"):
            md.inlinePatterns.deregister(pattern)
        md.treeprocessors.register(_SafeLinks(md), "bp_safe_links", 0)


def render_markdown(text: str | None) -> str:
    """Markdown written in award files (narratives) as safe HTML.

    Raw HTML is shown as text, images are not loaded, and links keep only
    http(s) and mailto targets: the text comes from a pull request, but a
    credential page must never run or embed anything from it. The HTML is
    then cleaned (``markup.clean_html``), the rule for every Markdown field.
    """
    if not text or not text.strip():
        return ""
    return clean_html(_markdown().reset().convert(text))


@cache
def _markdown() -> markdown.Markdown:
    # Building a converter costs about ten conversions of a narrative; reset() clears its state.
    return markdown.Markdown(extensions=[_TextOnly()])
