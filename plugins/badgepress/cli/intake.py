"""Intake: the achievement and award files a person asks for, written the way the build reads them.

``badgepress new-achievement`` and ``award`` are thin shells over this module,
and ``badgepress import`` over :mod:`badgepress.cli.roster`, which writes its
cohort file through :func:`write_award`. Every function here is plain Python
(no click): it validates first, then writes, then reloads the whole program to
prove the result builds, undoing its writes if it does not. Recipients' emails
are hashed with a fresh random salt unless the program keeps plain emails (a
private repository); the email itself is never written otherwise, never
logged and never echoed in an error.

Award files are written at a stable path (a credential's id derives from
its file's path), each new credential gets its line in the status ledger in
the same step, so the pull request shows the reviewer both.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import LiteralScalarString

from badgepress.build.status import allocate, load_ledger, write_ledger
from badgepress.domain import Achievement, Program, is_slug, slugify
from badgepress.errors import InputError, Problem
from badgepress.load.files import printable
from badgepress.load.model import AchievementIn, Email, Url
from badgepress.load.program import hash_identity, load_program, new_salt
from badgepress.load.settings import Settings
from badgepress.load.source import Source
from badgepress.load.validation import parse_model

SCHEMA_DIRS = ("schemas", "plugins/badgepress/schemas")
_EMAIL = TypeAdapter(Email)
_URL = TypeAdapter(Url)


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
    target = known_achievement(program, achievement)
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
    holder = already_holds(program, target, [normalize_email(email)])
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
    return write_award(program, shown, document)


# ---------------------------------------------------------------- shared with the roster import


def known_achievement(program: Program, slug: str) -> Achievement:
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


def already_holds(program: Program, achievement: Achievement, emails: Sequence[str]) -> dict[int, str]:
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


def write_award(program: Program, shown: str, document: Mapping[str, Any], note: str = "") -> Issued:
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
