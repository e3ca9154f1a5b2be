"""Baking credentials into badge images, and reading them back (OB 3.0 §5.3 "Baked Badge").

PNG: one ``iTXt`` chunk with keyword ``openbadgecredential``, compression flag 0,
empty language tag and translated keyword, and the credential as UTF-8 text.
The spec says to insert it without saying where; we put it just before ``IEND``
(valid for any ancillary text chunk) and drop any earlier one, because the
keyword MUST NOT appear twice.

SVG: ``xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"`` on the root and,
directly after the root start tag, ``<openbadges:credential>`` with the JSON in
CDATA (embedded proof) or, for VC-JWT, a ``verify`` attribute holding the
compact JWS. We bake the embedded-proof form and read both.

Contracts and the choices behind them:

* Extraction returns exactly the string that was baked. CDATA cannot hold
  ``]]>``, so that sequence is split across two CDATA sections; an XML parser
  turns a literal carriage return into a line feed, so ``\\r`` is written as
  ``&#13;`` between sections. Characters XML 1.0 cannot carry at all (most C0
  controls, U+FFFE, U+FFFF) make :class:`BakingError`.
* The SVG is changed only where the credential goes: the rest of the bytes,
  comments and formatting included, stay as they were. That needs byte
  offsets, which the standard library's expat parser reports, so no third-party
  XML library is involved. SVG input must be UTF-8.
* The SVG parser refuses any DOCTYPE, which rules out entity expansion and
  external entities (billion laughs, XXE). Nothing is ever fetched.
* Every PNG chunk's CRC is checked and the chunk layout validated before
  anything is read or written; malformed input makes :class:`BakingError`.
"""

from __future__ import annotations

import re
import struct
import zlib
from functools import lru_cache
from xml.parsers import expat

from badgepress.errors import BadgepressError

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_KEYWORD = b"openbadgecredential"
SVG_NAMESPACE = "http://www.w3.org/2000/svg"
OB_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"

_MAX_CHUNK_LENGTH = 2**31 - 1  # PNG §5.3: chunk lengths are at most 2^31 - 1
_MAX_INFLATED = 64 * 1024 * 1024  # bound on a compressed iTXt someone else baked
_CHUNK_TYPE = re.compile(rb"[A-Za-z]{4}")
# XML 1.0 §2.2 Char, complemented
_NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# A start tag, known to be well-formed because expat already accepted it.
_START_TAG = re.compile(rb"<([^\s/>]+)(?:\s+[^\s=]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*\s*(/?)>")


class BakingError(BadgepressError):
    """An image cannot be baked or read: malformed, unsafe, or the text cannot be carried."""


# ----------------------------------------------------------------------------- PNG


def _read_chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    """The (type, data) chunks of a PNG datastream, each CRC and the layout checked."""
    if not isinstance(png, bytes | bytearray | memoryview):
        raise BakingError(f"a PNG must be bytes, not {type(png).__name__}")
    png = bytes(png)
    if not png.startswith(PNG_SIGNATURE):
        raise BakingError("not a PNG image: the 8-byte PNG signature is missing")
    chunks: list[tuple[bytes, bytes]] = []
    pos = len(PNG_SIGNATURE)
    while pos < len(png):
        if len(png) - pos < 12:
            raise BakingError(f"malformed PNG: truncated chunk header at byte {pos}")
        (length,) = struct.unpack_from(">I", png, pos)
        kind = png[pos + 4 : pos + 8]
        if length > _MAX_CHUNK_LENGTH:
            raise BakingError(f"malformed PNG: chunk at byte {pos} declares length {length}")
        if not _CHUNK_TYPE.fullmatch(kind):
            raise BakingError(f"malformed PNG: invalid chunk type {kind!r} at byte {pos}")
        end = pos + 8 + length
        if end + 4 > len(png):
            raise BakingError(f"malformed PNG: {kind.decode()} chunk at byte {pos} is truncated")
        data = png[pos + 8 : end]
        (crc,) = struct.unpack_from(">I", png, end)
        if crc != zlib.crc32(kind + data):
            raise BakingError(f"malformed PNG: CRC mismatch in the {kind.decode()} chunk at byte {pos}")
        chunks.append((kind, data))
        pos = end + 4
        if kind == b"IEND":
            break
    if not chunks or chunks[0][0] != b"IHDR" or len(chunks[0][1]) != 13:
        raise BakingError("malformed PNG: the first chunk must be a 13-byte IHDR")
    if chunks[-1][0] != b"IEND":
        raise BakingError("malformed PNG: the IEND chunk is missing (truncated file?)")
    if pos != len(png):
        raise BakingError(f"malformed PNG: {len(png) - pos} stray bytes after the IEND chunk")
    return chunks


