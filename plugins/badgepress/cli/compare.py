"""What a pull request changes: two loaded programs compared, as plain data.

:func:`summarize` compares the base branch's program with the pull request's
and lists the credentials to be issued, revoked, changed (and so re-issued,
re-signed with new content) and withdrawn, the achievements added or changed,
endorsements, signing keys, and the lines added to or removed from the status
ledger. :mod:`badgepress.cli.summary` renders the result as Markdown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from badgepress.build.status import Ledger, load_ledger
from badgepress.domain import Achievement, Award, Program
from badgepress.errors import InputError
from badgepress.load.program import load_program
from badgepress.load.settings import KeyEntry, read_config

_COMPARED = ("name", "show_name", "issued", "expires", "evidence", "narrative", "result", "learner")


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
