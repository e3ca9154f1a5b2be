"""Support for the browser tests of the verification page (/verify/).

Plain functions and a few fixtures (imported by test_verify_page.py):

* ``verify_site``: the example program, copied, with one expired award added
  (``badgepress check --fix`` gives it its status index), built with a test
  signing key for ``site_url: http://127.0.0.1:<port>/badges/`` and served by a
  threaded ``http.server`` on that port: the site at ``/badges/``, crafted test
  files at ``/fixtures/``. The page resolves ``did:web:127.0.0.1%3A<port>:badges``
  over plain http (localhost only), so the whole chain — credential, DID
  document, status list — is real.
* ``verify_browser``: headless Debian Chromium through Playwright.
* ``verify_page``: a fresh page that records console errors, page errors,
  dialogs and every request, for the checks in ``PageWatch.assert_clean``.
* ``verify_timings``: figures collected by the tests, written to
  ``test-results/verify-timings.json`` and printed at the end of the session.
"""

from __future__ import annotations

import copy
import functools
import http.server
import json
import os
import struct
import subprocess
import sys
import threading
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

import pytest

from badgepress.build.status import encode_list
from badgepress.sign.keys import KeyPair, did_key
from badgepress.sign.proof import sign_document
from tests.conftest import REPO, add_key, copy_program, mkdocs_build, pin_clock

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
T = TypeVar("T")
STATUSES = ("verified", "revoked", "expired", "invalid", "unreachable")
RESULT_TIMEOUT_MS = 60_000
EXAMPLE_SITE_URL = "https://northfield-code.github.io/badges/"

# An award that expired before the tests were written (validUntil in the past).
EXPIRED_AWARD = """\
# Added by the browser tests: a credential whose validUntil has passed.
achievement: git-collaboration
issued: 2025-01-01
expires: 2025-06-01
recipient:
  name: Yara Expired
  identity: sha256$01cfce94fdec21604095da278e3dfd2e10749ceb5e89d4e9a77d22faf58eb861
  salt: e193acac90d373d93f86c750026fa93d
"""
EXPIRED_AWARD_FILE = "credentials/2025/yara-expired.yaml"
REVOKED_AWARD_FILE = "credentials/2026/gita-accessibility.yaml"


# ---------------------------------------------------------------------------
# Serving


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Static files with the types the verifier relies on, and no log lines."""

    extensions_map = {  # noqa: RUF012 (the base class declares it as a plain dict)
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".json": "application/json",
        ".jsonld": "application/ld+json",
        ".js": "text/javascript",
        ".svg": "image/svg+xml",
        ".png": "image/png",
    }

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A browser closing a connection early is not a test failure.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class StaticServer:
    """A threaded HTTP server on 127.0.0.1, bound at once (the port is known before the build)."""

    def __init__(self, root: Path):
        self.root = root
        self._server = _Server(("127.0.0.1", 0), functools.partial(_Handler, directory=str(root)))
        self.port: int = self._server.server_address[1]
        self.origin = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="verify-site", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout=10)
        self._server.server_close()


# ---------------------------------------------------------------------------
# The built site


@dataclass
class VerifySite:
    origin: str  # http://127.0.0.1:<port>
    site: Path  # the built site, served at /badges/
    fixtures: Path  # crafted test files, served at /fixtures/
    root: Path  # the program copy
    key: KeyPair  # the site's signing key (published as <did>#key-test)
    did: str
    credentials: dict[str, dict[str, Any]] = field(default_factory=dict)  # every credential, by id
    revoked_id: str = ""
    expired_id: str = ""

    @property
    def site_url(self) -> str:
        return f"{self.origin}/badges/"

    @property
    def verify_url(self) -> str:
        return f"{self.origin}/badges/verify/"

    def credential_url(self, credential_id: str, suffix: str = "json") -> str:
        return f"{self.origin}/badges/credentials/{credential_id}.{suffix}"

    def verify_link(self, url: str) -> str:
        return f"{self.verify_url}?credential={quote(url, safe='')}"

    @property
    def in_force_ids(self) -> list[str]:
        """The example program's credentials that should verify (all but the revoked one)."""
        return sorted(i for i in self.credentials if i not in (self.revoked_id, self.expired_id))

    def credential(self, credential_id: str) -> dict[str, Any]:
        return copy.deepcopy(self.credentials[credential_id])

    def baked(self, credential_id: str, suffix: str | None = None) -> Path:
        """The baked badge image of a credential (PNG or SVG, like its achievement's image).

        An SVG badge also has a baked PNG drawn from it: ask for it with ``suffix=".png"``.
        """
        found = [
            p for p in self.site.joinpath("credentials").glob(f"{credential_id}.*") if p.suffix != ".json"
        ]
        if suffix is not None:
            found = [p for p in found if p.suffix == suffix]
        elif len(found) == 2:
            found = [p for p in found if p.suffix == ".svg"]
        assert len(found) == 1, found
        return found[0]

    def write_fixture(self, name: str, data: dict[str, Any] | str | bytes) -> str:
        """Write a test file under /fixtures/; returns its URL."""
        path = self.fixtures / name
        if isinstance(data, dict):
            data = json.dumps(data, indent=2, ensure_ascii=False)
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        return f"{self.origin}/fixtures/{name}"


