"""The options several commands share: click decorators, and values read one way (a day, a moment).

A value that does not read is click's ``BadParameter`` naming the option
(usage error, exit status 2), as for any other malformed option.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click


def output_option(help_text: str) -> Callable[[Any], Any]:
    """The commands' ``--output``/``-o`` option (a file path, default None)."""
    return click.option(
        "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None, help=help_text
    )


def config_option(help_text: str = "the program's mkdocs.yml") -> Callable[[Any], Any]:
    """The commands' ``--config``/``-f`` option: the program's mkdocs.yml."""
    return click.option(
        "--config",
        "-f",
        "config_file",
        default="mkdocs.yml",
        show_default=True,
        type=click.Path(dir_okay=False, path_type=Path),
        help=help_text,
    )


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
