"""SVG badges drawn as PNG, for the places that show no SVG.

Link previews (``og:image`` on LinkedIn, Facebook, X, chat apps) and many
wallets and profile pages take PNG only. An SVG badge is drawn once per
achievement with resvg (a memory-safe renderer that fetches nothing: no
network, no files outside the SVG); each credential then bakes its own copy.

The PNG is the same for the same SVG on the same machine. Its text is drawn
with the fonts installed where the site is built (the generated badge asks
for a common sans-serif), so two machines with different fonts may draw
slightly different pixels; the signed credentials never depend on them.
"""

from __future__ import annotations

import struct

from badgepress.errors import BadgepressError

SIZE = 400  # pixels a side: the generated badge's own size; link previews want at least 200


class RasterError(BadgepressError):
    """An SVG that cannot be drawn."""


def rasterize(svg: bytes, size: int = SIZE) -> bytes:
    """``svg`` drawn as a PNG ``size`` pixels wide (and as high as its shape makes it)."""
    import resvg_py

    try:
        text = svg.decode("utf-8")
        png = bytes(resvg_py.svg_to_bytes(svg_string=text, width=size))
    except (UnicodeDecodeError, ValueError) as err:
        raise RasterError(f"cannot be drawn as PNG: {err}") from None
    return png


def png_size(png: bytes) -> tuple[int, int]:
    """The width and height in a PNG's header (its IHDR chunk)."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        raise RasterError("not a PNG file")
    width, height = struct.unpack(">II", png[16:24])
    return width, height
