"""What each public page shows, as plain data for the templates: one module a kind of page.

Pages are generated Markdown files whose front matter names a template in
``templates/badgepress/``; the Markdown body carries the searchable text
(descriptions, criteria), the template lays out the rest from the models
built here. Nothing here imports MkDocs.

:func:`build_pages` makes every page of a build: the pages of the site's
navigation (``catalog``: catalog, issuer, taxonomy, verify; ``earners``: find),
one page per achievement (``achievement``), per award (``credential``) and per
learner with a record (``learner``). ``spec`` holds :class:`PageSpec`;
``cards``, ``fields``, ``endorsements``, ``provenance`` and ``narrative`` the
parts several kinds of page share.

Privacy: a page model carries a recipient's *display name* only (as the
award allows it to be shown), never the award itself, so that no template,
including a site's override, can print a full name or an identity by mistake.
"""

from __future__ import annotations

from datetime import datetime

from badgepress.build.pipeline import Publication
from badgepress.domain import display_name
from badgepress.load.model import type_label
from badgepress.publish.pages.achievement import achievement_pages
from badgepress.publish.pages.cards import anchor, card_model, pathways
from badgepress.publish.pages.catalog import catalog_pages, issuer_model, verify_page
from badgepress.publish.pages.credential import credential_pages, linkedin_url
from badgepress.publish.pages.earners import earners_by_achievement, find_page
from badgepress.publish.pages.fields import credential_status
from badgepress.publish.pages.learner import learner_pages
from badgepress.publish.pages.narrative import render_markdown
from badgepress.publish.pages.spec import Model, PageSpec

# What tests and other modules import from here, besides build_pages.
__all__ = [
    "PageSpec",
    "anchor",
    "build_pages",
    "credential_status",
    "display_name",
    "linkedin_url",
    "render_markdown",
    "type_label",
]


def build_pages(pub: Publication, now: datetime) -> list[PageSpec]:
    """Every page the plugin adds to the site."""
    cards = [
        card_model(pub, slug)
        for slug in sorted(pub.program.achievements, key=lambda s: pub.program.achievements[s].spec.name)
    ]
    by_slug = {c["slug"]: c for c in cards}
    paths = pathways(cards)
    for pathway in paths:
        for number, card in enumerate(pathway["cards"], 1):
            card["pathway_step"] = {"number": number, "total": len(pathway["cards"])}
    common: Model = {
        "issuer": pub.program.settings.issuer.model_dump(),
        "issuer_page": issuer_model(pub),
        "preview": pub.preview,
        "profile": pub.profile,
    }
    findable = pub.program.settings.findable
    earners = earners_by_achievement(pub, by_slug, now) if findable else None
    pages = [
        *catalog_pages(pub, common, cards, paths),
        *achievement_pages(pub, common, cards, by_slug, earners),
        *credential_pages(pub, now, common, by_slug),
        *learner_pages(pub, now, common, by_slug),
        verify_page(pub, common),
    ]
    if earners is not None:
        pages.append(find_page(common, earners))
    return pages
