"""Baking credentials into PNG and SVG images (OB 3.0 §5.3) and reading them back."""

from __future__ import annotations

import json
import struct
import xml.etree.ElementTree as ET
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from badgepress.build.baking import (
    OB_NAMESPACE,
    PNG_SIGNATURE,
    BakingError,
    bake_png,
    bake_svg,
    extract_baked,
    extract_png,
    extract_svg,
)
from badgepress.errors import BadgepressError

SVG = "http://www.w3.org/2000/svg"
CREDENTIAL = json.dumps(
    {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Teamwork",
    },
    separators=(",", ":"),
)
TRICKY = [
    CREDENTIAL,
    json.dumps({"name": "Zoë → 日本語 ✓ 🎓", "narrative": "e\u0301"}, ensure_ascii=False),
    '{"x":"a]]>b"}',
    '{"x":"]]]]>]]>"}',
    "]]>",
    '{"x":"\u2028\u2029"}',
    '{\r\n  "crlf": true\r\n}\r',
    '\n\t{ "padded": true }\n\n',
    '{"a":"<![CDATA[ & &amp; </openbadges:credential>"}',
    json.dumps({"big": ["x" * 1000 + str(i) for i in range(2000)]}),
]
# Text XML can carry (no C0 controls but tab/LF/CR, no U+FFFE/U+FFFF, no surrogates).
XML_TEXT = st.text(
    st.characters(blacklist_categories=["Cs"], blacklist_characters="\ufffe\uffff").filter(
        lambda c: c in "\t\n\r" or ord(c) >= 0x20
    ),
    min_size=1,
)


# ----------------------------------------------------------------------------- PNG helpers


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def make_png(width: int = 3, height: int = 2, extra: bytes = b"") -> bytes:
    """A valid 8-bit greyscale PNG, with ``extra`` chunks between IHDR and IDAT."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = b"".join(b"\x00" + bytes((x * 40 + y * 7) % 256 for x in range(width)) for y in range(height))
    return (
        PNG_SIGNATURE
        + chunk(b"IHDR", ihdr)
        + extra
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    """The chunks of ``png``, asserting each one's length and CRC independently of the code under test."""
    assert png[:8] == PNG_SIGNATURE
    found, pos = [], 8
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind, data = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", png[pos + 8 + length : pos + 12 + length])
        assert len(data) == length
        assert crc == zlib.crc32(kind + data), f"bad CRC in {kind!r}"
        found.append((kind, data))
        pos += 12 + length
    assert pos == len(png)
    return found


def credential_chunks(png: bytes) -> list[bytes]:
    return [d for k, d in chunks(png) if k == b"iTXt" and d.startswith(b"openbadgecredential\0")]


# ----------------------------------------------------------------------------- PNG


@pytest.mark.parametrize("text", TRICKY)
def test_png_round_trip(text: str) -> None:
    assert extract_png(bake_png(make_png(), text)) == text


@given(XML_TEXT | st.text(st.characters(blacklist_categories=["Cs"]), min_size=1))
def test_png_round_trip_any_text(text: str) -> None:
    assert extract_png(bake_png(make_png(), text)) == text


def test_png_chunk_is_the_spec_layout_before_iend() -> None:
    baked = bake_png(make_png(), CREDENTIAL)
    kinds = [k for k, _ in chunks(baked)]
    assert kinds == [b"IHDR", b"IDAT", b"iTXt", b"IEND"]
    # keyword NUL, compression flag 0, method 0, empty language tag NUL, empty translated keyword NUL
    assert credential_chunks(baked) == [b"openbadgecredential\0\0\0\0\0" + CREDENTIAL.encode()]


