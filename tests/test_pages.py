"""The public pages: their models (unit) and the HTML of strict builds of the example program."""

from __future__ import annotations

import gzip
import hashlib
import itertools
import json
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, quote, urljoin, urlsplit

import pytest
import yaml

from badgepress.build.baking import extract_baked
from badgepress.build.pipeline import Publication, build_publication, choose_signer
from badgepress.build.urls import Urls
from badgepress.domain import Award, Revocation
from badgepress.load.program import load_program
from badgepress.load.settings import read_config
from badgepress.publish.pages import (
    PageSpec,
    anchor,
    build_pages,
    credential_status,
    display_name,
    linkedin_url,
    render_markdown,
    type_label,
)
from badgepress.sign.keys import KeyPair

from .conftest import REPO, Build, add_key, badgepress, copy_program, mkdocs_build

pytestmark = pytest.mark.clock  # scripts/test runs these again a year ahead

NOW = datetime(2026, 11, 29, tzinfo=UTC)
EPOCH = str(int(NOW.timestamp()))


# ---------------------------------------------------------------- the example's recipients


def recipients() -> list[dict]:
    """Every recipient of the example's award files: name, show_name and achievement."""
    found = []
    for path in sorted((REPO / "credentials").rglob("*.yaml")):
        award = yaml.safe_load(path.read_text(encoding="utf-8"))
        people = award.get("recipients") or [award["recipient"]]
        for person in people:
            found.append({**person, "achievement": award["achievement"]})
    return found


def example_emails() -> list[str]:
    """first.last@example.org of every example recipient (the emails their identity hashes were made of)."""
    emails = set()
    for person in recipients():
        first, *_, last = person["name"].lower().replace("è", "e").split()
        emails.add(f"{first}.{last}@example.org")
    return sorted(emails)


def test_the_emails_are_those_the_example_hashes_were_made_of() -> None:
    """Guards the privacy scan below: it must look for the real identities."""
    for person in recipients():
        first, *_, last = person["name"].lower().replace("è", "e").split()
        email = f"{first}.{last}@example.org"
        digest = hashlib.sha256((email + person["salt"]).encode()).hexdigest()
        assert person["identity"] == f"sha256${digest}", person["name"]
    assert "amara.okafor@example.org" in example_emails()
    assert len(example_emails()) == 12


# ---------------------------------------------------------------- models (no MkDocs)


@pytest.fixture(scope="module")
def publication(tmp_path_factory: pytest.TempPathFactory) -> Publication:
    root = copy_program(tmp_path_factory.mktemp("program"))
    config = read_config(root / "mkdocs.yml")
    program = load_program(config.root, config.settings)
    return build_publication(program, Urls(config.base_url), choose_signer(config.settings, None), NOW)


def award_of(pub: Publication, name: str, achievement: str | None = None) -> Award:
    return next(a for a in pub.program.awards if a.name == name and achievement in (None, a.achievement))


@pytest.mark.parametrize(
    ("name", "show", "expected"),
    [
        ("Amara Okafor", "initial", "Amara O."),
        ("Amara Okafor", "full", "Amara Okafor"),
        ("Amara Okafor", "none", "A recipient"),
        ("Jean  Claude Van Damme ", "initial", "Jean D."),
        ("Plato", "initial", "Plato"),
        ("Inès Dupont", "initial", "Inès D."),
        ("Élodie Ærø", "initial", "Élodie Æ."),
        ("", "full", "A recipient"),
        (None, "initial", "A recipient"),
    ],
)
def test_display_name(publication: Publication, name: str | None, show: str, expected: str) -> None:
    award = replace(publication.program.awards[0], name=name, show_name=show)
    assert display_name(award) == expected


def test_display_names_follow_each_award(publication: Publication) -> None:
    assert display_name(award_of(publication, "Ben Lindqvist", "python-foundations")) == "Ben L."
    assert (
        display_name(award_of(publication, "Chen Wei", "python-foundations")) == "Chen Wei"
    )  # show_name: full
    assert display_name(award_of(publication, "Dolores Ruiz")) == "A recipient"  # show_name: none


