"""A credential's page: one person's badge, its status, evidence, downloads and ways to share it.

Privacy: the model carries the recipient's *display name* only (as the award
allows it to be shown), never the award itself. There are as many of these
pages as awards, so each model is made only when its page is rendered, and
its ``model_key`` digests every input of that model so an unchanged page is
not rendered again.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial

from badgepress.build.pipeline import Publication
from badgepress.build.provenance import award_provenance
from badgepress.build.qr import qr_svg
from badgepress.build.urls import linkedin_add_url, linkedin_post_url, mailto_url
from badgepress.cache import fingerprint
from badgepress.domain import Award, display_name
from badgepress.publish.pages.cards import preview_model
from badgepress.publish.pages.endorsements import received_models
from badgepress.publish.pages.fields import (
    credential_status,
    format_date,
    format_number,
    result_model,
    verify_link,
)
from badgepress.publish.pages.narrative import render_markdown
from badgepress.publish.pages.provenance import award_provenance_model
from badgepress.publish.pages.spec import Model, PageSpec, page_json, wide


def credential_pages(
    pub: Publication, now: datetime, common: Model, by_slug: dict[str, Model]
) -> list[PageSpec]:
    """One page per award, in the awards' order, each model made when its page is rendered."""
    # Every input of _credential_page, per achievement: ``common``, the card, the
    # achievement, the date checked (the rest of ``pub`` it reads is in those or in
    # the credential's key: the award, the base URL, the credential; the repository
    # its provenance links to).
    common_key = fingerprint(page_json(common), repr(pub.repository))
    checked = page_json(format_date(now))
    slug_keys = {
        slug: fingerprint(
            common_key, page_json(by_slug[slug]), repr(a.spec), checked, page_json(_meaning(pub, slug))
        )
        for slug, a in pub.program.achievements.items()
    }
    pages = []
    for award in pub.program.awards:
        cid = award.credential_id
        card = by_slug[award.achievement]
        url = pub.urls.absolute(pub.urls.credential_page_path(cid))
        status = credential_status(award, now)
        learner_page = _learner_page(pub, award)
        # what the page's provenance shows (award_provenance_model) is made of these commits
        provenance = award_provenance(pub.history, award) if pub.history is not None else None
        pages.append(
            PageSpec(
                f"credentials/{cid}/index.md",
                "badgepress/credential.html",
                f"{display_name(award)} earned {card['name']}",
                "",
                False,
                partial(_credential_page, pub, award, card, now, common),
                # a person's credential is shared by its link, not found by searching the site
                wide(search={"exclude": True}),
                late={"qr": partial(qr_svg, url, label=f"QR code of this credential's page: {url}")},
                model_key=fingerprint(
                    slug_keys[award.achievement],
                    pub.credential_keys[cid],
                    repr(award.revoked),  # the credential's key leaves the revocation out
                    status,
                    learner_page or "",
                    repr(provenance),
                ),
            )
        )
    return pages


def linkedin_url(pub: Publication, award: Award, organization_id: str | None) -> str:
    """LinkedIn's add-to-profile link (certification fields)."""
    return linkedin_add_url(
        pub.credentials[award.credential_id]["name"],
        pub.program.settings.issuer.name,
        organization_id,
        award.issued,
        award.expires,
        pub.urls.credential_page_url(award.credential_id),
        award.credential_id,
    )


def _evidence(award: Award) -> list[Model]:
    return [
        {
            "name": e.name,
            "url": e.url,
            "description": e.description,
            "narrative_html": render_markdown(e.narrative),
        }
        for e in award.evidence
    ]


def _credential_model(pub: Publication, award: Award, card: Model, now: datetime) -> Model:
    cid = award.credential_id
    status = credential_status(award, now)
    json_path = pub.urls.credential_path(cid)
    suffix = pub.image_paths[award.achievement].rsplit(".", 1)[1]
    baked_svg = pub.urls.baked_path(cid, ".svg") if suffix == "svg" else None
    if card["png"] is not None:
        suffix = "png"  # the PNG drawn from the SVG badge: what profiles and chat apps take
    name = display_name(award)
    page_url = pub.urls.absolute(pub.urls.credential_page_path(cid))
    revocation = None
    if award.revoked is not None:
        revocation = {
            "date": format_date(award.revoked.date),
            "reason": award.revoked.reason if award.revoked.public else None,
        }
    return {
        "card": card,
        "credential": pub.credentials[cid],
        "credential_id": cid,
        "display_name": name,
        "status": status,
        "checked": format_date(now),
        "revocation": revocation,
        "issued": format_date(award.issued),
        "expires": format_date(award.expires) if award.expires else None,
        "result": result_model(pub, award),
        "narrative_html": render_markdown(award.narrative),
        "evidence": _evidence(award),
        "json": json_path,
        "json_url": pub.urls.absolute(json_path),
        "baked": pub.urls.baked_path(cid, f".{suffix}"),
        "baked_format": suffix.upper(),
        "baked_name": f"{award.achievement}-{cid}.{suffix}",
        "baked_svg": baked_svg if suffix == "png" else None,
        "page_url": page_url,
        **preview_model(pub, card),
        "verify": verify_link(pub, json_path),
        "learner_page": _learner_page(pub, award),
        "linkedin": linkedin_url(pub, award, pub.program.settings.issuer.linkedin_organization_id),
        **_meaning(pub, award.achievement),
        "share": {
            "linkedin_post": linkedin_post_url(page_url),
            "email": mailto_url(
                f"{name} earned {card['name']}",
                f"{name} earned {card['name']}, issued by {pub.program.settings.issuer.name}. "
                f"See it and verify it here: {page_url}",
            ),
        },
    }


def _meaning(pub: Publication, slug: str) -> Model:
    """What the badge stands for, as an employer reads it: skills, credits, endorsements."""
    spec = pub.program.achievements[slug].spec
    return {
        "alignments": [a.model_dump() for a in spec.alignments],
        "credits": format_number(spec.credits) if spec.credits is not None else None,
        "achievement_endorsements": received_models(pub, pub.achievements[slug]["id"]),
    }


def _learner_page(pub: Publication, award: Award) -> str | None:
    if award.learner and award.learner in pub.learners and award.revoked is None:
        return pub.urls.learner_page_path(award.learner)
    return None


def _credential_page(pub: Publication, award: Award, card: Model, now: datetime, common: Model) -> Model:
    model = _credential_model(pub, award, card, now)
    return {**common, **model, "provenance": award_provenance_model(pub, award)}
