"""An achievement's card: the summary of a badge that the catalog, taxonomy and other pages show.

Cards are built once a build, sorted by name, and shared by every page that
shows the badge; :func:`pathways` orders them along the pathways they form.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from badgepress.build.pipeline import Publication
from badgepress.build.raster import RasterError, png_size
from badgepress.load.model import type_label
from badgepress.publish.pages.spec import Model


def anchor(group: str, value: str) -> str:
    """The id of a taxonomy bucket: anchor("pathway", "Data pathway") == "pathway-data-pathway"."""
    return f"{group}-" + (re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-") or "x")


def card_model(pub: Publication, slug: str) -> Model:
    achievement = pub.program.achievements[slug]
    doc = pub.achievements[slug]
    spec = achievement.spec
    pathway = spec.related.pathway if spec.related else None
    return {
        "slug": slug,
        "name": spec.name,
        "type": spec.achievement_type,
        "type_label": type_label(spec.achievement_type),
        "description": spec.description,
        "tags": list(spec.tags),
        "frameworks": sorted({a.framework for a in spec.alignments if a.framework}),
        "earners": pub.program.earners(slug),
        "image": pub.image_paths[slug],
        "image_alt": doc["image"]["caption"],
        # the badge as PNG, for link previews (og:image) and downloads: [path, width, height]
        "png": _png(pub, slug),
        "page": pub.urls.achievement_page_path(slug),
        "json": pub.urls.achievement_path(slug),
        "pathway": pathway,
        "pathway_anchor": anchor("pathway", pathway) if pathway else None,
        "prerequisites": list(spec.related.prerequisites) if spec.related else [],
    }


def _png(pub: Publication, slug: str) -> list[Any] | None:
    path = pub.png_paths.get(slug)
    if path is None:
        return None
    try:
        width, height = png_size(pub.files[path])
    except RasterError:
        return None  # an achievement's own PNG that is not one: the build checks images elsewhere
    return [path, width, height]


def preview_model(pub: Publication, card: Model) -> Model:
    """What a link preview shows: the badge as PNG when there is one, with its size."""
    if card["png"] is None:
        return {"image_url": pub.urls.absolute(card["image"])}
    path, width, height = card["png"]
    return {"image_url": pub.urls.absolute(path), "image_width": width, "image_height": height}


def pathway_order(cards: list[Model]) -> list[Model]:
    """A pathway's achievements with every prerequisite before what it leads to (then by name)."""
    remaining = list(cards)
    ordered: list[Model] = []
    while remaining:
        waiting = {c["slug"] for c in remaining}
        ready = [c for c in remaining if not waiting.intersection(c["prerequisites"])]
        step = ready[0] if ready else remaining[0]  # a cycle: keep name order
        ordered.append(step)
        remaining.remove(step)
    return ordered


def pathways(cards: list[Model]) -> list[Model]:
    """Each pathway with its achievements in the order to earn them, pathways by name."""
    members: dict[str, list[Model]] = defaultdict(list)
    for card in cards:
        if card["pathway"]:
            members[card["pathway"]].append(card)
    return [
        {"name": name, "anchor": anchor("pathway", name), "cards": pathway_order(members[name])}
        for name in sorted(members, key=str.lower)
    ]
