"""Sign many credentials fast, with exactly the bytes of the reference path.

The reference path (:func:`proof.sign_document` over :func:`canon.canonicalize`)
costs about 7 ms a document with pyld, most of it processing the same JSON-LD
contexts again for every document, and the proof configuration's contexts a
second time. This module gives byte-identical proofs for a batch, faster:

1. **Contexts are processed once per process**, not once per document:
   :class:`_MemoProcessor` memoizes pyld's context processing. pyld's own
   cache keys a processed context by a random id of the active context, and a
   type-scoped context (OB 3.0 has one per type) gets a fresh active context
   each time, so it misses; ours keys by the identity of the frozen active
   context and the local context's content, which is what the result depends on.
2. **Expanded once**: the strict expansion (sentinel ``@vocab``, exactly as
   :func:`canon.expand_strict`, refusing undefined terms) goes straight to RDF
   and RDFC-1.0, instead of being expanded a second time inside ``normalize``.
   Expanded JSON-LD expands to itself, so the N-Quads are the same.
3. **Proof configurations are canonicalized once** per (contexts, created,
   verification method): all credentials issued the same day share one.
4. **In parallel across cores**: a fork-started process pool, in chunks; the
   documents and the key reach the workers through fork, never pickled. Small
   batches, non-Linux systems and multi-threaded processes (``mkdocs serve``)
   sign serially.
5. **A signature cache** under the program's ``.cache/badgepress/``: a
   credential whose inputs did not change is not canonicalized or signed
   again. See :class:`SignatureCache` for what the key covers and why a
   tampered entry is never served.

``tests/test_signing.py`` proves the equivalence on a corpus; the benchmark in
``benchmarks/`` measures the speed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata, resources
from pathlib import Path
from typing import IO, Any, Protocol

from frozendict import frozendict
from pyld import jsonld
from pyld.canon import URDNA2015

from badgepress.cachefile import read_entries, write_cache
from badgepress.errors import SigningError
from badgepress.memo import fingerprint
from badgepress.parallel import can_fork, fork_pool, worker_count
from badgepress.sign import canon, keys, proof
from badgepress.sign.keys import KeyPair, encode_multibase

Doc = dict[str, Any]
CACHE_FILE = "signatures.json"
CACHE_FORMAT = 1
# https://bford.info/cachedir/: backup tools skip a folder holding this file

PARALLEL_MIN = 128  # below this many documents, forking costs more than it saves
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


class SignerLike(Protocol):
    """What :class:`pipeline.Signer` offers (kept structural to avoid an import cycle)."""

    @property
    def key(self) -> KeyPair: ...
    @property
    def key_id(self) -> str: ...
    @property
    def preview(self) -> bool: ...


# ------------------------------------------------------------------ canonicalization


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


# ------------------------------------------------------------------ the signature cache


@cache
def code_version() -> str:
    """Everything besides a document and its key that decides its proof, as one digest.

    The package version, the source of the modules that canonicalize and sign,
    the bundled contexts, and the versions of pyld and PyNaCl.
    """
    digest = hashlib.sha256()
    for name in ("badgepress", "pyld", "pynacl"):
        try:
            digest.update(f"{name}={metadata.version(name)}\n".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}=?\n".encode())
    for module in (canon, proof, keys, sys.modules[__name__]):
        digest.update(Path(module.__file__ or "").read_bytes())
    folder = resources.files("badgepress").joinpath("contexts")
    for url, name in sorted(canon.CONTEXT_FILES.items()):
        digest.update(url.encode() + b"\n" + folder.joinpath(name).read_bytes())
    return digest.hexdigest()


def document_bytes(document: Doc) -> bytes:
    """The exact unsigned document as compact JSON, keys in their order (what the cache key hashes)."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


def cache_key(document: Doc, created: str, verification_method: str, public_key: str, version: str) -> str:
    """SHA-256 over every input of a proof, each length-prefixed so no two inputs collide."""
    return fingerprint(version, public_key, verification_method, created, document_bytes(document))


def _mac_key(key: KeyPair) -> bytes:
    # Ed25519 signatures are deterministic and need the secret key: a signature
    # over a fixed label is a secret only the key's holder can compute.
    return hashlib.sha256(
        b"badgepress signature cache\n" + key.sign(b"badgepress signature cache v1")
    ).digest()


def _mac(mac_key: bytes, key: str, proof_value: str) -> str:
    return hmac.new(mac_key, f"{key}\n{proof_value}".encode(), hashlib.sha256).hexdigest()