def test_linkedin_url_carries_the_certification(publication: Publication) -> None:
    award = award_of(publication, "Chen Wei", "data-analysis-certificate")
    url = urlsplit(linkedin_url(publication, award, None))
    assert (url.scheme, url.netloc, url.path) == ("https", "www.linkedin.com", "/profile/add")
    params = {k: v[0] for k, v in parse_qs(url.query, strict_parsing=True).items()}
    base = "https://northfield-code.github.io/badges/"
    assert params == {
        "startTask": "CERTIFICATION_NAME",
        "name": "Data Analysis with Python",
        "organizationName": "Northfield Code School",
        "issueYear": "2026",
        "issueMonth": "9",
        "expirationYear": "2027",
        "expirationMonth": "9",
        "certUrl": f"{base}credentials/{award.credential_id}/",
        "certId": award.credential_id,
    }
    assert "+" not in url.query  # spaces as %20: LinkedIn shows a literal '+' otherwise


def test_linkedin_url_with_an_organization_id_and_no_expiry(publication: Publication) -> None:
    award = award_of(publication, "Ben Lindqvist", "python-foundations")
    params = parse_qs(urlsplit(linkedin_url(publication, award, "1234567")).query)
    assert params["organizationId"] == ["1234567"]
    assert "organizationName" not in params
    assert "expirationYear" not in params and "expirationMonth" not in params
    assert params["issueYear"] == ["2026"] and params["issueMonth"] == ["5"]


def test_credential_status(publication: Publication) -> None:
    revoked = award_of(publication, "Gita Raman")
    expiring = award_of(publication, "Leo Fischer")
    assert expiring.expires is not None and revoked.revoked is not None
    assert credential_status(revoked, NOW) == "revoked"
    assert credential_status(expiring, expiring.expires - timedelta(seconds=1)) == "valid"
    assert credential_status(expiring, expiring.expires) == "expired"  # validUntil is the last instant
    assert credential_status(expiring, expiring.expires + timedelta(days=400)) == "expired"
    assert credential_status(replace(expiring, expires=None), datetime(2100, 1, 1, tzinfo=UTC)) == "valid"
    revoked_later = replace(expiring, revoked=revoked.revoked)
    assert credential_status(revoked_later, expiring.expires + timedelta(days=1)) == "revoked"  # revoked wins


@pytest.mark.parametrize(
    ("value", "label"),
    [
        ("CommunityService", "Community Service"),
        ("Course", "Course"),
        ("CoCurricular", "Co-curricular"),
        ("MicroCredential", "Micro Credential"),
        ("ext:PeerReview", "Peer Review"),
    ],
)
def test_type_label(value: str, label: str) -> None:
    assert type_label(value) == label


def pages_of(pub: Publication) -> dict[str, PageSpec]:
    return {p.path: p for p in build_pages(pub, NOW)}


def test_taxonomy_groups(publication: Publication) -> None:
    groups = pages_of(publication)["taxonomy/index.md"].model["groups"]
    assert [g["title"] for g in groups] == [
        "By achievement type",
        "By tag",
        "By skills framework",
        "By pathway",
    ]
    by = {g["id"]: {b["label"]: [c["slug"] for c in b["cards"]] for b in g["buckets"]} for g in groups}
    assert by["type"] == {
        "Award": ["hackathon-winner"],
        "Badge": ["git-collaboration"],
        "Certificate": ["data-analysis-certificate"],
        "Community Service": ["community-mentor"],
        "Competency": ["web-accessibility"],
        "Course": ["python-foundations"],
    }
    assert by["tags"]["python"] == ["data-analysis-certificate", "python-foundations"]
    assert by["tags"]["teamwork"] == ["git-collaboration", "hackathon-winner"]
    assert list(by["tags"]) == sorted(by["tags"], key=str.lower)
    assert by["frameworks"] == {"ESCO": ["python-foundations"], "W3C WCAG 2.2": ["web-accessibility"]}
    # a pathway lists prerequisites first, whatever their names
    assert by["pathway"] == {"Data pathway": ["python-foundations", "data-analysis-certificate"]}
    buckets = {b["anchor"]: b for g in groups for b in g["buckets"]}
    assert buckets["type-community-service"]["filter"] == "type=CommunityService"
    assert buckets["frameworks-w3c-wcag-2-2"]["filter"] == "framework=W3C%20WCAG%202.2"
    assert buckets["pathway-data-pathway"]["filter"] is None
    assert anchor("pathway", "Data pathway") == "pathway-data-pathway"


