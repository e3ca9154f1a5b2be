"""Who to tell about a new badge: a mail-merge table of the credentials a range of commits added.

``added_awards`` compares the program at a past revision with the program now
(the working tree or another revision) and keeps the credentials that are new
and not revoked. ``notices`` turns them into rows a spreadsheet's mail merge
reads: the recipient's name and email, the badge, the credential page's
address and LinkedIn's add-to-profile link.

Emails are private: nothing here is published, and the table is written only
where the person running the command says. An award file keeps the email
only in a program with ``recipient_emails: plain``; otherwise it keeps a
salted hash, and the email comes back from the roster the awards were made
from (each roster address is hashed with each credential's salt, and kept
where the hash matches).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from badgepress.build.urls import Urls, linkedin_add_url
from badgepress.cli.intake import normalize_email
from badgepress.cli.revision import program_at
from badgepress.cli.roster import Roster
from badgepress.errors import BadgepressError, InputError
from badgepress.load.program import Award, Program, hash_identity, load_program
from badgepress.load.settings import read_config
from badgepress.load.source import load_source

COLUMNS = ("name", "email", "achievement", "credential_url", "linkedin_url", "issued", "credential_id")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class NotifyError(BadgepressError):
    """The notices cannot be made (a revision that does not load, a table in a published folder)."""


@dataclass(frozen=True)
class Notice:
    """One row of the mail merge: one new credential and where its earner is told to look."""

    name: str
    email: str
    achievement: str
    credential_url: str
    linkedin_url: str
    issued: str
    credential_id: str


def added_awards(before: Program | None, after: Program) -> list[Award]:
    """Credentials in ``after`` that ``before`` did not have, unrevoked, in file order."""
    known = {a.credential_id for a in before.awards} if before else set()
    new = [a for a in after.awards if a.credential_id not in known and a.revoked is None]
    return sorted(new, key=lambda a: (a.file, a.line))


def plain_emails(program: Program, awards: Iterable[Award]) -> dict[str, str]:
    """Emails kept in the clear in award files (``recipient_emails: plain``), by credential id."""
    found: dict[str, str] = {}
    sources: dict[str, object] = {}
    for award in awards:
        if award.file not in sources:
            source, _ = load_source(program.root / award.file, award.file)
            sources[award.file] = source.data if source else None
        entry = sources[award.file]
        for part in award.where:
            entry = entry[part] if isinstance(entry, (dict, list)) else None  # type: ignore[index]
        email = entry.get("email") if isinstance(entry, dict) else None
        if isinstance(email, str) and email.strip():
            found[award.credential_id] = normalize_email(email)
    return found


def roster_emails(roster: Roster, awards: Iterable[Award]) -> dict[str, str]:
    """Emails from a roster matched to credentials by their salted identity hash.

    The row of the same name is tried first, so a cohort costs one hash a person;
    a person renamed since is still found by trying every address.
    """
    by_name: dict[str, list[str]] = {}
    addresses: list[str] = []
    for row in roster.rows:
        try:
            email = normalize_email(row.values.get("email", ""))
        except ValueError:
            continue  # not an address: it cannot match a hash either
        addresses.append(email)
        by_name.setdefault(" ".join(row.values.get("name", "").split()).casefold(), []).append(email)
    found: dict[str, str] = {}
    for award in awards:
        if not (award.identity_hash and award.salt):
            continue
        name = " ".join((award.name or "").split()).casefold()
        for email in [*by_name.get(name, ()), *addresses]:
            if hash_identity(email, award.salt) == award.identity_hash:
                found[award.credential_id] = email
                break
    return found


def notices(
    program: Program, base_url: str, awards: Iterable[Award], emails: Mapping[str, str]
) -> list[Notice]:
    """The mail-merge rows of ``awards``; the email is empty where none is known."""
    urls = Urls(base_url)
    issuer = program.settings.issuer
    rows = []
    for award in awards:
        title = program.achievements[award.achievement].spec.name
        page = urls.credential_page_url(award.credential_id)
        rows.append(
            Notice(
                name=award.name or "",
                email=emails.get(award.credential_id, ""),
                achievement=title,
                credential_url=page,
                linkedin_url=linkedin_add_url(
                    title,
                    issuer.name,
                    issuer.linkedin_organization_id,
                    award.issued,
                    award.expires,
                    page,
                    award.credential_id,
                ),
                issued=f"{award.issued:%Y-%m-%d}",
                credential_id=award.credential_id,
            )
        )
    return rows


def _cell(text: str) -> str:
    """A cell a spreadsheet shows as text: a leading =, +, -, @ would make it a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def write_notices(rows: Iterable[Notice], out: IO[str]) -> None:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_cell(str(getattr(row, column))) for column in COLUMNS])


def _load(config_file: Path) -> tuple[Program, str]:
    config = read_config(config_file)
    return load_program(config.root, config.settings), config.base_url


def published_folders(config_file: Path) -> list[Path]:
    """The folders whose files end up on the public site: the docs folder and the built site."""
    source, _ = load_source(config_file, config_file.name)
    data = source.data if source and isinstance(source.data, dict) else {}
    root = config_file.resolve().parent
    return [
        (root / str(data.get(key) or default)).resolve()
        for key, default in (("docs_dir", "docs"), ("site_dir", "site"))
    ]


def notices_since(
    config_file: Path, since: str, head: str | None = None, roster: Roster | None = None
) -> list[Notice]:
    """The notices for every credential added between ``since`` and ``head`` (default: the working tree)."""
    with program_at(config_file, since) as base_config:
        before: Program | None = None
        if base_config.is_file():
            try:
                before, _ = _load(base_config)
            except InputError as err:
                raise NotifyError(
                    f"the program at {since} does not load ({len(err.problems)} problems): "
                    "give a revision where it does"
                ) from None
        if head is None:
            after, base_url = _load(config_file)
            return _notices(before, after, base_url, roster)
        with program_at(config_file, head) as head_config:
            after, base_url = _load(head_config)
            return _notices(before, after, base_url, roster)


def _notices(before: Program | None, after: Program, base_url: str, roster: Roster | None) -> list[Notice]:
    awards = added_awards(before, after)
    emails = plain_emails(after, awards)
    if roster is not None:
        emails.update(roster_emails(roster, [a for a in awards if a.credential_id not in emails]))
    return notices(after, base_url, awards, emails)
