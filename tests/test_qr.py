"""Inline SVG QR codes of credential URLs."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
import qrcode
import qrcode.constants

from badgepress.qr import QUIET_ZONE, qr_svg

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


def test_qr_svg_draws_exactly_the_symbol() -> None:
    """The path's unit squares are the dark modules of the QR symbol of the URL, inside the quiet zone."""
    root = ET.fromstring(qr_svg(URL))
    path = root.find("svg:path", NS)
    assert path is not None
    drawn = {(int(x), int(y)) for x, y in re.findall(r"M(\d+),(\d+)H\d+V\d+H\d+z", path.get("d", ""))}
    assert path.get("d", "").count("M") == len(drawn)

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(URL)
    code.make(fit=True)
    matrix = code.get_matrix()
    expected = {
        (c + QUIET_ZONE, r + QUIET_ZONE) for r, row in enumerate(matrix) for c, dark in enumerate(row) if dark
    }
    assert drawn == expected
    side = len(matrix) + 2 * QUIET_ZONE
    assert root.get("viewBox") == f"0 0 {side} {side}"


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
