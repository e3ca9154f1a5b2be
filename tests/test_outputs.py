"""The site's credentials/ folder kept across builds: only what changed is written, nothing stale survives."""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

import pytest

from badgepress.load.settings import read_config
from badgepress.publish import site
from badgepress.publish.outputs import HIDDEN
from badgepress.publish.plugin import BadgepressPlugin
from badgepress.sign.keys import KeyPair

from .conftest import REPO, Build, add_key, copy_program, mkdocs_build

KEPT_LINE = re.compile(r"credentials/: (\d+) files written, (\d+) already there")


def _build(root: Path, site: Path, key: KeyPair) -> Build:
    build = mkdocs_build(root, site, key, {"SOURCE_DATE_EPOCH": "1795000000"})
    assert build.returncode == 0, build.output
    return build


def _kept(build: Build) -> tuple[int, int]:
    found = KEPT_LINE.search(build.output)
    assert found, build.output
    return int(found.group(1)), int(found.group(2))


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def test_a_rebuild_writes_only_what_changed_and_leaves_nothing_stale(
    tmp_path: Path, signing_key: KeyPair
) -> None:
    root = copy_program(tmp_path / "program")
    add_key(root, signing_key)
    site = tmp_path / "site"
    # 16 credentials: JSON, baked badge, page; for the 10 of SVG badges a baked PNG too;
    # and the revoked one's revocation notice
    assert _kept(_build(root, site, signing_key)) == (59, 0)
    first = _files(site)

    assert _kept(_build(root, site, signing_key)) == (0, 59)
    assert _files(site) == first
    assert not (site / HIDDEN).exists()

    # a file edited by hand, a stray file and a stray folder: restored and removed
    json_file = next((site / "credentials").glob("*.json"))
    json_file.write_text("{}", encoding="utf-8")
    (site / "credentials" / "stray.txt").write_text("not ours", encoding="utf-8")
    (site / "credentials" / "old-id").mkdir()
    (site / "credentials" / "old-id" / "index.html").write_text("<p>withdrawn</p>", encoding="utf-8")
    (site / "credentials" / "empty" / "nested").mkdir(parents=True)
    assert _kept(_build(root, site, signing_key)) == (1, 58)
    assert _files(site) == first
    assert not (site / "credentials" / "old-id").exists()
    assert not (site / "credentials" / "empty").exists()

    # one changed award: its JSON, baked badges (SVG and PNG) and page are written again, and they are right
    award = root / "credentials" / "2026" / "hugo-git.yaml"
    award.write_text(award.read_text(encoding="utf-8") + "narrative: Kept-folder test.\n", encoding="utf-8")
    assert _kept(_build(root, site, signing_key)) == (4, 55)
    after = _files(site)
    fresh = tmp_path / "fresh"
    _build(root, fresh, signing_key)
    assert _files(fresh) == after
    changed = sorted(p for p in after if p.startswith("credentials/") and after[p] != first[p])
    assert len(changed) == 4 and len({p.split("/")[1][:16] for p in changed}) == 1, changed

    # a deleted award file: its files leave the site
    award.unlink()
    _build(root, site, signing_key)
    assert len([p for p in _files(site) if p.startswith("credentials/")]) == 55


def test_a_failed_build_leaves_no_hidden_folder(tmp_path: Path, signing_key: KeyPair) -> None:
    root = copy_program(tmp_path / "program")
    add_key(root, signing_key)
    site = tmp_path / "site"
    _build(root, site, signing_key)
    broken = root / "overrides" / "badgepress" / "credential.html"
    broken.parent.mkdir(parents=True, exist_ok=True)
    broken.write_text('{% extends "main.html" %}{% block content %}{{ no_such_macro() }}{% endblock %}\n')
    # the award changes too, so that its page is rendered (with the broken template) rather than kept
    award = root / "credentials" / "2026" / "hugo-git.yaml"
    award.write_text(award.read_text(encoding="utf-8") + "narrative: Broken build.\n", encoding="utf-8")
    build = mkdocs_build(root, site, signing_key)
    assert build.returncode != 0
    assert "no_such_macro" in build.output
    assert not (site / HIDDEN).exists()


