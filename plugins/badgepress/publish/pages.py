"""What each public page shows, as plain data for the templates.

Pages are generated Markdown files whose front matter names a template in
``templates/badgepress/``; the Markdown body carries the searchable text
(descriptions, criteria), the template lays out the rest from the models
built here. Nothing here imports MkDocs.

Privacy: a page model carries a recipient's *display name* only (as the
award allows it to be shown), never the award itself, so that no template,
including a site's override, can print a full name or an identity by mistake.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as etree
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache, cached_property, partial
from typing import Any
from urllib.parse import quote, urlsplit

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from badgepress.build.clr import learner_name
from badgepress.build.pipeline import Publication
from badgepress.build.provenance import Change, award_provenance
from badgepress.build.qr import qr_svg
from badgepress.build.raster import RasterError, png_size
from badgepress.build.urls import linkedin_add_url, linkedin_post_url, mailto_url
from badgepress.cache import fingerprint
from badgepress.load.endorsements import ReceivedEndorsement
from badgepress.load.model import type_label
from badgepress.load.program import Award, display_name
from badgepress.publish.markup import clean_html

Model = dict[str, Any]


@dataclass(frozen=True)
class PageSpec:
    path: str  # Markdown source path, e.g. achievements/intro/index.md
    template: str
    title: str
    body: str
    in_nav: bool
    # The template's data: a dict, or a function that makes it (a credential
    # page's, made only if the page is rendered) with ``model_key`` a digest of
    # every input of that function.
    data: Model | Callable[[], Model]
    meta: Model = field(default_factory=dict)  # page metadata, as front matter would set it
    # Model fields computed only when the page is rendered (in a render worker),
    # each a function of fields already in ``model``: the QR code of ``page_url``.
    late: dict[str, Callable[[], Any]] = field(default_factory=dict)
    model_key: str | None = None

    @cached_property
    def model(self) -> Model:
        return self.data() if callable(self.data) else self.data

    def own_data(self) -> Model | str:
        """Everything of the page's own that its HTML depends on (``late`` derives from ``model``).

        With a ``model_key``, a digest of it all: its template, title, body, metadata and that key.
        """
        if self.model_key is not None:
            return fingerprint(self.template, self.title, self.body, _json(self.meta), self.model_key)
        return {
            "template": self.template,
            "title": self.title,
            "body": self.body,
            "meta": self.meta,
            "model": self.model,
        }


def credential_status(award: Award, now: datetime) -> str:
    if award.revoked is not None:
        return "revoked"
    if award.expires is not None and award.expires <= now:
        return "expired"
    return "valid"


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


def format_date(moment: datetime) -> Model:
    """A date for ``<time>``: ISO for machines, '12 September 2026' for people (in the date's own zone)."""
    return {"iso": moment.date().isoformat(), "text": f"{moment.day} {moment:%B %Y}"}


# ---------------------------------------------------------------- Markdown from award files


class _SafeLinks(Treeprocessor):
    """Keep only web and mail links, and mark them as the author's, not the program's."""

    def run(self, root: etree.Element) -> None:
        for link in root.iter("a"):
            href = link.get("href", "")
            if urlsplit(href.strip()).scheme.lower() not in {"http", "https", "mailto"}:
                link.attrib.pop("href", None)
            else:
                link.set("rel", "nofollow noopener")


class _TextOnly(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.deregister("html_block")
        for pattern in ("html", "image_link", "image_reference", "short_image_ref"):
            md.inlinePatterns.deregister(pattern)
        md.treeprocessors.register(_SafeLinks(md), "bp_safe_links", 0)


def render_markdown(text: str | None) -> str:
    """Markdown written in award files (narratives) as safe HTML.

    Raw HTML is shown as text, images are not loaded, and links keep only
    http(s) and mailto targets: the text comes from a pull request, but a
    credential page must never run or embed anything from it. The HTML is
    then cleaned (``markup.clean_html``), the rule for every Markdown field.
    """
    if not text or not text.strip():
        return ""
    return clean_html(_markdown().reset().convert(text))


@cache
def _markdown() -> markdown.Markdown:
    # Building a converter costs about ten conversions of a narrative; reset() clears its state.
    return markdown.Markdown(extensions=[_TextOnly()])


# ---------------------------------------------------------------- models


def _site_path(pub: Publication, url: str) -> str:
    """A site-relative path for a URL of this site (so local previews work), else the URL."""
    return url[len(pub.urls.base) :] if url.startswith(pub.urls.base) else url


def _number(value: float) -> str:
    return f"{value:g}"


def anchor(group: str, value: str) -> str:
    """The id of a taxonomy bucket: anchor("pathway", "Data pathway") == "pathway-data-pathway"."""
    return f"{group}-" + (re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-") or "x")


def _card(pub: Publication, slug: str) -> Model:
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


def _preview(pub: Publication, card: Model) -> Model:
    """What a link preview shows: the badge as PNG when there is one, with its size."""
    if card["png"] is None:
        return {"image_url": pub.urls.absolute(card["image"])}
    path, width, height = card["png"]
    return {"image_url": pub.urls.absolute(path), "image_width": width, "image_height": height}


def _facts(pub: Publication, slug: str) -> list[tuple[str, str]]:
    """The achievement's details as (term, description) pairs, in reading order."""
    spec = pub.program.achievements[slug].spec
    facts = [("Type", type_label(spec.achievement_type))]
    if spec.code:
        facts.append(("Code", spec.code))
    if spec.field_of_study:
        facts.append(("Field of study", spec.field_of_study))
    if spec.specialization:
        facts.append(("Specialization", spec.specialization))
    if spec.credits is not None:
        facts.append(("Credits", _number(spec.credits)))
    if spec.valid_for:
        facts.append(("Valid for", spec.valid_for))
    if spec.result:
        values = spec.result.values or []
        shown = ", ".join(values[:-1]) + f" or {values[-1]}" if len(values) > 1 else "".join(values)
        facts.append(("Result", f"{spec.result.name}: {shown}" if shown else spec.result.name))
    if spec.language:
        facts.append(("Language", spec.language))
    return facts


def _issuer(pub: Publication) -> Model:
    issuer = pub.program.settings.issuer
    image = pub.profile.get("image") or {}
    path = _site_path(pub, image["id"]) if image else None
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


def _verify_link(pub: Publication, path: str) -> str:
    """The verification page's link that checks the document published at ``path``.

    Relative, the document's address included (from verify/ to the site's root), so that
    a copy of the site served elsewhere (mkdocs serve, a preview) checks its own copy.
    """
    return "verify/?credential=" + quote(f"../{path}", safe="")


def _day(text: str) -> Model:
    return format_date(datetime.fromisoformat(text.replace("Z", "+00:00")))


def _received(pub: Publication, subject_id: str) -> list[Model]:
    """The endorsements of ``subject_id``, as the achievement and issuer pages show them."""
    models = []
    for item in pub.endorsements.get(subject_id, ()):
        path = pub.urls.received_endorsement_path(item.name)
        models.append(_endorsement_model(pub, item, path))
    return models


def _endorsement_model(pub: Publication, item: ReceivedEndorsement, path: str) -> Model:
    return {
        "endorser": item.endorser,
        "endorser_url": item.endorser_url,
        "endorser_id": item.endorser_id,
        # the comment comes from a pull request, like a narrative: Markdown without raw HTML
        "comment_html": render_markdown(item.comment),
        "date": _day(item.issued),
        "json": path,
        "verify": _verify_link(pub, path),
    }


def _given(pub: Publication) -> list[Model]:
    models = []
    for given in pub.program.given_endorsements:
        path = pub.urls.endorsement_path(given.name)
        doc = pub.given_endorsements[given.name]
        models.append(
            {
                "title": doc["name"],
                "subject": given.spec.subject,
                "subject_name": given.spec.subject_name,
                "subject_link": given.spec.subject.startswith(("https://", "http://")),
                "comment_html": render_markdown(given.spec.comment),
                "date": format_date(given.spec.issued),
                "json": path,
                "verify": _verify_link(pub, path),
            }
        )
    return sorted(models, key=lambda m: m["date"]["iso"], reverse=True)


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
            "result": _result(pub, a),
        }
        for a in sorted(awards, key=lambda a: (a.issued, a.credential_id), reverse=True)
    ]
    pathways = []
    for pathway in _pathways(list(by_slug.values())):
        if earned & {c["slug"] for c in pathway["cards"]}:
            steps = [{**c, "earned": c["slug"] in earned} for c in pathway["cards"]]
            pathways.append({**pathway, "steps": steps, "done": sum(s["earned"] for s in steps)})
    path = pub.urls.learner_record_path(learner)
    return {
        "display_name": learner_name(awards),
        "entries": entries,
        "pathways": pathways,
        "json": path,
        "json_url": pub.urls.absolute(path),
        "verify": _verify_link(pub, path),
        "credential_count": len(awards),
    }


def _result(pub: Publication, award: Award) -> Model | None:
    spec = pub.program.achievements[award.achievement].spec
    if not award.result:
        return None
    return {"name": spec.result.name if spec.result else "Result", "value": award.result}


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
        "result": _result(pub, award),
        "narrative_html": render_markdown(award.narrative),
        "evidence": _evidence(award),
        "json": json_path,
        "json_url": pub.urls.absolute(json_path),
        "baked": pub.urls.baked_path(cid, f".{suffix}"),
        "baked_format": suffix.upper(),
        "baked_name": f"{award.achievement}-{cid}.{suffix}",
        "baked_svg": baked_svg if suffix == "png" else None,
        "page_url": page_url,
        **_preview(pub, card),
        "verify": _verify_link(pub, json_path),
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
        "credits": _number(spec.credits) if spec.credits is not None else None,
        "achievement_endorsements": _received(pub, pub.achievements[slug]["id"]),
    }


