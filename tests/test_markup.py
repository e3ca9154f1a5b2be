"""Text from YAML as HTML: the allow-list sanitizer, escaped titles, and front matter that holds any value."""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
import pytest
from hypothesis import given
from hypothesis import strategies as st
from jinja2 import nodes
from mkdocs.utils.meta import get_data

from badgepress.publish.markup import clean_html, title_markup
from badgepress.publish.pages import render_markdown
from badgepress.publish.site import yaml_str as _yaml_str

REL = 'rel="nofollow noopener"'
ADMONITION = '<div class="admonition note"><p class="admonition-title">Note</p></div>'


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (
            "<p>Plain <em>words</em>, <code>code</code>.</p>",
            "<p>Plain <em>words</em>, <code>code</code>.</p>",
        ),
        ("<script>window.__pwned = 1</script>kept", "kept"),
        ("<style>body { background: url(//x) }</style>kept", "kept"),
        ('<p onclick="alert(1)" onmouseover="alert(2)">p</p>', "<p>p</p>"),
        ('<img src="x" onerror="alert(1)">', ""),  # no images: a page loads nothing a contributor names
        ('<iframe src="https://example.org/"></iframe>x', "x"),
        ('<object data="x.swf"></object><embed src="x.swf">x', "x"),
        ('<form action="https://example.org/"><input name="q"></form>x', "x"),
        ('<svg onload="alert(1)"><script>alert(2)</script></svg>x', "x"),
        ('<math><mi xlink:href="javascript:alert(1)">m</mi></math>', ""),
        ('<a href="javascript:alert(1)">x</a>', f"<a {REL}>x</a>"),
        ('<a href=" JaVaScRiPt:alert(1)">x</a>', f"<a {REL}>x</a>"),
        ('<a href="java&#x09;script:alert(1)">x</a>', f"<a {REL}>x</a>"),
        ('<a href="vbscript:msgbox(1)">x</a>', f"<a {REL}>x</a>"),
        ('<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">x</a>', f"<a {REL}>x</a>"),
        (
            '<a href="https://e.org/" target="_blank" rel="opener">x</a>',
            f'<a href="https://e.org/" {REL}>x</a>',
        ),
        ('<a href="mailto:a@example.org">x</a>', f'<a href="mailto:a@example.org" {REL}>x</a>'),
        ('<a href="../../issuer/#keys">x</a>', f'<a href="../../issuer/#keys" {REL}>x</a>'),
        ('<p style="background: url(https://tracker.example/p.png)">p</p>', "<p>p</p>"),
        ('<div style="position: fixed; top: 0">overlay</div>', "<div>overlay</div>"),
        (
            '<table><tr><th style="text-align: center;">h</th><td style="color: red">d</td></tr></table>',
            '<table><tbody><tr><th style="text-align: center;">h</th><td>d</td></tr></tbody></table>',
        ),
        ('<h2 id="how-to-earn-it">How</h2>', '<h2 id="how-to-earn-it">How</h2>'),
        ('<h2 id="__search">clobber</h2><p id="x">p</p>', "<h2>clobber</h2><p>p</p>"),
        (ADMONITION, ADMONITION),
        ("a<!-- <script>alert(1)</script> -->b", "ab"),
        ("<p>unclosed <b>bold", "<p>unclosed <b>bold</b></p>"),
        ("&lt;script&gt; stays text", "&lt;script&gt; stays text"),
    ],
)
def test_clean_html_keeps_only_the_allow_list(html: str, expected: str) -> None:
    assert clean_html(html) == expected


@pytest.mark.parametrize(
    "markdown",
    [
        '[x](https://example.org/){onclick="alert(1)"}',  # attr_list, on in the example site
        '# Title {: onmouseover="alert(1)" style="color: red" }',
        "[x](javascript:alert(1) 'title')",
        "<div markdown>\n<script>alert(1)</script>\n</div>",
    ],
)
def test_markdown_with_site_extensions_is_cleaned(markdown: str) -> None:
    import markdown as md

    html = clean_html(md.markdown(markdown, extensions=["attr_list", "admonition", "md_in_html"]))
    for bad in ("onclick", "onmouseover", "style=", "javascript:", "<script"):
        assert bad not in html.lower(), html


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("<a href='x' onclick='f()'>raw</a>", "<p>&lt;a href='x' onclick='f()'&gt;raw&lt;/a&gt;</p>"),
        (
            '[x](https://e.org/){onclick="alert(1)"}',
            f'<p><a href="https://e.org/" {REL}>x</a>{{onclick="alert(1)"}}</p>',
        ),
    ],
)
def test_narratives_show_raw_html_as_text(markdown: str, expected: str) -> None:
    assert render_markdown(markdown) == expected