def test_serve_rebuilds_keep_one_preview_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """`mkdocs serve` keeps the plugin object across rebuilds (it defines on_startup): the throwaway key
    lives on it, or every rebuild would sign and render every credential again; another plugin object
    (another process's build) has its own."""
    for name in ("BADGEPRESS_SIGNING_KEY", "BADGEPRESS_REQUIRE_KEY"):
        monkeypatch.delenv(name, raising=False)
    settings = read_config(REPO / "mkdocs.yml").settings
    plugin = BadgepressPlugin()
    assert hasattr(plugin, "on_startup")
    first, second = (site.serve_signer(settings, plugin.serve, os.environ) for _ in range(2))
    assert first.preview and second.preview
    assert first.key.public_key_multibase == second.key.public_key_multibase
    other = site.serve_signer(settings, BadgepressPlugin().serve, os.environ)
    assert other.key.public_key_multibase != first.key.public_key_multibase


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("abcdefghijklmnop", "abcdefghijklmnop"),
        ("https://x.org/badges/credentials/abcdefghijklmnop/", "abcdefghijklmnop"),
        ("https://x.org/badges/credentials/abcdefghijklmnop/index.html", "abcdefghijklmnop"),
        ("https://x.org/credentials/abcdefghijklmnop.json", "abcdefghijklmnop"),
        ("https://x.org/credentials/abcdefghijklmnop?utm=1#top", "abcdefghijklmnop"),
        (" credentials/abcdefghijklmnop.png ", "abcdefghijklmnop"),
        ("https://x.org/achievements/abcdefghijklmnop/", None),
        ("https://x.org/credentials/ABCDEFGHIJKLMNOP/", None),
        ("abcdefghijklmno", None),
    ],
)
def test_credential_id_from_an_id_or_any_of_its_addresses(text: str, expected: str | None) -> None:
    from badgepress.build.urls import credential_id_from

    assert credential_id_from(text) == expected


def test_a_lazy_value_made_each_time_is_never_kept() -> None:
    from badgepress.build.pipeline import Lazy

    made: list[str] = []

    def make(key: str) -> bytes:
        made.append(key)
        return key.encode()

    lazy: Lazy[bytes] = Lazy(make)
    lazy.later("png", keep=False)
    lazy.later("json")
    assert [lazy["png"], lazy["png"], lazy["json"], lazy["json"]] == [b"png", b"png", b"json", b"json"]
    assert made == ["png", "png", "json"]  # the baked PNG twice, the JSON once then kept


def test_serve_rebuilds_reuse_the_in_memory_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A preview `serve` keeps one plugin object: its second build renders no page, and writes no cache."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.config.defaults import MkDocsConfig

    for name in ("BADGEPRESS_SIGNING_KEY", "BADGEPRESS_REQUIRE_KEY"):
        monkeypatch.delenv(name, raising=False)
    # MkDocs keeps the plugin object for the process (for the next `serve` build): not for other tests
    monkeypatch.setattr(MkDocsConfig.plugins, "plugin_cache", {})
    root = copy_program(tmp_path / "program")
    plugins = []
    for number in (1, 2):  # as `mkdocs serve` does: the configuration loaded again for each build
        config = load_config(str(root / "mkdocs.yml"), site_dir=str(tmp_path / f"site{number}"))
        config.plugins.on_startup(command="serve", dirty=False)
        with caplog.at_level(logging.INFO, logger="mkdocs.plugins.badgepress"):
            caplog.clear()
            build(config)
        plugins.append(config.plugins["badgepress"])
        pages = re.search(
            r"16 credential pages in [\d.]+ s \((\d+) from cache, (\d+) rendered\)", caplog.text
        )
        assert pages, caplog.text
        assert pages.groups() == (("0", "16") if number == 1 else ("16", "0"))
    assert plugins[0] is plugins[1]
    assert isinstance(plugins[0], BadgepressPlugin)
    assert plugins[0].serve.bytecode and plugins[0].serve.bytecode.code
    assert not (root / ".cache" / "badgepress" / "index.json").exists()
    assert _files(tmp_path / "site1") == _files(tmp_path / "site2")
