"""The ``badgepress`` command: thin wrappers over the core, with clean messages."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from badgepress import clock
from badgepress.build.status import (
    allocate,
    history_problems,
    load_ledger,
    missing_entries_hint,
    write_ledger,
)
from badgepress.build.urls import Urls
from badgepress.cli.endorse import endorse
from badgepress.cli.options import config_option, output_option
from badgepress.domain import Program
from badgepress.errors import BadgepressError
from badgepress.load.program import load_program
from badgepress.load.settings import read_config
from badgepress.sign.keys import KeyPair

CONFIG_OPTION = config_option()


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
@click.option("--add", is_flag=True, help="also list the public key in mkdocs.yml")
@click.option(
    "--retire",
    multiple=True,
    metavar="KEY_ID",
    help="with --add: mark this older key retired (it stays published); repeatable",
)
@CONFIG_OPTION
def keygen(key_id: str | None, add: bool, retire: tuple[str, ...], config_file: Path) -> None:
    from badgepress.cli.intake import add_key_entry

    if retire and not add:
        raise Failure("--retire goes with --add")
    key = KeyPair.generate()
    key_id = key_id or f"key-{clock.now():%Y}"
    if add:
        _run(add_key_entry, config_file, key_id, key.public_key_multibase, retire)
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


def _load(config_file: Path) -> Program:
    config = read_config(config_file)
    return load_program(config.root, config.settings)


@main.command(help="Validate every file of the program, fast: no key, no site build. Exit 1 on any problem.")
@CONFIG_OPTION
@click.option("--fix", is_flag=True, help="add missing status indices to the ledger file")
def check(config_file: Path, fix: bool) -> None:
    from badgepress.load.placeholders import find_placeholders

    program = _run(_load, config_file)
    ledger_path = program.root / program.settings.ledger
    ledger, problems = load_ledger(ledger_path, program.settings.ledger)
    problems = problems or history_problems(program.root, ledger_path, program.settings.ledger, ledger)
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
    for problem in find_placeholders(program, config_file.name):
        click.echo(f"warning: {problem}", err=True)


@main.command(help="Revoke a credential: records the revocation in its award file.")
@click.argument("credential", metavar="CREDENTIAL")
@click.option("--reason", required=True, help="why it is revoked")
@click.option("--date", "when", default=None, help="revocation date, YYYY-MM-DD (default: today)")
@click.option("--private", is_flag=True, help="keep the reason off the public pages")
@CONFIG_OPTION
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
    config = _run(read_config, config_file)
    program = _run(load_program, config.root, config.settings)
    award = program.award(credential_id)
    if award is None:
        raise Failure(f"no credential {credential_id!r} in this program (see the id in its URL)")
    who = _recipient(program, award)
    if award.revoked is not None:
        raise Failure(f"{credential_id} ({who}) was already revoked on {award.revoked.date:%Y-%m-%d}")
    day = _day(when, "--date") or clock.today()
    _run(record_revocation, program.root / award.file, award.where, day, reason, not private)
    click.echo(f"revoked {award.credential_id}: {who}, in {award.file}")
    click.echo(f"  {Urls(config.base_url).credential_page_url(award.credential_id)}")
    click.echo("Commit the change to publish it.")


def _recipient(program: Program, award: Any) -> str:
    """Whose credential, for the person at the terminal: the name in the file and the badge's name."""
    achievement = program.achievements.get(award.achievement)
    title = achievement.spec.name if achievement else award.achievement
    return f"{award.name or 'a recipient without a name'}, {title!r}"


@main.command(help="Verify Open Badges 3.0 credentials (.json files or baked PNG/SVG badges).")
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
    from badgepress.verify.results import network_fetcher, site_fetcher

    fetch = site_fetcher(site) if site else network_fetcher()
    now = _moment(at, "--at") if at else clock.now()
    counts: dict[str, int] = {}
    for path in files:
        try:
            document = load_credential_file(path)
            result = verify_credential(document, fetch, now, check_status)
        except (BadgepressError, UnicodeDecodeError, RecursionError) as err:
            reason = "nested too deeply to read" if isinstance(err, RecursionError) else err
            click.echo(f"INVALID     {path}: {reason}")
            counts["invalid"] = counts.get("invalid", 0) + 1
            continue
        counts[result.status] = counts.get(result.status, 0) + 1
        name = document.get("name", "") if isinstance(document, dict) else ""
        click.echo(f"{result.status.upper():<11} {path}: {name} — {result.summary}".rstrip(" —"))
        for note in result.notes:
            click.echo(f"{'':<11} note: {note}")
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


