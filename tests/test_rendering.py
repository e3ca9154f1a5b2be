"""Credential pages rendered outside MkDocs' loop: the same bytes as MkDocs, a cache that is never stale."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import shutil
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from badgepress.publish import rendering
from badgepress.sign.keys import KeyPair

from .conftest import REPO, Build, add_key, copy_program, mkdocs_build

sys.path.insert(0, str(REPO / "benchmarks"))
from program import generate_program  # the benchmark's program generator

PAGES_LINE = re.compile(
    r"(\d+) credential pages in [\d.]+ s \((\d+) from cache, (\d+) rendered( by (\d+) processes)?\)"
)


def _pages(build: Build) -> tuple[int, int, int, int]:
    """(total, from cache, rendered, processes) from the build's summary line."""
    found = PAGES_LINE.search(build.output)
    assert found, build.output
    total, cached, rendered, _, processes = found.groups()
    return int(total), int(cached), int(rendered), int(processes or 1)


def _credential_pages(site: Path) -> dict[str, bytes]:
    pages = {p.parent.name: p.read_bytes() for p in (site / "credentials").glob("*/index.html")}
    assert pages
    return pages


def _site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.fixture
def program(tmp_path: Path, signing_key: KeyPair) -> Path:
    root = copy_program(tmp_path / "program")
    add_key(root, signing_key)
    return root


def _build(root: Path, site: Path, key: KeyPair, **env: str) -> Build:
    build = mkdocs_build(root, site, key, {"SOURCE_DATE_EPOCH": "1795000000", **env})
    assert build.returncode == 0, build.output
    return build


def test_pages_are_mkdocs_own_bytes_and_come_back_from_the_cache(
    program: Path, signing_key: KeyPair, tmp_path: Path
) -> None:
    first = _build(program, tmp_path / "first", signing_key)
    total, cached, rendered, _ = _pages(first)
    assert (total, cached, rendered) == (16, 0, 16)
    second = _build(program, tmp_path / "second", signing_key)
    assert _pages(second)[:3] == (16, 16, 0)
    assert _site_files(tmp_path / "second") == _site_files(tmp_path / "first")

    # A hooks file (any plugin not known to be page-pure) leaves the pages to MkDocs' own loop:
    # the site MkDocs renders by itself is the same, byte for byte.
    (program / "nohooks.py").write_text('"""Hooks that do nothing."""\n', encoding="utf-8")
    with (program / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write("\nhooks:\n  - nohooks.py\n")
    by_mkdocs = _build(program, tmp_path / "mkdocs", signing_key)
    assert "credential pages are rendered by MkDocs, one by one and uncached: plugin(s) nohooks.py" in (
        by_mkdocs.output
    )
    assert not PAGES_LINE.search(by_mkdocs.output)
    assert _credential_pages(tmp_path / "mkdocs") == _credential_pages(tmp_path / "first")


def test_a_cache_restored_into_another_checkout_serves_its_pages(
    program: Path, signing_key: KeyPair, tmp_path: Path
) -> None:
    """As the publish workflow restores it: another folder, a fresh site, the same program and cache."""
    _build(program, tmp_path / "site", signing_key)
    clone = tmp_path / "elsewhere" / "checkout"
    shutil.copytree(program, clone)
    second = _build(clone, clone / "_site", signing_key)
    assert _pages(second)[:3] == (16, 16, 0)
    assert _credential_pages(clone / "_site") == _credential_pages(tmp_path / "site")


def _award_file(root: Path) -> Path:
    """An award of one recipient, with no narrative yet."""
    return root / "credentials" / "2026" / "hugo-git.yaml"


def test_each_input_of_a_page_renders_it_again(program: Path, signing_key: KeyPair, tmp_path: Path) -> None:
    site = tmp_path / "site"
    _build(program, site, signing_key)
    before = _credential_pages(site)

    # the page's own data: one award's narrative changes one page
    award = _award_file(program)
    award.write_text(award.read_text(encoding="utf-8") + "narrative: Changed for the page cache test.\n")
    build = _build(program, site, signing_key)
    assert _pages(build)[:3] == (16, 15, 1)
    changed = [k for k, v in _credential_pages(site).items() if v != before[k]]
    assert len(changed) == 1
    assert b"Changed for the page cache test." in _credential_pages(site)[changed[0]]

    # the navigation: a new page in the docs appears on every credential page
    (program / "docs" / "news.md").write_text("# Program news\n\nNothing yet.\n", encoding="utf-8")
    config = program / "mkdocs.yml"
    config.write_text(
        config.read_text().replace("  - About: about.md\n", "  - About: about.md\n  - news.md\n")
    )
    build = _build(program, site, signing_key)
    assert _pages(build)[:3] == (16, 0, 16)
    assert all(b"Program news" in html for html in _credential_pages(site).values())
    # ... with the title of its heading: a new heading is a new navigation
    (program / "docs" / "news.md").write_text("# Program updates\n\nNothing yet.\n", encoding="utf-8")
    build = _build(program, site, signing_key)
    assert _pages(build)[:3] == (16, 0, 16)
    assert all(b"Program updates" in html for html in _credential_pages(site).values())

    # a template override of the site
    override = program / "overrides" / "badgepress" / "credential.html"
    override.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "plugins" / "badgepress" / "templates" / "badgepress" / "credential.html", override)
    build = _build(program, site, signing_key)
    assert _pages(build)[:3] == (16, 0, 16)  # a new template folder file, even an identical copy
    text = override.read_text(encoding="utf-8")
    override.write_text(text.replace("{% block content %}", "{% block content %}<!-- overridden -->", 1))
    build = _build(program, site, signing_key)
    assert _pages(build)[:3] == (16, 0, 16)
    assert all(b"<!-- overridden -->" in html for html in _credential_pages(site).values())

    # the configuration
    config.write_text(re.sub(r"(?m)^site_name: .*$", "site_name: Renamed School", config.read_text()))
    build = _build(program, site, signing_key)
    assert _pages(build)[:3] == (16, 0, 16)
    assert all(b"Renamed School" in html for html in _credential_pages(site).values())

    # the signing key (the credentials, so the pages, and the cache's MAC key)
    other = KeyPair.generate()
    add_key(program, other, "key-other")
    build = _build(program, site, other)
    assert _pages(build)[:3] == (16, 0, 16)


