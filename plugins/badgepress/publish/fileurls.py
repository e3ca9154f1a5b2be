"""Links that work when a site is opened from files (``file://``), not served.

A pull request's preview is a folder a reviewer downloads and opens in a
browser. There, a link to ``achievements/`` shows a directory listing: only a
web server answers a folder with its ``index.html``. MkDocs writes its own
links to files when ``use_directory_urls`` is false; Badgepress' templates link
to folders, so a build with ``use_directory_urls: false`` passes every page
through :func:`link_index_files`.
"""

from __future__ import annotations

import re

_ATTRIBUTE = re.compile(r'(\s(?:href|src)=")([^"]*)(")')
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def _to_file(url: str) -> str:
    if not url or url[0] in "/#?" or _SCHEME.match(url):
        return url  # another site, an absolute path, or a place on this page
    cut = min((i for i in (url.find("?"), url.find("#")) if i >= 0), default=len(url))
    path, rest = url[:cut], url[cut:]
    if path.endswith("/"):
        return f"{path}index.html{rest}"
    if path.rsplit("/", 1)[-1] in (".", ".."):
        return f"{path}/index.html{rest}"
    return url


def link_index_files(html: str) -> str:
    """``html`` with every relative link to a folder pointing at that folder's ``index.html``."""
    return _ATTRIBUTE.sub(lambda m: m.group(1) + _to_file(m.group(2)) + m.group(3), html)
