"""What a pull request changes, in Markdown, for the people who review it.

``summary_for`` loads the program at the base revision and at the head (the
working tree or another revision, through :func:`~badgepress.cli.revision.program_at`),
compares them (:func:`~badgepress.cli.compare.summarize`) and renders the
comparison: a removed or changed ledger line is an error shouted at the top
(indices are never reused), then each kind of change in a table.

The summary shows recipients' names only as the program shows them
publicly, and never an email address or an identity hash. Every text from
the program's files is rendered inert (:func:`md`, :func:`code`): a pull
request's comment must not mention people, link or format at its author's will.
"""

from __future__ import annotations

from pathlib import Path

from badgepress.build.status import Ledger
from badgepress.build.urls import Urls
from badgepress.cli.compare import Side, Summary, load_side, summarize
from badgepress.cli.revision import program_at
from badgepress.domain import Award, display_name
from badgepress.errors import InputError

ROW_LIMIT = 200  # rows per table: a pull request comment holds at most 65,536 characters


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
