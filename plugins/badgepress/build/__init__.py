"""Stage 3, build: a validated program in, the unsigned documents and files of the site out.

URLs and output paths (``urls``), JSON-LD documents (``documents``), status
lists and the ledger (``status``), badge artwork, baking, QR codes, learner
records, provenance, endorsement credentials (``endorsements``), and
``pipeline``, which assembles a publication and hands the documents to the
sign stage. Nothing here knows MkDocs.
"""
