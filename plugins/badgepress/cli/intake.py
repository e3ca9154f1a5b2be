"""Intake: the YAML files a person asks for, written the way the build reads them.

``badgepress new-achievement``, ``award`` and ``import`` are thin shells over
this module. Every function here is plain Python (no click): it validates
first, then writes, then reloads the whole program to prove the result
builds, undoing its writes if it does not. Recipients' emails are hashed
with a fresh random salt unless the program keeps plain emails (a private
repository); the email itself is never written otherwise, never logged and
never echoed in an error.

Award files are written at a stable path (a credential's id derives from
its file's path), each new credential gets its line in the status ledger in
the same step, so the pull request shows the reviewer both.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
from collections.abc import Callable, Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import LiteralScalarString

from badgepress import clock
from badgepress.build.status import allocate, load_ledger, write_ledger
from badgepress.domain import Achievement, Program, is_slug, slugify
from badgepress.errors import BadgepressError, InputError, Problem
from badgepress.load.files import printable
from badgepress.load.model import AchievementIn, Email, Url
from badgepress.load.program import hash_identity, load_program, new_salt
from badgepress.load.settings import Settings
from badgepress.load.source import Source
from badgepress.load.validation import parse_model

SCHEMA_DIRS = ("schemas", "plugins/badgepress/schemas")
_EMAIL = TypeAdapter(Email)
_URL = TypeAdapter(Url)

# CSV columns: the field, and the header names recognised without --column (case-insensitive)
ROSTER_FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("name", "full name", "recipient", "recipient name"),
    "email": ("email", "e-mail", "email address", "e-mail address", "mail"),
    "date": ("date", "issued", "issue date", "date issued", "awarded"),
    "evidence_url": ("evidence", "evidence url", "evidence_url", "evidence link", "url"),
    "narrative": ("narrative", "notes", "comment"),
    "result": ("result", "grade", "score"),
}
REQUIRED_FIELDS = ("name", "email")


class RosterError(BadgepressError):
    """Problems in a roster (CSV) file; each names its row and column. Nothing was written."""

    def __init__(self, file: str, problems: list[str]):
        self.problems = problems
        noun = "problem" if len(problems) == 1 else "problems"
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{len(problems)} {noun} in {file}; nothing was written:\n{lines}")


@dataclass(frozen=True)
class Issued:
    """What an intake wrote: the award file, its credentials and their new ledger lines."""

    file: str
    credential_ids: tuple[str, ...]
    ledger_added: Mapping[str, int]


# ---------------------------------------------------------------- small helpers


def normalize_email(text: str) -> str:
    """The address as it is hashed: validated, then lowercased (as verifiers try it)."""
    try:
        return str(_EMAIL.validate_python(text.strip())).lower()
    except ValidationError:
        raise ValueError("not a valid email address") from None


def check_url(text: str) -> str:
    try:
        return str(_URL.validate_python(text.strip()))
    except ValidationError:
        raise ValueError("not a web address (it must start with https:// or http://)") from None


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{text.strip()!r} is not a date; write YYYY-MM-DD") from None


def recipient_entry(name: str, email: str, settings: Settings, salt: str | None = None) -> dict[str, Any]:
    """A recipient block: hashed identity and fresh salt, or the plain email when the program allows."""
    email = normalize_email(email)
    entry: dict[str, Any] = {"name": name.strip()}
    if settings.recipient_emails == "plain":
        entry["email"] = email
    else:
        salt = salt or new_salt()
        entry["identity"] = hash_identity(email, salt)
        entry["salt"] = salt
    return entry


def schema_header(root: Path, file: Path, schema: str) -> str:
    """The editor hint line: ``# yaml-language-server: $schema=<relative path>``."""
    folder = next((root / d for d in SCHEMA_DIRS if (root / d / schema).is_file()), root / SCHEMA_DIRS[0])
    relative = Path(os.path.relpath(folder / schema, file.parent)).as_posix()
    return f"# yaml-language-server: $schema={relative}\n"


def dump_yaml(data: Mapping[str, Any]) -> str:
    """Block-style YAML; multi-line texts as literal blocks, dates unquoted."""
    yaml = YAML()
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    out = StringIO()
    yaml.dump(_literal_blocks(data), out)
    return out.getvalue()


