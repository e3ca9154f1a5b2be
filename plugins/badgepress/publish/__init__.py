"""Stage 5, publish: the only modules that import MkDocs.

``plugin`` is the thin boundary with MkDocs' build events; ``pages`` says what
each page shows, ``rendering`` renders credential pages, ``outputs`` keeps the
site's credentials folder between builds. Another site generator would
replace this folder and nothing else.
"""
