"""Small models that several kinds of page show the same way: dates, numbers, status, links."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from badgepress.build.pipeline import Publication
from badgepress.domain import Award
from badgepress.publish.pages.spec import Model


def format_date(moment: datetime) -> Model:
    """A date for ``<time>``: ISO for machines, '12 September 2026' for people (in the date's own zone)."""
    return {"iso": moment.date().isoformat(), "text": f"{moment.day} {moment:%B %Y}"}


def format_day(text: str) -> Model:
    """:func:`format_date` of an ISO 8601 text, as JSON-LD documents write dates."""
    return format_date(datetime.fromisoformat(text.replace("Z", "+00:00")))


def format_number(value: float) -> str:
    return f"{value:g}"


def credential_status(award: Award, now: datetime) -> str:
    if award.revoked is not None:
        return "revoked"
    if award.expires is not None and award.expires <= now:
        return "expired"
    return "valid"


def result_model(pub: Publication, award: Award) -> Model | None:
    """The award's result (a grade, a score) with the name its achievement gives it."""
    spec = pub.program.achievements[award.achievement].spec
    if not award.result:
        return None
    return {"name": spec.result.name if spec.result else "Result", "value": award.result}


def site_path(pub: Publication, url: str) -> str:
    """A site-relative path for a URL of this site (so local previews work), else the URL."""
    return url[len(pub.urls.base) :] if url.startswith(pub.urls.base) else url


def verify_link(pub: Publication, path: str) -> str:
    """The verification page's link that checks the document published at ``path``.

    Relative, the document's address included (from verify/ to the site's root), so that
    a copy of the site served elsewhere (mkdocs serve, a preview) checks its own copy.
    """
    return "verify/?credential=" + quote(f"../{path}", safe="")
