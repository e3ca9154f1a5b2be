"""The pages of the site's navigation about the program: the catalog, the issuer, the taxonomy, and verify."""

from __future__ import annotations

from collections import defaultdict
from urllib.parse import quote

from badgepress.build.pipeline import Publication
from badgepress.load.model import type_label
from badgepress.publish.pages.cards import anchor, pathway_order
from badgepress.publish.pages.endorsements import given_models, received_models
from badgepress.publish.pages.fields import site_path
from badgepress.publish.pages.spec import Model, PageSpec, wide


def issuer_model(pub: Publication) -> Model:
    """The issuer as every page's header and footer show it, with its page's address."""
    issuer = pub.program.settings.issuer
    image = pub.profile.get("image") or {}
    path = site_path(pub, image["id"]) if image else None
    return {
        "name": issuer.name,
        "url": issuer.url,
        "email": issuer.email,
        "description": issuer.description,
        "image": path,
        "image_external": path is not None and "://" in path,
        "image_alt": image.get("caption"),
        "page": "issuer/",
    }


def catalog_pages(pub: Publication, common: Model, cards: list[Model], paths: list[Model]) -> list[PageSpec]:
    """The catalog (with its filters and pathways), the issuer's page and the taxonomy, in that order."""
    issuer = pub.program.settings.issuer
    return [
        PageSpec(
            "achievements/index.md",
            "badgepress/catalog.html",
            "Badges",
            "All the badges this program awards.\n",
            True,
            {**common, "cards": cards, "facets": _facets(cards), "pathways": paths},
            wide(),
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
                "signer_key_id": pub.signer_key_id,
                "cards": cards,
                "credential_count": len(pub.program.awards),
                "endorsements": received_models(pub, pub.urls.did),
                "endorsements_given": given_models(pub),
            },
            wide(),
        ),
        PageSpec(
            "taxonomy/index.md",
            "badgepress/taxonomy.html",
            "Taxonomy",
            "The program's badges by type, tag and skills framework.\n",
            True,
            {**common, "groups": _taxonomy(cards)},
            wide(),
        ),
    ]


def _facets(cards: list[Model]) -> list[Model]:
    """The catalog's filters: each with its query parameter and (value, label, count) options."""
    facets = []
    for title, key, param in (
        ("Type", "type", "type"),
        ("Tag", "tags", "tag"),
        ("Skills framework", "frameworks", "framework"),
    ):
        counts: dict[str, int] = defaultdict(int)
        for card in cards:
            for value in card[key] if isinstance(card[key], list) else [card[key]]:
                counts[value] += 1
        if not counts:
            continue
        label = type_label if key == "type" else str
        options = [{"value": v, "label": label(v), "count": n} for v, n in counts.items()]
        options.sort(key=lambda o: str(o["label"]).lower())
        facets.append({"title": title, "param": param, "key": key, "options": options})
    return facets


def _taxonomy(cards: list[Model]) -> list[Model]:
    """The achievements grouped by type, tag, framework and pathway; empty groups are left out."""
    groups = []
    for title, key, param in (
        ("By achievement type", "type", "type"),
        ("By tag", "tags", "tag"),
        ("By skills framework", "frameworks", "framework"),
        ("By pathway", "pathway", None),
    ):
        buckets: dict[str, list[Model]] = defaultdict(list)
        for card in cards:
            values = card[key] if isinstance(card[key], list) else [card[key]] if card[key] else []
            for value in values:
                buckets[value].append(card)
        if not buckets:
            continue
        entries = []
        for value, members in sorted(buckets.items(), key=lambda item: item[0].lower()):
            label = type_label(value) if key == "type" else value
            entries.append(
                {
                    "value": value,
                    "label": label,
                    "anchor": anchor(key, label),
                    "cards": pathway_order(members) if key == "pathway" else members,
                    "filter": f"{param}={quote(value, safe='')}" if param else None,
                }
            )
        groups.append({"title": title, "id": key, "buckets": entries})
    return groups


def verify_page(pub: Publication, common: Model) -> PageSpec:
    """The page that verifies any credential in the reader's browser."""
    return PageSpec(
        "verify/index.md",
        "badgepress/verify.html",
        "Verify a credential",
        "Check any Open Badges 3.0 credential, from this program or another. "
        "Everything happens in your browser: nothing you check is sent anywhere.\n",
        True,
        {**common, "site_url": pub.urls.base},
    )