def _learner_page(pub: Publication, award: Award) -> str | None:
    if award.learner and award.learner in pub.learners and award.revoked is None:
        return pub.urls.learner_page_path(award.learner)
    return None


def _credential_page(
    pub: Publication, award: Award, card: Model, now: datetime, common: Model, provenance: Model | None = None
) -> Model:
    return {**common, **_credential_model(pub, award, card, now), "provenance": provenance}


# ---------------------------------------------------------------- provenance (badgepress.provenance)


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


def _award_provenance(pub: Publication, award: Award) -> Model | None:
    """The commits that issued and revoked ``award``, or None when the history does not tell."""
    if pub.history is None:
        return None
    found = award_provenance(pub.history, award)
    if found.issued is None and found.revoked is None:
        return None
    return {"issued": _change_model(pub, found.issued), "revoked": _change_model(pub, found.revoked)}


def _achievement_history(pub: Publication, slug: str) -> Model | None:
    """When the achievement's file was created and last changed, or None when the history does not tell."""
    file = pub.history.files.get(pub.program.achievements[slug].file) if pub.history else None
    if file is None or (file.added is None and file.changed is None):
        return None
    return {"created": _change_model(pub, file.added), "changed": _change_model(pub, file.changed)}


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def build_pages(pub: Publication, now: datetime) -> list[PageSpec]:
    """Every page the plugin adds to the site."""
    cards = [
        _card(pub, slug)
        for slug in sorted(pub.program.achievements, key=lambda s: pub.program.achievements[s].spec.name)
    ]
    by_slug = {c["slug"]: c for c in cards}
    pathways = _pathways(cards)
    for pathway in pathways:
        for number, card in enumerate(pathway["cards"], 1):
            card["pathway_step"] = {"number": number, "total": len(pathway["cards"])}
    issuer = pub.program.settings.issuer
    common: Model = {
        "issuer": issuer.model_dump(),
        "issuer_page": _issuer(pub),
        "preview": pub.preview,
        "profile": pub.profile,
    }
    wide = {"hide": ["navigation", "toc"]}  # the templates lay out the whole width
    findable = pub.program.settings.findable
    earners = _earners(pub, by_slug, now) if findable else {}
    pages = [
        PageSpec(
            "achievements/index.md",
            "badgepress/catalog.html",
            "Badges",
            "All the badges this program awards.\n",
            True,
            {**common, "cards": cards, "facets": _facets(cards), "pathways": pathways},
            wide,
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
                "endorsements": _received(pub, pub.urls.did),
                "endorsements_given": _given(pub),
            },
            wide,
        ),
        PageSpec(
            "taxonomy/index.md",
            "badgepress/taxonomy.html",
            "Taxonomy",
            "The program's badges by type, tag and skills framework.\n",
            True,
            {**common, "groups": _taxonomy(cards)},
            wide,
        ),
    ]
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
                    "facts": _facts(pub, card["slug"]),
                    "alignments": [a.model_dump() for a in spec.alignments],
                    "prerequisites": [by_slug[p] for p in card["prerequisites"] if p in by_slug],
                    "unlocks": [c for c in cards if card["slug"] in c["prerequisites"]],
                    **_preview(pub, card),
                    "endorsements": _received(pub, pub.achievements[card["slug"]]["id"]),
                    "history": _achievement_history(pub, card["slug"]),
                    "earners_list": earners.get(card["slug"], []) if findable else None,
                    "earners_shown": EARNERS_SHOWN,
                },
                wide,
            )
        )
    # Every input of _credential_page, per achievement: ``common``, the card, the
    # achievement, the date checked (the rest of ``pub`` it reads is in those or in
    # the credential's key: the award, the base URL, the credential).
    common_key = _json(common)
    checked = _json(format_date(now))
    slug_keys = {
        slug: fingerprint(common_key, _json(by_slug[slug]), repr(a.spec), checked, _json(_meaning(pub, slug)))
        for slug, a in pub.program.achievements.items()
    }
    for award in pub.program.awards:
        cid = award.credential_id
        card = by_slug[award.achievement]
        url = pub.urls.absolute(pub.urls.credential_page_path(cid))
        status = credential_status(award, now)
        learner_page = _learner_page(pub, award)
        provenance = _award_provenance(pub, award)
        pages.append(
            PageSpec(
                f"credentials/{cid}/index.md",
                "badgepress/credential.html",
                f"{display_name(award)} earned {card['name']}",
                "",
                False,
                partial(_credential_page, pub, award, card, now, common, provenance),
                # a person's credential is shared by its link, not found by searching the site
                {**wide, "search": {"exclude": True}},
                late={"qr": partial(qr_svg, url, label=f"QR code of this credential's page: {url}")},
                model_key=fingerprint(
                    slug_keys[award.achievement],
                    pub.credential_keys[cid],
                    status,
                    learner_page or "",
                    _json(provenance),
                ),
            )
        )
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
                {**wide, "search": {"exclude": True}},
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
            {**common, "site_url": pub.urls.base},
        )
    )
    if findable:
        pages.append(
            PageSpec(
                "find/index.md",
                "badgepress/find.html",
                "Find my badge",
                "Find a badge this program awarded by the earner's name as the site shows it.\n",
                True,
                {**common, "earners": [e for slug in sorted(earners) for e in earners[slug]]},
                {**wide, "search": {"exclude": True}},
            )
        )
    return pages


EARNERS_SHOWN = 100  # newest earners listed on an achievement's page; the rest through "Find my badge"


def _earners(pub: Publication, by_slug: dict[str, Model], now: datetime) -> dict[str, list[Model]]:
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


def _pathway_order(cards: list[Model]) -> list[Model]:
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


def _pathways(cards: list[Model]) -> list[Model]:
    """Each pathway with its achievements in the order to earn them, pathways by name."""
    members: dict[str, list[Model]] = defaultdict(list)
    for card in cards:
        if card["pathway"]:
            members[card["pathway"]].append(card)
    return [
        {"name": name, "anchor": anchor("pathway", name), "cards": _pathway_order(members[name])}
        for name in sorted(members, key=str.lower)
    ]


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
                    "cards": _pathway_order(members) if key == "pathway" else members,
                    "filter": f"{param}={quote(value, safe='')}" if param else None,
                }
            )
        groups.append({"title": title, "id": key, "buckets": entries})
    return groups
