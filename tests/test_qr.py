"""Inline SVG QR codes of credential URLs."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
import zxingcpp

from badgepress.build.qr import QUIET_ZONE, qr_matrix, qr_svg

URL = "https://badges.example.org/credentials/8f1c2a/"
NS = {"svg": "http://www.w3.org/2000/svg"}


def test_qr_svg_is_inline_accessible_svg() -> None:
    svg = qr_svg(URL)
    assert svg.startswith("<svg ")  # no XML declaration, so it can sit inside HTML
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("role") == "img"
    assert root.get("aria-label") == f"QR code for {URL}"
    assert root.findtext("svg:title", namespaces=NS) == f"QR code for {URL}"
    assert root.find("svg:path", NS) is not None
    assert "id=" not in svg  # nothing that would repeat when a page shows two codes


def test_qr_svg_is_deterministic() -> None:
    assert qr_svg(URL) == qr_svg(URL)
    assert qr_svg(URL) != qr_svg(URL + "x")


def _raster(svg: str, scale: int = 4) -> tuple[memoryview, int]:
    """The SVG drawn as a grayscale image (one byte a pixel), from its path's unit-high runs."""
    root = ET.fromstring(svg)
    side = int(root.get("viewBox", "").split()[2])
    path = root.find("svg:path", NS)
    assert path is not None
    pixels = bytearray(b"\xff" * (side * scale) ** 2)
    d = path.get("d", "")
    runs = re.findall(r"M(\d+),(\d+)h(\d+)v1h-(\d+)z", d)
    assert "".join(f"M{x},{y}h{w}v1h-{w2}z" for x, y, w, w2 in runs) == d  # nothing else in the path
    for x, y, width, back in runs:
        assert width == back
        x0, y0, w = int(x), int(y), int(width)
        assert x0 >= QUIET_ZONE and x0 + w <= side - QUIET_ZONE, "a dark module in the quiet zone"
        assert QUIET_ZONE <= y0 < side - QUIET_ZONE, "a dark module in the quiet zone"
        for row in range(y0 * scale, (y0 + 1) * scale):
            start = row * side * scale + x0 * scale
            pixels[start : start + w * scale] = b"\x00" * (w * scale)
    return memoryview(bytes(pixels)).cast("B", (side * scale, side * scale)), side


@pytest.mark.parametrize(
    "url",
    [URL, "https://badges.example.org/credentials/" + "a" * 200 + "/", "https://例え.jp/証明書/1/"],
)
def test_qr_svg_decodes_to_the_url(url: str) -> None:
    """A QR reader finds exactly the URL in the drawn code, at error correction level M."""
    image, side = _raster(qr_svg(url))
    found = zxingcpp.read_barcode(image, formats=zxingcpp.BarcodeFormat.QRCode, is_pure=True)
    assert found is not None and found.valid
    assert found.text == url
    assert found.ec_level == "M"
    assert (side - 2 * QUIET_ZONE - 17) % 4 == 0  # a QR symbol is 17 + 4 × version modules wide


def test_qr_matrix_is_the_symbol_drawn() -> None:
    rows = qr_matrix(URL)
    image, side = _raster(qr_svg(URL), scale=1)
    drawn = image.tobytes()
    assert side == len(rows) + 2 * QUIET_ZONE
    for y, row in enumerate(rows):
        start = (y + QUIET_ZONE) * side + QUIET_ZONE
        assert drawn[start : start + len(row)] == row


def test_qr_svg_escapes_url_and_label() -> None:
    url = 'https://example.org/?a=1&b=<2>&c="3"'
    root = ET.fromstring(qr_svg(url))
    assert root.get("aria-label") == f"QR code for {url}"
    root = ET.fromstring(qr_svg(URL, label="Code QR vers <votre> badge & plus"))
    assert root.get("aria-label") == "Code QR vers <votre> badge & plus"
    assert root.findtext("svg:title", namespaces=NS) == "Code QR vers <votre> badge & plus"


@pytest.mark.parametrize("url", ["", "   ", None, b"https://example.org"])
def test_qr_svg_needs_a_url(url: object) -> None:
    with pytest.raises(ValueError):
        qr_svg(url)  # type: ignore[arg-type]


def test_qr_svg_refuses_control_characters() -> None:
    with pytest.raises(ValueError, match="control character"):
        qr_svg("https://example.org/\x00")
