"""What a new program's ``requirements.txt`` installs: exactly the Badgepress that made it.

``badgepress init`` writes one line that the program's own workflows install on
GitHub. It is read from how this copy of Badgepress was installed
(:pep:`610`: the ``direct_url.json`` an installer leaves in the dist-info):

- installed from a package index (no ``direct_url.json``): ``badgepress==X``;
- installed from a version-control URL: ``badgepress @ git+URL@COMMIT``, the
  commit that was installed (never a branch that may move);
- installed from a remote archive: ``badgepress @ URL``;
- installed from a local folder, an editable checkout or a local file: nothing
  a workflow on another machine could install, so :class:`RequirementUnknown`
  says so and asks for ``--requirement``.
"""

from __future__ import annotations

import json
from importlib import metadata

from badgepress.errors import BadgepressError

DIST = "badgepress"


class RequirementUnknown(BadgepressError):
    """This Badgepress was installed in a way another machine cannot repeat."""


def running_requirement(dist: metadata.Distribution | None = None) -> str:
    """The requirement line that installs the Badgepress described by ``dist`` (default: this one)."""
    if dist is None:
        try:
            dist = metadata.distribution(DIST)
        except metadata.PackageNotFoundError:
            raise RequirementUnknown(
                "this Badgepress runs from its source folder without being installed"
            ) from None
    text = dist.read_text("direct_url.json")
    if text is None:
        return f"{DIST}=={dist.version}"
    try:
        direct = json.loads(text)
        url = direct["url"]
    except (ValueError, KeyError, TypeError):
        raise RequirementUnknown("its installation record (direct_url.json) is unreadable") from None
    if not isinstance(url, str) or url.startswith("file:"):
        kind = "an editable checkout" if direct.get("dir_info", {}).get("editable") else "a local path"
        raise RequirementUnknown(f"this Badgepress was installed from {kind} ({url})")
    vcs = direct.get("vcs_info")
    if isinstance(vcs, dict):
        commit = vcs.get("commit_id")
        if not isinstance(commit, str) or not commit:
            raise RequirementUnknown(f"its installation record names no commit of {url}")
        return f"{DIST} @ {vcs.get('vcs', 'git')}+{url}@{commit}"
    return f"{DIST} @ {url}"


def check_requirement(text: str) -> str:
    """A requirement given with ``--requirement``: one non-empty line, returned stripped."""
    line = text.strip()
    if not line or "\n" in line or "\r" in line:
        raise RequirementUnknown("--requirement takes one line, such as badgepress==0.2.0")
    return line
