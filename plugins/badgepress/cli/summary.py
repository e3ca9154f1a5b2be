"""What a pull request changes, in Markdown, for the people who review it.

``summarize`` compares two loaded programs (the base branch and the pull
request) and lists the credentials to be issued, revoked, changed (and so
re-issued, re-signed with new content) and withdrawn, the achievements added
or changed, signing keys, and the lines added to or removed from the status
ledger. A removed or changed ledger line is an error shouted at the top:
indices are never reused. ``program_at`` materializes a git revision in a
temporary folder with ``git archive``, so the working tree is never touched.

The summary shows recipients' names only as the program shows them
publicly, and never an email address or an identity hash.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from tempfile import TemporaryDirectory

from badgepress.build.status import Ledger, load_ledger
from badgepress.build.urls import Urls
from badgepress.domain import Achievement, Award, Program, display_name
from badgepress.errors import BadgepressError, InputError
from badgepress.load.program import load_program
from badgepress.load.settings import KeyEntry, read_config

ROW_LIMIT = 200  # rows per table: a pull request comment holds at most 65,536 characters
_COMPARED = ("name", "show_name", "issued", "expires", "evidence", "narrative", "result", "learner")


class GitError(BadgepressError):
    """A git command the summary needs failed (unknown revision, not a repository…)."""


@dataclass(frozen=True)
class Side:
    """One side of the comparison: a program (None when there is none yet) and its ledger."""

    program: Program | None
    ledger: Ledger
    note: str = ""  # why the program is missing, when it is
    base_url: str = ""  # where its credentials are published


@dataclass
class Summary:
    issued: list[Award] = field(default_factory=list)
    revoked: list[Award] = field(default_factory=list)
    unrevoked: list[Award] = field(default_factory=list)
    changed: list[tuple[Award, list[str]]] = field(default_factory=list)
    withdrawn: list[Award] = field(default_factory=list)  # award removed: will show as revoked
    dropped: list[str] = field(default_factory=list)  # removed but never in the ledger
    achievements_added: list[Achievement] = field(default_factory=list)
    achievements_changed: list[tuple[Achievement, list[str], int]] = field(default_factory=list)
    achievements_removed: list[Achievement] = field(default_factory=list)
    # (what happened, whose, about what, file): endorsements received (files) and given (YAML)
    endorsements: list[tuple[str, str, str, str]] = field(default_factory=list)
    keys_added: list[KeyEntry] = field(default_factory=list)
    keys_retired: list[KeyEntry] = field(default_factory=list)
    keys_removed: list[KeyEntry] = field(default_factory=list)
    ledger_added: dict[str, int] = field(default_factory=dict)
    ledger_removed: dict[str, int] = field(default_factory=dict)
    ledger_changed: dict[str, tuple[int, int]] = field(default_factory=dict)
    ledger_missing: list[Award] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    achievement_names: dict[str, str] = field(default_factory=dict)
    base_url: str = ""  # the head's: each credential's id links to its page-to-be

    @property
    def errors(self) -> bool:
        return bool(self.ledger_removed or self.ledger_changed or self.keys_removed)


# ---------------------------------------------------------------- loading


def load_side(config_file: Path) -> Side:
    """Load a program and its ledger; a folder without mkdocs.yml is an empty program."""
    if not config_file.is_file():
        return Side(None, Ledger({}), f"no {config_file.name} here yet")
    config = read_config(config_file)
    program = load_program(config.root, config.settings)
    ledger, problems = load_ledger(config.root / config.settings.ledger, config.settings.ledger)
    if problems:
        raise InputError(problems)
    return Side(program, ledger, base_url=config.base_url)


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


def summary_for(config_file: Path, base: str, head: str | None = None) -> tuple[str, Summary]:
    """Markdown comparing the program at ``base`` with ``head`` (default: the working tree)."""
    with program_at(config_file, base) as base_config:
        try:
            before = load_side(base_config)
        except InputError as err:
            before = Side(
                None, Ledger({}), f"the program at {base} does not load ({len(err.problems)} problems)"
            )
        if head is None:
            result = summarize(before, load_side(config_file))
            return render(result, base, "the working tree"), result
        with program_at(config_file, head) as head_config:
            result = summarize(before, load_side(head_config))
            return render(result, base, head), result


# ---------------------------------------------------------------- comparing


def summarize(base: Side, head: Side) -> Summary:
    out = Summary(base_url=head.base_url)
    if base.note:
        out.notes.append(f"Compared with an empty program: {base.note}.")
    if head.program is None:
        out.notes.append(f"This side has no program: {head.note}.")
    old = {a.credential_id: a for a in base.program.awards} if base.program else {}
    new = {a.credential_id: a for a in head.program.awards} if head.program else {}
    for cid, award in new.items():
        before = old.get(cid)
        if before is None:
            out.issued.append(award)
            continue
        if before.revoked is None and award.revoked is not None:
            out.revoked.append(award)
        elif before.revoked is not None and award.revoked is None:
            out.unrevoked.append(award)
        changed = [name for name in _COMPARED if getattr(before, name) != getattr(award, name)]
        if before.revoked is not None and award.revoked is not None and before.revoked != award.revoked:
            changed.append("revoked")
        if changed:
            out.changed.append((award, changed))
    for cid, award in old.items():
        if cid not in new:
            if cid in head.ledger.indices or cid in base.ledger.indices:
                out.withdrawn.append(award)
            else:
                out.dropped.append(cid)

    moved = {(a.achievement, a.identity_hash or a.did) for a in out.issued}
    for award in out.withdrawn:
        if (award.achievement, award.identity_hash or award.did) in moved:
            out.notes.append(
                f"{award.file} looks renamed or moved: a credential's id follows its file's path, so the "
                "old credential will show as revoked and a new one is issued. Move the file back."
            )

    old_achievements = base.program.achievements if base.program else {}
    new_achievements = head.program.achievements if head.program else {}
    for slug, achievement in new_achievements.items():
        previous = old_achievements.get(slug)
        if previous is None:
            out.achievements_added.append(achievement)
            continue
        changed = _achievement_changes(previous, achievement)
        if changed:
            carriers = sum(1 for a in new.values() if a.achievement == slug)
            out.achievements_changed.append((achievement, changed, carriers))
    out.achievements_removed = [a for s, a in old_achievements.items() if s not in new_achievements]
    out.achievement_names = {s: a.spec.name for s, a in {**old_achievements, **new_achievements}.items()}

    out.endorsements = _endorsement_changes(base.program, head.program)

    old_keys = {k.id: k for k in base.program.settings.keys} if base.program else {}
    new_keys = {k.id: k for k in head.program.settings.keys} if head.program else {}
    out.keys_added = [k for i, k in new_keys.items() if i not in old_keys]
    out.keys_retired = [
        k for i, k in new_keys.items() if k.retired and i in old_keys and not old_keys[i].retired
    ]
    out.keys_removed = [
        k for i, k in old_keys.items() if i not in new_keys or new_keys[i].public_key != k.public_key
    ]

    before_ledger, after_ledger = base.ledger.indices, head.ledger.indices
    out.ledger_added = {c: i for c, i in after_ledger.items() if c not in before_ledger}
    out.ledger_removed = {c: i for c, i in before_ledger.items() if c not in after_ledger}
    out.ledger_changed = {
        c: (i, after_ledger[c])
        for c, i in before_ledger.items()
        if c in after_ledger and after_ledger[c] != i
    }
    out.ledger_missing = [a for a in new.values() if a.credential_id not in after_ledger]
    return out


def _endorsement_changes(base: Program | None, head: Program | None) -> list[tuple[str, str, str, str]]:
    """Endorsements received or given that this change adds, removes or edits."""
    rows = []
    for kind in ("received", "given"):
        old = {e.name: e for e in (getattr(base, f"{kind}_endorsements") if base else ())}
        new = {e.name: e for e in (getattr(head, f"{kind}_endorsements") if head else ())}
        for name in sorted(old.keys() | new.keys()):
            before, after = old.get(name), new.get(name)
            item = after or before
            assert item is not None
            if before is None:
                what = "added"
            elif after is None:
                what = "removed"
            elif (before.credential if kind == "received" else before.spec) != (
                after.credential if kind == "received" else after.spec
            ):
                what = "changed"
            else:
                continue
            if kind == "received":
                rows.append((f"received, {what}", f"from {item.endorser}", item.subject, item.file))
            else:
                rows.append((f"given, {what}", "by this program", item.spec.subject_name, item.file))
    return rows


def _achievement_changes(before: Achievement, after: Achievement) -> list[str]:
    old, new = before.spec.model_dump(), after.spec.model_dump()
    changed = [name for name in new if old.get(name) != new.get(name)]
    if _image_bytes(before) != _image_bytes(after):
        changed.append("image file")
    return changed


def _image_bytes(achievement: Achievement) -> bytes | None:
    path = achievement.image_path
    return path.read_bytes() if path is not None and path.is_file() else None


# ---------------------------------------------------------------- rendering


_NOT_SHOWN = "(name not shown)"


def md(text: object) -> str:
    """Untrusted text as inert Markdown: one line, no markup, no @mentions, no HTML."""
    flat = " ".join(str(text).split())
    for char in "\\`*_{}[]<>#|~":
        flat = flat.replace(char, "\\" + char)
    return flat.replace("@", "&#64;")


def code(text: object) -> str:
    """Untrusted text as an inline code span that cannot break out of it or of a table cell."""
    flat = " ".join(str(text).split()).replace("`", "'").replace("|", "\\|")
    return f"`{flat}`"


def _reason(award: Award) -> str:
    if award.revoked is None:
        return ""
    private = "" if award.revoked.public else " (kept off the public pages)"
    return md(award.revoked.reason) + private


def _day(award: Award) -> str:
    return f"{award.issued:%Y-%m-%d}"


def _table(header: list[str], rows: list[list[str]], limit: int) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows[:limit]]
    if len(rows) > limit:
        lines.append(f"\n…and {len(rows) - limit} more.")
    return [*lines, ""]


def render(summary: Summary, base: str, head: str, limit: int = ROW_LIMIT) -> str:
    """The Markdown a reviewer reads: errors first, then each kind of change."""
    s = summary
    out = ["## Badgepress: what this changes", ""]
    out.append(f"Compared with {code(base)}, {md(head)}:")
    out.append("")
    counts = [
        (len(s.issued), "credential(s) to issue"),
        (len(s.revoked), "to revoke"),
        (len(s.changed), "changed (re-issued)"),
        (len(s.withdrawn), "withdrawn"),
        (len(s.achievements_added), "new achievement(s)"),
        (len(s.achievements_changed), "achievement(s) changed"),
        (len(s.endorsements), "endorsement(s) added, removed or changed"),
        (len(s.ledger_added), "ledger line(s) added"),
    ]
    shown = [f"**{n}** {label}" for n, label in counts if n]
    out.append("- " + ", ".join(shown) if shown else "- No credential, achievement or ledger changes.")
    out.append("")
    for note in s.notes:
        out += [f"> {md(note)}", ""]

    if s.ledger_removed or s.ledger_changed:
        out += [
            "> [!CAUTION]",
            "> **The status ledger lost or changed lines. Do not merge.** A status index is a "
            "credential's place in the public revocation list for life: it is never removed, "
            "changed or reused. Restore these lines from the base branch:",
            ">",
        ]
        for cid, index in sorted(s.ledger_removed.items()):
            out.append(f"> - removed {code(f'{cid}: {index}')}")
        for cid, (before, after) in sorted(s.ledger_changed.items()):
            out.append(f"> - changed {code(cid)} from {before} to {after}")
        out.append("")
    if s.keys_removed:
        out += [
            "> [!WARNING]",
            "> **Signing keys removed from mkdocs.yml:** "
            + ", ".join(code(k.id) for k in s.keys_removed)
            + ". Every copy of a credential signed with a removed key stops verifying. Do this only "
            "for a compromised key (see the guide, *Rotate keys*); otherwise mark it `retired: true`.",
            "",
        ]
    if s.ledger_missing:
        out += [
            "> [!WARNING]",
            f"> {len(s.ledger_missing)} credential(s) have no line in the status ledger yet: run "
            "`badgepress check --fix` and commit the result, or the signed build will refuse them.",
            "",
        ]

    def badge(award: Award) -> str:
        return md(s.achievement_names.get(award.achievement, award.achievement))

    urls = Urls(s.base_url) if s.base_url else None

    def link(award: Award) -> list[str]:
        """The credential's id, linked to its page (where it is or will be published)."""
        if urls is None:
            return [code(award.credential_id)]
        return [f"[{md(award.credential_id)}]({urls.credential_page_url(award.credential_id)})"]

    if s.issued:
        out += ["### Credentials to issue", ""]
        rows = [
            [badge(a), md(display_name(a, _NOT_SHOWN)), _day(a), code(a.file), *link(a)]
            + (["revoked at once"] if a.revoked else [])
            for a in sorted(s.issued, key=lambda a: (a.file, a.line))
        ]
        out += _table(["Achievement", "Recipient", "Issued", "File", "Credential"], rows, limit)
    if s.revoked:
        out += ["### Credentials to revoke", ""]
        rows = [
            [
                badge(a),
                md(display_name(a, _NOT_SHOWN)),
                f"{a.revoked.date:%Y-%m-%d}" if a.revoked else "",
                _reason(a),
                code(a.file),
                *link(a),
            ]
            for a in s.revoked
        ]
        out += _table(["Achievement", "Recipient", "Revoked on", "Reason", "File", "Credential"], rows, limit)
    if s.unrevoked:
        out += [
            "### Revocations taken back",
            "",
            "These credentials become valid again: their revocation was removed.",
            "",
        ]
        rows = [[badge(a), md(display_name(a, _NOT_SHOWN)), code(a.file)] for a in s.unrevoked]
        out += _table(["Achievement", "Recipient", "File"], rows, limit)
    if s.changed:
        out += [
            "### Credentials changed (re-issued)",
            "",
            "Same credential id and status index; the published credential is re-signed with the new "
            "content. Copies the recipient already downloaded keep the old content.",
            "",
        ]
        rows = [
            [badge(a), md(display_name(a, _NOT_SHOWN)), ", ".join(changed), code(a.file)]
            for a, changed in s.changed
        ]
        out += _table(["Achievement", "Recipient", "Changed", "File"], rows, limit)
    if s.withdrawn:
        out += [
            "### Award files removed (withdrawn)",
            "",
            "Their credentials stay in the status list and **will show as revoked**; the credential "
            "pages disappear.",
            "",
        ]
        rows = [[badge(a), md(display_name(a, _NOT_SHOWN)), _day(a), code(a.file)] for a in s.withdrawn]
        out += _table(["Achievement", "Recipient", "Issued", "Was in"], rows, limit)
    if s.dropped:
        out += [f"{len(s.dropped)} removed credential(s) had never been published (no ledger line).", ""]
    if s.achievements_added:
        out += ["### New achievements", ""]
        rows = [
            [md(a.spec.name), code(a.slug), md(a.spec.achievement_type), code(a.file)]
            for a in s.achievements_added
        ]
        out += _table(["Name", "Id", "Type", "File"], rows, limit)
    if s.achievements_changed:
        out += [
            "### Achievements changed",
            "",
            "Every credential of a changed achievement is re-signed with the new description.",
            "",
        ]
        rows = [
            [md(a.spec.name), ", ".join(md(c) for c in changed), str(carriers), code(a.file)]
            for a, changed, carriers in s.achievements_changed
        ]
        out += _table(["Name", "Changed", "Credentials carrying it", "File"], rows, limit)
    if s.achievements_removed:
        out += [
            "### Achievements removed",
            "",
            ", ".join(code(a.slug) for a in s.achievements_removed),
            "",
        ]
    if s.endorsements:
        out += [
            "### Endorsements",
            "",
            "Received endorsements are checked against their endorser's key by the build; given ones are "
            "signed with the program's key.",
            "",
        ]
        rows = [[md(what), md(who), md(about), code(file)] for what, who, about, file in s.endorsements]
        out += _table(["Endorsement", "Who", "About", "File"], rows, limit)
    if s.keys_added or s.keys_retired:
        out += ["### Signing keys", ""]
        out += [f"- added {code(k.id)} ({code(k.public_key)})" for k in s.keys_added]
        out += [f"- retired {code(k.id)}: stays published, signs nothing new" for k in s.keys_retired]
        out.append("")
    if s.ledger_added:
        out += [
            "### Status ledger",
            "",
            f"{len(s.ledger_added)} line(s) added, {len(s.ledger_removed)} removed.",
            "",
        ]
    return "\n".join(out).rstrip() + "\n"