def test_catalog_facets_and_cards(publication: Publication) -> None:
    model = pages_of(publication)["achievements/index.md"].model
    assert [c["name"] for c in model["cards"]] == sorted(c["name"] for c in model["cards"])
    facets = {f["param"]: f for f in model["facets"]}
    assert list(facets) == ["type", "tag", "framework"]
    tags = {o["value"]: o["count"] for o in facets["tag"]["options"]}
    assert tags["python"] == 2 and tags["teamwork"] == 2 and tags["web"] == 1
    assert [o["label"] for o in facets["type"]["options"]][:2] == ["Award", "Badge"]
    earners = {c["slug"]: c["earners"] for c in model["cards"]}
    assert earners["python-foundations"] == 6
    assert earners["web-accessibility"] == 1  # the revoked award is not an earner


def test_credential_pages_are_out_of_nav_and_search(publication: Publication) -> None:
    pages = pages_of(publication)
    credentials = [p for p in pages.values() if p.path.startswith("credentials/")]
    assert len(credentials) == len(publication.program.awards)
    for page in credentials:
        assert not page.in_nav
        assert page.meta["search"] == {"exclude": True}
        assert page.template == "badgepress/credential.html"
    for path in ("achievements/index.md", "issuer/index.md", "taxonomy/index.md", "verify/index.md"):
        assert pages[path].in_nav
    achievement_pages = [p for p in pages.values() if p.template == "badgepress/achievement.html"]
    assert len(achievement_pages) == len(publication.program.achievements)
    assert all("search" not in p.meta and "How to earn it" in p.body for p in achievement_pages)


def test_credential_models_hold_no_name_beyond_the_display_name(publication: Publication) -> None:
    pages = pages_of(publication)
    for award in publication.program.awards:
        model = pages[f"credentials/{award.credential_id}/index.md"].model
        assert "award" not in model
        assert model["display_name"] == display_name(award)
        if award.show_name != "full" and award.name:
            assert award.name not in repr(model)
            assert award.name.split()[-1] not in repr(model)
        assert award.identity_hash is None or award.identity_hash.split("$")[1] in json.dumps(
            model["credential"]
        )  # the salted hash is in the credential, as OB 3.0 wants


def test_private_revocation_reason_stays_off_the_page(publication: Publication) -> None:
    award = award_of(publication, "Gita Raman")
    assert award.revoked is not None
    public = pages_of(publication)[f"credentials/{award.credential_id}/index.md"].model
    assert public["status"] == "revoked"
    assert public["revocation"] == {
        "date": {"iso": "2026-07-02", "text": "2 July 2026"},
        "reason": award.revoked.reason,
    }
    private = replace(award, revoked=Revocation(date=award.revoked.date, reason="Secret", public=False))
    program = replace(
        publication.program,
        awards=tuple(private if a is award else a for a in publication.program.awards),
    )
    model = pages_of(replace(publication, program=program))[
        f"credentials/{award.credential_id}/index.md"
    ].model
    assert model["revocation"]["reason"] is None
    assert "Secret" not in repr(model)


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("Plain *words*.", "<p>Plain <em>words</em>.</p>"),
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
        ('<img src=x onerror="alert(1)">', '<p>&lt;img src=x onerror="alert(1)"&gt;</p>'),
        ("<div>\nblock\n</div>", "<p>&lt;div&gt;\nblock\n&lt;/div&gt;</p>"),
        ("[x](javascript:alert(1))", '<p><a rel="nofollow noopener">x</a></p>'),
        ("[x]( JaVaScRiPt:alert(1))", '<p><a rel="nofollow noopener">x</a></p>'),
        ("[x](data:text/html,hi)", '<p><a rel="nofollow noopener">x</a></p>'),
        ("![pixel](https://tracker.example/p.png)", "<p>![pixel](https://tracker.example/p.png)</p>"),
        (
            "[repo](https://example.org/r)",
            '<p><a href="https://example.org/r" rel="nofollow noopener">repo</a></p>',
        ),
        ("", ""),
        (None, ""),
    ],
)
def test_render_markdown_is_safe(markdown: str | None, expected: str) -> None:
    assert render_markdown(markdown) == expected


