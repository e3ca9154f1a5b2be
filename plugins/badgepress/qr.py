"""QR codes of credential URLs, as SVG to inline in HTML pages.

The ``qrcode`` library computes the symbol and draws it as one SVG path
(``SvgPathImage``). We keep only that path's data and write the ``<svg>``
around it ourselves, because the library's element comes from lxml or from
the standard library's ElementTree depending on what is installed, sizes
itself in millimetres, and gives the path a fixed ``id`` that would repeat
when a page shows two codes.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape, quoteattr

import qrcode
import qrcode.constants
from qrcode.image.svg import SvgPathImage

QUIET_ZONE = 4  # modules of light margin ISO/IEC 18004 asks for around the symbol
_NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


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
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=QUIET_ZONE,
        image_factory=SvgPathImage,
    )
    code.add_data(url)
    code.make(fit=True)
    image = code.make_image()
    assert isinstance(image, SvgPathImage) and image.path is not None
    path = image.path.get("d", "")
    side = code.modules_count + 2 * QUIET_ZONE
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side} {side}" class="badgepress-qr" '
        f'role="img" aria-label={quoteattr(name)}>'
        f"<title>{escape(name)}</title>"
        f'<rect width="{side}" height="{side}" fill="#ffffff"/>'
        f'<path d={quoteattr(path)} fill="#000000" shape-rendering="crispEdges"/>'
        "</svg>"
    )