def ledger_ids(root: Path) -> dict[str, str]:
    """Credential id -> the award file it comes from, read from the status ledger's comments."""
    out: dict[str, str] = {}
    for line in (root / "status-ledger.yaml").read_text(encoding="utf-8").splitlines():
        head, sep, comment = line.partition("#")
        if sep and ":" in head and head.startswith("  "):
            out[head.split(":", 1)[0].strip()] = comment.strip()
    return out


def build_verify_site(serve_root: Path, program: Path, server: StaticServer) -> VerifySite:
    """Copy the example program, add an expired award, build it signed for the server's URL."""
    root = copy_program(program)
    serve_at(root, server)
    award = root / EXPIRED_AWARD_FILE
    award.parent.mkdir(parents=True, exist_ok=True)
    award.write_text(EXPIRED_AWARD, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("BADGEPRESS_")}
    fix = subprocess.run(
        [sys.executable, "-m", "badgepress", "check", "--fix"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert fix.returncode == 0, fix.stdout + fix.stderr
    site, fixtures, key = build_signed(root, serve_root)

    did = f"did:web:127.0.0.1%3A{server.port}:badges"
    credentials = {
        p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(site.glob("credentials/*.json"))
    }
    sources = ledger_ids(root)
    revoked = [i for i, source in sources.items() if source == REVOKED_AWARD_FILE]
    expired = [i for i, source in sources.items() if source == EXPIRED_AWARD_FILE]
    assert len(revoked) == 1 and len(expired) == 1, sources
    assert set(sources) == set(credentials), (sorted(sources), sorted(credentials))
    for doc in credentials.values():
        assert doc["issuer"]["id"] == did
    assert credentials[expired[0]]["validUntil"].startswith("2025-06-01")
    return VerifySite(
        origin=server.origin,
        site=site,
        fixtures=fixtures,
        root=root,
        key=key,
        did=did,
        credentials=credentials,
        revoked_id=revoked[0],
        expired_id=expired[0],
    )


def serve_at(root: Path, server: StaticServer) -> None:
    """Point the copied example program's ``site_url`` at the test server's ``/badges/``."""
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert f"site_url: {EXAMPLE_SITE_URL}\n" in text
    config.write_text(text.replace(EXAMPLE_SITE_URL, f"{server.origin}/badges/", 1), encoding="utf-8")


def build_signed(root: Path, serve_root: Path) -> tuple[Path, Path, KeyPair]:
    """Build ``root`` into ``serve_root/badges`` with a new test key: (site, fixtures folder, key)."""
    key = KeyPair.generate()
    add_key(root, key)
    site = serve_root / "badges"
    build = mkdocs_build(root, site, key)
    assert build.returncode == 0, build.output
    fixtures = serve_root / "fixtures"
    fixtures.mkdir()
    return site, fixtures, key


@contextmanager
def served(serve_root: Path, build: Callable[[StaticServer], T]) -> Iterator[T]:
    """A server on a free port, the site ``build`` makes for it, served from ``serve_root`` until the end."""
    server = StaticServer(serve_root)
    try:
        site = build(server)
        server.start()
        yield site
    finally:
        server.stop()


@pytest.fixture(scope="session", name="verify_site")
def _verify_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VerifySite]:
    serve_root = tmp_path_factory.mktemp("verify-serve")
    program = tmp_path_factory.mktemp("verify-program") / "program"
    with served(serve_root, lambda server: build_verify_site(serve_root, program, server)) as site:
        yield site


# ---------------------------------------------------------------------------
# Crafting credentials


def without_proof(doc: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    out.pop("proof", None)
    return out


def sign(doc: dict[str, Any], key: KeyPair, verification_method: str, created: str) -> dict[str, Any]:
    """``doc`` (without its proof) signed with ``key`` as ``verification_method`` (Python signer)."""
    return sign_document(without_proof(doc), key, verification_method, created)


def as_did_key_issuer(doc: dict[str, Any], key: KeyPair) -> dict[str, Any]:
    """A copy of a site credential re-issued by ``did:key`` of ``key``: issuer and creator
    become the did:key, the status entry is dropped (the site's status list is the
    did:web's), and the copy is signed with the did:key's own verification method."""
    issuer = did_key(key.public_key_multibase)
    out = without_proof(doc)
    out["issuer"] = {**out["issuer"], "id": issuer}
    out["issuer"].pop("image", None)
    achievement = out["credentialSubject"]["achievement"]
    if "creator" in achievement:
        achievement["creator"] = {**achievement["creator"], "id": issuer}
    out.pop("credentialStatus", None)
    return sign(out, key, f"{issuer}#{key.public_key_multibase}", out["validFrom"])


def sign_as_site(site: VerifySite, doc: dict[str, Any]) -> dict[str, Any]:
    """``doc`` re-signed with the site's own key (so any change to it is authentic)."""
    return sign(doc, site.key, f"{site.did}#key-test", doc["validFrom"])


def status_list_fixture(
    site: VerifySite,
    name: str,
    set_bits: list[int],
    *,
    valid_until: str | None = None,
    tamper_bits: list[int] | None = None,
    encoded_list: str | None = None,
) -> str:
    """A status list of the site's issuer under /fixtures/<name>, signed with the site's key;
    with ``tamper_bits``, its bits are changed to those after signing. Returns its URL."""
    url = f"{site.origin}/fixtures/{name}"
    doc = without_proof(json.loads((site.site / "status" / "1.json").read_text(encoding="utf-8")))
    doc["id"] = url
    doc["credentialSubject"] = {
        **doc["credentialSubject"],
        "id": f"{url}#list",
        "encodedList": encoded_list or encode_list(set_bits),
    }
    if valid_until is not None:
        doc["validUntil"] = valid_until
    signed = sign_as_site(site, doc)
    if tamper_bits is not None:
        signed["credentialSubject"]["encodedList"] = encode_list(tamper_bits)
    return site.write_fixture(name, signed)


def status_entry(list_url: str, index: int) -> dict[str, Any]:
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def deflate_bomb(megabytes: int, wbits: int = zlib.MAX_WBITS) -> bytes:
    """zlib (or, with wbits=31, gzip) data that inflates to ``megabytes`` MB of zeros, made
    in milliseconds: after the first, every flushed megabyte compresses to the same bytes.
    It has no end: a decompressor that stops at its limit never gets there."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, wbits)
    zeros = bytes(1 << 20)
    first = compressor.compress(zeros) + compressor.flush(zlib.Z_SYNC_FLUSH)
    repeat = compressor.compress(zeros) + compressor.flush(zlib.Z_SYNC_FLUSH)
    return first + repeat * (megabytes - 1)


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_with_itxt(png: bytes, itxt: bytes) -> bytes:
    """``png`` with one more iTXt chunk (raw chunk data) before its IEND."""
    assert png.endswith(png_chunk(b"IEND", b""))
    return png[:-12] + png_chunk(b"iTXt", itxt) + png[-12:]


# ---------------------------------------------------------------------------
# Browser


@dataclass
class Outcome:
    status: str
    ms: float
    checks: list[str]

    def __str__(self) -> str:
        return f"{self.status} in {self.ms} ms: " + " | ".join(self.checks)


@dataclass
class PageWatch:
    """A page and what happened in it: console errors, page errors, dialogs, requests."""

    page: Any
    origin: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    checked: bool = False

    def attach(self) -> PageWatch:
        page = self.page
        page.on("console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.page_errors.append(str(e)))
        page.on("dialog", self._dialog)
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("response", lambda r: self.failed_requests.append(r.url) if r.status >= 400 else None)
        return self

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def foreign_requests(self) -> list[str]:
        """Requests to any origin but the test server (data: and blob: URLs are local)."""
        out = []
        for url in self.requests:
            parts = urlsplit(url)
            if parts.scheme in ("data", "blob", "about"):
                continue
            if f"{parts.scheme}://{parts.netloc}" != self.origin:
                out.append(url)
        return out

    def assert_clean(self, expected_missing: tuple[str, ...] = ()) -> None:
        """No page error, no dialog, no request off 127.0.0.1, and no console error except
        "Failed to load resource" for the URLs in ``expected_missing`` (which must be the
        only failed responses)."""
        self.checked = True
        assert not self.page_errors, self.page_errors
        assert not self.dialogs, self.dialogs
        assert not self.foreign_requests(), self.foreign_requests()
        failed = sorted(set(self.failed_requests))
        assert failed == sorted(set(expected_missing)), f"unexpected HTTP errors: {failed}"
        unexpected = [
            m
            for m in self.console_errors
            if not (expected_missing and m.startswith("Failed to load resource"))
        ]
        assert not unexpected, unexpected
        if expected_missing:
            loads = [m for m in self.console_errors if m.startswith("Failed to load resource")]
            assert len(loads) <= len(self.failed_requests), (loads, self.failed_requests)


@pytest.fixture(scope="module", name="verify_browser")
def _verify_browser(chromium: Any) -> Any:
    """The browser of tests/browser/conftest.py (``chromium``), under the name these tests use."""
    return chromium


@contextmanager
def watched_page(browser: Any, origin: str) -> Iterator[PageWatch]:
    """A fresh page under watch; a test that did not check it explicitly gets the default checks."""
    context = pin_clock(browser.new_context())
    page = context.new_page()
    page.set_default_timeout(RESULT_TIMEOUT_MS)
    watch = PageWatch(page, origin).attach()
    try:
        yield watch
        if not watch.checked:
            watch.assert_clean()
    finally:
        context.close()


@pytest.fixture(name="verify_page")
def _verify_page(verify_browser: Any, verify_site: VerifySite) -> Iterator[PageWatch]:
    with watched_page(verify_browser, verify_site.origin) as watch:
        yield watch


_WAIT_RESULT = """() => {
  const s = document.getElementById('bp-result')?.getAttribute('data-verification-status');
  return s ? s : false;
}"""


_CHECK_LINES = """els => els.map(e =>
  `${e.dataset.check}:${e.dataset.outcome}${e.querySelector('.bp-check__detail').textContent}`)"""


def read_outcome(page: Any) -> Outcome:
    """The verdict once the page shows one (the status is empty while it works)."""
    page.wait_for_function(_WAIT_RESULT, timeout=RESULT_TIMEOUT_MS)
    result = page.locator("#bp-result")
    checks = page.eval_on_selector_all("#bp-checks li", _CHECK_LINES)
    status = result.get_attribute("data-verification-status") or ""
    assert status in STATUSES, status
    ms = float(result.get_attribute("data-verification-ms") or "nan")
    assert ms >= 0, ms  # set with every verdict (NaN fails too)
    return Outcome(status, ms, checks)


def _clear_status(page: Any) -> None:
    page.eval_on_selector("#bp-result", "el => el.setAttribute('data-verification-status', '')")


def verify_url_param(page: Any, site: VerifySite, url: str) -> Outcome:
    """Open /verify/?credential=<url> and read the verdict."""
    page.goto(site.verify_link(url))
    return read_outcome(page)


def open_verifier(page: Any, site: VerifySite) -> None:
    page.goto(site.verify_url)
    page.wait_for_function("() => document.getElementById('bp-result')?.dataset.bpMounted === 'true'")


def verify_pasted(page: Any, text: str | dict[str, Any]) -> Outcome:
    """Paste ``text`` (or a document, as JSON) into the textarea and press Verify."""
    if not isinstance(text, str):
        text = json.dumps(text, indent=2, ensure_ascii=False)
    page.fill("#bp-input", text)
    _clear_status(page)
    page.click("#bp-verify")
    return read_outcome(page)


def verify_file(page: Any, path: Path) -> Outcome:
    """Choose ``path`` in the file input."""
    _clear_status(page)
    page.set_input_files("#bp-file", str(path))
    return read_outcome(page)


# ---------------------------------------------------------------------------
# Timings


class Timings:
    """Figures (ms, from data-verification-ms) collected during the session."""

    def __init__(self) -> None:
        self.figures: dict[str, Any] = {}

    def record(self, name: str, value: Any) -> None:
        self.figures[name] = value

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.figures, indent=2) + "\n", encoding="utf-8")


def summarize_ms(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "count": len(values),
        "total": round(sum(values), 1),
        "mean": round(sum(values) / len(values), 1),
        "median": ordered[len(ordered) // 2],
        "min": ordered[0],
        "max": ordered[-1],
    }


@pytest.fixture(scope="session", name="verify_timings")
def _verify_timings() -> Iterator[Timings]:
    timings = Timings()
    yield timings
    if timings.figures:
        target = REPO / "test-results" / "verify-timings.json"
        timings.write(target)
        print(f"\nverification page timings (ms, data-verification-ms), written to {target}:")
        print(json.dumps(timings.figures, indent=2))