# ---------------------------------------------------------------- HTML of a strict build


class Page(HTMLParser):
    """The parts of a built page the tests look at: article headings, images, links, text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.html = html
        self.in_article = 0
        self.headings: list[tuple[int, str]] = []
        self.images: list[dict[str, str | None]] = []
        self.links: list[dict[str, str | None]] = []
        self.nav_links: list[str] = []
        self._heading: list[str] | None = None
        self._nav = 0
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "article":
            self.in_article += 1
        if tag == "nav":
            self._nav += 1
        if self.in_article and re.fullmatch(r"h[1-6]", tag):
            self._heading = [tag]
        if tag == "img":
            self.images.append(attributes)
        if tag == "a":
            (self.links if self.in_article else self.nav_links if self._nav else []).append(
                attributes if self.in_article else attributes.get("href") or ""  # type: ignore[arg-type]
            )

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.in_article -= 1
        if tag == "nav":
            self._nav -= 1
        if self._heading and tag == self._heading[0]:
            level = int(tag[1])
            self.headings.append((level, " ".join("".join(self._heading[1:]).split()).rstrip("¶").strip()))
            self._heading = None

    def handle_data(self, data: str) -> None:
        if self._heading is not None:
            self._heading.append(data)
        if self.in_article:
            self.text.append(data)

    @property
    def content_text(self) -> str:
        return " ".join(" ".join(self.text).split())

    def link(self, text_or_href: str) -> dict[str, str | None]:
        for link in self.links:
            if text_or_href in (link.get("href") or ""):
                return link
        raise AssertionError(f"no link {text_or_href!r}")


def make_lapsed(root: Path, name: str, issued: str, expires: str) -> None:
    """Move the dates of ``name``'s one-person award into the past (its credential id stays)."""
    (path,) = [
        p
        for p in (root / "credentials").rglob("*.yaml")
        if f"name: {name}\n" in p.read_text(encoding="utf-8")
    ]
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^issued: .*$", f"issued: {issued}", text, count=1)
    text = re.sub(r"(?m)^expires: .*$", f"expires: {expires}", text, count=1)
    assert f"expires: {expires}" in text, text
    path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, signing_key: KeyPair) -> Build:
    """The example program, signed with a test key, built under --strict as of NOW."""
    root = copy_program(tmp_path_factory.mktemp("pages"))
    add_key(root, signing_key)
    make_lapsed(root, "Leo Fischer", issued="2025-10-01", expires="2026-10-01")
    build = mkdocs_build(root, root / "site", signing_key, {"SOURCE_DATE_EPOCH": EPOCH})
    assert build.returncode == 0, build.output
    return build


@pytest.fixture(scope="module")
def program(site: Build) -> Publication:
    root = site.site.parent
    config = read_config(root / "mkdocs.yml")
    return build_publication(
        load_program(config.root, config.settings),
        Urls(config.base_url),
        choose_signer(config.settings, None),
        NOW,
    )


def page(site: Build, path: str) -> Page:
    return Page((site.site / path / "index.html").read_text(encoding="utf-8"))


def credential_page(
    site: Build, pub: Publication, name: str, achievement: str | None = None
) -> tuple[Award, Page]:
    award = award_of(pub, name, achievement)
    return award, page(site, f"credentials/{award.credential_id}")


def test_build_is_strict_and_quiet(site: Build, program: Publication) -> None:
    assert "WARNING" not in site.output, site.output
    assert "ERROR" not in site.output, site.output
    generated = {
        "achievements": sorted(p.parent.name for p in (site.site / "achievements").glob("*/index.html")),
        "credentials": sorted(p.parent.name for p in (site.site / "credentials").glob("*/index.html")),
    }
    assert generated["achievements"] == sorted(program.program.achievements)
    assert generated["credentials"] == sorted(a.credential_id for a in program.program.awards)
    for path in ("achievements", "issuer", "taxonomy"):
        assert (site.site / path / "index.html").is_file()
    assert (site.site / "assets" / "badgepress" / "catalog.js").is_file()


