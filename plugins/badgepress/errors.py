"""The one exception hierarchy of the Badgepress core.

Every error the core raises derives from :class:`BadgepressError`. Input
problems are collected as :class:`Problem` values and raised together in one
:class:`InputError`, so a person fixing their YAML sees everything at once.
No message built here may contain key material.
"""

from __future__ import annotations

from dataclasses import dataclass


class BadgepressError(Exception):
    """Base class of every error Badgepress raises on purpose."""


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input: where, which field, what and how to fix it."""

    file: str
    line: int
    field: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text


class InputError(BadgepressError):
    """One or more problems in the program's YAML files or configuration."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        count = len(self.problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"{count} {noun} in the badge program:\n{lines}")


class KeyConfigError(BadgepressError):
    """The signing key is missing, malformed or not published. Never quotes the key."""


class SigningError(BadgepressError):
    """A document cannot be signed as it stands (for example, an undefined term)."""


class VerificationError(BadgepressError):
    """A credential failed verification; the message says which check failed."""
