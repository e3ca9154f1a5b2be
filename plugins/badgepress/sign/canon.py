"""RDF Dataset Canonicalization over bundled contexts, refusing undefined terms.

Two pitfalls of pyld shape this module (measured with pyld 3.3):

* pyld drops properties that no context defines, so they would go unsigned
  while strict verifiers (jsonld.js in ``safe`` mode) reject the credential.
  We expand once with a sentinel ``@vocab`` appended to the document's own
  contexts: a term no context defines expands to the sentinel namespace and
  is reported; when none does, that expansion equals the plain one, so the
  canonical form is computed from it with no second pass.
* pyld resolves relative IRIs against a dummy base unless ``base`` is None,
  and would fetch contexts from the network: every context comes from the
  package's ``contexts/`` folder and nothing else.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib import resources
from typing import Any

from pyld import jsonld

from badgepress.errors import SigningError

# canonical URL -> bundled file (provenance: contexts/PROVENANCE.md)
CONTEXT_FILES = {
    "https://www.w3.org/ns/credentials/v2": "credentials-v2.jsonld",
    "https://www.w3.org/2018/credentials/v1": "credentials-v1.jsonld",
    "https://www.w3.org/ns/credentials/examples/v2": "credentials-examples-v2.jsonld",
    "https://www.w3.org/ns/credentials/undefined-terms/v2": "credentials-undefined-terms-v2.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-v3p0-context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json": "ob-v3p0-context-3.0.2.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json": "ob-v3p0-context-3.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json": "ob-v3p0-context-3.0.0.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json": "ob-v3p0-extensions.json",
    "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json": "clr-v2p0-context-2.0.1.json",
    "https://w3id.org/security/data-integrity/v2": "data-integrity-v2.jsonld",
    "https://w3id.org/security/data-integrity/v1": "data-integrity-v1.jsonld",
    "https://w3id.org/security/multikey/v1": "multikey-v1.jsonld",
    "https://www.w3.org/ns/cid/v1": "cid-v1.jsonld",
    "https://www.w3.org/ns/did/v1": "did-v1.jsonld",
    "https://www.w3.org/ns/credentials/status/v1": "bitstring-status-list-v1.jsonld",
    "https://w3id.org/vc/status-list/2021/v1": "status-list-2021-v1.jsonld",
    "https://w3id.org/security/suites/ed25519-2020/v1": "ed25519-signature-2020-v1.jsonld",
}

VC_V2 = "https://www.w3.org/ns/credentials/v2"
VC_V1 = "https://www.w3.org/2018/credentials/v1"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
CLR_V2 = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"

_SENTINEL = "urn:badgepress:undefined-term:"


@cache
def context_document(url: str) -> Any:
    """The parsed bundled context for ``url``; SigningError if it is not bundled."""
    name = CONTEXT_FILES.get(url)
    if name is None:
        raise SigningError(
            f"the JSON-LD context {url} is not bundled with Badgepress, "
            "and contexts are never fetched from the network"
        )
    return json.loads(resources.files("badgepress").joinpath("contexts").joinpath(name).read_text("utf-8"))


def _top_context(url: str) -> dict[str, Any]:
    ctx = context_document(url).get("@context", {})
    return ctx if isinstance(ctx, dict) else {}


def load_document(url: str, options: Any = None) -> dict[str, Any]:
    """A pyld document loader over the bundled contexts only."""
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": context_document(url),
    }


def _options() -> dict[str, Any]:
    return {"documentLoader": load_document, "base": None}


def expand_strict(document: dict[str, Any]) -> list[Any]:
    """Expand ``document``; SigningError naming every term no context defines."""
    probe = dict(document)
    contexts = document.get("@context", [])
    contexts = contexts if isinstance(contexts, list) else [contexts]
    if any(not isinstance(c, str) for c in contexts):
        raise SigningError("inline @context objects are not allowed; use only published context URLs")
    # A context that sets its own @vocab defines every term by design; the
    # sentinel would override it, so it is only added where none does.
    if not any("@vocab" in _top_context(url) for url in contexts):
        probe["@context"] = [*contexts, {"@vocab": _SENTINEL}]
    try:
        expanded = jsonld.expand(probe, _options())
    except jsonld.JsonLdError as err:
        raise SigningError(f"the document is not valid JSON-LD: {_jsonld_reason(err)}") from None
    return refuse_undefined(expanded)


def refuse_undefined(expanded: list[Any]) -> list[Any]:
    """``expanded`` (from a sentinel-``@vocab`` expansion) unless it holds a term no context defines."""
    undefined = sorted(_undefined_terms(expanded))
    if undefined:
        raise SigningError(
            "no JSON-LD context defines "
            + ", ".join(repr(t) for t in undefined)
            + "; a verifier would reject the credential (remove the field or use a defined term)"
        )
    return expanded


def _undefined_terms(node: Any, found: set[str] | None = None) -> set[str]:
    found = set() if found is None else found
    if isinstance(node, list):
        for item in node:
            _undefined_terms(item, found)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key.startswith(_SENTINEL):
                found.add(key.removeprefix(_SENTINEL))
            if key == "@type":
                for t in value if isinstance(value, list) else [value]:
                    if isinstance(t, str) and t.startswith(_SENTINEL):
                        found.add(t.removeprefix(_SENTINEL))
                    elif isinstance(t, str) and ":" not in t and not t.startswith("@"):
                        found.add(t)
            elif key == "@id" and isinstance(value, str) and ":" not in value:
                found.add(f"relative IRI {value}")
            else:
                _undefined_terms(value, found)
    return found


def canonicalize(document: dict[str, Any]) -> str:
    """RDFC-1.0 (URDNA2015) N-Quads of ``document``, refusing undefined terms."""
    expanded = expand_strict(document)
    try:
        return jsonld.normalize(
            expanded,
            {**_options(), "algorithm": "URDNA2015", "format": "application/n-quads"},
        )
    except jsonld.JsonLdError as err:
        raise SigningError(f"the document cannot be canonicalized: {_jsonld_reason(err)}") from None


def canonicalize_plain(document: dict[str, Any]) -> str:
    """The reference path: plain pyld ``normalize``, no strictness, no reuse."""
    return jsonld.normalize(
        copy.deepcopy(document),
        {**_options(), "algorithm": "URDNA2015", "format": "application/n-quads"},
    )


def _jsonld_reason(err: Exception) -> str:
    while getattr(err, "cause", None) is not None or err.__cause__ is not None:
        err = getattr(err, "cause", None) or err.__cause__  # type: ignore[assignment]
    return str(err).splitlines()[0]
