"""A roster (a spreadsheet's CSV export) read, checked row by row, and imported as one cohort file.

``badgepress import`` is a thin shell over :func:`read_roster` and
:func:`import_roster`; ``badgepress notify`` reads the same rosters to match
emails back to the hashed identities. Every row is checked before anything is
written, and every problem names its row (as the spreadsheet numbers it) and
its column; the cohort file and its ledger lines are then written through
:func:`badgepress.cli.intake.write_award`, which proves the program still
loads or undoes them.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

from badgepress import clock
from badgepress.cli.intake import (
    Issued,
    already_holds,
    check_url,
    known_achievement,
    normalize_email,
    parse_day,
    recipient_entry,
    write_award,
)
from badgepress.domain import Program
from badgepress.errors import BadgepressError
from badgepress.load.files import printable

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
    target = known_achievement(program, achievement)
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
    held = already_holds(program, target, [email for *_, email in recipients])
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
    return write_award(program, shown, document, note)
