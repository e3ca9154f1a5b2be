"""Endorsements as the pages show them: received (achievement and issuer pages) and given (issuer page)."""

from __future__ import annotations

from badgepress.build.pipeline import Publication
from badgepress.load.endorsements import ReceivedEndorsement
from badgepress.publish.pages.fields import format_date, format_day, verify_link
from badgepress.publish.pages.narrative import render_markdown
from badgepress.publish.pages.spec import Model


def received_models(pub: Publication, subject_id: str) -> list[Model]:
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
        "date": format_day(item.issued),
        "json": path,
        "verify": verify_link(pub, path),
    }


def given_models(pub: Publication) -> list[Model]:
    """The endorsements this program gives, newest first."""
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
                "verify": verify_link(pub, path),
            }
        )
    return sorted(models, key=lambda m: m["date"]["iso"], reverse=True)
