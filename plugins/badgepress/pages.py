"""What each public page shows, as plain data for the templates.

Pages are generated Markdown files whose front matter names a template in
``templates/badgepress/``; the Markdown body carries the searchable text
(descriptions, criteria), the template lays out the rest from the models
built here. Nothing here imports MkDocs.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode

from .pipeline import Publication
from .program import Award

Model = dict[str, Any]


@dataclass(frozen=True)
class PageSpec:
    path: str  # Markdown source path, e.g. achievements/intro/index.md
    template: str
    title: str
    body: str
    in_nav: bool
    model: Model


def display_name(award: Award) -> str:
    """The recipient's name as the award allows it to be shown; never an email."""
    name = (award.name or "").strip()
    if not name or award.show_name == "none":
        return "A recipient"
    if award.show_name == "full":
        return name
    parts = name.split()
    return parts[0] if len(parts) == 1 else f"{parts[0]} {parts[-1][0]}."


def credential_status(award: Award, now: datetime) -> str:
    if award.revoked is not None:
        return "revoked"
    if award.expires is not None and award.expires <= now:
        return "expired"
    return "valid"


def linkedin_url(pub: Publication, award: Award, organization_id: str | None) -> str:
    """LinkedIn's add-to-profile link (certification fields)."""
    doc = pub.credentials[award.credential_id]
    params: dict[str, str] = {"startTask": "CERTIFICATION_NAME", "name": doc["name"]}
    if organization_id:
        params["organizationId"] = organization_id
    else:
        params["organizationName"] = pub.program.settings.issuer.name
    params["issueYear"], params["issueMonth"] = str(award.issued.year), str(award.issued.month)
    if award.expires:
        params["expirationYear"], params["expirationMonth"] = (
            str(award.expires.year),
            str(award.expires.month),
        )
    params["certUrl"] = pub.urls.absolute(pub.urls.credential_page_path(award.credential_id))
    params["certId"] = award.credential_id
    return "https://www.linkedin.com/profile/add?" + urlencode(params, quote_via=quote)


def _card(pub: Publication, slug: str) -> Model:
    achievement = pub.program.achievements[slug]
    doc = pub.achievements[slug]
    spec = achievement.spec
    return {
        "slug": slug,
        "name": spec.name,
        "type": spec.achievement_type,
        "description": spec.description,
        "tags": list(spec.tags),
        "frameworks": sorted({a.framework for a in spec.alignments if a.framework}),
        "earners": pub.program.earners(slug),
        "image": pub.image_paths[slug],
        "image_alt": doc["image"]["caption"],
        "page": pub.urls.achievement_page_path(slug),
        "json": pub.urls.achievement_path(slug),
        "pathway": spec.related.pathway if spec.related else None,
        "prerequisites": list(spec.related.prerequisites) if spec.related else [],
    }


def build_pages(pub: Publication, now: datetime) -> list[PageSpec]:
    """Every page the plugin adds to the site."""
    cards = [
        _card(pub, slug)
        for slug in sorted(pub.program.achievements, key=lambda s: pub.program.achievements[s].spec.name)
    ]
    issuer = pub.program.settings.issuer
    common: Model = {"issuer": issuer.model_dump(), "preview": pub.preview, "profile": pub.profile}
    pages = [
        PageSpec(
            "achievements/index.md",
            "badgepress/catalog.html",
            "Badges",
            "All the badges this program awards.\n",
            True,
            {**common, "cards": cards, "facets": _facets(cards)},
        ),
        PageSpec(
            "issuer/index.md",
            "badgepress/issuer.html",
            "Issuer",
            f"{issuer.description or ''}\n",
            True,
            {
                **common,
                "did": pub.urls.did,
                "did_json": pub.urls.did_path,
                "profile_json": pub.urls.issuer_path,
                "signing_keys": [
                    {"id": k.id, "method": pub.urls.key_id(k.id), "retired": k.retired}
                    for k in pub.program.settings.keys
                ],
            },
        ),
        PageSpec(
            "taxonomy/index.md",
            "badgepress/taxonomy.html",
            "Taxonomy",
            "The program's badges by type, tag and skills framework.\n",
            True,
            {**common, "groups": _taxonomy(cards)},
        ),
    ]
    by_slug = {c["slug"]: c for c in cards}
    for card in cards:
        spec = pub.program.achievements[card["slug"]].spec
        body = f"{spec.description}\n\n## How to earn it\n\n{spec.criteria}\n"
        pages.append(
            PageSpec(
                f"achievements/{card['slug']}/index.md",
                "badgepress/achievement.html",
                spec.name,
                body,
                False,
                {
                    **common,
                    "card": card,
                    "achievement": pub.achievements[card["slug"]],
                    "spec": spec.model_dump(),
                    "prerequisites": [by_slug[p] for p in card["prerequisites"] if p in by_slug],
                },
            )
        )
    org_id = issuer.linkedin_organization_id
    for award in pub.program.awards:
        cid = award.credential_id
        card = by_slug[award.achievement]
        doc = pub.credentials[cid]
        status = credential_status(award, now)
        json_path = pub.urls.credential_path(cid)
        suffix = pub.image_paths[award.achievement].rsplit(".", 1)[1]
        name = display_name(award)
        pages.append(
            PageSpec(
                f"credentials/{cid}/index.md",
                "badgepress/credential.html",
                f"{name} earned {card['name']}",
                "",
                False,
                {
                    **common,
                    "card": card,
                    "credential": doc,
                    "award": award,
                    "display_name": name,
                    "status": status,
                    "revocation": award.revoked.model_dump() if award.revoked else None,
                    "json": json_path,
                    "json_url": pub.urls.absolute(json_path),
                    "baked": pub.urls.baked_path(cid, f".{suffix}"),
                    "baked_format": suffix.upper(),
                    "page_url": pub.urls.absolute(pub.urls.credential_page_path(cid)),
                    "verify": "verify/?credential=" + quote(pub.urls.absolute(json_path), safe=""),
                    "linkedin": linkedin_url(pub, award, org_id),
                },
            )
        )
    pages.append(
        PageSpec(
            "verify/index.md",
            "badgepress/verify.html",
            "Verify a credential",
            "Check any Open Badges 3.0 credential, from this program or another. "
            "Everything happens in your browser: nothing you check is sent anywhere.\n",
            True,
            common,
        )
    )
    return pages


def _facets(cards: list[Model]) -> Model:
    return {
        "types": sorted({c["type"] for c in cards}),
        "tags": sorted({t for c in cards for t in c["tags"]}),
        "frameworks": sorted({f for c in cards for f in c["frameworks"]}),
    }


def _taxonomy(cards: list[Model]) -> list[Model]:
    groups = []
    for title, key in (
        ("By achievement type", "type"),
        ("By tag", "tags"),
        ("By skills framework", "frameworks"),
        ("By pathway", "pathway"),
    ):
        buckets: dict[str, list[Model]] = defaultdict(list)
        for card in cards:
            values = card[key] if isinstance(card[key], list) else [card[key]] if card[key] else []
            for value in values:
                buckets[value].append(card)
        if buckets:
            groups.append({"title": title, "buckets": sorted(buckets.items())})
    return groups
