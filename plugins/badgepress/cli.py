"""The ``badgepress`` command: thin wrappers over the core, with clean messages."""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import click

from .config import read_config
from .errors import BadgepressError
from .keys import KeyPair
from .program import Program, load_program
from .status import allocate, load_ledger, missing_entries_hint, write_ledger

CONFIG_OPTION = click.option(
    "--config",
    "-f",
    "config_file",
    default="mkdocs.yml",
    show_default=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="the program's mkdocs.yml",
)


class Failure(click.ClickException):
    def show(self, file=None) -> None:  # type: ignore[no-untyped-def]
        click.echo(f"error: {self.format_message()}", err=True)


def _run(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    try:
        return fn(*args, **kwargs)
    except BadgepressError as err:
        raise Failure(str(err)) from None


@click.group(help="Publish and verify Open Badges 3.0 credentials from a git repository of YAML files.")
@click.version_option(package_name="badgepress")
def main() -> None:
    pass


@main.command(help="Make a new Ed25519 signing key: the secret for CI, the entry for mkdocs.yml.")
@click.option("--id", "key_id", default=None, help="the key's name (default: key-<year>)")
def keygen(key_id: str | None) -> None:
    key = KeyPair.generate()
    key_id = key_id or f"key-{datetime.now(UTC):%Y}"
    click.echo("Store this secret as the BADGEPRESS_SIGNING_KEY secret of your repository.", err=True)
    click.echo("Never commit it, paste it in an issue, or share it.", err=True)
    click.echo(f"BADGEPRESS_SIGNING_KEY={key.secret_key_multibase()}")
    click.echo("\nThen add the public key to mkdocs.yml, under plugins → badgepress → keys:", err=True)
    click.echo(f"  - id: {key_id}\n    public_key: {key.public_key_multibase}")


def _load(config_file: Path) -> Program:
    config = read_config(config_file)
    return load_program(config.root, config.settings)


@main.command(help="Validate every file of the program, fast: no key, no site build. Exit 1 on any problem.")
@CONFIG_OPTION
@click.option("--fix", is_flag=True, help="add missing status indices to the ledger file")
def check(config_file: Path, fix: bool) -> None:
    program = _run(_load, config_file)
    ledger_path = program.root / program.settings.ledger
    ledger, problems = load_ledger(ledger_path, program.settings.ledger)
    if problems:
        raise Failure("\n".join(str(p) for p in problems))
    added = allocate(ledger, [a.credential_id for a in program.awards])
    withdrawn = sorted(set(ledger.indices) - {a.credential_id for a in program.awards})
    labels = {a.credential_id: a.file for a in program.awards}
    if added and fix:
        write_ledger(ledger_path, ledger, added, labels)
        click.echo(f"added {len(added)} line(s) to {program.settings.ledger}; commit it with the award files")
    elif added:
        raise Failure(
            f"{len(added)} new credential(s) have no status index in {program.settings.ledger}: "
            + missing_entries_hint(program.settings.ledger, ledger_path.is_file(), added, labels)
        )
    revoked = sum(1 for a in program.awards if a.revoked)
    click.echo(
        f"ok: {len(program.achievements)} achievements, {len(program.awards)} credentials "
        f"({revoked} revoked, {len(withdrawn)} withdrawn)"
    )


@main.command(help="Revoke a credential: records the revocation in its award file.")
@click.argument("credential_id")
@click.option("--reason", required=True, help="why it is revoked")
@click.option("--date", "when", default=None, help="revocation date, YYYY-MM-DD (default: today)")
@click.option("--private", is_flag=True, help="keep the reason off the public pages")
@CONFIG_OPTION
def revoke(credential_id: str, reason: str, when: str | None, private: bool, config_file: Path) -> None:
    from .edit import record_revocation

    program = _run(_load, config_file)
    award = program.award(credential_id.rsplit("/", 1)[-1].removesuffix(".json"))
    if award is None:
        raise Failure(f"no credential {credential_id!r} in this program (see the id in its URL)")
    if award.revoked is not None:
        raise Failure(f"{credential_id} was already revoked on {award.revoked.date:%Y-%m-%d}")
    day = date.fromisoformat(when) if when else datetime.now(UTC).date()
    _run(record_revocation, program.root / award.file, award.where, day, reason, not private)
    click.echo(f"revoked {award.credential_id} in {award.file}; commit the change to publish it")


@main.command(help="Verify Open Badges 3.0 credentials (.json files or baked PNG/SVG badges).")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--site",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="resolve did:web documents and status lists from this built site folder, not the network",
)
@click.option("--check-status", is_flag=True, help="also check revocation through the status list")
@click.option("--at", "at", default=None, help="verify as of this time (ISO 8601), default now")
def verify(files: tuple[Path, ...], site: Path | None, check_status: bool, at: str | None) -> None:
    from .verify import load_credential_file, network_fetcher, site_fetcher, verify_credential

    fetch = site_fetcher(site) if site else network_fetcher()
    now = datetime.fromisoformat(at.replace("Z", "+00:00")) if at else datetime.now(UTC)
    counts: dict[str, int] = {}
    for path in files:
        try:
            document = load_credential_file(path)
        except (BadgepressError, UnicodeDecodeError) as err:
            click.echo(f"INVALID     {path}: {err}")
            counts["invalid"] = counts.get("invalid", 0) + 1
            continue
        result = verify_credential(document, fetch, now, check_status)
        counts[result.status] = counts.get(result.status, 0) + 1
        name = document.get("name", "") if isinstance(document, dict) else ""
        click.echo(f"{result.status.upper():<11} {path}: {name} — {result.summary}".rstrip(" —"))
    click.echo(", ".join(f"{n} {s}" for s, n in sorted(counts.items())))
    if set(counts) != {"verified"}:
        sys.exit(1)


@main.command(help="Write the JSON Schemas of achievement and award files.")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def schemas(folder: Path) -> None:
    from .schemas import write_schemas

    for path in write_schemas(folder):
        click.echo(f"wrote {path}")


def _json(doc: object) -> str:
    return json.dumps(doc, indent=2)
