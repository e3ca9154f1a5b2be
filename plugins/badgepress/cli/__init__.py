"""The ``badgepress`` command: thin shells over the stages, with clean messages.

``main`` declares the commands; the others write files a person asks for
(``intake``, ``edit``), summarize a pull request (``summary``), list whom to
tell (``notify``), endorse (``endorse``) and pin the installed version
(``requirement``).
"""