def test_catalog_page(site: Build, program: Publication) -> None:
    catalog = page(site, "achievements")
    assert catalog.headings[0] == (1, "Badges")
    names = sorted(a.spec.name for a in program.program.achievements.values())
    assert [h for level, h in catalog.headings if level == 2] == names
    html = catalog.html
    assert html.count('data-bp-card data-type="') == len(names)
    assert re.search(r"<form[^>]*data-bp-filters[^>]*hidden", html)  # shown by catalog.js only
    for param, label in (("type", "Type"), ("tag", "Tag"), ("framework", "Skills framework")):
        assert f'<label for="bp-filter-{param}">{label}</label>' in html
        assert f'<select id="bp-filter-{param}" name="{param}"' in html
    assert '<option value="python">python (2)</option>' in html
    assert '<option value="CommunityService">Community Service (1)</option>' in html
    assert re.search(r'id="bp-count"[^>]*role="status"[^>]*aria-live="polite"[^>]*>6 badges<', html)
    assert "6 earners" in catalog.content_text and "1 earner " in catalog.content_text
    assert catalog.link("achievements/python-foundations/")
    assert 'src="../assets/badgepress/catalog.js"' in html
    assert not re.search(r'<script[^>]+src="(https?:)?//', html)  # no script from a CDN


def test_achievement_page(site: Build) -> None:
    achievement = page(site, "achievements/python-foundations")
    assert [h for h in achievement.headings] == [
        (1, "Python Foundations"),
        (2, "How to earn it"),
        (2, "Skills and standards"),
        (2, "Details"),
        (2, "Pathway"),
    ]
    text = achievement.content_text
    assert "Recognizes learners who completed the twelve-week Python Foundations course" in text
    assert "<ol>\n<li>attend at least ten of the twelve weekly sessions;</li>" in achievement.html  # Markdown
    assert "Issued by Northfield Code School" in text
    assert "6 earners" in text
    for fact in ("Course", "NCS-101", "Computer Science", "Credits 3", "Final grade: A, B or C"):
        assert fact in text
    esco = achievement.link("data.europa.eu/esco/skill/")
    assert esco["href"] == "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"
    assert "ESCO" in text
    assert achievement.link("../../achievements/python-foundations.json")
    assert achievement.link("../../taxonomy/#pathway-data-pathway")
    assert achievement.link("../../achievements/data-analysis-certificate/")  # leads to
    assert achievement.link("../../achievements/?tag=python")
    (image,) = [i for i in achievement.images if (i.get("src") or "").endswith("python-foundations.png")]
    assert image["alt"] == "Python Foundations badge, a blue and yellow medal"
    assert 'property="og:image" content="https://northfield-code.github.io/badges/achievements/' in (
        achievement.html
    )
    prerequisite = page(site, "achievements/data-analysis-certificate")
    assert "Earn first" in prerequisite.content_text
    assert prerequisite.link("../../achievements/python-foundations/")
    assert "Valid for 2 years" in prerequisite.content_text


def test_credential_page(site: Build, program: Publication) -> None:
    award, credential = credential_page(site, program, "Ben Lindqvist", "python-foundations")
    cid = award.credential_id
    assert credential.headings[0] == (1, "Ben L. earned Python Foundations")
    assert [level for level, _ in credential.headings].count(1) == 1
    text = credential.content_text
    assert "Valid credential" in text
    assert "Issued by Northfield Code School" in text and "Issued on 29 May 2026" in text
    assert "Expires Does not expire" in text and "Final grade B" in text
    verify = credential.link("verify/?credential=")
    # relative, the credential's address too: a copy served elsewhere checks its own copy
    assert verify["href"] == f"../../verify/?credential={quote(f'../credentials/{cid}.json', safe='')}"
    assert credential.link("https://www.linkedin.com/profile/add?")
    download = credential.link(f"../../credentials/{cid}.png")
    assert download["download"] == f"python-foundations-{cid}.png"
    assert credential.link(f"../../credentials/{cid}.json")
    assert "Download badge (PNG)" in text and "Credential JSON" in text and "Add to LinkedIn profile" in text
    assert credential.link("https://github.com/northfield-code/python-foundations-2026")  # evidence
    qr = re.search(r'<svg[^>]*class="badgepress-qr"[^>]*aria-label="([^"]+)"', credential.html)
    assert qr and f"https://northfield-code.github.io/badges/credentials/{cid}/" in qr.group(1)
    assert "Ben Lindqvist" not in credential.html and "Lindqvist" not in credential.html


