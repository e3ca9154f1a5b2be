"""``badgepress summary`` and ``notify``: around a pull request of awards, before and after it merges.

``summary`` writes what a pull request changes, in Markdown, for its reviewers
(:mod:`badgepress.cli.summary`); ``notify`` writes, once awards are merged, a
mail-merge table of whom to tell (:mod:`badgepress.cli.notify`). Both compare
the program at a git revision with the program now.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from badgepress.cli.errors import Command, Failure
from badgepress.cli.options import config_option, output_option


@click.command(
    cls=Command, help="Summarize, in Markdown, what the working tree (or --head) changes since --base."
)
@click.option("--base", required=True, help="the git revision to compare with, e.g. origin/main")
@click.option("--head", default=None, help="compare this revision instead of the working tree")
@output_option("write the Markdown to this file (default: standard output)")
@config_option()
def summary(base: str, head: str | None, output: Path | None, config_file: Path) -> None:
    from badgepress.cli.summary import summary_for

    text, result = summary_for(config_file, base, head)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
    if result.ledger_removed or result.ledger_changed:
        raise Failure(
            f"{len(result.ledger_removed)} status ledger line(s) removed and {len(result.ledger_changed)} "
            "changed: restore them from the base branch (indices are never reused)"
        )


@click.command(
    cls=Command,
    help="Write a mail-merge CSV for telling each earner about the credentials added since a revision: "
    "name, email, badge, page address, LinkedIn link. The emails are private: keep the file off the site "
    "and out of the repository.",
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
@config_option()
def notify(
    since: str,
    head: str | None,
    roster: Path | None,
    columns: tuple[str, ...],
    output: Path | None,
    config_file: Path,
) -> None:
    from badgepress.cli.notify import notices_since, published_folders, write_notices
    from badgepress.cli.roster import read_roster

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
        table = read_roster(text, roster.name, mapping)
    rows = notices_since(config_file, since, head, table)
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
