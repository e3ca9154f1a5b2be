"""Sign a batch of credentials fast, with exactly the bytes of the reference path.

:class:`BatchSigner` signs (unsigned credential, created) pairs with one
:class:`~badgepress.sign.fast_canon.FastCanonicalizer` for the whole batch, so
the JSON-LD contexts are processed once rather than once per credential. Each
proof is what :func:`proof.sign_document` makes of the same document
(``tests/test_signing.py``). It keeps nothing between builds: the build stage
keeps each credential's proof in the cache store, under a key over every input
of the credential (``build/credentials.py``), and asks for signatures only of
the credentials it has no proof for.

Signing is done in this process: a version that forked a child per core
showed no gain beyond the run-to-run spread on the shared 2-core development
machine (cold, 2,000 and 10,000 credentials of a cohort program; figures in
``benchmarks/README.md``), so it was removed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from badgepress.errors import SigningError
from badgepress.sign import proof
from badgepress.sign.fast_canon import FastCanonicalizer
from badgepress.sign.keys import KeyPair, encode_multibase

Doc = dict[str, Any]


class SignerLike(Protocol):
    """What :class:`pipeline.Signer` offers (kept structural to avoid an import cycle)."""

    @property
    def key(self) -> KeyPair: ...
    @property
    def key_id(self) -> str: ...
    @property
    def preview(self) -> bool: ...


@dataclass
class SigningStats:
    total: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        noun = "credential" if self.total == 1 else "credentials"
        return f"signed {self.total:,} {noun} in {self.seconds:.1f} s"


class BatchSigner:
    """Signs (unsigned credential, created) pairs: ``pipeline.build_publication``'s ``sign``.

    ``progress(done, total)`` is called as documents are done and
    ``report(line)`` once with the summary; ``stats`` holds the last batch's
    figures. One signer can sign several batches: the contexts it processed
    stay processed.
    """

    def __init__(
        self,
        *,
        progress: Callable[[int, int], None] | None = None,
        report: Callable[[str], None] | None = None,
    ) -> None:
        self.progress = progress
        self.report = report
        self.canonicalizer = FastCanonicalizer()
        self.stats = SigningStats()

    def __call__(self, unsigned: list[tuple[Doc, str]], signer: SignerLike) -> list[Doc]:
        start = time.perf_counter()
        total = len(unsigned)
        signed = []
        for index, (document, created) in enumerate(unsigned):
            proof_value = self.proof_value(document, created, signer)
            options = proof.proof_options(proof.verification_method(document, signer.key_id), created)
            signed.append({**document, "proof": [{**options, "proofValue": proof_value}]})
            if self.progress and (index % 32 == 31 or index + 1 == total):
                self.progress(index + 1, total)
        self.stats = SigningStats(total, time.perf_counter() - start)
        if self.report and total:
            self.report(self.stats.summary())
        return signed

    def proof_value(self, document: Doc, created: str, signer: SignerLike) -> str:
        """The proof value of ``document``: the same as ``proof.sign_document`` gives."""
        if "proof" in document:
            raise SigningError("the document already has a proof")
        options = proof.proof_options(proof.verification_method(document, signer.key_id), created)
        return encode_multibase(signer.key.sign(self.canonicalizer.hash_data(document, options)))


def sign_batch(unsigned: list[tuple[Doc, str]], signer: SignerLike) -> list[Doc]:
    """Sign a batch (the command line and library use)."""
    return BatchSigner()(unsigned, signer)
