"""``badgepress new-achievement``, ``award`` and ``import``: the files that issue badges, for review.

Thin shells over :mod:`badgepress.cli.intake` (an achievement, one award) and
:mod:`badgepress.cli.roster` (a cohort from a CSV roster): they read the
options, call those, and print what was written and each credential's
address-to-be, for the pull request that publishes them.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from badgepress import clock
from badgepress.build.urls import Urls
from badgepress.cli.errors import Command, Failure
from badgepress.cli.options import config_option, option_day
from badgepress.load.program import load_program
from badgepress.load.settings import read_config

if TYPE_CHECKING:
    from badgepress.cli.intake import Issued


def _issued_message(issued: Issued, what: str, base_url: str) -> None:
    click.echo(
        f"{what} {issued.file}: {len(issued.credential_ids)} credential(s), "
        f"{len(issued.ledger_added)} line(s) added to the status ledger. "
        "Commit both in a pull request for review."
    )
    urls = Urls(base_url)
    click.echo("Each credential's id and the page it will have once merged and published:")
    for credential_id in issued.credential_ids:
        click.echo(f"  {credential_id}  {urls.credential_page_url(credential_id)}")


@click.command(
    "new-achievement",
    cls=Command,
    help="Create an achievement (a badge) file: achievements/SLUG.yaml.",
)
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
@config_option()
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

    config = read_config(config_file)
    path = create_achievement(
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


@click.command(
    cls=Command,
    help="Award an achievement to one person: writes credentials/<year>/<name>-<achievement>.yaml.",
)
@click.argument("achievement")
@click.option("--name", required=True, help="the recipient's name as it should appear")
@click.option("--email", required=True, help="the recipient's email (stored only as a salted hash)")
@click.option("--date", "when", default=None, help="the date awarded, YYYY-MM-DD (default: today)")
@click.option("--narrative", default=None, help="what this person did (Markdown)")
@click.option("--evidence-url", default=None, help="a link to the work")
@click.option("--file", "file", default=None, help="the award file to write, relative to mkdocs.yml")
@config_option()
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

    day = option_day(when, "--date") or clock.today()
    config = read_config(config_file)
    program = load_program(config.root, config.settings)
    issued = create_award(
        program,
        achievement,
        name=name,
        email=email,
        issued=day,
        narrative=narrative,
        evidence_url=evidence_url,
        file=file,
    )
    _issued_message(issued, "wrote", config.base_url)


@click.command(
    "import",
    cls=Command,
    help="Award an achievement to everyone in a CSV roster, as one cohort file.",
)
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
@config_option()
def import_(
    roster: Path,
    achievement: str,
    columns: tuple[str, ...],
    when: str | None,
    cohort_file: str | None,
    config_file: Path,
) -> None:
    from badgepress.cli.roster import import_roster, read_roster

    mapping: dict[str, str] = {}
    for item in columns:
        field_name, sep, header = item.partition("=")
        if not sep or not field_name.strip() or not header.strip():
            raise click.BadParameter(
                f"{item!r}: write FIELD=HEADER, e.g. name='Full Name'", param_hint="--column"
            )
        mapping[field_name.strip()] = header.strip()
    day = option_day(when, "--date")
    try:
        text = roster.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise Failure(
            f"{roster.name} is not UTF-8 text: export it from the spreadsheet as 'CSV UTF-8'"
        ) from None
    config = read_config(config_file)
    program = load_program(config.root, config.settings)
    table = read_roster(text, roster.name, mapping)
    if sys.stderr.isatty() and len(table.rows) > 1:
        with click.progressbar(length=len(table.rows), label="checking rows", file=sys.stderr) as bar:
            issued = import_roster(
                program, table, achievement, issued=day, file=cohort_file, on_row=lambda: bar.update(1)
            )
    else:
        issued = import_roster(program, table, achievement, issued=day, file=cohort_file)
    _issued_message(issued, "wrote", config.base_url)