def _literal_blocks(value: Any) -> Any:
    if isinstance(value, str) and "\n" in value.strip():
        return LiteralScalarString(value.strip() + "\n")
    if isinstance(value, Mapping):
        return {k: _literal_blocks(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_literal_blocks(v) for v in value]
    return value


# ---------------------------------------------------------------- achievements


def create_achievement(
    root: Path,
    settings: Settings,
    slug: str,
    *,
    name: str,
    description: str,
    criteria: str,
    achievement_type: str = "Badge",
    tags: Sequence[str] = (),
) -> Path:
    """Write ``achievements/<slug>.yaml``; refuses an existing achievement or invalid fields."""
    folder = root / settings.achievements_dir
    shown = f"{settings.achievements_dir}/{slug}.yaml"
    if not is_slug(slug):
        raise InputError(
            [
                Problem(
                    shown,
                    0,
                    "",
                    "the name must be lowercase letters, digits and dashes",
                    f"for example {slugify(slug) or 'intro-to-python'}",
                )
            ]
        )
    for suffix in (".yaml", ".yml"):
        if (folder / f"{slug}{suffix}").exists():
            raise InputError(
                [Problem(shown, 0, "", "already exists", "edit that file, or choose another name")]
            )
    data: dict[str, Any] = {
        "name": name,
        "achievement_type": achievement_type,
        "description": description,
        "criteria": criteria,
    }
    if tags:
        data["tags"] = list(tags)
    _, problems = parse_model(AchievementIn, Source(shown, data, {}))
    if problems:
        raise InputError([Problem(p.file, 0, p.field, p.message, p.hint) for p in problems])
    path = folder / f"{slug}.yaml"
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(schema_header(root, path, "achievement.schema.json") + dump_yaml(data), encoding="utf-8")
    return path


# ---------------------------------------------------------------- awards


MAX_NAME_PART = 60  # characters of a recipient's name in a file name (file systems allow 255 bytes)


def award_file(settings: Settings, name: str, achievement: str, issued: date) -> str:
    """``credentials/<year>/<slug-of-name>-<achievement>.yaml`` (relative, POSIX).

    A long name is cut, and a digest of the whole of it keeps two names that
    begin alike apart; a long achievement slug is cut the same way.
    """
    person = _bounded(slugify(name) or "recipient")
    return f"{settings.credentials_dir}/{issued:%Y}/{person}-{_bounded(achievement)}.yaml"


def _bounded(slug: str) -> str:
    if len(slug) <= MAX_NAME_PART:
        return slug
    digest = hashlib.sha256(slug.encode("utf-8")).hexdigest()[:8]
    return f"{slug[: MAX_NAME_PART - 9].rstrip('-')}-{digest}"


def create_award(
    program: Program,
    achievement: str,
    *,
    name: str,
    email: str,
    issued: date,
    narrative: str | None = None,
    evidence_url: str | None = None,
    file: str | None = None,
) -> Issued:
    """Write one award file for one recipient, and its status ledger line."""
    settings = program.settings
    target = _known_achievement(program, achievement)
    shown = file or award_file(settings, name, achievement, issued)
    problems: list[Problem] = []
    if not name.strip():
        problems.append(Problem(shown, 0, "recipient.name", "must not be empty", "give --name"))
    try:
        recipient = recipient_entry(name, email, settings)
    except ValueError as err:
        problems.append(Problem(shown, 0, "recipient.email", str(err), "check --email"))
        recipient = {}
    document: dict[str, Any] = {"achievement": achievement, "issued": issued, "recipient": recipient}
    if narrative:
        document["narrative"] = narrative
    if evidence_url:
        try:
            document["evidence"] = [{"url": check_url(evidence_url)}]
        except ValueError as err:
            problems.append(Problem(shown, 0, "evidence.url", str(err), "check --evidence-url"))
    if problems:
        raise InputError(problems)
    holder = _already_holds(program, target, [normalize_email(email)])
    if holder:
        raise InputError(
            [
                Problem(
                    shown,
                    0,
                    "recipient",
                    f"this person already holds {achievement!r} ({holder[0]})",
                    "revoke that credential first if it must be re-issued",
                )
            ]
        )
    return _write_award(program, shown, document)


@dataclass
class RosterRow:
    row: int  # as a spreadsheet numbers it: the header is row 1
    values: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Roster:
    file: str
    headers: tuple[str, ...]
    columns: Mapping[str, str]  # field -> header used
    rows: tuple[RosterRow, ...]


def read_roster(text: str, shown_as: str, columns: Mapping[str, str] | None = None) -> Roster:
    """Parse a CSV export. ``columns`` maps a field (name, email, …) to its header in this file."""
    try:
        return _read_roster(text, shown_as, columns)
    except csv.Error as err:  # a cell over 128 KiB, for one
        raise RosterError(shown_as, [f"{shown_as}: is not a CSV file this can read ({err})"]) from None


def _read_roster(text: str, shown_as: str, columns: Mapping[str, str] | None) -> Roster:
    columns = dict(columns or {})
    unknown = sorted(set(columns) - set(ROSTER_FIELDS))
    if unknown:
        raise RosterError(
            shown_as,
            [f"--column {unknown[0]}=…: unknown field; the fields are {', '.join(ROSTER_FIELDS)}"],
        )
    text = text.removeprefix("\ufeff")
    # spreadsheets export with commas, or semicolons where the comma is the decimal mark
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(StringIO(text), delimiter=delimiter)
    try:
        headers = tuple(h.strip() for h in next(reader))
    except StopIteration:
        raise RosterError(
            shown_as, [f"{shown_as} is empty: it needs a header row and one row a person"]
        ) from None
    lowered = {h.casefold(): h for h in headers if h}
    used: dict[str, str] = {}
    problems: list[str] = []
    for name, aliases in ROSTER_FIELDS.items():
        if name in columns:
            header = columns[name]
            if header.casefold() not in lowered:
                problems.append(
                    f"{shown_as}: no column {header!r} (for {name}); the columns are "
                    + ", ".join(repr(h) for h in headers)
                )
                continue
            used[name] = lowered[header.casefold()]
        else:
            found = next((lowered[a] for a in aliases if a in lowered), None)
            if found is not None:
                used[name] = found
            elif name in REQUIRED_FIELDS:
                problems.append(
                    f"{shown_as}: no {name} column; the columns are "
                    + ", ".join(repr(h) for h in headers)
                    + f" (say which one with --column {name}=HEADER)"
                )
    if problems:
        raise RosterError(shown_as, problems)
    index = {h: i for i, h in reversed(list(enumerate(headers)))}
    rows = []
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        values = {
            name: cells[index[header]].strip() if index[header] < len(cells) else ""
            for name, header in used.items()
        }
        rows.append(RosterRow(number, values))
    return Roster(shown_as, headers, used, tuple(rows))


def import_roster(
    program: Program,
    roster: Roster,
    achievement: str,
    *,
    issued: date | None = None,
    file: str | None = None,
    today: date | None = None,
    on_row: Callable[[], None] | None = None,
) -> Issued:
    """Check every row, then write one cohort award file and its ledger lines, or nothing at all."""
    settings = program.settings
    target = _known_achievement(program, achievement)
    if not roster.rows:
        raise RosterError(roster.file, [f"{roster.file} has a header row but no one in it"])
    problems: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    recipients: list[tuple[RosterRow, dict[str, Any], date, str]] = []
    default_day = issued or today or clock.today()

    def bad(row: RosterRow, name: str, message: str) -> None:
        column = roster.columns.get(name, name)
        problems.append((row.row, f"{roster.file} row {row.row}, column {column!r}: {message}"))

    for row in roster.rows:
        values = row.values
        name = values.get("name", "")
        if not name:
            bad(row, "name", "is empty")
        email = ""
        try:
            email = normalize_email(values.get("email", ""))
        except ValueError as err:
            bad(row, "email", "is empty" if not values.get("email") else str(err))
        if email:
            if email in seen:
                bad(row, "email", f"the same address is on row {seen[email]}")
            else:
                seen[email] = row.row
        day = default_day
        if values.get("date"):
            try:
                day = parse_day(values["date"])
            except ValueError as err:
                bad(row, "date", str(err))
        elif issued is None and "date" in roster.columns:
            bad(row, "date", "is empty (or give --date for everyone)")
        entry: dict[str, Any] = {}
        if values.get("evidence_url"):
            try:
                entry["evidence"] = [{"url": check_url(values["evidence_url"])}]
            except ValueError as err:
                bad(row, "evidence_url", str(err))
        if values.get("narrative"):
            entry["narrative"] = values["narrative"]
        if values.get("result"):
            spec = target.spec.result
            if spec is None:
                bad(row, "result", f"achievement {achievement!r} declares no result; leave the column empty")
            elif spec.values and values["result"] not in spec.values:
                bad(row, "result", f"{values['result']!r} is not one of {', '.join(spec.values)}")
            else:
                entry["result"] = values["result"]
        if name and email:
            recipients.append((row, entry, day, email))
        if on_row:
            on_row()
    held = _already_holds(program, target, [email for *_, email in recipients])
    for position, where in held.items():
        bad(recipients[position][0], "email", f"already holds {achievement!r} ({where})")
    if problems:
        raise RosterError(roster.file, [text for _, text in sorted(problems, key=lambda p: p[0])])

    days = [day for _, _, day, _ in recipients]
    common = max(sorted(set(days)), key=days.count)  # the most frequent, earliest on a tie
    shown = file or f"{settings.credentials_dir}/{common:%Y}/{achievement}-{common:%Y-%m-%d}.yaml"
    entries = []
    for row, extra, day, email in recipients:
        entry = recipient_entry(row.values["name"], email, settings)
        if day != common:
            entry["issued"] = day
        entries.append({**entry, **extra})
    document = {"achievement": achievement, "issued": common, "recipients": entries}
    source = printable(" ".join(Path(roster.file).name.split()))
    note = f"# Imported from {source}: {len(entries)} recipients.\n"
    return _write_award(program, shown, document, note)


# ---------------------------------------------------------------- shared steps


def _known_achievement(program: Program, slug: str) -> Achievement:
    found = program.achievements.get(slug)
    if found is None:
        known = ", ".join(sorted(program.achievements)) or "none yet"
        raise InputError(
            [
                Problem(
                    program.settings.achievements_dir,
                    0,
                    "",
                    f"no achievement named {slug!r}",
                    f"known achievements: {known}; create one with `badgepress new-achievement`",
                )
            ]
        )
    return found


def _already_holds(program: Program, achievement: Achievement, emails: Sequence[str]) -> dict[int, str]:
    """Which of ``emails`` (by position) already hold an unrevoked credential of this achievement, where."""
    holders = [
        a
        for a in program.awards
        if a.achievement == achievement.slug and a.revoked is None and a.identity_hash and a.salt
    ]
    found: dict[int, str] = {}
    for position, email in enumerate(emails):
        for award in holders:
            if award.identity_hash == hash_identity(email, award.salt or ""):
                found[position] = f"{award.file}:{award.line}"
                break
    return found


def _write_award(program: Program, shown: str, document: Mapping[str, Any], note: str = "") -> Issued:
    """Write the file, prove the program still loads, then append the ledger lines; undo on failure."""
    root, settings = program.root, program.settings
    if not shown.isprintable() or any(len(part.encode("utf-8")) > 200 for part in shown.split("/")):
        raise InputError(
            [
                Problem(
                    printable(shown),
                    0,
                    "",
                    "has a control character or a part longer than 200 bytes",
                    "choose a shorter, plain file name with --file",
                )
            ]
        )
    path = root / shown
    if any(p.exists() for p in (path, path.with_suffix(".yml"), path.with_suffix(".yaml"))):
        raise InputError(
            [Problem(shown, 0, "", "already exists", "choose another file with --file (ids follow the path)")]
        )
    if path.suffix not in {".yaml", ".yml"}:
        raise InputError([Problem(shown, 0, "", "an award file must end in .yaml", "")])
    credentials = (root / settings.credentials_dir).resolve()
    if credentials not in path.resolve().parents:
        raise InputError(
            [
                Problem(
                    shown,
                    0,
                    "",
                    f"is outside the {settings.credentials_dir}/ folder",
                    "pick a path inside it",
                )
            ]
        )
    ledger_path = root / settings.ledger
    ledger, problems = load_ledger(ledger_path, settings.ledger)
    if problems:
        raise InputError(problems)
    ledger_before = ledger_path.read_bytes() if ledger_path.is_file() else None
    created = _missing_parents(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        schema_header(root, path, "award.schema.json") + note + dump_yaml(document), encoding="utf-8"
    )
    try:
        reloaded = load_program(root, settings)
        new_ids = [a.credential_id for a in reloaded.awards if a.file == shown]
        added = allocate(ledger, new_ids)
        if added:
            write_ledger(ledger_path, ledger, added, dict.fromkeys(added, shown))
    except BaseException:
        path.unlink(missing_ok=True)
        for folder in created:
            folder.rmdir()
        if ledger_before is None:
            ledger_path.unlink(missing_ok=True)
        else:
            ledger_path.write_bytes(ledger_before)
        raise
    return Issued(shown, tuple(new_ids), added)


def _missing_parents(path: Path) -> list[Path]:
    missing = []
    for parent in path.parents:
        if parent.exists():
            break
        missing.append(parent)
    return missing  # deepest first, as rmdir needs them


# ---------------------------------------------------------------- a new program

TEMPLATE_NAME = "Example Badge Program"
TEMPLATE_URL = "https://example-org.github.io/badges/"
TEMPLATE_REPO = "https://github.com/example-org/badges"


def create_program(
    target: Path,
    files: Iterable[tuple[str, bytes]],
    *,
    name: str | None = None,
    site_url: str | None = None,
    requirement: str | None = None,
) -> list[str]:
    """Copy the template's (path, content) pairs into an empty ``target``, personalized.

    ``requirement`` replaces the ``badgepress`` line of ``requirements.txt``: what the
    program's workflows install (see :mod:`badgepress.requirement`).
    """
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise InputError([Problem(str(target), 0, "", "is not an empty folder", "give a new folder's name")])
    if site_url is not None:
        try:
            site_url = check_url(site_url)
        except ValueError as err:
            raise InputError(
                [Problem("--site-url", 0, "", str(err), "e.g. https://your-org.github.io/badges/")]
            ) from None
        site_url = site_url if site_url.endswith("/") else site_url + "/"
    written = []
    for rel, content in files:
        if rel in {"mkdocs.yml", "docs/index.md", "README.md"}:
            content = _personalize(content.decode("utf-8"), name, site_url).encode("utf-8")
        if rel == "requirements.txt" and requirement:
            text = re.sub(r"(?m)^badgepress\b.*$", lambda _: requirement, content.decode("utf-8"))
            content = text.encode("utf-8")
        out = target / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(content)
        written.append(rel)
    return written


def _personalize(text: str, name: str | None, site_url: str | None) -> str:
    if name:
        text = text.replace(TEMPLATE_NAME, name)
    if site_url:
        text = text.replace(TEMPLATE_URL, site_url)
        match = re.fullmatch(r"https://([A-Za-z0-9-]+)\.github\.io/([^/]+)/", site_url)
        if match:
            text = text.replace(TEMPLATE_REPO, f"https://github.com/{match.group(1)}/{match.group(2)}")
    return text


# ---------------------------------------------------------------- keys


def add_key_entry(config_file: Path, key_id: str, public_key: str, retire: Sequence[str] = ()) -> None:
    """List a public key in mkdocs.yml (comments and layout kept); mark ``retire`` keys retired."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    from badgepress.load.settings import PLUGIN

    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    shown = config_file.name
    data = yaml.load(config_file.read_text(encoding="utf-8"))
    plugins = data.get("plugins") if isinstance(data, Mapping) else None
    options: Any = None
    if isinstance(plugins, Mapping):
        options = plugins.get(PLUGIN)
    elif isinstance(plugins, list):
        options = next((p[PLUGIN] for p in plugins if isinstance(p, Mapping) and PLUGIN in p), None)
    if not isinstance(options, MutableMapping):
        raise InputError(
            [
                Problem(
                    shown, 0, "plugins", "has no badgepress block with options", "add '- badgepress:' first"
                )
            ]
        )
    keys = options.get("keys")
    if keys is None:
        keys = CommentedSeq()
        options["keys"] = keys
    entries: dict[str, Any] = {str(k.get("id")): k for k in keys if isinstance(k, Mapping)}
    problems = []
    if key_id in entries:
        problems.append(Problem(shown, 0, "keys", f"a key named {key_id!r} is already listed", "pick --id"))
    if any(str(k.get("public_key")) == public_key for k in entries.values()):
        problems.append(Problem(shown, 0, "keys", "this public key is already listed"))
    for old in retire:
        if old not in entries:
            known = ", ".join(entries) or "none"
            problems.append(Problem(shown, 0, "keys", f"no key named {old!r} to retire", f"listed: {known}"))
    if problems:
        raise InputError(problems)
    for old in retire:
        entries[old]["retired"] = True
    entry = CommentedMap()
    entry["id"] = key_id
    entry["public_key"] = public_key
    keys.append(entry)
    out = StringIO()
    yaml.dump(data, out)
    config_file.write_text(out.getvalue(), encoding="utf-8")
