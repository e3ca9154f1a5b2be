"""``badgepress endorse``: an organization endorses an achievement (or a program) with its own key.

The endorser runs it offline, with their secret key in an environment
variable (never an option: it would end up in the shell's history), and
submits the file it writes by pull request to the program's repository,
where the build checks the signature before publishing the endorsement.

Registered in :mod:`badgepress.cli.main` with the other commands; it also
runs on its own (``endorse(prog_name="badgepress endorse")``), its core
errors made clean by the same :class:`~badgepress.cli.errors.Command`.
"""

from __future__ import annotations

import json
import os
import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from email_validator import EmailNotValidError, validate_email

from badgepress import clock
from badgepress.build.documents import to_json
from badgepress.build.endorsements import (
    ENDORSER_KEY_ENV,
    build_endorsement,
    endorser_method,
    endorser_profile,
    sign_endorsement,
)
from badgepress.build.urls import Urls
from badgepress.cli.errors import Command, Failure
from badgepress.cli.options import config_option, option_day, output_option
from badgepress.domain import is_slug, slugify
from badgepress.errors import BadgepressError
from badgepress.load.endorsements import local_fetcher
from badgepress.load.settings import read_config
from badgepress.sign.keys import KeyPair
from badgepress.verify.credential import check_signed
from badgepress.verify.results import Unreachable


def resolve_subject(subject: str, config_file: Path) -> tuple[str, str, Path | None]:
    """(id endorsed, short name for the file, the program's endorsements folder or None).

    SUBJECT is an id (an https address or a DID) or, run in a program's
    folder, an achievement's file name or the word ``issuer``.
    """
    if subject.startswith("did:"):
        return subject, "issuer", None
    if subject.startswith(("https://", "http://")):
        page = re.match(r"^(.*/achievements/[a-z0-9][a-z0-9-]*)/?$", subject)
        if page and not subject.endswith(".json"):
            raise Failure(f"{subject} is a page address; endorse the achievement's id, {page.group(1)}.json")
        stem = subject.rstrip("/").rsplit("/", 1)[-1].removesuffix(".json")
        return subject, slugify(stem) or "endorser", None
    if not is_slug(subject):
        raise Failure(f"{subject!r} is neither an id (https://… or did:…) nor an achievement's file name")
    try:
        config = read_config(config_file)
    except BadgepressError as err:
        raise Failure(
            f"{err}\n(outside a badge program's folder, give the achievement's id: "
            "https://…/achievements/<name>.json)"
        ) from None
    urls = Urls(config.base_url)
    folder = config.root / config.settings.endorsements_dir
    if subject == "issuer":
        return urls.did, "issuer", folder
    if not (config.root / config.settings.achievements_dir / f"{subject}.yaml").is_file():
        raise Failure(f"no achievement named {subject!r} in {config.settings.achievements_dir}/")
    return urls.absolute(urls.achievement_path(subject)), subject, folder


def _key(env: str) -> KeyPair:
    value = os.environ.get(env, "").strip()
    if not value:
        raise Failure(
            f"set the environment variable {env} to your organization's secret key "
            "(make one with `badgepress keygen`; keep it secret, and never commit it)"
        )
    try:
        return KeyPair.from_secret_multibase(value)
    except BadgepressError as err:
        raise Failure(f"{env}: {err}") from None


