"""Verify: check a credential as a relying party would (``badgepress verify``).

``credential`` checks shape, issuer key, proofs, dates and status; ``suites``
chooses a proof's cryptosuite; ``vcjwt`` and ``ob2`` read the other formats in
circulation. Nothing here knows MkDocs.
"""