def test_credential_page_with_narratives(site: Build, program: Publication) -> None:
    _, amara = credential_page(site, program, "Amara Okafor", "data-analysis-certificate")
    assert amara.headings[0] == (1, "Amara O. earned Data Analysis with Python")
    assert [h for level, h in amara.headings if level == 2][1:3] == ["What the recipient did", "Evidence"]
    assert "Analysed ten years of the city's bicycle-counter data" in amara.content_text
    assert "The notebook and one-page summary submitted at the exam." in amara.content_text
    _, ben = credential_page(site, program, "Ben Lindqvist", "web-accessibility")
    assert "Audit of the club's events page" in ben.content_text
    assert "Found and fixed 14 WCAG failures" in ben.content_text  # an evidence narrative
    _, dolores = credential_page(site, program, "Dolores Ruiz")
    assert dolores.headings[0] == (1, "A recipient earned Python Foundations")


def test_expired_and_revoked_credential_pages(site: Build, program: Publication) -> None:
    _, leo = credential_page(site, program, "Leo Fischer")
    assert 'data-status="expired"' in leo.html
    assert "Expired on 1 October 2026" in leo.content_text
    assert "Add to LinkedIn profile" in leo.content_text
    _, gita = credential_page(site, program, "Gita Raman")
    assert 'data-status="revoked"' in gita.html
    assert "Revoked on 2 July 2026" in gita.content_text
    assert "Awarded by mistake to the wrong learner" in gita.content_text  # a public reason
    assert "Add to LinkedIn profile" not in gita.content_text  # nothing to add to a profile
    assert "Verify this credential" in gita.content_text
    _, chen = credential_page(site, program, "Chen Wei", "data-analysis-certificate")
    assert 'data-status="valid"' in chen.html and "Expires 12 September 2027" in chen.content_text
    assert chen.headings[0] == (1, "Chen Wei earned Data Analysis with Python")


def test_issuer_and_taxonomy_pages(site: Build, signing_key: KeyPair) -> None:
    issuer = page(site, "issuer")
    assert issuer.headings[0] == (1, "Northfield Code School")
    text = issuer.content_text
    assert "did:web:northfield-code.github.io:badges" in text
    assert "did:web:northfield-code.github.io:badges#key-2026" in text
    assert "did:web:northfield-code.github.io:badges#key-test" in text
    assert signing_key.public_key_multibase not in issuer.html  # ids only: keys are in did.json
    assert issuer.link("../did.json") and issuer.link("../issuer.json")
    assert "6 badges, 16 credentials issued" in text
    taxonomy = page(site, "taxonomy")
    assert [h for level, h in taxonomy.headings if level == 2] == [
        "By achievement type",
        "By tag",
        "By skills framework",
        "By pathway",
    ]
    assert taxonomy.link("../achievements/?tag=python")
    assert taxonomy.link("../achievements/?framework=ESCO")
    assert taxonomy.link("../achievements/?type=CommunityService")
    assert 'id="pathway-data-pathway"' in taxonomy.html


