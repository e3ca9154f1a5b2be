"""A learner's record page: every credential one learner earned, and their progress along pathways."""

from __future__ import annotations

from datetime import datetime

from badgepress.build.clr import learner_name
from badgepress.build.pipeline import Publication
from badgepress.domain import Award
from badgepress.publish.pages.cards import pathways
from badgepress.publish.pages.fields import credential_status, format_date, result_model, verify_link
from badgepress.publish.pages.spec import Model, PageSpec, wide


def learner_pages(
    pub: Publication, now: datetime, common: Model, by_slug: dict[str, Model]
) -> list[PageSpec]:
    """One page per learner with a record, in the publication's order."""
    pages = []
    for learner, awards in pub.learners.items():
        model = _learner_model(pub, learner, awards, by_slug, now)
        pages.append(
            PageSpec(
                f"{pub.urls.learner_page_path(learner)}index.md",
                "badgepress/learner.html",
                f"Learner record of {model['display_name']}",
                "",
                False,
                {**common, **model},
                wide(search={"exclude": True}),
            )
        )
    return pages


def _learner_model(
    pub: Publication, learner: str, awards: tuple[Award, ...], by_slug: dict[str, Model], now: datetime
) -> Model:
    """A learner's page: what they earned (newest first) and how far along each pathway they are."""
    earned = {a.achievement for a in awards}
    entries = [
        {
            "card": by_slug[a.achievement],
            "page": pub.urls.credential_page_path(a.credential_id),
            "issued": format_date(a.issued),
            "status": credential_status(a, now),
            "result": result_model(pub, a),
        }
        for a in sorted(awards, key=lambda a: (a.issued, a.credential_id), reverse=True)
    ]
    found = []
    for pathway in pathways(list(by_slug.values())):
        if earned & {c["slug"] for c in pathway["cards"]}:
            steps = [{**c, "earned": c["slug"] in earned} for c in pathway["cards"]]
            found.append({**pathway, "steps": steps, "done": sum(s["earned"] for s in steps)})
    path = pub.urls.learner_record_path(learner)
    return {
        "display_name": learner_name(awards),
        "entries": entries,
        "pathways": found,
        "json": path,
        "json_url": pub.urls.absolute(path),
        "verify": verify_link(pub, path),
        "credential_count": len(awards),
    }