def _json(doc: object) -> str:
    return json.dumps(doc, indent=2)


# ---------------------------------------------------------------- a program's life cycle


def _template_files() -> list[tuple[str, bytes]]:
    from importlib import resources

    found: list[tuple[str, bytes]] = []

    def walk(folder: Any, prefix: str) -> None:
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.name in {"__pycache__", ".DS_Store"}:
                continue
            if entry.is_dir():
                walk(entry, f"{prefix}{entry.name}/")
            else:
                found.append((f"{prefix}{entry.name}", entry.read_bytes()))

    walk(resources.files("badgepress").joinpath("starter"), "")
    return found


def _day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a date; write YYYY-MM-DD", param_hint=option) from None


def _moment(text: str, option: str) -> datetime:
    """A date (midnight UTC) or a time with its time zone, read as award files read them."""
    from badgepress.load.model import parse_timestamp

    try:
        return parse_timestamp(text)
    except ValueError as err:
        raise click.BadParameter(f"{text!r} {err}", param_hint=option) from None


@main.command(help="Start a new badge program in DIR (an empty or new folder), ready to push to GitHub.")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", default=None, help="the program's name (default: a placeholder to edit)")
@click.option(
    "--site-url", default=None, help="where the site will be, e.g. https://your-org.github.io/badges/"
)
@click.option(
    "--requirement",
    default=None,
    metavar="TEXT",
    help="the line of requirements.txt that installs Badgepress in the program's workflows "
    "(default: the Badgepress running now, when it was installed from PyPI or a git URL)",
)
def init(directory: Path, name: str | None, site_url: str | None, requirement: str | None) -> None:
    from badgepress.cli.intake import create_program
    from badgepress.cli.requirement import RequirementUnknown, check_requirement, running_requirement
    from badgepress.load.schemas import write_schemas

    try:
        line = check_requirement(requirement) if requirement is not None else running_requirement()
    except RequirementUnknown as err:
        raise Failure(
            f"cannot tell what the new program's workflows should install: {err}.\n"
            "Name it with --requirement, for example\n"
            "  --requirement 'badgepress==0.2.0'   (a release on PyPI)\n"
            "  --requirement 'badgepress @ git+https://github.com/OWNER/badgepress@COMMIT'"
        ) from None
    written = _run(
        create_program,
        directory,
        _template_files(),
        name=name,
        site_url=site_url,
        requirement=line,
    )
    write_schemas(directory / "schemas")
    click.echo(f"Created a badge program in {directory} ({len(written) + 2} files).")
    click.echo(f"Its workflows install {line} (requirements.txt).")
    click.echo(
        f"""
Next steps:
  1. cd {directory} and edit mkdocs.yml: site_name, site_url and the issuer.
  2. Make the signing key:   badgepress keygen --add
     Keep the secret it prints for step 4; the public key is now in mkdocs.yml.
  3. Check and preview:      badgepress check && mkdocs serve
  4. Push to a new GitHub repository, then under Settings:
     - Environments → New environment "signing" (deployment branches: main only)
       → Add secret BADGEPRESS_SIGNING_KEY = the secret from step 2;
     - Pages → Source: GitHub Actions;
     - CODEOWNERS: put your reviewers in .github/CODEOWNERS, and protect main
       (require a pull request, approvals and review from Code Owners).
  5. Issue badges with pull requests: badgepress award / badgepress import.
See README.md in the new folder, and the guide's "Start a program"."""
    )


