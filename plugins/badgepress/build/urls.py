"""The one place that turns ids into URLs, output paths and the issuer's DID."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, urlencode, urlsplit

# a credential's id (program.credential_id_for: 16 base32 characters) at the end of any of its addresses
_CREDENTIAL_AT = re.compile(r"(?:^|/)credentials/([a-z2-7]{16})(?:\.json|\.png|\.svg|/(?:index\.html)?)?$")
_CREDENTIAL_ID = re.compile(r"^[a-z2-7]{16}$")


@dataclass(frozen=True)
class Urls:
    """Every address of a published program, from its base URL (ending in '/')."""

    base: str

    def __post_init__(self) -> None:
        if not self.base.endswith("/"):
            object.__setattr__(self, "base", self.base + "/")

    # -- the issuer
    @property
    def did(self) -> str:
        """Path-based did:web: https://host:port/a/b/ → did:web:host%3Aport:a:b."""
        parts = urlsplit(self.base)
        host = quote(parts.netloc, safe="")
        segments = [s for s in parts.path.split("/") if s]
        return ":".join(["did", "web", host, *segments])

    @property
    def did_path(self) -> str:
        """Where the DID document goes, relative to the site root."""
        segments = [s for s in urlsplit(self.base).path.split("/") if s]
        return "did.json" if segments else ".well-known/did.json"

    def key_id(self, key: str) -> str:
        return f"{self.did}#{key}"

    issuer_path = "issuer.json"

    # -- documents
    def credential_path(self, credential_id: str) -> str:
        return f"credentials/{credential_id}.json"

    def achievement_path(self, slug: str) -> str:
        return f"achievements/{slug}.json"

    def achievement_image_path(self, slug: str, suffix: str) -> str:
        return f"achievements/{slug}{suffix}"

    def baked_path(self, credential_id: str, suffix: str) -> str:
        return f"credentials/{credential_id}{suffix}"

    def revocation_path(self, credential_id: str) -> str:
        """A revoked credential's public notice (date, reason), beside its page.

        Verifiers find it from the credential's id: ``….json`` → ``…/revocation.json``.
        """
        return f"credentials/{credential_id}/revocation.json"

    def status_list_path(self, number: int) -> str:
        return f"status/{number}.json"

    def learner_record_path(self, learner: str) -> str:
        return f"learners/{learner}.json"

    def endorsement_path(self, name: str) -> str:
        """An endorsement the program gives (endorsements/given/<name>.yaml)."""
        return f"endorsements/{name}.json"

    def received_endorsement_path(self, name: str) -> str:
        """A copy of an endorsement the program received (endorsements/<name>.json)."""
        return f"endorsements/received/{name}.json"

    # -- pages (directory URLs, relative to the site root)
    def credential_page_path(self, credential_id: str) -> str:
        return f"credentials/{credential_id}/"

    def achievement_page_path(self, slug: str) -> str:
        return f"achievements/{slug}/"

    def learner_page_path(self, learner: str) -> str:
        return f"learners/{learner}/"

    def absolute(self, path: str) -> str:
        return self.base + path

    def credential_page_url(self, credential_id: str) -> str:
        """The address to send a learner: the credential's page."""
        return self.absolute(self.credential_page_path(credential_id))


def linkedin_add_url(
    name: str,
    organization: str,
    organization_id: str | None,
    issued: datetime,
    expires: datetime | None,
    page_url: str,
    credential_id: str,
) -> str:
    """LinkedIn's add-to-profile link, certification fields filled in (``name`` is the badge's)."""
    params: dict[str, str] = {"startTask": "CERTIFICATION_NAME", "name": name}
    if organization_id:
        params["organizationId"] = organization_id
    else:
        params["organizationName"] = organization
    params["issueYear"], params["issueMonth"] = str(issued.year), str(issued.month)
    if expires:
        params["expirationYear"], params["expirationMonth"] = str(expires.year), str(expires.month)
    params["certUrl"] = page_url
    params["certId"] = credential_id
    return "https://www.linkedin.com/profile/add?" + urlencode(params, quote_via=quote)


def linkedin_post_url(page_url: str) -> str:
    """LinkedIn's share dialog for a post linking to ``page_url`` (it reads the page's og: tags)."""
    return "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": page_url}, quote_via=quote)


def mailto_url(subject: str, body: str) -> str:
    """A ``mailto:`` link with no recipient: the sender's own mail program fills it in."""
    return "mailto:?" + urlencode({"subject": subject, "body": body}, quote_via=quote)


def credential_id_from(text: str) -> str | None:
    """The credential id in an id, a page URL or a JSON (or badge image) URL; None if there is none.

    Any host is accepted, so that a link from a preview (``mkdocs serve``) works too.
    """
    text = text.strip()
    if _CREDENTIAL_ID.match(text):
        return text
    found = _CREDENTIAL_AT.search(urlsplit(text).path)
    return found.group(1) if found else None
