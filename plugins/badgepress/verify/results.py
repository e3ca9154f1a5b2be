"""What a verification reports, and how it fetches the documents it needs.

Shared by every format's checks (``credential``, ``vcjwt``, ``ob2``), so that
none of them imports another to reach these.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from badgepress.errors import VerificationError

Doc = dict[str, Any]
MAX_BYTES = 2 * 1024 * 1024  # the largest document fetched
# Worst first: a result's status is the first of these any check leads to, else "verified".
PRECEDENCE = ("invalid", "unreachable", "revoked", "suspended", "expired", "not-yet-valid")


class Unreachable(Exception):
    """A document the verification needs could not be fetched."""


Fetcher = Callable[[str], Any]


def site_fetcher(site: Path) -> Fetcher:
    """Resolve URLs to files of a built site: the longest path suffix that exists wins."""
    site = site.resolve()

    def fetch(url: str) -> Any:
        segments = [unquote(s) for s in urlsplit(url).path.split("/") if s]
        for start in range(len(segments)):
            candidate = site.joinpath(*segments[start:])
            if candidate.is_file() and site in candidate.resolve().parents:
                return json.loads(candidate.read_text(encoding="utf-8"))
        raise Unreachable(f"{url} is not in the site folder {site}")

    return fetch


def network_fetcher(timeout: float = 10.0) -> Fetcher:
    def fetch(url: str) -> Any:
        if not url.startswith("https://"):
            raise Unreachable(f"refusing to fetch {url}: only https URLs are resolved")
        request = urllib.request.Request(url, headers={"Accept": "application/json, application/did+json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return json.loads(response.read(MAX_BYTES))
        except (OSError, ValueError) as err:
            raise Unreachable(f"could not fetch {url}: {err}") from None

    return fetch


def did_web_url(did: str) -> str:
    """did:web:host%3Aport:a:b → https://host:port/a/b/did.json (bare host: /.well-known/did.json)."""
    parts = did.split(":")[2:]
    if not parts or not parts[0]:
        raise VerificationError(f"malformed did:web {did!r}")
    host = unquote(parts[0])
    path = "/".join(parts[1:]) + "/did.json" if len(parts) > 1 else ".well-known/did.json"
    return f"https://{host}/{path}"


@dataclass
class Check:
    name: str
    ok: bool | None  # None: skipped
    detail: str = ""


@dataclass
class Result:
    status: str = "verified"  # "verified" or one of PRECEDENCE
    checks: list[Check] = field(default_factory=list)
    credential: Doc | None = None
    embedded: list[Result] = field(default_factory=list)  # a learner record's credentials
    notes: list[str] = field(default_factory=list)  # what a reader must know, whatever the status

    def fail(self, name: str, detail: str, status: str = "invalid") -> Result:
        self.checks.append(Check(name, False, detail))
        if self.status == "verified" or PRECEDENCE.index(status) < PRECEDENCE.index(self.status):
            self.status = status
        return self

    @property
    def summary(self) -> str:
        failed = [c for c in self.checks if c.ok is False]
        return failed[0].detail if failed else "; ".join(c.detail for c in self.checks if c.ok and c.detail)


def parse_time(value: Any, name: str) -> datetime:
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise VerificationError(f"{name} is not a date-time: {value!r}") from None
    if moment.tzinfo is None:
        raise VerificationError(f"{name} has no time zone")
    return moment