def _write_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _itxt_keyword(data: bytes) -> bytes:
    return data.split(b"\0", 1)[0]


def _itxt_text(data: bytes) -> str:
    """The text of an iTXt chunk (PNG §11.3.4.5), inflated if its writer compressed it."""
    try:
        _keyword, rest = data.split(b"\0", 1)
        flag, method, rest = rest[0], rest[1], rest[2:]
        _language, _translated, text = rest.split(b"\0", 2)
    except (ValueError, IndexError):
        raise BakingError("malformed PNG: the openbadgecredential iTXt chunk is truncated") from None
    if flag == 1 and method == 0:
        inflater = zlib.decompressobj()
        try:
            text = inflater.decompress(text, _MAX_INFLATED)
        except zlib.error as exc:
            raise BakingError(f"malformed PNG: cannot inflate the openbadgecredential text ({exc})") from None
        if inflater.unconsumed_tail:
            raise BakingError("the compressed openbadgecredential text inflates to more than 64 MiB")
    elif flag != 0:
        raise BakingError(f"malformed PNG: unknown iTXt compression flag {flag} / method {method}")
    try:
        return text.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BakingError(
            f"malformed PNG: the openbadgecredential text is not UTF-8 ({exc.reason})"
        ) from None


def _encode_text(credential_json: str) -> bytes:
    if not isinstance(credential_json, str):
        raise BakingError(f"the credential to bake must be a str, not {type(credential_json).__name__}")
    if not credential_json:
        raise BakingError("the credential to bake is empty")
    try:
        return credential_json.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise BakingError(
            f"the credential has a character UTF-8 cannot encode at index {exc.start} (a lone surrogate)"
        ) from None


def bake_png(png: bytes, credential_json: str) -> bytes:
    """``png`` with ``credential_json`` in its one ``openbadgecredential`` iTXt chunk.

    Any existing ``openbadgecredential`` iTXt chunk is replaced; every other
    chunk is kept byte for byte. :func:`extract_png` of the result returns
    ``credential_json`` unchanged.
    """
    text = _encode_text(credential_json)
    chunks = _read_chunks(png)
    itxt = PNG_KEYWORD + b"\0" + b"\0\0" + b"\0" + b"\0" + text
    out = [PNG_SIGNATURE]
    for kind, data in chunks:
        if kind == b"iTXt" and _itxt_keyword(data) == PNG_KEYWORD:
            continue
        if kind == b"IEND":
            out.append(_write_chunk(b"iTXt", itxt))
        out.append(_write_chunk(kind, data))
    return b"".join(out)


def extract_png(png: bytes) -> str | None:
    """The text of the first ``openbadgecredential`` iTXt chunk, or None if there is none."""
    for kind, data in _read_chunks(png):
        if kind == b"iTXt" and _itxt_keyword(data) == PNG_KEYWORD:
            return _itxt_text(data)
    return None


def extract_ob2_png(png: bytes) -> str | None:
    """An Open Badges 2.0 bake: the text of the first ``openbadges`` iTXt (or 1.x tEXt) chunk, or None.

    It is the assertion's JSON, its hosted URL or a JWS (Baking Specification 2.0).
    """
    for kind, data in _read_chunks(png):
        if kind in (b"iTXt", b"tEXt") and _itxt_keyword(data) == b"openbadges":
            return _itxt_text(data) if kind == b"iTXt" else data.split(b"\0", 1)[1].decode("latin-1")
    return None


# ----------------------------------------------------------------------------- SVG


def _start_tag(data: bytes, start: int) -> re.Match[bytes]:
    match = _START_TAG.match(data, start)
    if match is None:  # pragma: no cover - expat accepted this tag, so the pattern matches it
        raise BakingError(f"cannot locate the start tag at byte {start} of the SVG")
    return match


