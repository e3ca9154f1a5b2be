"""Stage 4, sign: Ed25519 keys, RDF canonicalization and Data Integrity proofs.

``keys`` and ``proof`` are the reference path, step by step as the W3C
vc-di-eddsa specification writes it; ``signing`` signs a batch with exactly
the same bytes, faster. Nothing here knows MkDocs.
"""
