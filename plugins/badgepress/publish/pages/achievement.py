"""An achievement's page: what the badge is, how to earn it, what it stands for, and who earned it."""

from __future__ import annotations

from badgepress.build.pipeline import Publication
from badgepress.load.model import type_label
from badgepress.publish.pages.cards import preview_model
from badgepress.publish.pages.earners import EARNERS_SHOWN
from badgepress.publish.pages.endorsements import received_models
from badgepress.publish.pages.fields import format_number
from badgepress.publish.pages.provenance import achievement_history
from badgepress.publish.pages.spec import Model, PageSpec, wide


def achievement_pages(
    pub: Publication,
    common: Model,
    cards: list[Model],
    by_slug: dict[str, Model],
    earners: dict[str, list[Model]] | None,
) -> list[PageSpec]:
    """One page per achievement, in the cards' order; ``earners`` None when the program is not findable."""
    pages = []
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
                    **preview_model(pub, card),
                    "endorsements": received_models(pub, pub.achievements[card["slug"]]["id"]),
                    "history": achievement_history(pub, card["slug"]),
                    "earners_list": earners.get(card["slug"], []) if earners is not None else None,
                    "earners_shown": EARNERS_SHOWN,
                },
                wide(),
            )
        )
    return pages


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
        facts.append(("Credits", format_number(spec.credits)))
    if spec.valid_for:
        facts.append(("Valid for", spec.valid_for))
    if spec.result:
        values = spec.result.values or []
        shown = ", ".join(values[:-1]) + f" or {values[-1]}" if len(values) > 1 else "".join(values)
        facts.append(("Result", f"{spec.result.name}: {shown}" if shown else spec.result.name))
    if spec.language:
        facts.append(("Language", spec.language))
    return facts
