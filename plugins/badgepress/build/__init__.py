"""Stage 3, build: a validated program in, the unsigned documents and files of the site out.

URLs and output paths (``urls``), JSON-LD documents (``documents``), status
lists and the ledger (``status``), badge images (``badges``, ``artwork``),
baking, QR codes, learner records, provenance, each award's credential and
its files (``credentials``, signed once and kept in the cache store),
endorsement credentials (``endorsements``), and
``pipeline``, which assembles a publication and hands the documents to the
sign stage. Nothing here knows MkDocs.
"""
