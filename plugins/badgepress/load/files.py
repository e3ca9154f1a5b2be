"""The files of a program: which ones are read, and that each is inside the repository.

Files and folders come from a pull request: a symbolic link could lead a build
to read (and publish) a file outside the repository, and a control character
in a name could forge a line of an error message. Each such case is a
:class:`Problem` like any other mistake.
"""

from __future__ import annotations

import os
from pathlib import Path

from badgepress.errors import InputError, Problem
from badgepress.load.model import iri_problem
from badgepress.load.settings import Settings

IMAGE_TYPES = {".png": "image/png", ".svg": "image/svg+xml"}
# A badge image or a logo: a few hundred kilobytes at most in practice; and every credential's
# baked badge carries its achievement's image, so a cohort of 2,000 multiplies it by 2,000.
MAX_IMAGE_BYTES = 2 * 1024 * 1024


def image_size_problem(path: Path) -> str | None:
    """Why an image file of the program is too large to publish, or None."""
    try:
        size = path.stat().st_size
    except OSError:
        return None
    return _larger_than_allowed(size) if size > MAX_IMAGE_BYTES else None


def read_image(path: Path, shown: str, field: str) -> bytes:
    """An image file's bytes, reading no more than :data:`MAX_IMAGE_BYTES` and a byte.

    Its size is checked when the program is loaded (:func:`image_size_problem`);
    InputError naming ``shown`` and ``field`` if it has grown past the limit since.
    """
    with open(path, "rb") as handle:
        data = handle.read(MAX_IMAGE_BYTES + 1)
        if len(data) > MAX_IMAGE_BYTES:
            message = _larger_than_allowed(os.fstat(handle.fileno()).st_size)
            raise InputError([Problem(shown, 0, field, message, "make it smaller")])
    return data


def _larger_than_allowed(size: int) -> str:
    return f"is larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MiB ({size / (1024 * 1024):,.1f} MiB)"


def printable(text: str) -> str:
    """``text`` with every control character written as an escape, so that it cannot forge a line."""
    return "".join(c if c.isprintable() or c == " " else c.encode("unicode_escape").decode() for c in text)


def inside(root: Path, path: Path) -> Path | str:
    """``path`` with its symbolic links resolved when that is inside ``root``, else why not (a message)."""
    try:
        resolved = path.resolve()
        base = root.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symbolic link loop (Python < 3.13)
        return "is a symbolic link that loops"
    except ValueError:  # a NUL character
        return "is not a file name"
    if resolved != base and base not in resolved.parents:
        return "leads outside the program's repository (after following symbolic links)"
    return resolved


def folder_problems(root: Path, settings: Settings, shown: str = "mkdocs.yml") -> list[Problem]:
    """The program's folders and ledger, as the options name them, each inside the repository."""
    problems = []
    for name in ("achievements_dir", "credentials_dir", "endorsements_dir", "ledger"):
        value = getattr(settings, name)
        where = inside(root, root / value)
        if isinstance(where, str):
            hint = "name a path inside this repository"
            problems.append(Problem(shown, 0, name, f"{value!r} {where}", hint))
    return problems


def issuer_image_problems(root: Path, settings: Settings, shown: str = "mkdocs.yml") -> list[Problem]:
    """The issuer's logo: a web address, or a .png or .svg file inside the repository."""
    image = settings.issuer.image
    if not image:
        return []
    message = _logo_problem(root, image)
    if message is None:
        return []
    return [Problem(shown, 0, "issuer.image", message, "give a path relative to mkdocs.yml, or an https URL")]


def _logo_problem(root: Path, image: str) -> str | None:
    if image.startswith(("https://", "http://")):
        return iri_problem(image)
    found_at = inside(root, root / image)
    if isinstance(found_at, str):
        return f"{image!r} {found_at}"
    if found_at.suffix.lower() not in IMAGE_TYPES:
        return "must be a .png or .svg file"
    if not found_at.is_file():
        return f"file {image!r} not found"
    return image_size_problem(found_at)


def links_in(folder: Path, shown: str) -> list[Problem]:
    """A symbolic link among the endorsement files: its target would be read and published."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    return [
        Problem(
            printable(f"{shown}/{entry.name}"),
            0,
            "",
            "is a symbolic link: only regular files and folders are read here",
            "replace it with the file itself",
        )
        for entry in entries
        if entry.is_symlink()
    ]


def yaml_files(
    folder: Path, recursive: bool, shown: str = "", problems: list[Problem] | None = None
) -> list[list[str]]:
    """The YAML files in ``folder`` (and below it) as lists of path parts, in path order.

    Parts rather than ``Path`` objects: a large program has tens of thousands of award files.
    Only regular files count: a symbolic link (to a file, a folder, or itself) and a name
    with a control character are problems, added to ``problems``.
    """
    found: list[list[str]] = []

    def refuse(parts: list[str], message: str, hint: str) -> None:
        if problems is not None:
            problems.append(Problem(printable("/".join([shown, *parts])), 0, "", message, hint))

    def scan(parts: list[str]) -> None:
        try:
            entries = list(os.scandir(os.path.join(folder, *parts)))
        except OSError:
            return
        for entry in entries:
            is_yaml = os.path.splitext(entry.name)[1] in {".yaml", ".yml"}
            if not (is_yaml or (recursive and entry.is_dir())):
                continue
            if not entry.name.isprintable():
                refuse([*parts, entry.name], "has a control character in its name", "rename it")
            elif entry.is_symlink():
                refuse(
                    [*parts, entry.name],
                    "is a symbolic link: only regular files and folders are read here",
                    "replace it with the file or folder itself",
                )
            elif is_yaml and entry.is_file(follow_symlinks=False):
                found.append([*parts, entry.name])
            elif recursive and entry.is_dir(follow_symlinks=False):
                scan([*parts, entry.name])

    scan([])
    return sorted(found)