@main.command("new-achievement", help="Create an achievement (a badge) file: achievements/SLUG.yaml.")
@click.argument("slug")
@click.option("--name", required=True, help="the badge's title")
@click.option("--description", required=True, help="what the badge recognizes, one paragraph")
@click.option("--criteria", required=True, help="how to earn it (Markdown)")
@click.option(
    "--type",
    "achievement_type",
    default="Badge",
    show_default=True,
    help="Badge, Course, Certificate, Competency, … (Open Badges 3.0 vocabulary)",
)
@click.option("--tag", "tags", multiple=True, help="a keyword for the catalog filters; repeatable")
@CONFIG_OPTION
def new_achievement(
    slug: str,
    name: str,
    description: str,
    criteria: str,
    achievement_type: str,
    tags: tuple[str, ...],
    config_file: Path,
) -> None:
    from badgepress.cli.intake import create_achievement

    config = _run(read_config, config_file)
    path = _run(
        create_achievement,
        config.root,
        config.settings,
        slug,
        name=name,
        description=description,
        criteria=criteria,
        achievement_type=achievement_type,
        tags=tags,
    )
    click.echo(
        f"created {path.relative_to(config.root).as_posix()}; review it, then commit it in a pull request"
    )


def _issued_message(issued: Any, what: str, config_file: Path) -> None:
    click.echo(
        f"{what} {issued.file}: {len(issued.credential_ids)} credential(s), "
        f"{len(issued.ledger_added)} line(s) added to the status ledger. "
        "Commit both in a pull request for review."
    )
    urls = Urls(_run(read_config, config_file).base_url)
    click.echo("Each credential's id and the page it will have once merged and published:")
    for credential_id in issued.credential_ids:
        click.echo(f"  {credential_id}  {urls.credential_page_url(credential_id)}")


@main.command(help="Award an achievement to one person: writes credentials/<year>/<name>-<achievement>.yaml.")
@click.argument("achievement")
@click.option("--name", required=True, help="the recipient's name as it should appear")
@click.option("--email", required=True, help="the recipient's email (stored only as a salted hash)")
@click.option("--date", "when", default=None, help="the date awarded, YYYY-MM-DD (default: today)")
@click.option("--narrative", default=None, help="what this person did (Markdown)")
@click.option("--evidence-url", default=None, help="a link to the work")
@click.option("--file", "file", default=None, help="the award file to write, relative to mkdocs.yml")
@CONFIG_OPTION
def award(
    achievement: str,
    name: str,
    email: str,
    when: str | None,
    narrative: str | None,
    evidence_url: str | None,
    file: str | None,
    config_file: Path,
) -> None:
    from badgepress.cli.intake import create_award

    day = _day(when, "--date") or clock.today()
    program = _run(_load, config_file)
    issued = _run(
        create_award,
        program,
        achievement,
        name=name,
        email=email,
        issued=day,
        narrative=narrative,
        evidence_url=evidence_url,
        file=file,
    )
    _issued_message(issued, "wrote", config_file)


