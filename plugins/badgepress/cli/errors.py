"""The command line's one error type, and the one place core errors become clean messages.

A command fails by raising :class:`Failure`: click prints ``error: <message>``
on standard error and exits with status 1, without a traceback. Every command
is a :class:`Command`, whose ``invoke`` turns a core
:class:`~badgepress.errors.BadgepressError` (a file's problems, a bad key, a
git revision that does not exist…) into a :class:`Failure` carrying its
message, so the commands call the core directly and never wrap it
themselves. Wrong option values stay click's ``BadParameter`` (usage, exit
status 2).
"""

from __future__ import annotations

from typing import IO, Any

import click

from badgepress.errors import BadgepressError


class Failure(click.ClickException):
    """A command that cannot do what it was asked: ``error: <message>``, exit status 1."""

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


class Command(click.Command):
    """A ``badgepress`` command: a core error it lets through ends as a :class:`Failure`."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BadgepressError as err:
            raise Failure(str(err)) from None


class Group(click.Group):
    """The ``badgepress`` group: its ``@group.command()`` commands are :class:`Command`\\ s."""

    command_class = Command