class SignatureCache:
    """Proof values of credentials already signed, by :func:`cache_key`.

    The key covers every input of a proof: the exact unsigned document, the
    ``created`` value, the verification method, the signer's public key and
    :func:`code_version` — change any and the credential is signed again, so a
    hit can never be stale. Each entry is ``[proofValue, mac]``: the MAC is an
    HMAC-SHA256 of (key, proofValue) under a secret derived from the signing
    key, checked on every hit. An entry edited on disk, or moved under another
    key, fails the check and the credential is signed again (counted as
    ``rejected``). A signature check over the hashed data would cost ~0.1 ms a
    hit and would not notice an entry moved to another document's key; the MAC
    costs ~3 µs and does.

    ``path`` None keeps entries in memory only (preview builds: the throwaway
    key is never written to disk). The file holds the entries of the last
    builds: those used by the latest one, and older ones up to as many again.
    """

    def __init__(self, path: Path | None, key: KeyPair) -> None:
        self.path = path
        self._mac_key = _mac_key(key)
        self.entries: dict[str, list[str]] = {}
        self.used: set[str] = set()
        self.added: dict[str, list[str]] = {}
        if path is not None:
            self.entries = read_entries(path, CACHE_FORMAT)

    def get(self, key: str) -> str | None:
        """The proof value for ``key`` if present and authentic, else None."""
        entry = self.entries.get(key)
        if not entry or len(entry) != 2 or not all(isinstance(v, str) for v in entry):
            return None
        proof_value, mac = entry
        if not hmac.compare_digest(mac, _mac(self._mac_key, key, proof_value)):
            return None
        return proof_value

    def entry(self, key: str, proof_value: str) -> list[str]:
        return [proof_value, _mac(self._mac_key, key, proof_value)]

    def save(self) -> None:
        """Write the entries used in this build first, then older ones, atomically; never fails a build."""
        keep = {
            k: self.added.get(k) or self.entries[k] for k in self.used if k in self.added or k in self.entries
        }
        for k, v in self.entries.items():
            if len(keep) >= 2 * len(self.used) + 1024:
                break
            keep.setdefault(k, v)
        if self.path is None or keep == self.entries:
            self.entries = keep
            return
        write_cache(self.path, CACHE_FORMAT, entries=keep)


# Caches kept in memory only (preview keys, no cache folder), so that the rebuilds
# of one `mkdocs serve` with its one throwaway key reuse signatures. Keyed by
# public key; only the latest key's is kept.
_MEMORY_CACHES: dict[str, SignatureCache] = {}


# ------------------------------------------------------------------ batch signing


@dataclass
class SigningStats:
    total: int = 0
    signed: int = 0
    cached: int = 0
    rejected: int = 0  # cache entries that failed their check and were signed again
    workers: int = 1
    seconds: float = 0.0

    def summary(self) -> str:
        text = (
            f"signed {self.signed:,} of {self.total:,} credentials in {self.seconds:.1f} s "
            f"({self.cached:,} from cache"
        )
        if self.rejected:
            text += f", {self.rejected:,} cache entries failed their check and were re-signed"
        return text + (f", {self.workers} processes)" if self.workers > 1 else ")")


@dataclass
class _Job:
    """One batch, as the workers see it (inherited through fork)."""

    unsigned: Sequence[tuple[Doc, str]]
    key: KeyPair = field(repr=False)
    key_id: str
    public_key: str
    version: str
    cache: SignatureCache | None
    canonicalizer: FastCanonicalizer


_JOB: _Job | None = None  # set by the parent right before forking its workers

# (index, proofValue, cache key, new cache entry or None, "hit" | "signed" | "rejected")
_Result = tuple[int, str, str, list[str] | None, str]


def _sign_one(job: _Job, index: int) -> _Result:
    document, created = job.unsigned[index]
    if "proof" in document:
        raise SigningError("the document already has a proof")
    method = proof.verification_method(document, job.key_id)
    key, status = "", "signed"
    if job.cache is not None:
        key = cache_key(document, created, method, job.public_key, job.version)
        if key in job.cache.entries:
            cached = job.cache.get(key)
            if cached is not None:
                return index, cached, key, None, "hit"
            status = "rejected"
    options = proof.proof_options(method, created)
    proof_value = encode_multibase(job.key.sign(job.canonicalizer.hash_data(document, options)))
    entry = job.cache.entry(key, proof_value) if job.cache is not None else None
    return index, proof_value, key, entry, status


def _work(bounds: tuple[int, int]) -> list[_Result] | tuple[int, str]:
    job = _JOB
    assert job is not None
    results = []
    for index in range(*bounds):
        try:
            results.append(_sign_one(job, index))
        except SigningError as err:
            return index, str(err)
    return results