NAMES = [
    "<script>window.__pwned = 1</script>",
    '"><img src=x onerror=alert(1)>',
    "&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;",
    "Zoë O'Brien & Co",
]


@pytest.mark.parametrize("name", NAMES)
def test_a_title_prints_as_text_with_and_without_autoescaping(name: str) -> None:
    title = title_markup(name)
    # Material's templates (no autoescaping) print a page title as it is, in <title> and the header
    plain = jinja2.Environment(autoescape=False).from_string("<title>{{ t }}</title>").render(t=title)
    # Badgepress' templates autoescape, and must not escape it twice
    escaping = jinja2.Environment(autoescape=True).from_string("<h1>{{ t }}</h1>").render(t=title)
    assert plain == f"<title>{title}</title>"
    assert escaping == f"<h1>{title}</h1>"
    assert "<" not in str(title) and '"' not in str(title)
    assert title.unescape() == name


@given(st.text())
def test_front_matter_title_holds_any_text(title: str) -> None:
    source = f"---\ntemplate: badgepress/credential.html\ntitle: {_yaml_str(title)}\n---\n\nbody\n"
    body, meta = get_data(source)
    assert meta == {"template": "badgepress/credential.html", "title": title}
    assert body == "body\n"


def test_a_title_cannot_end_the_front_matter() -> None:
    title = 'x"\n---\n<script>alert(1)</script>\n'
    body, meta = get_data(f"---\ntitle: {_yaml_str(title)}\n---\n\nbody\n")
    assert meta["title"] == title
    assert "<script>" not in body


# ---------------------------------------------------------------- the templates


TEMPLATES = Path(__file__).resolve().parent.parent / "plugins" / "badgepress" / "templates" / "badgepress"
# HTML Badgepress made safe: page bodies (cleaned by the plugin, or its own), cleaned Markdown, QR SVG
SAFE_HTML = re.compile(r"page\.content|[\w.]+_html|bp\.qr")
# what may print without autoescaping: the theme's blocks and values, and an escaped title
UNESCAPED_OK = re.compile(r"super\(\)|page\.content|page\.title|base_url|config\.[\w.]+")


def _walk(node: nodes.Node, escaped: bool, found: list[tuple[str, bool]]) -> None:
    if isinstance(node, nodes.ScopedEvalContextModifier):
        for option in node.options:
            if option.key == "autoescape" and isinstance(option.value, nodes.Const):
                escaped = bool(option.value.value)
    if isinstance(node, nodes.Filter) and node.name == "safe":
        found.append(("safe " + _source(node.node), escaped))
    if isinstance(node, nodes.Output):
        for child in node.nodes:
            if not isinstance(child, nodes.TemplateData):
                found.append((_source(child), escaped))
    for child in node.iter_child_nodes():
        _walk(child, escaped, found)


def _source(node: nodes.Node) -> str:
    """An expression as dotted text: bp.narrative_html, page.title (enough to name what is printed)."""
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_source(node.node)}.{node.attr}"
    if isinstance(node, nodes.Call):
        return f"{_source(node.node)}()"
    if isinstance(node, nodes.Filter | nodes.Test):
        return _source(node.node) if node.node is not None else node.name
    return type(node).__name__


@pytest.mark.parametrize(
    "template", sorted(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.html"))
)
def test_templates_escape_everything_but_cleaned_html(template: str) -> None:
    source = (TEMPLATES / template).read_text(encoding="utf-8")
    found: list[tuple[str, bool]] = []
    _walk(jinja2.Environment().parse(source), False, found)
    for expression, escaped in found:
        if expression.startswith("safe "):
            assert SAFE_HTML.fullmatch(expression[5:]), f"{template}: |safe on {expression[5:]}"
        elif not escaped:
            assert UNESCAPED_OK.fullmatch(expression), f"{template}: {expression} printed without autoescape"


def test_the_template_check_sees_unescaped_and_safe_output() -> None:
    found: list[tuple[str, bool]] = []
    source = (
        "{{ bp.display_name }}{% autoescape true %}{{ card.name }}{{ card.description | safe }}"
        "{% endautoescape %}"
    )
    _walk(jinja2.Environment().parse(source), False, found)
    assert found == [
        ("bp.display_name", False),
        ("card.name", True),
        ("card.description", True),
        ("safe card.description", True),
    ]
