"""HTML from text that contributors write: escaped when it is plain text, cleaned when it is Markdown.

Every value of an achievement, award or roster comes from a pull request or a
spreadsheet and is published on the program's own origin, so none of it may
ever become script. Two rules cover every place such text lands:

* plain text (names, titles, captions, tags…) is HTML-escaped: by the
  templates' autoescaping, and for page titles by :func:`title_markup`, whose
  result the theme's templates (which do not autoescape) print as it is;
* Markdown fields (see README, "Security") are rendered to HTML and then
  passed through :func:`clean_html`, an allow-list sanitizer (``nh3``, the
  Python binding of the Rust ``ammonia`` library): only the elements and
  attributes that Markdown and the site's extensions produce are kept (no
  images), and links only to http(s), mail or this site.
"""

from __future__ import annotations

import re
from functools import cache

import nh3
from markupsafe import Markup, escape

# What Markdown (with MkDocs' default extensions, admonition and attr_list) makes, but images:
# a page loads nothing that a contributor points at (an achievement's picture is its `image`).
TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt", "em",
        "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "ins", "kbd", "li", "mark", "ol", "p",
        "pre", "q", "s", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td",
        "tfoot", "th", "thead", "tr", "u", "ul",
    }
)  # fmt: skip
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
ATTRIBUTES: dict[str, set[str]] = {
    "*": {"class"},  # styling only: Material's admonitions, code highlighting, the toc's permalinks
    "a": {"href", "title"},
    "abbr": {"title"},
    "ol": {"start"},
    "td": {"style"},  # the tables extension's column alignment, nothing else (see _keep)
    "th": {"style"},
    **{h: {"id"} for h in _HEADINGS},  # the toc's anchors
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})  # relative URLs (this site) are kept as they are
LINK_REL = "nofollow noopener"  # a link in contributed text is its author's, not the program's
_ALIGN = re.compile(r"text-align:\s*(left|right|center);?")


def _keep(tag: str, attribute: str, value: str) -> str | None:
    """The value an allowed attribute keeps, or None to drop it."""
    if attribute == "style":
        # style may carry url(…) and expressions: only a table cell's alignment survives
        return value if _ALIGN.fullmatch(value.strip()) else None
    if attribute == "id" and value.startswith("__"):
        return None  # the theme's own elements (__search, __drawer…) must stay unique
    return value


def clean_html(html: str) -> str:
    """``html`` with only allow-listed elements, attributes and URL schemes.

    No script or style element (with their content), event handler, iframe,
    form, object, ``style`` other than a table cell's ``text-align``, or
    ``javascript:``/``data:``/``vbscript:`` URL survives; comments are removed.
    """
    return _cleaner().clean(html)


@cache
def _cleaner() -> nh3.Cleaner:
    # Made once: nh3.clean() builds its cleaner on every call, five times the cost of a narrative's cleaning.
    return nh3.Cleaner(
        tags=set(TAGS),
        attributes=ATTRIBUTES,
        attribute_filter=_keep,
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )


def title_markup(text: str) -> Markup:
    """A page title from YAML, escaped once, as the theme's templates expect.

    MkDocs' and Material's templates do not autoescape and print a page title
    as HTML (in ``<title>``, the header and the search index); a
    :class:`~markupsafe.Markup` prints escaped there and is not escaped twice
    by Badgepress' own, autoescaping templates.
    """
    return escape(text)
