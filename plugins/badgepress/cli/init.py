"""``badgepress init``: a new badge program, copied from ``starter/`` and personalized.

:func:`create_program` is plain Python (tested without click); the command
adds the requirement line the new program's workflows install (see
:mod:`badgepress.cli.requirement`) and the JSON Schemas editors read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

import click

from badgepress.cli.errors import Command, Failure
from badgepress.errors import InputError, Problem

TEMPLATE_NAME = "Example Badge Program"
TEMPLATE_URL = "https://example-org.github.io/badges/"
TEMPLATE_REPO = "https://github.com/example-org/badges"


def create_program(
    target: Path,
    files: Iterable[tuple[str, bytes]],
    *,
    name: str | None = None,
    site_url: str | None = None,
    requirement: str | None = None,
) -> list[str]:
    """Copy the starter program's (path, content) pairs into an empty ``target``, personalized.

    ``requirement`` replaces the ``badgepress`` line of ``requirements.txt``: what the
    program's workflows install (see :mod:`badgepress.cli.requirement`).
    """
    from badgepress.cli.intake import check_url  # with its YAML writer: not loaded for other commands

    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise InputError([Problem(str(target), 0, "", "is not an empty folder", "give a new folder's name")])
    if site_url is not None:
        try:
            site_url = check_url(site_url)
        except ValueError as err:
            raise InputError(
                [Problem("--site-url", 0, "", str(err), "e.g. https://your-org.github.io/badges/")]
            ) from None
        site_url = site_url if site_url.endswith("/") else site_url + "/"
    written = []
    for rel, content in files:
        if rel in {"mkdocs.yml", "docs/index.md", "README.md"}:
            content = _personalize(content.decode("utf-8"), name, site_url).encode("utf-8")
        if rel == "requirements.txt" and requirement:
            text = re.sub(r"(?m)^badgepress\b.*$", lambda _: requirement, content.decode("utf-8"))
            content = text.encode("utf-8")
        out = target / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(content)
        written.append(rel)
    return written


def _personalize(text: str, name: str | None, site_url: str | None) -> str:
    if name:
        text = text.replace(TEMPLATE_NAME, name)
    if site_url:
        text = text.replace(TEMPLATE_URL, site_url)
        match = re.fullmatch(r"https://([A-Za-z0-9-]+)\.github\.io/([^/]+)/", site_url)
        if match:
            text = text.replace(TEMPLATE_REPO, f"https://github.com/{match.group(1)}/{match.group(2)}")
    return text


def starter_files() -> list[tuple[str, bytes]]:
    """The starter program's files as (POSIX path, content) pairs, in a stable order."""
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


@click.command(
    cls=Command,
    help="Start a new badge program in DIR (an empty or new folder), ready to push to GitHub.",
)
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
    written = create_program(directory, starter_files(), name=name, site_url=site_url, requirement=line)
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