class _SvgScan:
    """What baking and extraction need from one safe, namespace-aware pass over an SVG.

    Byte offsets come from expat's ``CurrentByteIndex``: at a start event it is
    the ``<`` of the start tag, at an end event the ``<`` of the end tag (for an
    empty-element tag, the byte after it, so those are measured from the start).
    """

    def __init__(self, data: bytes):
        self.data = data
        self.root: re.Match[bytes] | None = None  # the root's start tag
        self.root_prefixes: dict[str, str] = {}  # prefix -> URI declared on the root
        self.credential_spans: list[tuple[int, int]] = []  # outermost credential elements
        self.found = False  # whether there is a credential element
        self.verify: str | None = None  # the first one's verify attribute
        self.text = ""  # the first one's own character data
        self._depth = 0
        self._prefixes: dict[str, str] = {}
        self._open: re.Match[bytes] | None = None  # start tag of the open credential element
        self._open_depth = 0
        self._chunks: list[str] = []
        parser = expat.ParserCreate(encoding="UTF-8", namespace_separator=" ")
        parser.XmlDeclHandler = self._declaration
        parser.StartDoctypeDeclHandler = self._refuse_doctype
        parser.EntityDeclHandler = self._refuse_doctype
        parser.ExternalEntityRefHandler = self._refuse_external
        parser.StartNamespaceDeclHandler = self._namespace
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._chars
        self._parser = parser
        if data.startswith((b"\xff\xfe", b"\xfe\xff", b"\0")) or data[1:2] == b"\0":
            raise BakingError("the SVG must be encoded as UTF-8")
        try:
            parser.Parse(data, True)
        except expat.ExpatError as exc:
            raise BakingError(f"the SVG is not well-formed XML: {exc}") from None
        finally:
            del self._parser

    def _declaration(self, _version: str, encoding: str | None, _standalone: int) -> None:
        if encoding is not None and encoding.lower() != "utf-8":
            raise BakingError(f"the SVG declares encoding {encoding!r}; save it as UTF-8 to bake it")

    def _refuse_doctype(self, *_args: object) -> None:
        raise BakingError("the SVG has a DOCTYPE or entity declaration; remove it (SVG never needs one)")

    def _refuse_external(self, *_args: object) -> int:
        raise BakingError("the SVG refers to an external entity; remove it")

    def _namespace(self, prefix: str | None, uri: str) -> None:
        if self._depth == 0:
            self._prefixes[prefix or ""] = uri

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        here = self._parser.CurrentByteIndex
        self._depth += 1
        if self._depth == 1:
            if name != f"{SVG_NAMESPACE} svg":
                uri, _, local = name.rpartition(" ")
                raise BakingError(
                    f"the root element is <{local}> in namespace {uri or 'none'!r}, "
                    f"not <svg> in {SVG_NAMESPACE!r}"
                )
            self.root = _start_tag(self.data, here)
            self.root_prefixes = self._prefixes
        elif name == f"{OB_NAMESPACE} credential" and self._open is None:
            self._open = _start_tag(self.data, here)
            self._open_depth = self._depth
            if not self.found:
                self.found = True
                self.verify = attrs.get("verify")

    def _end(self, _name: str) -> None:
        if self._open is not None and self._depth == self._open_depth:
            if self._open.group(2):  # <openbadges:credential ... />
                end = self._open.end()
            else:
                end = self.data.index(b">", self._parser.CurrentByteIndex) + 1
            if not self.credential_spans:
                self.text = "".join(self._chunks)
            self.credential_spans.append((self._open.start(), end))
            self._open = None
        self._depth -= 1

    def _chars(self, text: str) -> None:
        # Only the first credential element's own text, not that of any child element.
        if self._open is not None and self._depth == self._open_depth and not self.credential_spans:
            self._chunks.append(text)


def _as_utf8(svg: str | bytes) -> bytes:
    if isinstance(svg, str):
        try:
            return svg.encode("utf-8")
        except UnicodeEncodeError:
            raise BakingError("the SVG text has a lone surrogate; it cannot be encoded as UTF-8") from None
    if isinstance(svg, bytes | bytearray | memoryview):
        return bytes(svg)
    raise BakingError(f"an SVG must be str or bytes, not {type(svg).__name__}")


