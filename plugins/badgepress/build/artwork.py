"""Default badge artwork: a rosette medal with ribbon tails, drawn as SVG.

Used for achievements that bring no image of their own. The output is a pure
function of the arguments (same input, same bytes), so rebuilding a site never
changes a badge image and so never changes a baked credential.

No font metrics are available when a site is built, so line widths are
estimated from per-character widths of a bold sans-serif (Helvetica Bold's
metrics, approximately); the layout keeps a margin for fonts that run
wider. Every text colour meets WCAG 2.2's 4.5:1 contrast minimum against the
colours behind it: automatic colours are chosen to, and an explicit colour that
does not is refused.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import re
import unicodedata
from xml.sax.saxutils import escape, quoteattr

SIZE = 400  # the viewBox is 0 0 SIZE SIZE
MIN_CONTRAST = 4.5  # WCAG 2.2 SC 1.4.3, level AA, normal-size text
LIGHT_TEXT = "#ffffff"
DARK_TEXT = "#1a1a1a"

_HEX = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")
_NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"

# Medal geometry, in viewBox units.
_CX, _CY = 200, 175
_ROSETTE_OUTER, _ROSETTE_INNER, _ROSETTE_POINTS = 168, 157, 36
_DISC, _RING = 149, 134
_NAME_WIDTH = 210  # widest line of the name
_NAME_HEIGHT = 150  # tallest block of name lines
_NAME_SIZES = (20, 44)  # smallest and largest font size of the name
_LINE_HEIGHT = 1.15
_SUBTITLE_WIDTH = 244
_SUBTITLE_SIZES = (13, 20)

# Advance widths of Helvetica Bold in em, rounded up; other characters fall back by category.
_WIDTHS = {
    **dict.fromkeys("ijl'|", 0.28),
    **dict.fromkeys(".,:;!I `", 0.33),
    **dict.fromkeys('ftr()[]-/\\"', 0.40),
    **dict.fromkeys("abcdeghknopqsuvxyz0123456789?$_#", 0.62),
    **dict.fromkeys("JLFTZ*", 0.62),
    **dict.fromkeys("ABEKPSVXYR&", 0.73),
    **dict.fromkeys("CDHNU", 0.73),
    **dict.fromkeys("GOQ", 0.78),
    **dict.fromkeys("mwMW%@", 0.95),
}


# ----------------------------------------------------------------------------- colour


def parse_color(value: object, field: str = "colour") -> str:
    """``value`` as a lowercase ``#rrggbb``; ValueError unless it is a CSS ``#rgb`` or ``#rrggbb``."""
    if not isinstance(value, str) or not _HEX.fullmatch(value):
        raise ValueError(
            f"{field}: {value!r} is not a CSS hex colour (expected #rgb or #rrggbb, e.g. #3f51b5)"
        )
    digits = value[1:].lower()
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return "#" + digits