@main.command("import", help="Award an achievement to everyone in a CSV roster, as one cohort file.")
@click.argument("roster", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--achievement", required=True, help="the achievement's id (its file name)")
@click.option(
    "--column",
    "columns",
    multiple=True,
    metavar="FIELD=HEADER",
    help="which CSV column holds a field (name, email, date, evidence_url, narrative, result); repeatable",
)
@click.option("--date", "when", default=None, help="the date awarded to rows without one, YYYY-MM-DD")
@click.option("--cohort-file", default=None, help="the award file to write, relative to mkdocs.yml")
@CONFIG_OPTION
def import_(
    roster: Path,
    achievement: str,
    columns: tuple[str, ...],
    when: str | None,
    cohort_file: str | None,
    config_file: Path,
) -> None:
    from badgepress.cli.intake import import_roster, read_roster

    mapping: dict[str, str] = {}
    for item in columns:
        field_name, sep, header = item.partition("=")
        if not sep or not field_name.strip() or not header.strip():
            raise click.BadParameter(
                f"{item!r}: write FIELD=HEADER, e.g. name='Full Name'", param_hint="--column"
            )
        mapping[field_name.strip()] = header.strip()
    day = _day(when, "--date")
    try:
        text = roster.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise Failure(
            f"{roster.name} is not UTF-8 text: export it from the spreadsheet as 'CSV UTF-8'"
        ) from None
    program = _run(_load, config_file)
    table = _run(read_roster, text, roster.name, mapping)
    if sys.stderr.isatty() and len(table.rows) > 1:
        with click.progressbar(length=len(table.rows), label="checking rows", file=sys.stderr) as bar:
            issued = _run(
                import_roster,
                program,
                table,
                achievement,
                issued=day,
                file=cohort_file,
                on_row=lambda: bar.update(1),
            )
    else:
        issued = _run(import_roster, program, table, achievement, issued=day, file=cohort_file)
    _issued_message(issued, "wrote", config_file)


@main.command(help="Summarize, in Markdown, what the working tree (or --head) changes since --base.")
@click.option("--base", required=True, help="the git revision to compare with, e.g. origin/main")
@click.option("--head", default=None, help="compare this revision instead of the working tree")
@output_option("write the Markdown to this file (default: standard output)")
@CONFIG_OPTION
def summary(base: str, head: str | None, output: Path | None, config_file: Path) -> None:
    from badgepress.cli.summary import summary_for

    text, result = _run(summary_for, config_file, base, head)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
    if result.ledger_removed or result.ledger_changed:
        raise Failure(
            f"{len(result.ledger_removed)} status ledger line(s) removed and {len(result.ledger_changed)} "
            "changed: restore them from the base branch (indices are never reused)"
        )


@main.command(
    help="Write a mail-merge CSV for telling each earner about the credentials added since a revision: "
    "name, email, badge, page address, LinkedIn link. The emails are private: keep the file off the site "
    "and out of the repository."
)
@click.option("--since", "since", required=True, metavar="REF", help="the git revision before the awards")
@click.option("--head", default=None, help="compare this revision instead of the working tree")
@click.option(
    "--roster",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="the CSV the awards were imported from: its emails are matched to the hashed identities",
)
@click.option(
    "--column",
    "columns",
    multiple=True,
    metavar="FIELD=HEADER",
    help="with --roster: which column holds the name or the email; repeatable",
)
@output_option("write the CSV to this file (default: standard output)")
@CONFIG_OPTION
def notify(
    since: str,
    head: str | None,
    roster: Path | None,
    columns: tuple[str, ...],
    output: Path | None,
    config_file: Path,
) -> None:
    from badgepress.cli.intake import read_roster
    from badgepress.cli.notify import notices_since, published_folders, write_notices

    if output is not None:
        target = output.resolve()
        for folder in published_folders(config_file):
            if target.is_relative_to(folder):
                raise Failure(f"{output} is in {folder.name}/, which is published: write the list elsewhere")
    table = None
    if roster is not None:
        mapping = {}
        for item in columns:
            field_name, sep, header = item.partition("=")
            if not sep or field_name.strip() not in {"name", "email"} or not header.strip():
                raise click.BadParameter(
                    f"{item!r}: write name=HEADER or email=HEADER", param_hint="--column"
                )
            mapping[field_name.strip()] = header.strip()
        try:
            text = roster.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise Failure(f"{roster.name} is not UTF-8 text: export it as 'CSV UTF-8'") from None
        table = _run(read_roster, text, roster.name, mapping)
    rows = _run(notices_since, config_file, since, head, table)
    if output is None:
        write_notices(rows, sys.stdout)
    else:
        with output.open("w", encoding="utf-8-sig", newline="") as out:  # the BOM tells Excel it is UTF-8
            write_notices(rows, out)
    missing = sum(1 for row in rows if not row.email)
    where = f" to {output}" if output else ""
    click.echo(f"{len(rows)} new credential(s) since {since}{where}.", err=True)
    if missing:
        click.echo(
            f"{missing} have no email: award files keep only a salted hash of it. Pass the roster the awards "
            "were made from (--roster FILE.csv) to match the emails back.",
            err=True,
        )


main.add_command(endorse)
