"""Stage 4, sign: Ed25519 keys, RDF canonicalization and Data Integrity proofs.

``keys``, ``canon`` and ``proof`` are the reference path, step by step as the
W3C vc-di-eddsa specification writes it; ``signing`` signs a batch with exactly
the same bytes, faster, through ``fast_canon`` (the one module that reaches
into pyld's internals, fenced off and proven byte-equal by the tests).
Nothing here knows MkDocs.
"""
