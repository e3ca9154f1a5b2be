"""The program `badgepress init` makes: its name everywhere, nothing fetched from another origin,
placeholders and the sample award flagged by `check`, and a preview a reviewer opens from files."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from badgepress.publish.fileurls import link_index_files

from .conftest import REPO, badgepress, copy_program

TEMPLATE = REPO / "plugins" / "badgepress" / "starter"
NAME = "Riverside Robotics Club"
SAMPLE = "credentials/2026/ada-example-first-contribution.yaml"


def ok(*args: str, cwd: Path) -> str:
    run = badgepress(*args, cwd=cwd)
    assert run.returncode == 0, run.stdout + run.stderr
    return run.stdout + run.stderr


@pytest.fixture(scope="module")
def program(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("template") / "club"
    ok("init", str(root), "--name", NAME, "--requirement", "badgepress==0.1.0", cwd=root.parent)
    return root


@pytest.mark.parametrize(
    "config", [TEMPLATE / "mkdocs.yml", REPO / "mkdocs.yml"], ids=["template", "example"]
)
def test_no_theme_setting_makes_pages_call_another_origin(config: Path) -> None:
    data = yaml.safe_load(config.read_text(encoding="utf-8").replace("!!python", "python"))
    assert data["theme"]["font"] is False  # Material would load Google Fonts
    assert "repo_url" not in data  # Material would ask GitHub's API for stars and forks


def test_init_puts_the_name_wherever_the_template_shows_one(program: Path) -> None:
    shown = [p for p in TEMPLATE.rglob("*") if p.is_file() and b"Example Badge Program" in p.read_bytes()]
    assert {p.relative_to(TEMPLATE).as_posix() for p in shown} == {"mkdocs.yml", "README.md", "docs/index.md"}
    for path in program.rglob("*"):
        if path.is_file():
            assert b"Example Badge Program" not in path.read_bytes(), path
    for rel in ("mkdocs.yml", "README.md", "docs/index.md"):
        assert NAME in (program / rel).read_text(encoding="utf-8"), rel


def test_check_warns_about_placeholders_and_the_sample_award_until_they_are_gone(
    program: Path, tmp_path: Path
) -> None:
    run = badgepress("check", cwd=program)
    assert run.returncode == 0, run.stderr
    warnings = [line for line in run.stderr.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 3, run.stderr
    assert "mkdocs.yml: issuer.description: is still the template's placeholder" in warnings[0]
    assert "mkdocs.yml: issuer.url: is still the template's placeholder" in warnings[1]
    assert warnings[2].startswith(f"warning: {SAMPLE}:8: recipient: is the template's sample award")

    real = shutil.copytree(program, tmp_path / "real")
    config = real / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text = re.sub(r"(?s)(        description: >-\n).*?(\n      #)", r"\1          Robots, built.\2", text)
    text = text.replace(
        "        url: https://example-org.github.io/badges/", "        url: https://riverside.example/"
    )
    config.write_text(text, encoding="utf-8")
    (real / SAMPLE).unlink()
    run = badgepress("check", cwd=real)
    assert run.returncode == 0 and "warning" not in run.stderr, run.stderr
    assert "ok: 1 achievements, 0 credentials (0 revoked, 1 withdrawn)" in run.stdout


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str, str]] = []  # (tag, what it does, url)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        rel = dict(attrs).get("rel") or ""
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.urls.append((tag, rel if tag == "link" else name, value))


def page_links(site: Path) -> list[tuple[Path, str, str, str]]:
    found = []
    for page in sorted(site.rglob("*.html")):
        parser = Links()
        parser.feed(page.read_text(encoding="utf-8"))
        found += [(page, tag, what, value) for tag, what, value in parser.urls]
    return found


def build_for_files(program: Path, site: Path) -> Path:
    """The preview as the pull request workflow builds it: no key, for opening from files."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BADGEPRESS_")}
    run = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--no-directory-urls", "--site-dir", str(site)],
        cwd=program,
        env={**env, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return site


@pytest.fixture(scope="module")
def preview(program: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_for_files(program, tmp_path_factory.mktemp("preview") / "preview-site")


def test_no_page_loads_anything_from_another_origin(preview: Path) -> None:
    for page, tag, what, value in page_links(preview):
        if tag == "a" or what in ("canonical", "alternate"):
            continue  # an address the visitor may follow, not a request the page makes
        assert not urlsplit(value).netloc, f"{page}: <{tag} {what}={value}>"
    for page in preview.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text, page
        assert 'data-md-component="source"' not in text, page  # Material's GitHub API call


def assert_links_to_files(site: Path) -> int:
    checked = 0
    for page, _tag, _name, value in page_links(site):
        parts = urlsplit(value)
        if page.name == "404.html" or parts.scheme or parts.netloc or not parts.path:
            continue  # the 404 page is for servers (absolute links); other sites; this page
        target = (page.parent / unquote(parts.path)).resolve()
        assert target.is_file(), f"{page.relative_to(site)}: {value} is not a file"
        checked += 1
    return checked


def test_a_preview_built_for_files_links_to_files_never_to_folders(preview: Path) -> None:
    assert assert_links_to_files(preview) > 50
    verify_links = [v for p, _t, _n, v in page_links(preview) if "verify/index.html?credential=" in v]
    assert verify_links  # the credential page's "Verify" button reaches the page itself


def test_every_kind_of_page_links_to_files_in_a_build_for_files(tmp_path: Path) -> None:
    # the example has them all: learner records, pathways, revoked credentials, the guide
    site = build_for_files(copy_program(tmp_path / "example"), tmp_path / "site")
    assert {"learners", "taxonomy", "guide"} <= {p.name for p in site.iterdir()}
    assert assert_links_to_files(site) > 500


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("../achievements/", "../achievements/index.html"),
        ("../../achievements/?tag=a%20b", "../../achievements/index.html?tag=a%20b"),
        ("../taxonomy/#path", "../taxonomy/index.html#path"),
        ("..", "../index.html"),
        ("./", "./index.html"),
        ("../credentials/x.json", "../credentials/x.json"),
        ("index.html", "index.html"),
        ("#top", "#top"),
        ("?tag=x", "?tag=x"),
        ("/badges/verify/", "/badges/verify/"),
        ("https://example.org/a/", "https://example.org/a/"),
        ("mailto:a@example.org", "mailto:a@example.org"),
    ],
)
def test_link_index_files(url: str, expected: str) -> None:
    assert link_index_files(f'<a class="x" href="{url}">a</a>') == f'<a class="x" href="{expected}">a</a>'
    assert link_index_files(f'<img src="{url}">') == f'<img src="{expected}">'


def test_the_pull_request_workflow_builds_the_preview_for_files() -> None:
    for workflow in (
        TEMPLATE / ".github/workflows/pull-request.yml",
        REPO / ".github/workflows/pull-request.yml",
    ):
        steps = yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"]["check"]["steps"]
        (build,) = [s for s in steps if "mkdocs build" in s.get("run", "")]
        assert "--no-directory-urls --site-dir preview-site" in build["run"]
    guide = (REPO / "docs/guide/review.md").read_text(encoding="utf-8")
    assert "Download **preview-site**" in guide and "Open `index.html`" in guide


def test_the_readme_the_guide_and_init_install_the_same_badgepress() -> None:
    guide = (REPO / "docs/guide/start.md").read_text(encoding="utf-8")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for text in (guide, readme):
        assert "python -m pip install badgepress" in text  # a release, pinned by init as badgepress==X
        assert '"badgepress @ git+https://github.com/OWNER/badgepress' in text  # before one: git, by commit
        assert "--requirement" in text
    assert "python -m pip install -r requirements.txt" in (TEMPLATE / "README.md").read_text(encoding="utf-8")
