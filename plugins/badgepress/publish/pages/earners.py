"""Who earned what, as the public pages may show it: by display name only, valid credentials only.

An achievement's page lists its newest earners; with ``findable`` on, the
"Find my badge" page lists them all.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from badgepress.build.pipeline import Publication
from badgepress.domain import display_name
from badgepress.publish.pages.fields import credential_status, format_date
from badgepress.publish.pages.spec import Model, PageSpec, wide

EARNERS_SHOWN = 100  # newest earners listed on an achievement's page; the rest through "Find my badge"


def earners_by_achievement(
    pub: Publication, by_slug: dict[str, Model], now: datetime
) -> dict[str, list[Model]]:
    """Each achievement's earners with a valid credential, newest first, by their shown names only.

    Nothing here is not already on the credential pages: the display name (as
    ``show_names`` allows; a recipient whose name is not shown is left out),
    the badge, the date and the page's address.
    """
    found: dict[str, list[Model]] = defaultdict(list)
    awards = sorted(pub.program.awards, key=lambda a: (a.issued, a.credential_id), reverse=True)
    for award in awards:
        if award.show_name == "none" or not (award.name or "").strip():
            continue
        if credential_status(award, now) != "valid":
            continue
        found[award.achievement].append(
            {
                "name": display_name(award),
                "badge": by_slug[award.achievement]["name"],
                "issued": format_date(award.issued),
                "page": pub.urls.credential_page_path(award.credential_id),
            }
        )
    return dict(found)


def find_page(common: Model, earners: dict[str, list[Model]]) -> PageSpec:
    """ "Find my badge": every earner of every achievement, for the page's own search."""
    return PageSpec(
        "find/index.md",
        "badgepress/find.html",
        "Find my badge",
        "Find a badge this program awarded by the earner's name as the site shows it.\n",
        True,
        {**common, "earners": [e for slug in sorted(earners) for e in earners[slug]]},
        wide(search={"exclude": True}),
    )
