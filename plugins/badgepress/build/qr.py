"""QR codes of credential URLs, as SVG to inline in HTML pages.

``zxing-cpp`` (its writer is Zint, in C) encodes the symbol, choosing the
mask by the standard's penalty rules, in about a quarter of a millisecond;
the pure-Python encoders took 5 to 13 ms, which was most of a 10,000-award
build. We take its module matrix and draw one SVG path ourselves, a unit
rectangle per run of dark modules, so that the markup is ours: no XML
declaration, no fixed ``id`` that would repeat when a page shows two codes,
and no size in absolute units.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape, quoteattr

import zxingcpp

QUIET_ZONE = 4  # modules of light margin ISO/IEC 18004 asks for around the symbol
ERROR_CORRECTION = "M"  # recovers about 15% of the symbol: a phone photo of a printed page
_NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_DARK_RUN = re.compile(b"\x00+")  # zxing-cpp's image: one byte a module, 0 for dark


def qr_matrix(text: str) -> list[bytes]:
    """The symbol's rows, without quiet zone: one byte a module, ``0`` dark and ``255`` light."""
    code = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level=ERROR_CORRECTION)
    pixels = memoryview(code.to_image(scale=1, add_quiet_zones=False))  # type: ignore[arg-type]  # a buffer
    rows, columns = pixels.shape or (0, 0)
    raw = pixels.tobytes()
    return [raw[row * columns : (row + 1) * columns] for row in range(rows)]


def qr_svg(url: str, *, label: str | None = None) -> str:
    """An inline ``<svg>`` QR code of ``url``: no XML declaration, scalable, same output for the same input.

    ``label`` is its accessible name (``aria-label`` and ``<title>``); the
    default is "QR code for <url>". The light background is drawn, so the
    code stays readable on a dark page. The element has no width or height:
    size it with CSS (class ``badgepress-qr``).
    """
    if not isinstance(url, str) or not url.strip():
        raise ValueError(f"a QR code needs a non-empty URL, got {url!r}")
    name = label if label is not None else f"QR code for {url}"
    if _NOT_XML_CHAR.search(name):
        raise ValueError(f"the QR code's label has a control character XML cannot carry: {name!r}")
    rows = qr_matrix(url)
    path = "".join(
        f"M{run.start() + QUIET_ZONE},{y + QUIET_ZONE}h{len(run[0])}v1h-{len(run[0])}z"
        for y, row in enumerate(rows)
        for run in _DARK_RUN.finditer(row)
    )
    side = len(rows) + 2 * QUIET_ZONE
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side} {side}" class="badgepress-qr" '
        f'role="img" aria-label={quoteattr(name)}>'
        f"<title>{escape(name)}</title>"
        f'<rect width="{side}" height="{side}" fill="#ffffff"/>'
        f'<path d="{path}" fill="#000000" shape-rendering="crispEdges"/>'
        "</svg>"
    )
