"""``badgepress check``: every file of the program validated, fast (no key, no site build).

Exit status 1 on any problem; ``--fix`` gives new credentials their lines in
the status ledger, which ``check`` otherwise only reports.
"""

from __future__ import annotations

from pathlib import Path

import click

from badgepress.build.status import (
    allocate,
    history_problems,
    load_ledger,
    missing_entries_hint,
    write_ledger,
)
from badgepress.cli.errors import Command, Failure
from badgepress.cli.options import config_option
from badgepress.load.program import load_program
from badgepress.load.settings import read_config


@click.command(
    cls=Command,
    help="Validate every file of the program, fast: no key, no site build. Exit 1 on any problem.",
)
@config_option()
@click.option("--fix", is_flag=True, help="add missing status indices to the ledger file")
def check(config_file: Path, fix: bool) -> None:
    from badgepress.load.placeholders import find_placeholders

    config = read_config(config_file)
    program = load_program(config.root, config.settings)
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
