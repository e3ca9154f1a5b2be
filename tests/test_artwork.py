"""Default badge artwork: valid, deterministic, escaped, readable SVG."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from badgepress.build.artwork import (
    DARK_TEXT,
    LIGHT_TEXT,
    MIN_CONTRAST,
    contrast_ratio,
    default_badge_svg,
    layout_name,
    monogram,
    parse_color,
    readable_text_color,
    relative_luminance,
    text_width,
)

NS = {"svg": "http://www.w3.org/2000/svg"}
HEX = st.integers(0, 0xFFFFFF).map(lambda n: f"#{n:06x}")


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return root


def name_lines(root: ET.Element) -> list[str]:
    group = root.find("svg:g", NS)
    assert group is not None
    return [t.text or "" for t in group.findall("svg:text", NS)]


def text_on_backgrounds(root: ET.Element) -> list[tuple[str, str]]:
    """(text colour, background colour) for every text and the colours behind it."""
    group = root.find("svg:g", NS)
    assert group is not None
    pairs = [(group.get("fill", ""), stop.get("stop-color", "")) for stop in root.iterfind(".//svg:stop", NS)]
    banner = root.find("svg:rect", NS)
    subtitle = root.find("svg:text", NS)
    if banner is not None and subtitle is not None:
        pairs.append((subtitle.get("fill", ""), banner.get("fill", "")))
    return pairs


# ----------------------------------------------------------------------------- colour


def test_contrast_known_values() -> None:
    assert contrast_ratio("#ffffff", "#000000") == pytest.approx(21)
    assert contrast_ratio("#000", "#fff") == pytest.approx(21)
    assert contrast_ratio("#3f51b5", "#3f51b5") == pytest.approx(1)
    # A classic near miss: #777 on white is 4.48:1, below AA.
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert relative_luminance("#ffffff") == pytest.approx(1)
    assert relative_luminance("#000000") == 0


@pytest.mark.parametrize("value", ["#ABC", "#aabbcc", "#AaBbCc"])
def test_parse_color_normalises(value: str) -> None:
    assert parse_color(value) == "#aabbcc"


@pytest.mark.parametrize(
    "value", ["red", "#12", "#1234", "#12345g", "3f51b5", "#3f51b5ff", " #3f51b5", "", None, 0]
)
def test_invalid_colours_are_refused(value: object) -> None:
    with pytest.raises(ValueError, match="hex colour"):
        parse_color(value)
    for option in ("primary", "accent", "text"):
        if option == "text" and value is None:
            continue  # text=None means "pick one"
        with pytest.raises(ValueError, match=option):
            default_badge_svg("Teamwork", **{option: value})  # type: ignore[arg-type]


@given(HEX)
def test_readable_text_color_always_meets_aa(background: str) -> None:
    assert contrast_ratio(readable_text_color(background), background) >= MIN_CONTRAST


def test_readable_text_color_prefers_white_or_near_black() -> None:
    assert readable_text_color("#3f51b5") == LIGHT_TEXT
    assert readable_text_color("#ffc107") == DARK_TEXT
    assert readable_text_color("#777777") == "#000000"  # neither reaches 4.5:1 on this grey


# ----------------------------------------------------------------------------- the SVG


def test_default_badge_is_valid_accessible_svg() -> None:
    svg = default_badge_svg("Teamwork", subtitle="Badge")
    assert svg.startswith("<svg ")  # no XML declaration: it can be inlined as well as saved
    root = parse(svg)
    assert (root.get("width"), root.get("height"), root.get("viewBox")) == ("400", "400", "0 0 400 400")
    assert root.get("role") == "img"
    title = root.find("svg:title", NS)
    assert title is not None and title.text == "Teamwork"
    assert root.get("aria-labelledby") == title.get("id")
    assert root.findtext("svg:desc", namespaces=NS) == "Badge"
    assert name_lines(root) == ["Teamwork"]


def test_default_colours_meet_aa() -> None:
    root = parse(default_badge_svg("Teamwork", subtitle="Course"))
    pairs = text_on_backgrounds(root)
    assert ("#ffffff", "#3f51b5") in pairs
    assert len(pairs) == 3
    for fg, bg in pairs:
        assert contrast_ratio(fg, bg) >= MIN_CONTRAST, (fg, bg)


@settings(max_examples=60, deadline=None)
@given(primary=HEX, accent=HEX)
def test_generated_text_colours_meet_aa(primary: str, accent: str) -> None:
    root = parse(default_badge_svg("Data Science", primary=primary, accent=accent, subtitle="Course"))
    pairs = text_on_backgrounds(root)
    assert len(pairs) == 3
    for fg, bg in pairs:
        assert contrast_ratio(fg, bg) >= MIN_CONTRAST, (fg, bg)


def test_explicit_text_colour_is_used_or_refused() -> None:
    root = parse(default_badge_svg("Teamwork", primary="#ffc107", text="#000"))
    assert text_on_backgrounds(root)[0][0] == "#000000"
    with pytest.raises(ValueError, match=r"contrast 1\.\d+:1"):
        default_badge_svg("Teamwork", primary="#ffc107", text="#ffffff")


def test_output_is_deterministic_and_depends_on_input() -> None:
    kwargs = {"primary": "#1b5e20", "accent": "#eeeeee", "subtitle": "Certificate"}
    first = default_badge_svg("Climate Science", **kwargs)
    assert default_badge_svg("Climate Science", **kwargs) == first
    assert default_badge_svg("Climate Sciences", **kwargs) != first


@pytest.mark.parametrize(
    "name",
    [
        "<script>alert(1)</script>",
        'Tom & Jerry\'s "<b>best</b>" ]]> badge',
        "</text></svg><script>x()</script>",
    ],
)
def test_names_are_escaped(name: str) -> None:
    svg = default_badge_svg(name, subtitle=name)
    assert "<script" not in svg and "<b>" not in svg
    root = parse(svg)
    assert root.findtext("svg:title", namespaces=NS) == name
    assert root.findtext("svg:desc", namespaces=NS) == name
    assert not any(el.tag.endswith("script") for el in root.iter())


def test_control_characters_and_spacing_are_cleaned() -> None:
    root = parse(default_badge_svg("  Team\x00work \x1b\n  Skills\ufffe "))
    assert root.findtext("svg:title", namespaces=NS) == "Teamwork Skills"


@pytest.mark.parametrize("name", ["", "   ", "\x00", None])
def test_empty_name_is_refused(name: object) -> None:
    with pytest.raises(ValueError, match="name"):
        default_badge_svg(name)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- layout


@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("Teamwork", 1),
        ("Introduction to Python Programming", 3),
        ("Public Speaking", 2),  # two lines allow a larger font than one
        ("Leadership in Open Source Communities", 3),
    ],
)
def test_names_wrap_to_fit(name: str, count: int) -> None:
    layout = layout_name(name)
    assert layout is not None
    lines, size = layout
    assert len(lines) == count
    assert " ".join(lines) == name
    assert 20 <= size <= 44
    assert all(text_width(line, size) <= 210 for line in lines)
    assert name_lines(parse(default_badge_svg(name))) == lines


def test_very_long_names_become_a_monogram() -> None:
    name = "Advanced Machine Learning for Climate Science and Sustainable Engineering Practice"
    assert layout_name(name) is None
    root = parse(default_badge_svg(name))
    assert name_lines(root) == ["AML"]
    assert root.findtext("svg:title", namespaces=NS) == name  # the full name stays accessible


@pytest.mark.parametrize(
    ("name", "letters"),
    [("advanced machine learning", "AML"), ("(Advanced) Python", "AP"), ("a b c d e", "ABC"), ("— —", "—")],
)
def test_monogram(name: str, letters: str) -> None:
    assert monogram(name) == letters


def test_long_subtitle_is_shortened() -> None:
    subtitle = "Community Recognition Award For Outstanding Volunteers In The Region"
    root = parse(default_badge_svg("Mentor", subtitle=subtitle))
    shown = root.find("svg:text", NS)
    assert shown is not None and shown.text is not None
    assert shown.text.endswith("…") and subtitle.startswith(shown.text[:-1])
    assert root.findtext("svg:desc", namespaces=NS) == subtitle


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=200), st.text(max_size=80))
def test_any_text_gives_valid_svg_with_at_most_three_lines(name: str, subtitle: str) -> None:
    try:
        svg = default_badge_svg(name, subtitle=subtitle)
    except ValueError:
        assert not "".join(ch for ch in name if ch.isprintable()).strip()
        return
    assert 1 <= len(name_lines(parse(svg))) <= 3
