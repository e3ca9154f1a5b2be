"""Hatchling build hook: bundle the verification page's JavaScript.

Before the wheel is built, ``npm ci`` installs the locked npm dependencies
(only when ``node_modules`` is missing or older than ``package-lock.json``)
and ``npm run build`` bundles ``js/verify/main.js`` with esbuild into
``plugins/badgepress/assets/verify/``. That folder is git-ignored, so it is
declared a build artifact to be included in the wheel anyway.

Set ``BADGEPRESS_SKIP_JS_BUILD=1`` to reuse an already built bundle (for
example on a machine without Node.js, after copying the bundle in).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

BUNDLE_DIR = "plugins/badgepress/assets/verify"
BUNDLE = f"{BUNDLE_DIR}/verify.js"


class CustomBuildHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        root = Path(self.root)
        bundle = root / BUNDLE
        if os.environ.get("BADGEPRESS_SKIP_JS_BUILD", "").strip() not in ("", "0"):
            if not bundle.is_file():
                raise RuntimeError(
                    f"BADGEPRESS_SKIP_JS_BUILD is set but {BUNDLE} does not exist; "
                    "build it with `npm ci && npm run build` (Node.js 20 or newer) or unset the variable"
                )
            self.app.display_info(f"badgepress: reusing the verifier bundle {BUNDLE}")
        else:
            self._build_bundle(root)
        # The bundle is git-ignored: include it all the same.
        build_data.setdefault("artifacts", []).append(f"/{BUNDLE_DIR}/")
        if version != "editable":
            for path in sorted((root / BUNDLE_DIR).iterdir()):
                if path.is_file():
                    rel = path.relative_to(root).as_posix()
                    build_data.setdefault("force_include", {})[rel] = rel.removeprefix("plugins/")

    def _build_bundle(self, root: Path) -> None:
        npm = shutil.which("npm")
        if shutil.which("node") is None or npm is None:
            raise RuntimeError(
                "building Badgepress needs Node.js (20 or newer) and npm to bundle the verification "
                "page's JavaScript (js/verify/ -> plugins/badgepress/assets/verify/verify.js). "
                "Install Node.js (for example `apt-get install nodejs npm`), or set "
                "BADGEPRESS_SKIP_JS_BUILD=1 to package an already built bundle."
            )
        lock = root / "package-lock.json"
        marker = root / "node_modules" / ".package-lock.json"
        if not marker.is_file() or (lock.is_file() and lock.stat().st_mtime > marker.stat().st_mtime):
            self._run([npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"], root, "npm ci")
        self._run([npm, "run", "build"], root, "npm run build")
        if not (root / BUNDLE).is_file():
            raise RuntimeError(f"`npm run build` finished but {BUNDLE} was not written")

    def _run(self, command: list[str], cwd: Path, label: str) -> None:
        self.app.display_info(f"badgepress: {label}")
        try:
            subprocess.run(command, cwd=cwd, check=True)
        except subprocess.CalledProcessError as err:
            raise RuntimeError(
                f"`{label}` failed (exit code {err.returncode}) while bundling the verifier; "
                "see its output above"
            ) from None
