"""Badgepress: a git repository of YAML files in, a static site of signed Open Badges 3.0 out.

The package is the pipeline, one folder a stage, each importing only the
stages before it and the shared modules beside this file (``domain``, the
program's values; ``clock``, ``errors``, the cache):

- ``load/``: read the YAML files, check them against their schemas and
  resolve the program (achievements, awards, endorsements, settings);
- ``build/``: the unsigned JSON-LD documents, URLs, status lists, artwork,
  baked badges and QR codes, and the pipeline that assembles a publication;
- ``sign/``: keys, RDF canonicalization and Data Integrity proofs;
- ``verify/``: check credentials as a relying party would;
- ``publish/``: the only modules that import MkDocs: the plugin, the pages,
  their rendering and the site's kept credentials folder;
- ``cli/``: the ``badgepress`` command.

``starter/`` is the program ``badgepress init`` copies; ``templates/`` holds
the Jinja templates of the pages; ``contexts/`` and ``schemas/`` are data.
"""