def _shown(path: Path) -> str:
    """``path`` relative to the current folder when it is under it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def _comment(text: str) -> str:
    comment = sys.stdin.read() if text == "-" else text
    if not comment.strip():
        raise click.BadParameter("the comment is empty", param_hint="--comment")
    return comment.strip()


@click.command(
    cls=Command,
    help="Endorse SUBJECT with your organization's own key: writes a signed EndorsementCredential "
    "to submit by pull request. SUBJECT is the id of an achievement (https://…/achievements/NAME.json) "
    "or of a program (its did:web); in a program's folder, an achievement's file name or 'issuer'.",
)
@click.argument("subject")
@click.option("--name", "endorser_name", required=True, help="your organization's name")
@click.option("--comment", required=True, help="what you say about it (Markdown); '-' reads standard input")
@click.option("--url", default=None, help="your organization's web site")
@click.option("--email", default=None, help="a contact address, published in the endorsement")
@click.option("--date", "when", default=None, help="the date of the endorsement, YYYY-MM-DD (default: today)")
@click.option("--title", default=None, help="a title (default: 'Endorsement by <name>')")
@click.option("--did", default=None, help="sign as this did:web DID instead of your key's own did:key")
@click.option("--key-id", default=None, help="with --did: your key's id in your DID document (after the #)")
@click.option(
    "--did-document",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="with --did: your DID document (did.json); copied beside the endorsement for the build to check",
)
@click.option(
    "--key-env",
    default=ENDORSER_KEY_ENV,
    show_default=True,
    help="the environment variable that holds your secret key",
)
@output_option("the file to write (default: <endorsements folder or here>/<your name>-<subject>.json)")
@click.option("--force", is_flag=True, help="overwrite the output file if it exists")
@config_option("the program's mkdocs.yml (when SUBJECT is an achievement's file name)")
def endorse(
    subject: str,
    endorser_name: str,
    comment: str,
    url: str | None,
    email: str | None,
    when: str | None,
    title: str | None,
    did: str | None,
    key_id: str | None,
    did_document: Path | None,
    key_env: str,
    output: Path | None,
    force: bool,
    config_file: Path,
) -> None:
    if url and not url.startswith(("https://", "http://")):
        raise click.BadParameter("must start with https://", param_hint="--url")
    if email:
        try:
            email = validate_email(email, check_deliverability=False).normalized
        except EmailNotValidError:
            raise click.BadParameter(f"{email!r} is not an email address", param_hint="--email") from None
    web = did is not None and did.startswith("did:web:")
    if did is not None and not (web or did.startswith("did:key:")):
        raise click.BadParameter("only did:web and did:key endorsers are supported", param_hint="--did")
    if web and did_document is None:
        raise click.BadParameter(
            "a did:web endorsement needs your DID document, for the program's build to check it",
            param_hint="--did-document",
        )
    if (key_id or did_document) and not web:
        raise Failure("--key-id and --did-document go with --did did:web:…")
    day = option_day(when or None, "--date") or clock.today()
    subject_id, short, folder = resolve_subject(subject, config_file)
    key = _key(key_env)
    signer_did, _method = endorser_method(key, did, key_id)
    issued = datetime(day.year, day.month, day.day, tzinfo=UTC)
    profile = endorser_profile(signer_did, endorser_name.strip(), url, email)
    unsigned = build_endorsement(subject_id, _comment(comment), profile, issued, name=title)
    signed = sign_endorsement(unsigned, key, signer_did, key_id)

    did_documents: dict[str, Any] = {}
    if web:
        assert did_document is not None
        try:
            did_documents[signer_did] = json.loads(did_document.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, ValueError) as err:
            raise Failure(f"{did_document} is not JSON: {err}") from None
    try:
        check_signed(signed, local_fetcher(did_documents) if web else lambda u: None)
    except (BadgepressError, Unreachable) as err:
        raise Failure(f"the endorsement would not verify: {err}") from None

    default_folder = folder if folder is not None else Path(".")
    target = output or default_folder / f"{slugify(endorser_name) or 'endorser'}-{short}.json"
    if target.exists() and not force:
        raise Failure(f"{target} exists; choose another --output, or --force to replace it")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(to_json(signed))
    written = [target]
    if web:
        assert did_document is not None
        beside = target.with_name(target.name.removesuffix(".json") + ".did.json")
        beside.write_bytes(did_document.read_bytes())
        written.append(beside)
    click.echo(f"{endorser_name} ({signer_did}) endorses {subject_id}")
    click.echo(f"wrote {' and '.join(_shown(p) for p in written)}")
    click.echo(
        "Submit it by pull request to the program's repository: its build checks the signature and "
        "publishes the endorsement.",
        err=True,
    )