def relative_luminance(color: str) -> float:
    """WCAG 2.2 relative luminance of a hex colour, from 0 (black) to 1 (white)."""
    hexa = parse_color(color)

    def linear(channel: str) -> float:
        c = int(channel, 16) / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(hexa[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(fg: str, bg: str) -> float:
    """WCAG 2.2 contrast ratio of two hex colours, from 1 to 21 (order does not matter)."""
    hi, lo = sorted((relative_luminance(fg), relative_luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def readable_text_color(background: str) -> str:
    """White or near-black, whichever contrasts more with ``background``; black if neither reaches 4.5:1."""
    best = max((LIGHT_TEXT, DARK_TEXT), key=lambda c: contrast_ratio(c, background))
    # Near-black falls short of 4.5:1 on mid-tones where white does too; pure black never does.
    return best if contrast_ratio(best, background) >= MIN_CONTRAST else "#000000"


def _mix(color: str, other: str, amount: float) -> str:
    a, b = parse_color(color), parse_color(other)
    channels = (
        round(int(a[i : i + 2], 16) * (1 - amount) + int(b[i : i + 2], 16) * amount) for i in (1, 3, 5)
    )
    return "#" + "".join(f"{c:02x}" for c in channels)


# ----------------------------------------------------------------------------- text layout


def _clean(text: str) -> str:
    return " ".join(_NOT_XML_CHAR.sub("", unicodedata.normalize("NFC", text)).split())


def _char_width(char: str) -> float:
    if char in _WIDTHS:
        return _WIDTHS[char]
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.0
    if unicodedata.combining(char):
        return 0.0
    base = unicodedata.normalize("NFD", char)[0]
    if base in _WIDTHS:
        return _WIDTHS[base]
    return 0.75 if char.isupper() else 0.66


def text_width(text: str, size: float) -> float:
    """Estimated advance width of ``text`` set in a bold sans-serif at ``size``."""
    return sum(_char_width(c) for c in text) * size


def _best_lines(words: list[str], count: int) -> tuple[list[str], float]:
    """The split of ``words`` into ``count`` lines with the narrowest widest line, and its width at size 1."""
    best: tuple[list[str], float] = ([], math.inf)
    for cut in itertools.combinations(range(1, len(words)), count - 1):
        bounds = (0, *cut, len(words))
        lines = [" ".join(words[a:b]) for a, b in itertools.pairwise(bounds)]
        widest = max(text_width(line, 1) for line in lines)
        if widest < best[1]:
            best = (lines, widest)
    return best


def layout_name(name: str) -> tuple[list[str], float] | None:
    """The name's lines (at most 3) and font size, or None when it needs a monogram instead."""
    words = _clean(name).split()
    smallest, largest = _NAME_SIZES
    choice: tuple[list[str], float] | None = None
    if text_width(" ".join(words), smallest) > 3 * _NAME_WIDTH:
        return None  # cannot fit, and would make the search below slow
    for count in range(1, min(3, len(words)) + 1):
        lines, widest = _best_lines(words, count)
        size = min(largest, _NAME_WIDTH / widest, _NAME_HEIGHT / (count * _LINE_HEIGHT))
        size = math.floor(size * 2) / 2
        if size >= smallest and (choice is None or size > choice[1]):
            choice = (lines, size)
    return choice


def monogram(name: str) -> str:
    """Up to three initials of the name's words, for names too long to set in full."""
    initials = [next((c for c in word if c.isalnum()), "") for word in _clean(name).split()]
    return "".join(initials).upper()[:3] or _clean(name)[:1]


def _fit_subtitle(subtitle: str) -> tuple[str, float]:
    smallest, largest = _SUBTITLE_SIZES
    for size in range(largest, smallest - 1, -1):
        if text_width(subtitle, size) <= _SUBTITLE_WIDTH:
            return subtitle, size
    while subtitle and text_width(subtitle + "…", smallest) > _SUBTITLE_WIDTH:
        subtitle = subtitle[:-1]
    return subtitle.rstrip() + "…", smallest


# ----------------------------------------------------------------------------- drawing


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _points(points: list[tuple[float, float]]) -> str:
    return " ".join(f"{_num(x)},{_num(y)}" for x, y in points)


def _mirror(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    return [(SIZE - x, y) for x, y in points]


def _rosette() -> list[tuple[float, float]]:
    steps = _ROSETTE_POINTS * 2
    return [
        (
            _CX + r * math.sin(2 * math.pi * k / steps),
            _CY - r * math.cos(2 * math.pi * k / steps),
        )
        for k in range(steps)
        for r in [_ROSETTE_OUTER if k % 2 == 0 else _ROSETTE_INNER]
    ]


def _star(cx: float, cy: float, outer: float) -> list[tuple[float, float]]:
    inner = outer * 0.45
    return [
        (cx + r * math.sin(math.pi * k / 5), cy - r * math.cos(math.pi * k / 5))
        for k in range(10)
        for r in [outer if k % 2 == 0 else inner]
    ]


def _text(x: float, y: float, size: float, content: str, **attrs: str) -> str:
    extra = "".join(f" {k.replace('_', '-')}={quoteattr(v)}" for k, v in attrs.items())
    # The baseline sits 0.35 em below the line's middle, which centres capital letters on it.
    baseline = _num(y + 0.35 * size)
    return f'<text x="{_num(x)}" y="{baseline}" font-size="{_num(size)}"{extra}>{escape(content)}</text>'


def default_badge_svg(
    name: str,
    *,
    primary: str = "#3f51b5",
    accent: str = "#ffc107",
    text: str | None = None,
    subtitle: str = "",
) -> str:
    """A 400×400 SVG medal showing ``name``, and ``subtitle`` on a banner; no XML declaration.

    ``primary`` fills the medal, ``accent`` the rosette, ribbon and banner.
    ``text`` is the colour of the name; None picks white or near-black for
    contrast (white on the default primary). ValueError for a colour that is
    not ``#rgb``/``#rrggbb``, an explicit ``text`` under 4.5:1 against
    ``primary``, or an empty name. Names too long for three lines show as a
    monogram of their initials; the full name is always the ``<title>``.
    """
    primary = parse_color(primary, "primary")
    accent = parse_color(accent, "accent")
    if text is None:
        text = readable_text_color(primary)
    else:
        text = parse_color(text, "text")
        ratio = contrast_ratio(text, primary)
        if ratio < MIN_CONTRAST:
            raise ValueError(
                f"text: colour {text} on primary {primary} has contrast {ratio:.2f}:1, below the "
                f"{MIN_CONTRAST}:1 minimum (WCAG AA); choose another colour, or omit it to pick one"
            )
    if not isinstance(name, str) or not _clean(name):
        raise ValueError(f"name: a badge needs a non-empty name, got {name!r}")
    title = _clean(name)
    subtitle = _clean(subtitle or "")
    banner_text = readable_text_color(accent)
    ribbon = _mix(accent, "#000000", 0.18)
    fold = _mix(accent, "#000000", 0.32)
    # The disc's gradient moves away from the text's luminance, so contrast only grows from `primary`.
    if relative_luminance(text) > relative_luminance(primary):
        top, bottom = primary, _mix(primary, "#000000", 0.22)
    else:
        top, bottom = _mix(primary, "#ffffff", 0.22), primary
    key = repr((title, primary, accent, text, subtitle)).encode()
    uid = "bp-" + hashlib.sha256(key).hexdigest()[:10]

    tail = [(146.0, 250.0), (198.0, 262.0), (168.0, 390.0), (147.0, 366.0), (116.0, 380.0)]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" height="{SIZE}" '
        f'viewBox="0 0 {SIZE} {SIZE}" role="img" aria-labelledby="{uid}-title">',
        f'<title id="{uid}-title">{escape(title)}</title>',
    ]
    if subtitle:
        parts.append(f"<desc>{escape(subtitle)}</desc>")
    parts += [
        f'<defs><linearGradient id="{uid}-disc" x1="0" y1="0" x2="0" y2="1">'
        f'<stop offset="0" stop-color="{top}"/><stop offset="1" stop-color="{bottom}"/>'
        "</linearGradient></defs>",
        f'<polygon points="{_points(tail)}" fill="{ribbon}"/>',
        f'<polygon points="{_points(_mirror(tail))}" fill="{ribbon}"/>',
        f'<polygon points="{_points(_rosette())}" fill="{accent}"/>',
        f'<circle cx="{_CX}" cy="{_CY}" r="{_DISC + 2}" fill="{fold}"/>',
        f'<circle cx="{_CX}" cy="{_CY}" r="{_DISC}" fill="url(#{uid}-disc)"/>',
        f'<circle cx="{_CX}" cy="{_CY}" r="{_RING}" fill="none" stroke="{text}" '
        'stroke-opacity="0.45" stroke-width="2.5"/>',
    ]

    name_centre = _CY - 8 if subtitle else _CY + 4
    layout = layout_name(title)
    parts.append(f'<g font-family="{_FONT}" font-weight="700" text-anchor="middle" fill="{text}">')
    if layout is None:
        letters = monogram(title)
        size = min(110.0, math.floor(_NAME_WIDTH / text_width(letters, 1)))
        parts.append(_text(_CX, name_centre, size, letters, letter_spacing="2"))
    else:
        lines, size = layout
        first = name_centre - (len(lines) - 1) * size * _LINE_HEIGHT / 2
        parts += [_text(_CX, first + i * size * _LINE_HEIGHT, size, line) for i, line in enumerate(lines)]
    parts.append(f'<polygon points="{_points(_star(_CX, 74, 11))}"/>')
    parts.append("</g>")

    if subtitle:
        shown, size = _fit_subtitle(subtitle)
        left_fold = [(36.0, 272.0), (86.0, 272.0), (86.0, 314.0), (36.0, 314.0), (52.0, 293.0)]
        parts += [
            f'<polygon points="{_points(left_fold)}" fill="{fold}"/>',
            f'<polygon points="{_points(_mirror(left_fold))}" fill="{fold}"/>',
            f'<rect x="62" y="264" width="{SIZE - 124}" height="42" rx="3" fill="{accent}"/>',
            _text(
                _CX,
                285,
                size,
                shown,
                font_family=_FONT,
                font_weight="600",
                text_anchor="middle",
                fill=banner_text,
            ),
        ]
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
