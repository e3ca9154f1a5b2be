"""Where a credential or an achievement comes from in the repository's history (``build.provenance``)."""

from __future__ import annotations

from datetime import UTC, datetime

from badgepress.build.pipeline import Publication
from badgepress.build.provenance import Change, award_provenance
from badgepress.domain import Award
from badgepress.publish.pages.fields import format_date
from badgepress.publish.pages.spec import Model


def _change_model(pub: Publication, change: Change | None) -> Model | None:
    """A commit of the history as pages show it: its pull request, date and links (no author)."""
    if change is None:
        return None
    repository = pub.repository
    number = change.pull_request
    return {
        "commit": change.commit,
        "short": change.commit[:7],
        "commit_url": f"{repository}/commit/{change.commit}" if repository else None,
        "pull_request": number,
        "pull_url": f"{repository}/pull/{number}" if repository and number is not None else None,
        "merged": change.merged,
        "date": format_date(datetime.fromisoformat(change.date).astimezone(UTC)),
    }


def award_provenance_model(pub: Publication, award: Award) -> Model | None:
    """The commits that issued and revoked ``award``, or None when the history does not tell."""
    if pub.history is None:
        return None
    found = award_provenance(pub.history, award)
    if found.issued is None and found.revoked is None:
        return None
    return {"issued": _change_model(pub, found.issued), "revoked": _change_model(pub, found.revoked)}


def achievement_history(pub: Publication, slug: str) -> Model | None:
    """When the achievement's file was created and last changed, or None when the history does not tell."""
    file = pub.history.files.get(pub.program.achievements[slug].file) if pub.history else None
    if file is None or (file.added is None and file.changed is None):
        return None
    return {"created": _change_model(pub, file.added), "changed": _change_model(pub, file.changed)}