def test_png_still_decodes_and_keeps_other_chunks() -> None:
    text_chunk = chunk(b"tEXt", b"Comment\0made by hand")
    original = make_png(extra=text_chunk)
    baked = bake_png(original, CREDENTIAL)
    found = dict(chunks(baked))
    assert found[b"IHDR"] == dict(chunks(original))[b"IHDR"]
    assert found[b"tEXt"] == b"Comment\0made by hand"
    width, height, depth, *_ = struct.unpack(">IIBBBBB", found[b"IHDR"])
    assert len(zlib.decompress(found[b"IDAT"])) == height * (1 + width * depth // 8)
    # Removing the credential chunk gives back the original bytes.
    itxt = chunk(b"iTXt", credential_chunks(baked)[0])
    assert baked.replace(itxt, b"") == original


def test_png_rebaking_replaces_the_one_chunk() -> None:
    once = bake_png(make_png(), '{"first":1}')
    twice = bake_png(once, '{"second":2}')
    assert len(credential_chunks(twice)) == 1
    assert extract_png(twice) == '{"second":2}'
    assert twice == bake_png(make_png(), '{"second":2}')


def test_png_duplicates_from_elsewhere_are_all_removed() -> None:
    old = chunk(b"iTXt", b"openbadgecredential\0\0\0\0\0old")
    png = make_png(extra=old + old)
    assert extract_png(png) == "old"
    assert len(credential_chunks(bake_png(png, "{}"))) == 1


def test_png_other_badge_chunks_are_kept() -> None:
    ob2 = chunk(b"iTXt", b"openbadges\0\0\0\0\0https://example.org/assertion")
    baked = bake_png(make_png(extra=ob2), CREDENTIAL)
    assert [k for k, d in chunks(baked) if d.startswith(b"openbadges\0")] == [b"iTXt"]
    assert extract_png(baked) == CREDENTIAL


def test_png_compressed_chunk_written_elsewhere_is_read() -> None:
    data = b"openbadgecredential\0\1\0en\0\0" + zlib.compress(CREDENTIAL.encode())
    assert extract_png(make_png(extra=chunk(b"iTXt", data))) == CREDENTIAL


def test_png_compressed_chunk_is_inflated_within_a_bound() -> None:
    bomb = zlib.compress(b" " * (64 * 1024 * 1024 + 1), 9)
    png = make_png(extra=chunk(b"iTXt", b"openbadgecredential\0\1\0\0\0" + bomb))
    with pytest.raises(BakingError, match="64 MiB"):
        extract_png(png)


def test_png_without_credential() -> None:
    assert extract_png(make_png()) is None
    assert extract_baked(make_png()) is None


def _corrupt(png: bytes, at: int) -> bytes:
    return png[:at] + bytes([png[at] ^ 0x01]) + png[at + 1 :]


GOOD = make_png()
MALFORMED_PNGS = {
    "empty": b"",
    "no signature": GOOD[8:],
    "only signature": PNG_SIGNATURE,
    "bad CRC in IHDR data": _corrupt(GOOD, 8 + 8 + 3),
    "bad CRC in IDAT": _corrupt(GOOD, len(GOOD) - 12 - 5),
    "bad CRC bytes": _corrupt(GOOD, len(GOOD) - 1),
    "truncated": GOOD[:-6],
    "no IEND": GOOD[:-12],
    "trailing bytes": GOOD + b"junk",
    "IHDR not first": PNG_SIGNATURE + chunk(b"tEXt", b"a\0b") + GOOD[8:],
    "bad chunk type": PNG_SIGNATURE + chunk(b"IHDR", GOOD[16:29]) + chunk(b"I D1", b"") + chunk(b"IEND", b""),
    "huge length": GOOD[:33] + b"\xff\xff\xff\xff" + GOOD[37:],
    "chunk after IEND": GOOD + chunk(b"tEXt", b"a\0b"),
}


@pytest.mark.parametrize("png", MALFORMED_PNGS.values(), ids=MALFORMED_PNGS.keys())
def test_malformed_png_is_refused(png: bytes) -> None:
    with pytest.raises(BakingError):
        extract_png(png)
    with pytest.raises(BakingError):
        bake_png(png, CREDENTIAL)


@pytest.mark.parametrize(
    "data",
    [
        b"openbadgecredential",  # no fields after the keyword
        b"openbadgecredential\0\0",  # no language tag
        b"openbadgecredential\0\0\0\0\0\xff\xfe",  # text not UTF-8
        b"openbadgecredential\0\1\0\0\0not zlib",
        b"openbadgecredential\0\2\0\0\0{}",  # unknown compression flag
    ],
)
def test_malformed_credential_chunk_is_refused(data: bytes) -> None:
    with pytest.raises(BakingError):
        extract_png(make_png(extra=chunk(b"iTXt", data)))


def test_baking_error_is_a_badgepress_error() -> None:
    assert issubclass(BakingError, BadgepressError)


@pytest.mark.parametrize("bad", ["", "\ud800", b"{}", None])
def test_unbakeable_credential_is_refused(bad: object) -> None:
    with pytest.raises(BakingError):
        bake_png(make_png(), bad)  # type: ignore[arg-type]
    with pytest.raises(BakingError):
        bake_svg(f'<svg xmlns="{SVG}"/>', bad)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- SVG

ARTWORK = f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- made by hand -->
<svg xmlns="{SVG}" xmlns:xlink="http://www.w3.org/1999/xlink"
     viewBox="0 0 10 10" data-note='a > b'>
  <title>Badge</title>
  <circle cx="5" cy="5" r="4"/>
</svg>
"""


def credential_elements(svg: bytes) -> list[ET.Element]:
    return ET.fromstring(svg).findall(f".//{{{OB_NAMESPACE}}}credential")


@pytest.mark.parametrize("text", TRICKY)
def test_svg_round_trip(text: str) -> None:
    baked = bake_svg(ARTWORK, text)
    assert extract_svg(baked) == text
    # An independent XML parser reads the same text.
    (element,) = credential_elements(baked)
    assert element.text == text


@given(XML_TEXT)
def test_svg_round_trip_any_text(text: str) -> None:
    baked = bake_svg(ARTWORK, text)
    assert extract_svg(baked) == text
    assert ET.fromstring(baked)[0].text == text


def test_svg_layout_follows_the_spec() -> None:
    baked = bake_svg(ARTWORK, CREDENTIAL)
    assert isinstance(baked, bytes)
    root = ET.fromstring(baked)
    assert root.tag == f"{{{SVG}}}svg"
    assert root[0].tag == f"{{{OB_NAMESPACE}}}credential"  # directly after the <svg> tag
    assert root[0].attrib == {}  # no verify attribute for an embedded proof
    assert len(credential_elements(baked)) == 1
    text = baked.decode()
    assert f'xmlns:openbadges="{OB_NAMESPACE}"' in text
    assert f"<openbadges:credential><![CDATA[{CREDENTIAL}]]></openbadges:credential>" in text


def test_svg_bytes_outside_the_insertion_are_unchanged() -> None:
    baked = bake_svg(ARTWORK, CREDENTIAL).decode()
    inserted = f' xmlns:openbadges="{OB_NAMESPACE}">' + (
        f"<openbadges:credential><![CDATA[{CREDENTIAL}]]></openbadges:credential>"
    )
    assert baked.replace(inserted, ">", 1) == ARTWORK


def test_svg_split_cdata_for_terminator() -> None:
    baked = bake_svg(ARTWORK, '{"x":"]]>"}').decode()
    assert '<![CDATA[{"x":"]]]]><![CDATA[>"}]]>' in baked


def test_svg_rebaking_replaces_the_one_element() -> None:
    once = bake_svg(ARTWORK, '{"first":1}')
    twice = bake_svg(once, '{"second":2}')
    assert len(credential_elements(twice)) == 1
    assert extract_svg(twice) == '{"second":2}'
    assert twice == bake_svg(ARTWORK, '{"second":2}')
    assert twice.count(b"xmlns:openbadges") == 1


def test_svg_existing_elements_anywhere_are_replaced() -> None:
    svg = (
        f'<svg xmlns="{SVG}"><g><ob:credential xmlns:ob="{OB_NAMESPACE}"><![CDATA[old]]></ob:credential></g>'
        f'<ob:credential xmlns:ob="{OB_NAMESPACE}" verify="a.b.c"/></svg>'
    )
    assert extract_svg(svg) == "old"
    baked = bake_svg(svg, CREDENTIAL)
    assert len(credential_elements(baked)) == 1
    assert extract_svg(baked) == CREDENTIAL
    assert ET.fromstring(baked)[1].tag == f"{{{SVG}}}g"


@pytest.mark.parametrize(
    "svg",
    [
        f'<svg xmlns="{SVG}"/>',
        f'<svg xmlns="{SVG}" viewBox="0 0 1 1" />',
        f'<s:svg xmlns:s="{SVG}"/>',
        f'<svg xmlns="{SVG}" xmlns:openbadges="{OB_NAMESPACE}"><rect/></svg>',
        f'\ufeff<svg xmlns="{SVG}">\n</svg>',
        f'<?xml version="1.0" encoding="utf-8"?><svg\nxmlns="{SVG}"\n>x</svg>',
    ],
)
def test_svg_shapes_of_root(svg: str) -> None:
    for given_as in (svg, svg.encode()):
        baked = bake_svg(given_as, CREDENTIAL)
        assert extract_svg(baked) == CREDENTIAL
        assert len(credential_elements(baked)) == 1
        assert ET.fromstring(baked)[0].tag == f"{{{OB_NAMESPACE}}}credential"


def test_svg_verify_attribute_is_read() -> None:
    jws = "eyJhbGciOiJFZERTQSJ9.eyJ2YyI6e319.c2ln"
    svg = (
        f'<svg xmlns="{SVG}" xmlns:openbadges="{OB_NAMESPACE}"><openbadges:credential verify="{jws}"/></svg>'
    )
    assert extract_svg(svg) == jws
    assert extract_baked(svg.encode()) == jws


def test_svg_without_credential() -> None:
    assert extract_svg(ARTWORK) is None
    ob2 = f'<svg xmlns="{SVG}" xmlns:openbadges="http://openbadges.org"><openbadges:assertion/></svg>'
    assert extract_svg(ob2) is None


HOSTILE_SVGS = {
    "billion laughs": (
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
        f'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]><svg xmlns="{SVG}"><text>&c;</text></svg>'
    ),
    "external entity": (
        f'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="{SVG}"><text>&x;</text></svg>'
    ),
    "external DTD": (
        '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">'
        f'<svg xmlns="{SVG}"/>'
    ),
    "parameter entity": (
        f'<!DOCTYPE svg [<!ENTITY % p SYSTEM "http://example.invalid/x.dtd"> %p;]><svg xmlns="{SVG}"/>'
    ),
    "undefined entity": f'<svg xmlns="{SVG}"><text>&nbsp;</text></svg>',
}
MALFORMED_SVGS = {
    "not XML": "this is not an image",
    "unclosed": f'<svg xmlns="{SVG}"><g></svg>',
    "two roots": f'<svg xmlns="{SVG}"/><svg xmlns="{SVG}"/>',
    "HTML root": '<html xmlns="http://www.w3.org/1999/xhtml"/>',
    "no namespace": "<svg/>",
    "latin-1 declared": f'<?xml version="1.0" encoding="ISO-8859-1"?><svg xmlns="{SVG}"/>',
    "UTF-16": f'<svg xmlns="{SVG}"/>'.encode("utf-16"),
    "invalid UTF-8": f'<svg xmlns="{SVG}">\xe9</svg>'.encode("latin-1"),
    "empty": b"",
}


@pytest.mark.parametrize(
    "svg", [*HOSTILE_SVGS.values(), *MALFORMED_SVGS.values()], ids=[*HOSTILE_SVGS, *MALFORMED_SVGS]
)
def test_hostile_or_malformed_svg_is_refused(svg: str | bytes) -> None:
    with pytest.raises(BakingError):
        bake_svg(svg, CREDENTIAL)
    with pytest.raises(BakingError):
        extract_svg(svg)


def test_svg_with_ob2_prefix_is_refused() -> None:
    svg = f'<svg xmlns="{SVG}" xmlns:openbadges="http://openbadges.org"><openbadges:assertion/></svg>'
    with pytest.raises(BakingError, match=r"Open Badges 2\.0"):
        bake_svg(svg, CREDENTIAL)


@pytest.mark.parametrize("bad", ["\x00", "\x1b[0m", "\x0b", "\ufffe", "\uffff"])
def test_svg_text_xml_cannot_carry_is_refused(bad: str) -> None:
    with pytest.raises(BakingError, match="XML cannot carry"):
        bake_svg(ARTWORK, '{"x":"' + bad + '"}')
    # The same text is fine in a PNG.
    assert extract_png(bake_png(make_png(), bad)) == bad


# ----------------------------------------------------------------------------- sniffing


def test_extract_baked_tells_formats_apart() -> None:
    assert extract_baked(bake_png(make_png(), CREDENTIAL)) == CREDENTIAL
    assert extract_baked(bake_svg(ARTWORK, CREDENTIAL)) == CREDENTIAL
    assert extract_baked(b"\xef\xbb\xbf" + bake_svg(ARTWORK, CREDENTIAL)) == CREDENTIAL
    assert extract_baked(b"\n  " + bake_svg(f'<svg xmlns="{SVG}"/>', CREDENTIAL)) == CREDENTIAL
    assert extract_baked(bytearray(bake_png(make_png(), "{}"))) == "{}"


@pytest.mark.parametrize("data", [b"", b"GIF89a....", b"\xff\xd8\xff\xe0JFIF", b"{}"])
def test_extract_baked_refuses_other_formats(data: bytes) -> None:
    with pytest.raises(BakingError):
        extract_baked(data)
