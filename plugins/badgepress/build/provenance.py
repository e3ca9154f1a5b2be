"""Issuance provenance: which commit, and which pull request, approved each credential.

The git history of the program is its public ledger. ``read_history`` reads
it once, with one ``git log`` over the main line (first parents only, each
merge compared with its first parent, so that a pull request's merge commit
shows everything the pull request changed) of the award and achievement
folders, and keeps, per file, the commits that added it, changed it, added a
recipient's identity line and added a ``revoked:`` block. A commit's pull
request comes from its message (GitHub's "Merge pull request #N from …" and
squash titles ending "(#N)") or, for the commit being built in GitHub
Actions for a pull request, from ``GITHUB_REF``.

Nothing signed depends on this: credentials are the same with or without
history. The provenance only goes into pages and the separately signed
``provenance.json``. No author name or email is ever read.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from badgepress.build.documents import Doc, timestamp
from badgepress.build.urls import Urls
from badgepress.domain import Award, Program

PROVENANCE_PATH = "provenance.json"
PROVENANCE_TYPE = "BadgepressProvenance"

_COMMIT = "\x1e"  # starts each commit's header line in the log
_MERGE_TITLE = re.compile(r"^Merge pull request #(\d+) from ")
_SQUASH_TITLE = re.compile(r"\(#(\d+)\)\s*$")
_PULL_REF = re.compile(r"^refs/pull/(\d+)/merge$")
_RECIPIENT_LINE = re.compile(r"^\+\s*(?:-\s+)?(?:identity|did):\s*['\"]?([^'\"\s#]+)")
_REVOKED_LINE = re.compile(r"^\+\s*(?:-\s+)?revoked:")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

State = Literal["complete", "shallow", "unavailable"]


@dataclass(frozen=True)
class Change:
    """A commit of the main line, as the public may know it: no author, no message."""

    commit: str
    date: str  # the commit's (committer) date, ISO 8601: for a merge, when it was merged
    pull_request: int | None = None
    merged: bool = True  # False: the pull request being built in CI, not merged yet


@dataclass
class FileHistory:
    """What the main line did to one YAML file, oldest first."""

    added: Change | None = None  # the latest addition (after the last removal, if any)
    changed: Change | None = None  # the latest change, its addition included
    recipients: dict[str, Change] = field(default_factory=dict)  # identity or DID → first added
    revocations: list[tuple[frozenset[str], Change]] = field(default_factory=list)  # dates seen → commit


@dataclass(frozen=True)
class History:
    state: State
    head: Change | None
    files: Mapping[str, FileHistory]  # program-relative path → its history
    reason: str = ""  # why the history is incomplete or missing (for the build's notice)


@dataclass(frozen=True)
class AwardProvenance:
    issued: Change | None
    revoked: Change | None


# ---------------------------------------------------------------- reading git


def _git(args: list[str], cwd: Path) -> str | None:
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except OSError:
        return None
    if proc.returncode != 0:
        return None
    return proc.stdout.decode("utf-8", "replace")


def read_history(root: Path, folders: list[str], environ: Mapping[str, str]) -> History:
    """The main line's history of ``folders`` (relative to ``root``), from one ``git log``.

    Never fails: without git, outside a repository or before the first
    commit, the history is ``unavailable``; in a shallow clone, ``shallow``
    (files first seen in the clone's oldest commit have no known addition).
    """
    about = _git(["rev-parse", "--is-shallow-repository", "HEAD"], root)
    if about is None:
        return History("unavailable", None, {}, "not a git repository with commits (or git is not installed)")
    shallow = about.split()[0] == "true"
    log = _git(
        [
            "-c",
            "core.quotePath=false",
            "log",
            "--first-parent",
            "-m",  # a merge shows its changes against its first parent: what the pull request brought
            "-p",
            "--unified=0",
            "--no-renames",
            "--no-color",
            "--no-ext-diff",
            "--no-textconv",
            "--no-show-signature",
            "--src-prefix=a/",  # whatever diff.noprefix or diff.mnemonicPrefix say
            "--dst-prefix=b/",
            "--relative",
            f"--format={_COMMIT}%H %P%x1f%cI%x1f%s",
            "HEAD",
            "--",
            *folders,
        ],
        root,
    )
    if log is None:
        return History("unavailable", None, {}, "`git log` failed")
    head = _head(root, environ)
    files = _parse_log(log, shallow, head)
    if shallow:
        missing = "a shallow clone: the history before its oldest commit is missing"
        return History("shallow", head, files, missing)
    return History("complete", head, files)


def _head(root: Path, environ: Mapping[str, str]) -> Change | None:
    text = _git(["log", "-1", "--format=%H %P%x1f%cI%x1f%s", "HEAD"], root)
    return _change(text.strip(), None, environ) if text else None


def _change(header: str, head: Change | None, environ: Mapping[str, str] | None = None) -> Change:
    """A commit from its header line: "<sha> <parents>\\x1f<date>\\x1f<subject>"."""
    ids, date, subject = [*header.split("\x1f", 2), "", ""][:3]
    commit, *parents = ids.split()
    if head is not None and commit == head.commit:
        return head
    if environ is not None and environ.get("GITHUB_SHA") == commit:
        pulled = _PULL_REF.match(environ.get("GITHUB_REF", ""))
        if pulled:  # a pull request's build in GitHub Actions: its test merge, not merged yet
            return Change(commit, date, int(pulled.group(1)), merged=False)
    match = _MERGE_TITLE.match(subject) if len(parents) > 1 else None
    match = match or _SQUASH_TITLE.search(subject)
    return Change(commit, date, int(match.group(1)) if match else None)


def _parse_log(text: str, shallow: bool, head: Change | None) -> dict[str, FileHistory]:
    """Per file, the history told by the log's output (newest commit first)."""
    commits: list[tuple[Change, bool, list[str]]] = []
    for block in text.split(_COMMIT)[1:]:
        header, _, patch = block.partition("\n")
        root_commit = len(header.split("\x1f", 1)[0].split()) == 1
        commits.append((_change(header, head), shallow and root_commit, patch.split("\n")))
    files: dict[str, FileHistory] = {}
    for change, boundary, lines in reversed(commits):
        _apply(files, change, boundary, lines)
    return files


def _apply(files: dict[str, FileHistory], change: Change, boundary: bool, lines: list[str]) -> None:
    """Add one commit's patch to ``files``; a shallow clone's oldest commit adds nothing known.

    ``lines`` is git's patch of the commit (``--unified=0``): per file a
    header ("diff --git", "new file mode", "--- a/…", "+++ b/…"), then hunks.
    """
    known = None if boundary else change
    history: FileHistory | None = None
    header = new = deleted = revoking = False
    hunk: list[str] = []  # the added lines of the current hunk

    for line in lines:
        if not header:
            first = line[:1]
            if first == "+":
                if history is None or known is None:
                    continue
                hunk.append(line)
                # substring tests first: most added lines are neither (10,000 new award files)
                if "revoked:" in line and _REVOKED_LINE.match(line):
                    revoking = True
                elif "identity:" in line or "did:" in line:
                    recipient = _RECIPIENT_LINE.match(line)
                    if recipient:
                        history.recipients.setdefault(recipient.group(1), known)
                continue
            if first == "@" or first == "d":
                if revoking and history is not None and known is not None:
                    dates = frozenset(d for added in hunk for d in _DATE.findall(added))
                    history.revocations.append((dates, known))
                hunk.clear()
                revoking = False
                if first == "d" and line.startswith("diff --git "):
                    history, header, new, deleted = None, True, False, False
            continue
        if line.startswith("diff --git "):  # after a header without hunks (a binary file)
            history, new, deleted = None, False, False
        elif line.startswith("new file mode"):
            new = True
        elif line.startswith("deleted file mode"):
            deleted = True
        elif line.startswith("--- ") and deleted:
            files.pop(_unquote(line[4:])[2:], None)  # removed: a later addition starts anew
        elif line.startswith("+++ "):
            header = False
            if not deleted:
                path = _unquote(line[4:])[2:]  # "b/<path>"
                if new:
                    files[path] = FileHistory(added=known)
                history = files.setdefault(path, FileHistory())
                history.changed = known
    if revoking and history is not None and known is not None:
        history.revocations.append((frozenset(d for added in hunk for d in _DATE.findall(added)), known))


def _unquote(text: str) -> str:
    """A path as git prints it (C-quoted when it has unusual characters; UTF-8 kept as it is)."""
    if len(text) >= 2 and text[0] == text[-1] == '"':
        raw = text[1:-1].encode("utf-8").decode("unicode_escape").encode("latin-1")
        return raw.decode("utf-8", "replace")
    return text


# ---------------------------------------------------------------- what each award and achievement shows


def award_provenance(history: History, award: Award) -> AwardProvenance:
    """The commit that issued ``award`` (added its recipient, else its file) and that revoked it."""
    file = history.files.get(award.file)
    if file is None:
        return AwardProvenance(None, None)
    key = award.identity_hash or award.did or ""
    issued = file.recipients.get(key) or file.added
    revoked = None
    if award.revoked is not None and file.revocations:
        day = award.revoked.date.date().isoformat()
        dated = [change for dates, change in file.revocations if day in dates]
        revoked = (dated or [change for _, change in file.revocations])[-1]
    return AwardProvenance(issued, revoked)


def unknown_count(history: History, program: Program) -> int:
    """How many credentials have no known issuing commit (for the build's notice)."""
    return sum(1 for award in program.awards if award_provenance(history, award).issued is None)


def notice(history: History, program: Program) -> str | None:
    """One sentence for the build log when the history cannot tell everything, else None."""
    if history.state == "unavailable":
        return f"provenance: {history.reason}; credential pages show no approving pull request"
    missing = unknown_count(history, program)
    if history.state == "shallow":
        return (
            f"provenance: {history.reason}; the approving commit of {missing} of {len(program.awards)} "
            "credential(s) is unknown (check out with fetch-depth: 0)"
        )
    if missing:
        return f"provenance: {missing} credential(s) are not committed yet; their pages show no approval"
    return None


# ---------------------------------------------------------------- the published file


def _entry(change: Change | None) -> Doc | None:
    """A commit as provenance.json gives it (its web address is the repository's + /commit/<sha>)."""
    if change is None:
        return None
    entry: Doc = {"commit": change.commit, "date": _utc(change.date)}
    if change.pull_request is not None:
        entry["pullRequest"] = change.pull_request
        entry["merged"] = change.merged
    return entry


def _utc(date: str) -> str:
    from datetime import datetime

    return timestamp(datetime.fromisoformat(date))


def build_provenance(
    history: History, program: Program, urls: Urls, repository: str | None, fallback_date: str
) -> Doc:
    """The unsigned provenance document: a VC 2.0 whose subject lists each credential's commits.

    ``validFrom`` is the built commit's date (``fallback_date`` without
    history), so the same commit gives the same file.
    """
    credentials = []
    for award in sorted(program.awards, key=lambda a: a.credential_id):
        found = award_provenance(history, award)
        item: Doc = {"id": urls.absolute(urls.credential_path(award.credential_id))}
        issued, revoked = _entry(found.issued), _entry(found.revoked)
        if issued:
            item["issued"] = issued
        if revoked:
            item["revoked"] = revoked
        credentials.append(item)
    achievements = []
    for slug in sorted(program.achievements):
        file = history.files.get(program.achievements[slug].file)
        item = {"id": urls.absolute(urls.achievement_path(slug))}
        created = _entry(file.added if file else None)
        changed = _entry(file.changed if file else None)
        if created:
            item["created"] = created
        if changed:
            item["lastChanged"] = changed
        achievements.append(item)
    subject: Doc = {"id": urls.base, "history": history.state}
    if repository:
        subject["repository"] = repository
    if history.head is not None:
        subject["builtFrom"] = _entry(history.head)
    subject["credentials"] = credentials
    subject["achievements"] = achievements
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": urls.absolute(PROVENANCE_PATH),
        "type": ["VerifiableCredential", PROVENANCE_TYPE],
        "name": "Issuance provenance",
        "description": "The commit and pull request that approved each credential of this issuer.",
        "issuer": urls.did,
        "validFrom": _utc(history.head.date) if history.head else fallback_date,
        "credentialSubject": subject,
    }


def repository_url(repo_url: str | None, environ: Mapping[str, str]) -> str | None:
    """The repository's web address: ``repo_url`` of mkdocs.yml, else GitHub Actions' own."""
    if repo_url:
        return repo_url.rstrip("/")
    server, name = environ.get("GITHUB_SERVER_URL"), environ.get("GITHUB_REPOSITORY")
    if server and name:
        return f"{server.rstrip('/')}/{name}"
    return None
