"""Stage 1 and 2, load: YAML files in, a validated program out.

YAML with line numbers (``source``), the input models (``model``), errors that
name file, line and field (``validation``), the plugin's settings
(``settings``) and the whole program with its references resolved
(``program``). Nothing here knows MkDocs.
"""
