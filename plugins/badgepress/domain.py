"""The program's values: what the load stage makes and every later stage reads.

Frozen dataclasses, and the few rules that belong to them: what a slug is,
how a recipient's name is shown. At run time this module imports nothing of
the package, so that any stage (and any test) can import it without a cycle.
An achievement, the settings and a given endorsement carry their validated
input models (``load.model``, ``load.settings``) unchanged; those are named
for the type checker only.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # the validated input models: types only, never imported at run time
    from badgepress.load.model import AchievementIn, GivenEndorsement
    from badgepress.load.settings import Settings

NameVisibility = Literal["full", "initial", "none"]

# ---------------------------------------------------------------- slugs

_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
# A slug names an achievement (its file name), a learner and an endorsement file:
# lowercase ASCII letters, digits and dashes, starting with a letter or a digit.
SLUG_PATTERN = f"^{_SLUG.pattern}$"


def is_slug(text: str) -> bool:
    return _SLUG.fullmatch(text) is not None


def slugify(text: str) -> str:
    """``"Inès Dupont"`` → ``"ines-dupont"``; empty when ``text`` has no letter or digit to keep."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


# ---------------------------------------------------------------- achievements and awards


@dataclass(frozen=True)
class Achievement:
    """An achievement file: ``slug`` is its file name without .yaml."""

    slug: str
    spec: AchievementIn
    file: str
    image_path: Path | None  # None: a badge image is generated


@dataclass(frozen=True)
class Evidence:
    """What supports an award: a link, a title, a narrative (at least one of url, name, narrative)."""

    url: str | None = None
    name: str | None = None
    description: str | None = None
    narrative: str | None = None


@dataclass(frozen=True)
class Revocation:
    """An award's revocation: when, and why."""

    date: datetime
    reason: str
    public: bool = True  # False keeps the reason off the public pages


@dataclass(frozen=True)
class Award:
    """One credential to issue: one recipient of one award file."""

    credential_id: str
    achievement: str
    file: str
    line: int
    where: tuple[str | int, ...]  # the recipient's place in its file: ("recipient",) or ("recipients", n)
    name: str | None
    show_name: NameVisibility
    identity_hash: str | None
    salt: str | None
    did: str | None
    issued: datetime
    expires: datetime | None
    evidence: tuple[Evidence, ...]
    narrative: str | None
    result: str | None
    revoked: Revocation | None
    learner: str | None
    learner_record: bool


def shown_name(award: Award) -> str | None:
    """The recipient's name as the award allows it to be shown, or None when it is not shown."""
    name = (award.name or "").strip()
    if not name or award.show_name == "none":
        return None
    if award.show_name == "full":
        return name
    parts = name.split()
    return parts[0] if len(parts) == 1 else f"{parts[0]} {parts[-1][0]}."


def display_name(award: Award, hidden: str = "A recipient") -> str:
    """The recipient's name as public pages show it, or ``hidden``; never an email."""
    return shown_name(award) or hidden


# ---------------------------------------------------------------- endorsements


@dataclass(frozen=True)
class ReceivedEndorsement:
    """A verified endorsement file of ``endorsements/``; ``name`` is its file name without .json."""

    name: str
    file: str
    credential: dict[str, Any]

    @property
    def subject(self) -> str:
        return str(self.credential["credentialSubject"]["id"])

    @property
    def endorser_id(self) -> str:
        issuer = self.credential["issuer"]
        return str(issuer.get("id") if isinstance(issuer, dict) else issuer)

    @property
    def endorser(self) -> str:
        """The endorser's name, as the endorser wrote it (a did:key proves no name)."""
        issuer = self.credential["issuer"]
        name = issuer.get("name") if isinstance(issuer, dict) else None
        return str(name) if isinstance(name, str) and name.strip() else self.endorser_id

    @property
    def endorser_url(self) -> str | None:
        issuer = self.credential["issuer"]
        url = issuer.get("url") if isinstance(issuer, dict) else None
        return url if isinstance(url, str) and url.startswith(("https://", "http://")) else None

    @property
    def comment(self) -> str:
        return str(self.credential["credentialSubject"].get("endorsementComment") or "")

    @property
    def issued(self) -> str:
        return str(self.credential["validFrom"])


@dataclass(frozen=True)
class Given:
    """A given endorsement's file: ``name`` (its file name without .yaml) names the published JSON."""

    name: str
    file: str
    spec: GivenEndorsement


# ---------------------------------------------------------------- the program


@dataclass(frozen=True)
class Program:
    """Everything a program's files say, validated and cross-checked (``load.program.load_program``)."""

    root: Path
    settings: Settings
    achievements: Mapping[str, Achievement]
    awards: tuple[Award, ...]
    problems_file: str = "mkdocs.yml"
    received_endorsements: tuple[ReceivedEndorsement, ...] = ()  # proofs checked, subjects not yet
    given_endorsements: tuple[Given, ...] = ()
    # id → (award, digest of its repr) as read, so that the digest is not worked out again (award_key)
    award_keys: Mapping[str, tuple[Award, str]] = field(default_factory=dict, repr=False, compare=False)

    def award(self, credential_id: str) -> Award | None:
        return next((a for a in self.awards if a.credential_id == credential_id), None)

    def earners(self, slug: str) -> int:
        return self._earners.get(slug, 0)

    @cached_property
    def _earners(self) -> Counter[str]:
        return Counter(a.achievement for a in self.awards if a.revoked is None)