def test_credential_pages_are_linked_but_not_in_nav_or_search(site: Build, program: Publication) -> None:
    home = page(site, "")
    assert home.nav_links and not [h for h in home.nav_links if "credentials/" in h]
    assert not [h for h in page(site, "achievements").nav_links if "credentials/" in h]
    index = json.loads((site.site / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = [d["location"] for d in index["docs"]]
    assert not [loc for loc in locations if loc.startswith("credentials/")]
    assert "achievements/python-foundations/" in locations  # badges are found by Material's search
    texts = " ".join(d["text"] for d in index["docs"])
    assert "two-hour practical exam" in texts  # criteria are searchable


def test_every_page_has_ordered_headings_and_alt_text(site: Build) -> None:
    pages = sorted(site.site.rglob("*.html"))
    assert len(pages) >= 28
    for path in pages:
        parsed = Page(path.read_text(encoding="utf-8"))
        name = path.relative_to(site.site)
        levels = [level for level, _ in parsed.headings]
        if not levels:
            continue
        assert levels.count(1) == 1 and levels[0] == 1, (name, parsed.headings)
        for before, after in itertools.pairwise(levels):
            assert after <= before + 1, (name, parsed.headings)
        for image in parsed.images:
            assert image.get("alt") is not None, (name, image)


def scanned_files(site: Path) -> dict[Path, bytes]:
    files = {}
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        data = path.read_bytes()
        files[path] = gzip.decompress(data) if path.suffix == ".gz" else data
    return files


def test_no_recipient_email_or_unsalted_identity_in_the_site(site: Build) -> None:
    files = scanned_files(site.site)
    assert len(files) > 100
    forbidden: dict[bytes, str] = {}
    for email in example_emails():
        digest = hashlib.sha256(email.encode()).hexdigest()
        for form in (email, quote(email), quote(email, safe=""), email.replace("@", "&#64;")):
            forbidden[form.lower().encode()] = email
        forbidden[digest.encode()] = f"sha256({email})"
        forbidden[digest.upper().encode()] = f"sha256({email})"
    hidden_names = {p["name"] for p in recipients() if p.get("show_name") != "full"}
    for name in hidden_names:
        forbidden[name.lower().encode()] = f"the full name {name}"
    for path, data in files.items():
        lowered = data.lower()
        found = [what for needle, what in forbidden.items() if needle in lowered]
        assert not found, (path.relative_to(site.site), found)


def test_baked_badges_from_credential_pages_round_trip_and_verify(
    site: Build, program: Publication, tmp_path: Path
) -> None:
    chosen: dict[str, Path] = {}
    for award in program.program.awards:
        cid = award.credential_id
        parsed = page(site, f"credentials/{cid}")
        published = (site.site / "credentials" / f"{cid}.json").read_bytes().decode("utf-8")
        if award.revoked is not None:
            assert not [link for link in parsed.links if "download" in link]
            continue
        downloads = [link for link in parsed.links if "download" in link]
        suffixes = []
        for download in downloads:
            url = urljoin(f"https://example.test/credentials/{cid}/", download["href"] or "")
            baked = site.site / urlsplit(url).path.lstrip("/")
            suffixes.append(baked.suffix)
            assert extract_baked(baked.read_bytes()) == published, baked
            assert download["download"].endswith(baked.suffix)
            if award.expires is None or award.expires > NOW:
                chosen.setdefault(baked.suffix, baked)
        # a PNG first for every badge (drawn from an SVG badge, which is offered too)
        image = program.image_paths[award.achievement]
        assert suffixes == ([".png", ".svg"] if image.endswith(".svg") else [".png"]), suffixes
    assert set(chosen) == {".png", ".svg"}
    # a downloaded file, renamed as the page names it, away from the site folder
    copies = []
    for suffix, path in sorted(chosen.items()):
        copy = tmp_path / f"downloaded{suffix}"
        copy.write_bytes(path.read_bytes())
        copies.append(str(copy))
    run = badgepress("verify", "--site", str(site.site), "--at", "2026-09-30T00:00:00Z", *copies)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.count("VERIFIED") == 2, run.stdout


def test_a_site_template_override_wins(tmp_path: Path) -> None:
    """A site's overrides/badgepress/credential.html replaces the plugin's (theme.custom_dir first)."""
    root = copy_program(tmp_path / "program")
    overrides = root / "overrides" / "badgepress"
    overrides.mkdir(parents=True, exist_ok=True)
    (overrides / "credential.html").write_text(
        '{% extends "main.html" %}\n{% block content %}'
        '<h1 class="custom">Our own page for {{ badgepress.display_name | e }}</h1>'
        "<p>{{ badgepress.status }} {{ (badgepress.revocation or {}).reason }}</p>"
        "{% endblock %}\n",
        encoding="utf-8",
    )
    gita = root / "credentials" / "2026" / "gita-accessibility.yaml"
    text = gita.read_text(encoding="utf-8")
    assert "    reason:" in text
    gita.write_text(text.replace("    reason:", "    public: false\n    reason:"), encoding="utf-8")
    build = mkdocs_build(root, tmp_path / "site", extra_env={"SOURCE_DATE_EPOCH": EPOCH})
    assert build.returncode == 0, build.output
    assert "WARNING" not in build.output, build.output
    config = read_config(root / "mkdocs.yml")
    awards = load_program(config.root, config.settings).awards
    for award in awards:
        html = (tmp_path / "site" / "credentials" / award.credential_id / "index.html").read_text(
            encoding="utf-8"
        )
        assert f'<h1 class="custom">Our own page for {display_name(award)}</h1>' in html
        assert "Verify this credential" not in html
        if award.revoked is not None:
            assert "<p>revoked None</p>" in html  # the private reason never reaches the template
            assert "Awarded by mistake" not in html
    # the other templates are still the plugin's
    assert "Skills and standards" in (
        tmp_path / "site" / "achievements" / "python-foundations" / "index.html"
    ).read_text(encoding="utf-8")


def test_svg_badges_are_drawn_as_png_for_link_previews_and_downloads(
    site: Build, program: Publication
) -> None:
    from badgepress.build.raster import png_size

    award, credential = credential_page(site, program, "Ben Lindqvist", "web-accessibility")
    cid = award.credential_id
    assert program.image_paths["web-accessibility"] == "achievements/web-accessibility.svg"
    drawn = site.site / "achievements/web-accessibility.png"
    assert png_size(drawn.read_bytes()) == (400, 400)
    assert (site.site / "achievements/web-accessibility.svg").is_file()  # the SVG stays
    base = "https://northfield-code.github.io/badges/"
    for html in (credential.html, page(site, "achievements/web-accessibility").html):
        assert f'<meta property="og:image" content="{base}achievements/web-accessibility.png">' in html
        assert '<meta property="og:image:type" content="image/png">' in html
        assert '<meta property="og:image:width" content="400">' in html
        assert '<meta property="og:image:height" content="400">' in html
    published = (site.site / f"credentials/{cid}.json").read_text(encoding="utf-8")
    baked = (site.site / f"credentials/{cid}.png").read_bytes()
    assert extract_baked(baked) == published and png_size(baked) == (400, 400)
    assert credential.link(f"../../credentials/{cid}.png")["download"] == f"web-accessibility-{cid}.png"
    assert credential.link(f"../../credentials/{cid}.svg")["download"] == f"web-accessibility-{cid}.svg"
    # an achievement's own PNG is its preview as it is: no second copy
    assert not (site.site / "achievements/python-foundations.svg").exists()
    own = page(site, "achievements/python-foundations").html
    assert f'<meta property="og:image" content="{base}achievements/python-foundations.png">' in own


def test_earners_are_not_findable_unless_the_program_opts_in(site: Build) -> None:
    html = (site.site / "achievements/web-accessibility/index.html").read_text(encoding="utf-8")
    assert 'id="earners"' not in html and "find/" not in html
    assert not (site.site / "find").exists()


def test_an_svg_badge_that_cannot_be_drawn_fails_the_build_naming_its_file(tmp_path: Path) -> None:
    root = copy_program(tmp_path / "program")
    (root / "achievements/web-accessibility.svg").write_text("<svg but not really", encoding="utf-8")
    build = mkdocs_build(root, tmp_path / "site", extra_env={"SOURCE_DATE_EPOCH": EPOCH})
    assert build.returncode != 0
    assert "achievements/web-accessibility.yaml:1: image: cannot be drawn as PNG" in build.output, (
        build.output
    )
    assert not (tmp_path / "site" / "credentials").exists()