def test_a_tampered_or_planted_cache_entry_is_never_published(
    program: Path, signing_key: KeyPair, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    _build(program, site, signing_key)
    good = _credential_pages(site)
    cache = program / ".cache" / "badgepress"
    index = json.loads((cache / "index.json").read_text())
    entries = sorted(index["entries"]["pages"].items())
    assert len(entries) == 16

    def blob(value: dict[str, str]) -> Path:
        name = value["blob"]
        return cache / "blobs" / name[:2] / name

    # one page's content file edited (its bytes no longer hash to its name): that page is rendered again
    page = blob(entries[0][1]).read_bytes()
    assert b"</body>" in page
    blob(entries[0][1]).write_bytes(page.replace(b"</body>", b"<!--xx--></body>"))
    build = _build(program, tmp_path / "second", signing_key)
    assert _pages(build)[:3] == (16, 15, 1)
    assert "1 entry failed its check and was ignored" in build.output
    assert _credential_pages(tmp_path / "second") == good

    index = json.loads((cache / "index.json").read_text())
    # a page's entry moved under a second key
    index["entries"]["pages"][entries[2][0]] = entries[1][1]
    # a planted content file under a third key
    planted = b"<html><script>alert(1)</script></html>"
    name = hashlib.sha256(planted).hexdigest()
    (cache / "blobs" / name[:2]).mkdir(parents=True, exist_ok=True)
    (cache / "blobs" / name[:2] / name).write_bytes(planted)
    index["entries"]["pages"][entries[3][0]] = {"blob": name}
    # a path out of the cache folder under a fourth
    index["entries"]["pages"][entries[4][0]] = {"blob": "../../../mkdocs.yml"}
    (cache / "index.json").write_text(json.dumps(index, separators=(",", ":")))

    # into another site folder, so that every page would come from the cache (none is already in place):
    # the index fails its MAC, so none does
    build = _build(program, tmp_path / "third", signing_key)
    assert _pages(build)[:3] == (16, 0, 16)
    assert "entries failed their check and were ignored" in build.output
    assert _credential_pages(tmp_path / "third") == good
    assert not (cache / "blobs" / name[:2] / name).exists()  # no longer referenced, so deleted
    assert _pages(_build(program, tmp_path / "fourth", signing_key))[:3] == (16, 16, 0)


def test_parallel_rendering_writes_what_serial_rendering_writes(tmp_path: Path) -> None:
    key = KeyPair.generate()
    root = generate_program(tmp_path / "program", 120, 12, key)
    serial = mkdocs_build(root, tmp_path / "serial", key, {"BADGEPRESS_WORKERS": "1"})
    assert serial.returncode == 0, serial.output
    assert _pages(serial) == (120, 0, 120, 1)
    shutil.rmtree(root / ".cache")
    parallel = mkdocs_build(root, tmp_path / "parallel", key, {"BADGEPRESS_WORKERS": "2"})
    assert parallel.returncode == 0, parallel.output
    assert _pages(parallel) == (120, 0, 120, 2)
    assert _site_files(tmp_path / "parallel") == _site_files(tmp_path / "serial")


def test_a_template_error_in_a_worker_fails_the_build_naming_the_page(tmp_path: Path) -> None:
    key = KeyPair.generate()
    root = generate_program(tmp_path / "program", 80, 8, key)
    override = root / "overrides" / "badgepress" / "credential.html"
    override.parent.mkdir(parents=True)
    override.write_text('{% extends "main.html" %}{% block content %}{{ no_such_macro() }}{% endblock %}\n')
    config = root / "mkdocs.yml"
    config.write_text(
        config.read_text().replace("  name: material\n", "  name: material\n  custom_dir: overrides\n")
    )
    assert "custom_dir: overrides" in config.read_text()
    build = mkdocs_build(root, tmp_path / "site", key, {"BADGEPRESS_WORKERS": "2"})
    assert build.returncode != 0
    assert re.search(r"credential page credentials/\w+/index\.md: 'no_such_macro' is undefined", build.output)


def test_workers_warnings_reach_the_build_log(caplog: Any) -> None:
    """What a worker logs at WARNING or above is logged again by the parent, where strict mode counts it."""

    def render(index: int) -> bytes:
        logging.getLogger("mkdocs.plugins.test").warning("page %d looks odd", index)
        if index == 7:
            raise ValueError("cannot render")
        return b"<html></html>"

    files = [SimpleNamespace(src_uri=f"credentials/{i}/index.md") for i in range(12)]
    job = SimpleNamespace(
        files=files, keys=[f"key{i}" for i in range(12)], store=SimpleNamespace(folder=None)
    )
    job.render = render
    done: list[int] = []
    with caplog.at_level(logging.WARNING, logger="mkdocs"), pytest.raises(RuntimeError) as failure:
        rendering.render_forked(job, list(range(12)), 2, done.append)  # type: ignore[arg-type]
    assert str(failure.value) == "credential page credentials/7/index.md: cannot render"
    logged = {r.getMessage() for r in caplog.records if r.name == "mkdocs.plugins.test"}
    assert {f"page {i} looks odd" for i in range(8)} <= logged
    assert done and done[-1] == 9  # the six pages of one worker, three of the other's before page 7


@pytest.mark.parametrize("use_directory_urls", [True, False])
def test_the_destination_of_a_page_is_the_one_mkdocs_gives_it(use_directory_urls: bool) -> None:
    from mkdocs.structure.files import File

    for src in ("credentials/abc/index.md", "index.md", "a/README.md", "a/b.md", "top.md", "a/b/c.d.md"):
        file = File(src, "docs", "site", use_directory_urls)
        assert rendering.dest_uri(src, use_directory_urls) == file.dest_uri, src


_REFERENCE = re.compile(r'(?:href|src)="([^"]*)"')
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
OLD_DATE = re.compile(rf"\b\d{{1,2}} (?:{_MONTHS}) \d{{4}}\b")  # 12 June 2026
NEW_DATE = re.compile(rf"\b(?:{_MONTHS}) \d{{1,2}}, \d{{4}}\b")  # June 12, 2026


def _missing_links(site: Path, site_url: str) -> list[str]:
    """Every link or image of a credential page that names a file the site does not hold."""
    missing = []
    for page in sorted((site / "credentials").glob("*/index.html")):
        for target in _REFERENCE.findall(page.read_text(encoding="utf-8")):
            target = target.replace("&amp;", "&")
            if target.startswith(site_url):
                path = site / target[len(site_url) :]
            elif re.match(r"[a-z]+:|#|//", target) or not target:
                continue  # another site, mailto:, an anchor
            else:
                path = page.parent / target
            path = Path(str(path).split("?")[0].split("#")[0])
            if path.is_dir():
                path = path / "index.html"
            if not path.is_file():
                missing.append(f"{page.relative_to(site)}: {target}")
    return missing


def test_a_change_to_the_package_renders_again_what_it_changes(
    program: Path, signing_key: KeyPair, tmp_path: Path
) -> None:
    """The package's own code is no key part of a page: a checkout whose modules or templates change
    must still never serve a page made by the old code (as it did with a hand-listed code version)."""
    package = tmp_path / "checkout" / "badgepress"
    shutil.copytree(REPO / "plugins" / "badgepress", package, ignore=shutil.ignore_patterns("__pycache__"))
    env = {"PYTHONPATH": str(package.parent)}
    site_url = "https://northfield-code.github.io/badges/"
    assert f"site_url: {site_url}" in (program / "mkdocs.yml").read_text(encoding="utf-8")
    site = tmp_path / "site"

    first = _build(program, tmp_path / "first", signing_key, **env)
    assert _pages(first)[:3] == (16, 0, 16)
    second = _build(program, site, signing_key, **env)
    assert _pages(second)[:3] == (16, 16, 0)  # the same cache serves pages while the code is the same
    before = _credential_pages(site)
    assert all(OLD_DATE.search(html.decode()) for html in before.values())
    old_badge, new_badge = re.compile(rb"credentials/[a-z2-7]{16}\.(?:png|svg)\""), rb"/badge.(?:png|svg)\""
    linking = {name for name, html in before.items() if old_badge.search(html)}
    assert len(linking) >= 15, linking  # every credential's page but the revoked one's
    assert not _missing_links(site, site_url)

    # a URL rule, in the checkout's package: where baked badges live
    urls = package / "build" / "urls.py"
    rule = 'return f"credentials/{credential_id}{suffix}"'
    assert rule in urls.read_text(encoding="utf-8")
    moved = rule.replace("}{suffix}", "}/badge{suffix}")
    urls.write_text(urls.read_text(encoding="utf-8").replace(rule, moved), encoding="utf-8")
    third = _build(program, site, signing_key, **env)  # the same cache, the same site folder
    assert _pages(third)[:3] == (16, 0, 16)
    assert not _missing_links(site, site_url)
    for name, html in _credential_pages(site).items():
        assert not old_badge.search(html), name
        assert re.search(new_badge, html) or name not in linking, name
    assert not list((site / "credentials").glob("*.png"))  # the badges baked where the old rule put them

    # a date format
    pages = package / "publish" / "pages" / "fields.py"
    date_format = '"text": f"{moment.day} {moment:%B %Y}"'
    assert date_format in pages.read_text(encoding="utf-8")
    new_format = '"text": f"{moment:%B} {moment.day}, {moment.year}"'
    pages.write_text(pages.read_text(encoding="utf-8").replace(date_format, new_format), encoding="utf-8")
    fourth = _build(program, site, signing_key, **env)
    assert _pages(fourth)[:3] == (16, 0, 16)
    assert not _missing_links(site, site_url)
    for name, html in _credential_pages(site).items():
        assert not OLD_DATE.search(html.decode()), name
        assert NEW_DATE.search(html.decode()), name
