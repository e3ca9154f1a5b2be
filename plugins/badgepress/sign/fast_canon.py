"""The fast canonicalizer: RDFC-1.0 N-Quads byte-identical to :func:`canon.canonicalize`, faster.

The reference (:func:`canon.canonicalize`) costs about 7 ms a credential with
pyld, most of it processing the same JSON-LD contexts again for every document.
:class:`FastCanonicalizer` gives the same N-Quads for a batch in a fraction of
that time:

1. **Contexts are processed once per process**, not once per document:
   :class:`_MemoProcessor` memoizes pyld's context processing. pyld's own
   cache keys a processed context by a random id of the active context, and a
   type-scoped context (OB 3.0 has one per type) gets a fresh active context
   each time, so it misses; ours keys by the identity of the frozen active
   context and the local context's content, which is what the result depends on.
   A subtree seen again under the same contexts (the issuer, an achievement
   shared by many awards) is expanded once and copied after that.
2. **Expanded once**: the strict expansion (sentinel ``@vocab``, exactly as
   :func:`canon.expand_strict`, refusing undefined terms) goes straight to RDF
   and RDFC-1.0, instead of being expanded a second time inside ``normalize``.
   Expanded JSON-LD expands to itself, so the N-Quads are the same.
3. **Proof configurations are canonicalized once** per (contexts, created,
   verification method): all credentials issued the same day share one.

Why this module is fenced off: it subclasses *private* methods of pyld's
``JsonLdProcessor`` (``_process_context``, ``_expand``, ``_create_node_map``,
``_graph_to_rdf``) with the signatures of pyld 3.3. Those can change in any
release, so ``pyproject.toml`` pins ``pyld>=3.3,<4``, and nothing else in the
package touches pyld's internals. What makes it safe to use is the proof in
``tests/test_signing.py``: on a corpus of credentials with every optional field
(and over a hundred single-field changes of them, and the W3C and 1EdTech
vectors) the fast N-Quads, proofs and errors are byte-identical to the
reference path's, twice over (cold, then on memoized contexts). A pyld upgrade
that breaks an assumption here fails those tests, not a published credential.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from frozendict import frozendict
from pyld import jsonld
from pyld.canon import URDNA2015

from badgepress.errors import SigningError
from badgepress.sign import canon

Doc = dict[str, Any]

_MEMO_LIMIT = 4096  # processed contexts kept; a build uses a few dozen
_SENTINEL_CONTEXT = {"@vocab": canon._SENTINEL}
_OPTIONS = {"documentLoader": canon.load_document, "base": None}
_RDF_OPTIONS = {
    **_OPTIONS,
    "processingMode": "json-ld-1.1",
    "produceGeneralizedRdf": False,
    "algorithm": "URDNA2015",
    "format": "application/n-quads",
}


def _local_key(local_ctx: Any) -> tuple[Any, ...] | None:
    """A memo key for a local context: by content when small, else by identity.

    Contexts named by URL and the document's own ``@context`` list (URLs plus
    the sentinel) are keyed by content. Scoped contexts inside term definitions
    are large dicts that live as long as the bundled context documents, so they
    are keyed by identity (the memo keeps a reference, so the id is not reused).
    """
    if isinstance(local_ctx, str):
        return ("url", local_ctx)
    if isinstance(local_ctx, list) and all(
        isinstance(c, str) or (isinstance(c, dict) and len(c) <= 4) for c in local_ctx
    ):
        return ("json", json.dumps(local_ctx))
    if isinstance(local_ctx, dict | frozendict | list):
        return ("id", id(local_ctx))
    return None


def _copy(value: Any) -> Any:
    """A deep copy of expanded JSON-LD (dicts, lists, scalars), faster than copy.deepcopy."""
    if type(value) is dict:
        return {k: _copy(v) for k, v in value.items()}
    if type(value) is list:
        return [_copy(v) for v in value]
    return value


class _MemoProcessor(jsonld.JsonLdProcessor):  # type: ignore[misc]
    """pyld's processor, remembering processed contexts and repeated subtrees across documents.

    ``_process_context`` is a pure function of the active context, the local
    context and the flags (the options are fixed: bundled contexts, no base).
    Active contexts that pyld froze never change, so the frozen object's
    identity stands for its content; a mutable one (still being built) is
    never memoized. ``_expand`` of a node object is likewise a pure function
    of its contexts, its active property, its flags and its JSON: a subtree
    seen a second time under the same contexts (the issuer, an achievement
    shared by many awards) is expanded once and copied after that.
    """

    def __init__(self) -> None:
        super().__init__()
        self._contexts: dict[tuple[Any, ...], tuple[Any, Any, Any]] = {}
        self._subtrees: dict[tuple[Any, ...], tuple[Any, Any, Any]] = {}
        self._seen: set[int] = set()

    def _process_context(  # type: ignore[no-untyped-def]
        self,
        active_ctx,
        local_ctx,
        options,
        override_protected=False,
        propagate=True,
        validate_scoped=True,
        cycles=None,
    ):
        key = None
        if isinstance(active_ctx, frozendict):
            local = _local_key(local_ctx)
            if local is not None:
                key = (id(active_ctx), local, override_protected, propagate, validate_scoped)
                hit = self._contexts.get(key)
                if hit is not None and hit[0] is active_ctx and (local[0] != "id" or hit[1] is local_ctx):
                    return hit[2]
        result = super()._process_context(
            active_ctx, local_ctx, options, override_protected, propagate, validate_scoped, cycles
        )
        if key is not None:
            if len(self._contexts) >= _MEMO_LIMIT:
                self._contexts.clear()
            self._contexts[key] = (active_ctx, local_ctx, result)
        return result

    def _expand(  # type: ignore[no-untyped-def]
        self,
        active_ctx,
        active_property,
        element,
        options,
        inside_list=False,
        inside_index=False,
        type_scoped_ctx=None,
    ):
        if (
            active_property is None  # the document itself: never seen twice
            or type(element) is not dict
            or len(element) < 3
            or not isinstance(active_ctx, frozendict)
            or not (type_scoped_ctx is None or isinstance(type_scoped_ctx, frozendict))
            or options.get("isFrame")
        ):
            return super()._expand(
                active_ctx, active_property, element, options, inside_list, inside_index, type_scoped_ctx
            )
        body = json.dumps(element, ensure_ascii=False)
        key = (id(active_ctx), id(type_scoped_ctx), active_property, inside_list, inside_index, body)
        hit = self._subtrees.get(key)
        if hit is not None and hit[0] is active_ctx and hit[1] is type_scoped_ctx:
            return _copy(hit[2])
        result = super()._expand(
            active_ctx, active_property, element, options, inside_list, inside_index, type_scoped_ctx
        )
        # remember a subtree only once it repeats, so unique ones cost no memory
        fingerprint = hash(key)
        if fingerprint in self._seen:
            if len(self._subtrees) >= _MEMO_LIMIT:
                self._subtrees.clear()
            self._subtrees[key] = (active_ctx, type_scoped_ctx, _copy(result))
        else:
            if len(self._seen) >= 64 * _MEMO_LIMIT:
                self._seen.clear()
            self._seen.add(fingerprint)
        return result


class FastCanonicalizer:
    """RDFC-1.0 N-Quads identical to :func:`canon.canonicalize`, reusing processed contexts.

    Strict like the reference: a term no context defines, an inline context or
    a relative IRI raises the same :class:`SigningError`. One instance is meant
    to serve a whole batch (and the workers forked from it).
    """

    def __init__(self) -> None:
        self._processor = _MemoProcessor()
        self._config_hashes: dict[str, bytes] = {}

    def expand_strict(self, document: Doc) -> list[Any]:
        """As :func:`canon.expand_strict`, with the memoized processor."""
        contexts = document.get("@context", [])
        contexts = contexts if isinstance(contexts, list) else [contexts]
        if any(not isinstance(c, str) for c in contexts):
            raise SigningError("inline @context objects are not allowed; use only published context URLs")
        probe = dict(document)
        if not any("@vocab" in canon._top_context(url) for url in contexts):
            probe["@context"] = [*contexts, _SENTINEL_CONTEXT]
        try:
            expanded: list[Any] = self._processor.expand(probe, _OPTIONS)
        except jsonld.JsonLdError as err:
            raise SigningError(f"the document is not valid JSON-LD: {canon._jsonld_reason(err)}") from None
        return canon.refuse_undefined(expanded)

    def canonicalize(self, document: Doc) -> str:
        """Canonical N-Quads of ``document``, refusing undefined terms."""
        expanded = self.expand_strict(document)
        try:
            return self._nquads(expanded)
        except jsonld.JsonLdError as err:
            raise SigningError(f"the document cannot be canonicalized: {canon._jsonld_reason(err)}") from None

    def _nquads(self, expanded: list[Any]) -> str:
        # pyld's to_rdf after its expand step, then URDNA2015 (pyld 3.3, jsonld.py
        # JsonLdProcessor.to_rdf and .normalize); expanded input is its own expansion.
        processor = self._processor
        issuer = jsonld.IdentifierIssuer("_:b")
        node_map: dict[str, Any] = {"@default": {}}
        processor._create_node_map(expanded, node_map, "@default", issuer)
        dataset = {}
        for graph_name, graph in sorted(node_map.items()):
            if graph_name == "@default" or jsonld._is_absolute_iri(graph_name):
                dataset[graph_name] = processor._graph_to_rdf(graph, issuer, dict(_RDF_OPTIONS))
        nquads: str = URDNA2015().main(dataset, dict(_RDF_OPTIONS))
        return nquads

    def hash_data(self, document: Doc, options: Mapping[str, Any]) -> bytes:
        """As :func:`proof.hash_data`; the proof configuration's hash is computed once per distinct value."""
        config = {k: v for k, v in options.items() if k != "proofValue"}
        config["@context"] = document.get("@context")
        memo_key = json.dumps(config, ensure_ascii=False)
        config_hash = self._config_hashes.get(memo_key)
        if config_hash is None:
            config_hash = hashlib.sha256(self.canonicalize(config).encode("utf-8")).digest()
            self._config_hashes[memo_key] = config_hash
        unsecured = {k: v for k, v in document.items() if k != "proof"}
        return config_hash + hashlib.sha256(self.canonicalize(unsecured).encode("utf-8")).digest()
