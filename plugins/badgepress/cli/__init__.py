"""The ``badgepress`` command: thin shells over the stages, with clean messages.

``main`` declares the click group and its small commands (keygen, revoke,
verify, schemas) and registers the others: ``init``, ``check``, ``issue``
(new-achievement, award, import), ``review`` (summary, notify) and
``endorse``. ``errors`` holds the one error type and turns core errors into
``error:`` lines; ``options`` reads the option values several commands share.

The plain functions behind the commands (no click): ``intake`` writes
achievement and award files, ``roster`` reads and imports CSV rosters,
``edit`` edits award files and mkdocs.yml in place, ``revision`` reads the
program at a git revision, ``compare`` and ``summary`` say what a pull
request changes, ``notify`` lists whom to tell, and ``requirement`` pins the
installed version for ``init``.
"""
