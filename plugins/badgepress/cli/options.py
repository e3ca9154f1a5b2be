"""The options several commands share, as click decorators."""

from __future__ import annotations

from collections.abc import Callable
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
