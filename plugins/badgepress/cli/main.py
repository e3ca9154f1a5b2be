"""The ``badgepress`` command: the click group, its small commands, and the others registered.

Each larger command lives in the module named by what it does (``init``,
``check``, ``issue``, ``review``, ``endorse``) and is registered here; every
command is a :class:`~badgepress.cli.errors.Command`, so a core error ends as
one clean ``error:`` line (:mod:`badgepress.cli.errors`).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from badgepress import clock
from badgepress.build.urls import Urls
from badgepress.cli.check import check
from badgepress.cli.endorse import endorse
from badgepress.cli.errors import Failure, Group
from badgepress.cli.init import init
from badgepress.cli.issue import award, import_, new_achievement
from badgepress.cli.options import config_option, option_day, option_moment
from badgepress.cli.review import notify, summary
from badgepress.errors import BadgepressError
from badgepress.load.files import printable
from badgepress.load.program import Award, Program, load_program
from badgepress.load.settings import read_config
from badgepress.sign.keys import KeyPair


@click.group(
    cls=Group,
    help="Publish and verify Open Badges 3.0 credentials from a git repository of YAML files.",
)
@click.version_option(package_name="badgepress")
def main() -> None:
    pass


@main.command(help="Make a new Ed25519 signing key: the secret for CI, the entry for mkdocs.yml.")
@click.option("--id", "key_id", default=None, help="the key's name (default: key-<year>)")
@click.option("--add", is_flag=True, help="also list the public key in mkdocs.yml")
@click.option(
    "--retire",
    multiple=True,
    metavar="KEY_ID",
    help="with --add: mark this older key retired (it stays published); repeatable",
)
@config_option()
def keygen(key_id: str | None, add: bool, retire: tuple[str, ...], config_file: Path) -> None:
    from badgepress.cli.edit import add_key_entry

    if retire and not add:
        raise Failure("--retire goes with --add")
    key = KeyPair.generate()
    key_id = key_id or f"key-{clock.now():%Y}"
    if add:
        add_key_entry(config_file, key_id, key.public_key_multibase, retire)
    click.echo(
        "Store this secret as BADGEPRESS_SIGNING_KEY in the 'signing' environment of your repository "
        "(Settings → Environments).",
        err=True,
    )
    click.echo("Never commit it, paste it in an issue, or share it.", err=True)
    click.echo(f"BADGEPRESS_SIGNING_KEY={key.secret_key_multibase()}")
    if add:
        retired = f"; marked {', '.join(retire)} retired" if retire else ""
        click.echo(f"\nAdded the public key '{key_id}' to {config_file}{retired}. Commit it.", err=True)
    else:
        click.echo("\nThen add the public key to mkdocs.yml, under plugins → badgepress → keys:", err=True)
        click.echo(f"  - id: {key_id}\n    public_key: {key.public_key_multibase}")


@main.command(help="Revoke a credential: records the revocation in its award file.")
@click.argument("credential", metavar="CREDENTIAL")
@click.option("--reason", required=True, help="why it is revoked")
@click.option("--date", "when", default=None, help="revocation date, YYYY-MM-DD (default: today)")
@click.option("--private", is_flag=True, help="keep the reason off the public pages")
@config_option()
def revoke(credential: str, reason: str, when: str | None, private: bool, config_file: Path) -> None:
    """CREDENTIAL is its id, its page's address or its JSON's address."""
    from badgepress.build.urls import credential_id_from
    from badgepress.cli.edit import record_revocation

    credential_id = credential_id_from(credential)
    if credential_id is None:
        raise Failure(
            f"{credential!r} is not a credential's id or address: give the id (16 letters and digits), "
            "the page URL (…/credentials/ID/) or the JSON URL (…/credentials/ID.json)"
        )
    config = read_config(config_file)
    program = load_program(config.root, config.settings)
    award = program.award(credential_id)
    if award is None:
        raise Failure(f"no credential {credential_id!r} in this program (see the id in its URL)")
    who = _recipient(program, award)
    if award.revoked is not None:
        raise Failure(f"{credential_id} ({who}) was already revoked on {award.revoked.date:%Y-%m-%d}")
    day = option_day(when, "--date") or clock.today()
    record_revocation(program.root / award.file, award.where, day, reason, not private)
    click.echo(f"revoked {award.credential_id}: {who}, in {award.file}")
    click.echo(f"  {Urls(config.base_url).credential_page_url(award.credential_id)}")
    click.echo("Commit the change to publish it.")


def _recipient(program: Program, award: Award) -> str:
    """Whose credential, for the person at the terminal: the name in the file and the badge's name."""
    achievement = program.achievements.get(award.achievement)
    title = achievement.spec.name if achievement else award.achievement
    return f"{award.name or 'a recipient without a name'}, {title!r}"


@main.command(
    help="Verify Open Badges 3.0 credentials (.json, baked PNG/SVG badges) or a site's provenance.json."
)
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--site",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="resolve did:web documents and status lists from this built site folder, not the network",
)
@click.option(
    "--status/--no-status",
    "check_status",
    default=True,
    help="check revocation and suspension through the status list (default); --no-status to skip, offline",
)
# --check-status: what checking status took before it became the default; still accepted.
@click.option("--check-status", "legacy_check_status", is_flag=True, hidden=True)
@click.option("--at", "at", default=None, help="verify as of this time (ISO 8601), default now")
def verify(
    files: tuple[Path, ...], site: Path | None, check_status: bool, legacy_check_status: bool, at: str | None
) -> None:
    from badgepress.verify.credential import load_credential_file, verify_credential
    from badgepress.verify.provenance import is_provenance, verify_provenance
    from badgepress.verify.results import network_fetcher, site_fetcher

    fetch = site_fetcher(site) if site else network_fetcher()
    now = option_moment(at, "--at") if at else clock.now()
    counts: dict[str, int] = {}
    for path in files:
        try:
            document = load_credential_file(path)
            if is_provenance(document):  # a site's provenance.json: who approved each credential
                result = verify_provenance(document, fetch)
            else:
                result = verify_credential(document, fetch, now, check_status)
        except (BadgepressError, UnicodeDecodeError, RecursionError) as err:
            reason = "nested too deeply to read" if isinstance(err, RecursionError) else err
            click.echo(printable(f"INVALID     {path}: {reason}"))
            counts["invalid"] = counts.get("invalid", 0) + 1
            continue
        counts[result.status] = counts.get(result.status, 0) + 1
        name = document.get("name", "") if isinstance(document, dict) else ""
        # names, ids and details come from the file: control characters are shown as escapes
        click.echo(printable(f"{result.status.upper():<11} {path}: {name} — {result.summary}".rstrip(" —")))
        for note in result.notes:
            click.echo(printable(f"{'':<11} note: {note}"))
        if not check_status and result.status == "verified":
            click.echo(f"{'':<11} note: status not checked (--no-status)")
    click.echo(", ".join(f"{n} {s}" for s, n in sorted(counts.items())))
    if set(counts) != {"verified"}:
        sys.exit(1)


@main.command(help="Write the JSON Schemas of achievement and award files.")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def schemas(folder: Path) -> None:
    from badgepress.load.schemas import write_schemas

    for path in write_schemas(folder):
        click.echo(f"wrote {path}")


for command in (init, check, new_achievement, award, import_, summary, notify, endorse):
    main.add_command(command)