def _cdata(text: str) -> str:
    """XML character data that a parser reads back as exactly ``text``."""
    bad = _NOT_XML_CHAR.search(text)
    if bad:
        raise BakingError(
            f"the credential has character U+{ord(bad.group()):04X} at index {bad.start()}, "
            "which XML cannot carry; escape it in the JSON (\\uXXXX)"
        )
    sections = (
        "<![CDATA[" + part.replace("]]>", "]]]]><![CDATA[>") + "]]>" if part else ""
        for part in text.split("\r")
    )
    return "&#13;".join(sections)


def bake_svg(svg: str | bytes, credential_json: str) -> bytes:
    """The UTF-8 bytes of ``svg`` with ``credential_json`` baked in as its one credential element.

    Any existing ``openbadges:credential`` element is removed; the new one is
    the root's first child. Baking twice gives the same bytes as baking once
    with the second credential. :func:`extract_svg` of the result returns
    ``credential_json`` unchanged.
    """
    _encode_text(credential_json)
    element = f"<openbadges:credential>{_cdata(credential_json)}</openbadges:credential>".encode()
    before, after = _svg_frame(_as_utf8(svg))
    return before + element + after


@lru_cache(maxsize=256)
def _svg_frame(data: bytes) -> tuple[bytes, bytes]:
    """The artwork cut where the credential element goes, any old one removed (once per artwork)."""
    scan = _SvgScan(data)
    root = scan.root
    assert root is not None  # expat raises on a document without a root element
    bound = scan.root_prefixes.get("openbadges")
    if bound not in (None, OB_NAMESPACE):
        raise BakingError(
            f"the SVG already binds the prefix 'openbadges' to {bound!r} (an Open Badges 2.0 baked "
            "image?); bake the original, unbaked artwork instead"
        )
    empty_root = bool(root.group(2))
    open_tag = data[root.start() : root.end() - (2 if empty_root else 1)]
    if bound is None:
        open_tag += f' xmlns:openbadges="{OB_NAMESPACE}"'.encode()
    before = data[: root.start()] + open_tag + b">"
    parts = [b"</", root.group(1), b">"] if empty_root else []
    pos = root.end()
    for start, end in scan.credential_spans:
        parts.append(data[pos:start])
        pos = end
    parts.append(data[pos:])
    return before, b"".join(parts)


def extract_svg(svg: bytes | str) -> str | None:
    """The first credential element's ``verify`` attribute (VC-JWT) or its text; None if there is none."""
    scan = _SvgScan(_as_utf8(svg))
    if not scan.found:
        return None
    return scan.verify or scan.text


def extract_ob2_svg(svg: bytes | str) -> str | None:
    """An Open Badges 2.0 bake: the first ``<openbadges:assertion>``'s text or ``verify`` attribute, or None.

    The same refusals as for 3.0 (no DOCTYPE, no entities); its namespace is http://openbadges.org.
    """
    found: list[str] = []
    text: list[str] = []
    depth = [0, 0]  # current depth, depth of the open assertion element (0: none)

    def start(name: str, attrs: dict[str, str]) -> None:
        depth[0] += 1
        if name == "http://openbadges.org assertion" and not found and not depth[1]:
            depth[1] = depth[0]
            found.append(attrs.get("verify", ""))

    def end(_name: str) -> None:
        if depth[1] == depth[0]:
            depth[1] = -1  # closed: keep only the first one's text
        depth[0] -= 1

    def chars(data: str) -> None:
        if depth[1] == depth[0] and depth[1] > 0:
            text.append(data)

    def refuse(*_args: object) -> int:
        raise BakingError("the SVG has a DOCTYPE or entity declaration; remove it (SVG never needs one)")

    parser = expat.ParserCreate(encoding="UTF-8", namespace_separator=" ")
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    try:
        parser.Parse(_as_utf8(svg), True)
    except expat.ExpatError as exc:
        raise BakingError(f"the SVG is not well-formed XML: {exc}") from None
    if not found:
        return None
    return "".join(text).strip() or found[0].strip() or None


# ----------------------------------------------------------------------------- either


def extract_baked(data: bytes) -> str | None:
    """The credential baked into a PNG or SVG image (told apart by content), or None."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise BakingError(f"an image must be bytes, not {type(data).__name__}")
    data = bytes(data)
    if data.startswith(PNG_SIGNATURE):
        return extract_png(data)
    if data.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"<"):
        return extract_svg(data)
    raise BakingError("the image is neither a PNG nor an SVG")
