"""Sign a batch of credentials fast, with exactly the bytes of the reference path.

:class:`BatchSigner` signs (unsigned credential, created) pairs with one
:class:`~badgepress.sign.fast_canon.FastCanonicalizer` for the whole batch, so
the JSON-LD contexts are processed once rather than once per credential. Each
proof is what :func:`proof.sign_document` makes of the same document
(``tests/test_signing.py``). It keeps nothing between builds: the build stage
keeps each credential's proof in the cache store, under a key over every input
of the credential (``build/credentials.py``), and asks for signatures only of
the credentials it has no proof for.

A large batch is signed over the cores: the parent forks a child per core for a
contiguous slice of the batch (the documents, the key and the warm
canonicalizer reach it through fork, captured by the child's closure, never
pickled) and signs the first slice itself; each child sends back its proof
values as JSON through a pipe. Measured on the 2-core development machine
(cold, 10,000 credentials of a cohort program): see ``benchmarks/README.md``.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Protocol

from badgepress.errors import SigningError
from badgepress.parallel import can_fork, fork_child, frozen_heap, reap, worker_count
from badgepress.sign import proof
from badgepress.sign.fast_canon import FastCanonicalizer
from badgepress.sign.keys import KeyPair, encode_multibase

Doc = dict[str, Any]
PARALLEL_MIN = 128  # below this many documents, forking costs more than it saves


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
    workers: int = 1
    seconds: float = 0.0

    def summary(self) -> str:
        noun = "credential" if self.total == 1 else "credentials"
        text = f"signed {self.total:,} {noun} in {self.seconds:.1f} s"
        return text + (f" ({self.workers} processes)" if self.workers > 1 else "")


class BatchSigner:
    """Signs (unsigned credential, created) pairs: ``pipeline.build_publication``'s ``sign``.

    ``workers`` (default: the cores available) sign a batch of at least
    ``parallel_min`` documents; smaller batches, non-Linux systems and
    multi-threaded processes (``mkdocs serve``) sign in this process.
    ``progress(done, total)`` is called as documents are done and
    ``report(line)`` once with the summary; ``stats`` holds the last batch's
    figures. One signer can sign several batches: the contexts it processed
    stay processed.
    """

    def __init__(
        self,
        *,
        workers: int | None = None,
        parallel_min: int = PARALLEL_MIN,
        progress: Callable[[int, int], None] | None = None,
        report: Callable[[str], None] | None = None,
    ) -> None:
        self.workers = workers
        self.parallel_min = parallel_min
        self.progress = progress
        self.report = report
        self.canonicalizer = FastCanonicalizer()
        self.stats = SigningStats()

    def __call__(self, unsigned: list[tuple[Doc, str]], signer: SignerLike) -> list[Doc]:
        start = time.perf_counter()
        total = len(unsigned)
        workers = min(self.workers or worker_count(), max(total // 32, 1))
        if workers > 1 and total >= self.parallel_min and can_fork():
            values = self._forked(unsigned, signer, workers)
        else:
            workers, values = 1, self._proof_values(unsigned, signer, 0, total, 1)
        signed = []
        for (document, created), proof_value in zip(unsigned, values, strict=True):
            options = proof.proof_options(proof.verification_method(document, signer.key_id), created)
            signed.append({**document, "proof": [{**options, "proofValue": proof_value}]})
        self.stats = SigningStats(total, workers, time.perf_counter() - start)
        if self.report and total:
            self.report(self.stats.summary())
        return signed

    def proof_value(self, document: Doc, created: str, signer: SignerLike) -> str:
        """The proof value of ``document``: the same as ``proof.sign_document`` gives."""
        if "proof" in document:
            raise SigningError("the document already has a proof")
        options = proof.proof_options(proof.verification_method(document, signer.key_id), created)
        return encode_multibase(signer.key.sign(self.canonicalizer.hash_data(document, options)))

    def _proof_values(
        self, unsigned: Sequence[tuple[Doc, str]], signer: SignerLike, start: int, end: int, scale: int
    ) -> list[str]:
        """The proof values of ``unsigned[start:end]``; progress counts each as ``scale`` documents."""
        total = len(unsigned)
        values = []
        for index in range(start, end):
            values.append(self.proof_value(*unsigned[index], signer))
            if self.progress and index % 32 == 31:
                self.progress(min(start + (index + 1 - start) * scale, total - 1), total)
        if self.progress and end == total:
            self.progress(total, total)
        return values

    def _forked(self, unsigned: list[tuple[Doc, str]], signer: SignerLike, workers: int) -> list[str]:
        """Proof values over ``workers`` processes: the children sign the later slices, this one the first.

        A document that cannot be signed raises here the error the serial path
        would raise first. A child that dies otherwise has its slice signed here.
        """
        total = len(unsigned)
        # the first document warms the contexts the children inherit, and fails early if bad
        first = [self.proof_value(*unsigned[0], signer)]
        step = -(-(total - 1) // workers)
        bounds = [(i, min(i + step, total)) for i in range(1, total, step)]
        children: list[tuple[int, int, int, int]] = []  # (pid, pipe, start, end)
        try:
            with frozen_heap():
                for start, end in bounds[1:]:
                    children.append(
                        (*fork_child(partial(self._child, unsigned, signer, start, end)), start, end)
                    )
            values = first + self._proof_values(unsigned, signer, *bounds[0], workers)
            for _, pipe, start, end in children:
                values += self._gather(pipe, unsigned, signer, start, end)
        finally:
            for pid, pipe, _, _ in children:
                reap(pid, kill=True)  # still running only if the batch failed before its turn
                with contextlib.suppress(OSError):
                    os.close(pipe)
        if self.progress:
            self.progress(total, total)
        return values

    def _child(
        self, unsigned: Sequence[tuple[Doc, str]], signer: SignerLike, start: int, end: int, pipe: int
    ) -> None:
        self.progress = None
        try:
            result: Any = self._proof_values(unsigned, signer, start, end, 1)
        except SigningError as err:
            result = {"error": str(err)}
        with os.fdopen(pipe, "wb") as out:
            out.write(json.dumps(result).encode())

    def _gather(
        self, pipe: int, unsigned: list[tuple[Doc, str]], signer: SignerLike, start: int, end: int
    ) -> list[str]:
        with os.fdopen(pipe, "rb", closefd=False) as stream:
            data = stream.read()
        try:
            result = json.loads(data)
        except ValueError:
            result = None  # the child died before it was done
        if isinstance(result, dict):
            raise SigningError(result["error"])
        if not (isinstance(result, list) and len(result) == end - start):
            return self._proof_values(unsigned, signer, start, end, 1)  # the child failed: sign here
        return result


def sign_batch(unsigned: list[tuple[Doc, str]], signer: SignerLike) -> list[Doc]:
    """Sign a batch (the command line and library use)."""
    return BatchSigner()(unsigned, signer)