class BatchSigner:
    """Signs (unsigned credential, created) pairs: ``pipeline.build_publication``'s ``sign``.

    ``cache_dir`` is where the signature cache file lives; without one, or for
    a preview key, signatures are cached in memory only (for the rebuilds of
    one ``mkdocs serve``); ``cache=False`` turns caching off (benchmarks).
    ``progress(done, total)`` is called as documents are done and
    ``report(line)`` once with the summary. ``workers`` defaults to the cores
    available; ``stats`` holds the last batch's figures.
    """

    def __init__(
        self,
        cache_dir: Path | None = None,
        *,
        cache: bool = True,
        workers: int | None = None,
        progress: Callable[[int, int], None] | None = None,
        report: Callable[[str], None] | None = None,
        version: str | None = None,
        parallel_min: int = PARALLEL_MIN,
    ) -> None:
        self.cache_dir = cache_dir
        self.use_cache = cache
        self.workers = workers
        self.progress = progress
        self.report = report
        self.version = version
        self.parallel_min = parallel_min
        self.canonicalizer = FastCanonicalizer()
        self.stats = SigningStats()
        self.retained: set[str] = set()
        self.signature_keys: list[str] = []

    def retain(self, keys: Iterable[str]) -> None:
        """Keep these cache entries in the next batch's cache file, though the batch does not use them.

        They are the credentials the build memo knows (``pipeline.Retaining``):
        not signed again, and not looked up either.
        """
        self.retained = set(keys)

    def _cache(self, signer: SignerLike) -> SignatureCache | None:
        if not self.use_cache:
            return None
        if signer.preview or self.cache_dir is None:
            public = signer.key.public_key_multibase
            cache = _MEMORY_CACHES.get(public)
            if cache is None:
                _MEMORY_CACHES.clear()
                cache = _MEMORY_CACHES[public] = SignatureCache(None, signer.key)
            cache.used, cache.added = set(), {}
            return cache
        return SignatureCache(self.cache_dir / CACHE_FILE, signer.key)

    def __call__(self, unsigned: list[tuple[Doc, str]], signer: SignerLike) -> list[Doc]:
        start = time.perf_counter()
        total = len(unsigned)
        cache = self._cache(signer)
        job = _Job(
            unsigned,
            signer.key,
            signer.key_id,
            signer.key.public_key_multibase,
            self.version or code_version(),
            cache,
            self.canonicalizer,
        )
        workers = min(self.workers or worker_count(), max(total // 32, 1))
        if workers > 1 and total >= self.parallel_min and can_fork():
            results = self._parallel(job, workers)
        else:
            workers, results = 1, self._serial(job)
        stats = SigningStats(total=total, workers=workers)
        signed = []
        self.signature_keys = [key for _, _, key, _, _ in results]
        if cache is not None:
            cache.used |= self.retained
        self.retained = set()
        for (document, created), (_, proof_value, key, entry, status) in zip(unsigned, results, strict=True):
            if cache is not None:
                cache.used.add(key)
                if entry is not None:
                    cache.added[key] = entry
            stats.cached += status == "hit"
            stats.rejected += status == "rejected"
            options = proof.proof_options(proof.verification_method(document, signer.key_id), created)
            signed.append({**document, "proof": [{**options, "proofValue": proof_value}]})
        stats.signed = total - stats.cached
        if cache is not None:
            cache.save()
        stats.seconds = time.perf_counter() - start
        self.stats = stats
        if self.report:
            self.report(stats.summary())
        return signed

    def _serial(self, job: _Job) -> list[_Result]:
        total = len(job.unsigned)
        results = []
        for index in range(total):
            results.append(_sign_one(job, index))
            if self.progress and (index % 32 == 31 or index + 1 == total):
                self.progress(index + 1, total)
        return results

    def _parallel(self, job: _Job, workers: int) -> list[_Result]:
        global _JOB
        total = len(job.unsigned)
        # the first document warms the contexts the workers inherit, and fails early if bad
        results: list[_Result | None] = [_sign_one(job, 0)] + [None] * (total - 1)
        chunk = max(16, min(256, total // (workers * 8)))
        bounds = [(i, min(i + chunk, total)) for i in range(1, total, chunk)]
        done = 1
        errors: list[tuple[int, str]] = []
        _JOB = job
        try:
            with fork_pool(workers) as pool:
                for out in pool.imap_unordered(_work, bounds):
                    if isinstance(out, tuple):
                        errors.append(out)
                        continue
                    for result in out:
                        results[result[0]] = result
                    done += len(out)
                    if self.progress:
                        self.progress(done, total)
        finally:
            _JOB = None
        if errors:
            raise SigningError(min(errors)[1])  # the first bad document, as the serial path would
        if self.progress and done < total:
            self.progress(total, total)
        return [r for r in results if r is not None]


def sign_batch(unsigned: list[tuple[Doc, str]], signer: SignerLike) -> list[Doc]:
    """Sign a batch with no cache file (the command line and library use)."""
    return BatchSigner()(unsigned, signer)


# ------------------------------------------------------------------ progress on a terminal


class TerminalProgress:
    """``<what> done/total`` on one self-rewriting line, at most ten times a second."""

    def __init__(self, stream: IO[str], what: str = "signing credentials") -> None:
        self.stream = stream
        self.what = what
        self._last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self._last < 0.1:
            return
        self._last = now
        if done < total:
            self.stream.write(f"\rbadgepress: {self.what} {done:,}/{total:,}")
        else:
            self.stream.write("\r\033[K")
        self.stream.flush()


def terminal_progress(
    stream: IO[str] | None = None, what: str = "signing credentials"
) -> TerminalProgress | None:
    """A progress display on ``stream`` (default stderr) when it is a terminal, else None."""
    stream = stream if stream is not None else sys.stderr
    try:
        return TerminalProgress(stream, what) if stream.isatty() else None
    except (AttributeError, ValueError):
        return None
