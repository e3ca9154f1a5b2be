"""Stage 1 and 2, load: YAML files in, a validated program out.

YAML with line numbers (``source``), the input models (``model``), errors that
name file, line and field (``validation``), the program's settings
(``settings``), which files are read (``files``), endorsements received and
given (``endorsements``) and the whole program with its references resolved
(``program``), made of the values of ``badgepress.domain``. Nothing here knows
MkDocs or the command line.
"""
