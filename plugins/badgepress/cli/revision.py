"""A program as it is at a git revision, in a temporary folder; the working tree is never touched.

``badgepress summary`` compares the base branch with a pull request, and
``badgepress notify`` the program before some awards with the program after
them: both read the past through :func:`program_at`, which materializes a
commit's tree with ``git archive``.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from tempfile import TemporaryDirectory

from badgepress.errors import BadgepressError


class GitError(BadgepressError):
    """A git command failed (an unknown revision, not a repository, no git…)."""


def _git(args: list[str], cwd: Path) -> bytes:
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {' '.join(args[:2])}: {message[-1] if message else 'failed'}")
    return proc.stdout


@contextmanager
def program_at(config_file: Path, revision: str) -> Iterator[Path]:
    """The config file as it is at ``revision``, in a temporary copy of that commit's tree."""
    folder = config_file.resolve().parent
    top = Path(_git(["rev-parse", "--show-toplevel"], folder).decode().strip())
    try:
        _git(["rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], top)
    except GitError:
        raise GitError(
            f"unknown revision {revision!r}: fetch it first (for example `git fetch origin main`)"
        ) from None
    archive = _git(["archive", "--format=tar", revision], top)
    with TemporaryDirectory(prefix="badgepress-summary-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            _extract(tar, Path(tmp))
        yield Path(tmp) / folder.relative_to(top.resolve()) / config_file.name


def _extract(tar: tarfile.TarFile, target: Path) -> None:
    """Extract regular files and folders only (git's own archive, but never trust a path)."""
    if hasattr(tarfile, "data_filter"):  # Python 3.11.4 and newer
        tar.extractall(target, filter="data")
        return
    for member in tar.getmembers():  # pragma: no cover - older Python 3.11 releases
        name = Path(member.name)
        if name.is_absolute() or ".." in name.parts or not (member.isfile() or member.isdir()):
            continue
        tar.extract(member, target)
