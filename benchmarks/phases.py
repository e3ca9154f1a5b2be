"""Where the time of one `mkdocs build` goes: run a build in this process with timers on its phases.

    python benchmarks/phases.py PROGRAM_DIR [SITE_DIR]

Prints one JSON object: {phase: [seconds, calls]}. The timers wrap functions
of MkDocs and Badgepress by name (modules and functions missing in this
version are skipped),
so the phases overlap: ``event:config`` contains ``load_program``,
``build_publication`` (which contains ``sign``) and ``build_pages``.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

TIMES: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])


def _module(name: str) -> Any:
    """A module of the package, or None where this version has no such module (the timers skip it)."""
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def _wrap(owner: Any, name: str, label: str) -> None:
    original = getattr(owner, name, None)
    if original is None:
        return

    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            entry = TIMES[label]
            entry[0] += time.perf_counter() - start
            entry[1] += 1

    setattr(owner, name, timed)


def main() -> None:
    root = Path(sys.argv[1]).resolve()
    site = Path(sys.argv[2]).resolve() if len(sys.argv) > 2 else root / "site"
    import mkdocs.commands.build as build
    import mkdocs.plugins
    import mkdocs.utils
    from mkdocs.config import load_config
    from mkdocs.structure.files import Files

    credentials = _module("badgepress.build.credentials")
    cache = _module("badgepress.cache")
    pages = _module("badgepress.publish.pages")
    plugin = _module("badgepress.publish.plugin")
    hooks = _module("badgepress.publish.site")  # the plain functions the plugin's hooks call
    rendering = _module("badgepress.publish.rendering")
    signing = _module("badgepress.sign.signing")

    _wrap(hooks, "load_program", "badgepress: load_program (read + validate YAML)")
    _wrap(hooks, "read_history", "badgepress: read_history (provenance: one git log)")
    _wrap(hooks, "build_publication", "badgepress: build_publication (documents, signing, baking)")
    _wrap(getattr(signing, "BatchSigner", None), "__call__", "badgepress: sign credentials")
    _wrap(credentials, "bake_png", "badgepress: bake PNG")
    _wrap(credentials, "bake_svg", "badgepress: bake SVG")
    _wrap(hooks, "build_pages", "badgepress: build_pages (page models)")
    _wrap(pages, "qr_svg", "badgepress: QR codes (in the render workers: not timed here)")
    _wrap(
        getattr(rendering, "CredentialPages", None),
        "__call__",
        "badgepress: credential pages (cache, render workers)",
    )
    _wrap(rendering, "site_digest", "badgepress: site digest (page cache key)")
    _wrap(getattr(plugin, "BadgepressPlugin", None), "on_files", "badgepress: on_files")
    _wrap(getattr(cache, "Store", None), "__init__", "badgepress: cache store (read)")
    _wrap(getattr(cache, "Store", None), "save", "badgepress: cache store (write)")
    _wrap(mkdocs.utils, "clean_directory", "mkdocs: clean site directory")
    _wrap(build, "get_files", "mkdocs: get_files")
    _wrap(build, "get_navigation", "mkdocs: get_navigation")
    _wrap(build, "_populate_page", "mkdocs: read + render Markdown (_populate_page)")
    _wrap(build, "_build_page", "mkdocs: render + write HTML pages (_build_page)")
    _wrap(build, "_build_theme_template", "mkdocs: theme templates (sitemap, 404)")
    _wrap(Files, "copy_static_files", "mkdocs: write static and generated files")

    run_event = mkdocs.plugins.PluginCollection.run_event

    def timed_event(self: Any, name: str, item: Any = None, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return run_event(self, name, item, **kwargs)
        finally:
            entry = TIMES[f"event: {name}"]
            entry[0] += time.perf_counter() - start
            entry[1] += 1

    mkdocs.plugins.PluginCollection.run_event = timed_event  # type: ignore[method-assign]
    os.chdir(root)
    start = time.perf_counter()
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(site), strict=True)
    TIMES["mkdocs: load_config"] = [time.perf_counter() - start, 1]
    start = time.perf_counter()
    build.build(config)
    TIMES["total build"] = [time.perf_counter() - start, 1]
    print(json.dumps(dict(sorted(TIMES.items(), key=lambda kv: -kv[1][0]))))


if __name__ == "__main__":
    main()
