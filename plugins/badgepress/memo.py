"""Gone: the build memo is now entries of the one cache store (:mod:`badgepress.cache`).

Only a re-export remains, for ``publish/rendering.py`` until its port to the
store (the cache-publish branch) lands; delete this file at that merge.
"""

from badgepress.cache import code_version, fingerprint, installed_packages

__all__ = ["code_version", "fingerprint", "installed_packages"]
