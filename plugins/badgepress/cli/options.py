"""Option values several commands take, read one way: a day and a moment.

A value that does not read is click's ``BadParameter`` naming the option
(usage error, exit status 2), as for any other malformed option.
"""

from __future__ import annotations

from datetime import date, datetime

import click


def option_day(text: str | None, option: str) -> date | None:
    """``YYYY-MM-DD`` given to ``option``, or None when it was not given."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a date; write YYYY-MM-DD", param_hint=option) from None


def option_moment(text: str, option: str) -> datetime:
    """A date (midnight UTC) or a time with its time zone, read as award files read them."""
    from badgepress.load.model import parse_timestamp

    try:
        return parse_timestamp(text)
    except ValueError as err:
        raise click.BadParameter(f"{text!r} {err}", param_hint=option) from None
