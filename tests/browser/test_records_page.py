"""Learner records and endorsements in headless Chromium: the pages that show them, and /verify/.

``records_served``: the example program, copied, with its given endorsement and
a received one made here by `badgepress endorse` for the copy's address (the
example's own endorse its real address), built with a test key for
``http://127.0.0.1:<port>/badges/`` and served by the threaded server of
verify_support. The learner record (Amara's, a small pathway) and the
endorsements are then followed from the pages to the verification page.
"""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from badgepress.cli.endorse import endorse
from badgepress.sign.keys import KeyPair
from tests.conftest import REPO, copy_program

from .conftest import shot
from .verify_support import (
    Outcome,
    PageWatch,
    StaticServer,
    _verify_browser,  # noqa: F401 (fixture)
    build_signed,
    open_verifier,
    read_outcome,
    serve_at,
    served,
    sign,
    verify_pasted,
    watched_page,
)

pytestmark = pytest.mark.browser

LEARNER = "amara-o"
ENDORSER = "Riverside Software Guild"
COMMENT = "Our members have hired several graduates of this course: they *can* write and test Python."
EXAMPLE_ENDORSEMENT = REPO / "endorsements" / "riverside-software-guild-python-foundations.json"


@dataclass
class RecordsSite:
    origin: str
    site: Path
    fixtures: Path
    key: KeyPair
    did: str

    @property
    def url(self) -> str:
        return f"{self.origin}/badges/"

    @property
    def verify_url(self) -> str:  # what verify_support.open_verifier opens
        return f"{self.origin}/badges/verify/"

    def json(self, path: str) -> dict[str, Any]:
        return json.loads((self.site / path).read_text(encoding="utf-8"))


def build(serve_root: Path, program: Path, server: StaticServer) -> RecordsSite:
    root = copy_program(program)
    shutil.copytree(REPO / "endorsements" / "given", root / "endorsements" / "given")
    serve_at(root, server)
    config = root / "mkdocs.yml"
    endorser = KeyPair.generate()
    made = CliRunner().invoke(
        endorse,
        [
            "python-foundations",
            "--name",
            ENDORSER,
            "--url",
            "https://riverside-guild.example.org/",
            "--date",
            "2026-10-05",
            "--comment",
            COMMENT,
            "--config",
            str(config),
        ],
        env={"BADGEPRESS_ENDORSER_KEY": endorser.secret_key_multibase()},
    )
    assert made.exit_code == 0, made.output
    site, fixtures, key = build_signed(root, serve_root)
    return RecordsSite(server.origin, site, fixtures, key, f"did:web:127.0.0.1%3A{server.port}:badges")


@pytest.fixture(scope="module", name="records_served")
def _records_served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RecordsSite]:
    serve_root = tmp_path_factory.mktemp("records-serve")
    program = tmp_path_factory.mktemp("records-program") / "program"
    with served(serve_root, lambda server: build(serve_root, program, server)) as site:
        yield site


@pytest.fixture(name="watch")
def _watch(verify_browser: Any, records_served: RecordsSite) -> Iterator[PageWatch]:
    with watched_page(verify_browser, records_served.origin) as watch:
        yield watch


def follow_to_verdict(page: Any, link_name: str) -> Outcome:
    page.get_by_role("link", name=link_name).click()
    page.wait_for_url("**/verify/?credential=*")
    return read_outcome(page)


def details(page: Any) -> dict[str, str]:
    terms = page.locator("#bp-details-body dt").all_inner_texts()
    values = page.locator("#bp-details-body dd").all_inner_texts()
    return dict(zip(terms, values, strict=True))


def test_the_learner_record_verifies_with_a_line_per_credential(
    watch: PageWatch, records_served: RecordsSite
) -> None:
    page = watch.page
    page.goto(f"{records_served.url}learners/{LEARNER}/")
    assert page.locator("h1").inner_text() == "Amara O."
    article = page.locator("article").inner_text()
    assert "Python Foundations" in article and "Data Analysis with Python" in article
    assert "Data pathway" in article and "2 of 2" in article
    shot(page, "learner-record")
    outcome = follow_to_verdict(page, "Verify this record")
    assert outcome.status == "verified", outcome
    assert [c.split(" ")[0] for c in outcome.checks] == [
        "credential:pass",
        "signature:pass",
        "issuer-key:pass",
        "dates:pass",
        "status:skip",
        "embedded-1:pass",
        "embedded-2:pass",
    ]
    labels = page.locator("#bp-checks li .bp-check__label").all_inner_texts()
    assert labels[-2:] == [
        "Credential 1 of 2: Python Foundations",
        "Credential 2 of 2: Data Analysis with Python",
    ]
    assert "verified, issued by Northfield Code School" in outcome.checks[-1]
    assert page.locator("#bp-headline").inner_text() == (
        "Verified: this learner record is authentic, and so is every credential in it."
    )
    shown = details(page)
    assert shown["Learner record"] == "Learner record of Amara O."
    assert shown["Achievements"] == "Python Foundations, Data Analysis with Python"
    assert shown["Credentials"] == "2"
    shot(page, "verify-learner-record")
    # the learner can check that the record is theirs, in the browser
    page.fill("#bp-email", "amara.okafor@example.org")
    page.click("#bp-email-check")
    assert page.locator("#bp-email-result").get_attribute("data-match") == "true"
    watch.assert_clean()


def test_a_record_holding_a_changed_credential_fails_on_that_line(
    watch: PageWatch, records_served: RecordsSite
) -> None:
    record = records_served.json(f"learners/{LEARNER}.json")
    changed = copy.deepcopy(record)
    changed["credentialSubject"]["verifiableCredential"][1]["validFrom"] = "2026-09-11T00:00:00Z"
    open_verifier(watch.page, records_served)
    outcome = verify_pasted(watch.page, changed)
    assert outcome.status == "invalid" and outcome.checks[1].startswith("signature:fail"), outcome
    assert outcome.checks[-1].startswith("embedded:skip")
    # the issuer signs the record again: the record holds, the credential inside does not
    resigned = sign(changed, records_served.key, f"{records_served.did}#key-test", changed["validFrom"])
    outcome = verify_pasted(watch.page, resigned)
    assert outcome.status == "invalid", outcome
    assert outcome.checks[1].startswith("signature:pass")
    assert outcome.checks[-2].startswith("embedded-1:pass")
    assert outcome.checks[-1].startswith("embedded-2:fail — invalid: the signature does not match"), outcome
    assert watch.page.locator("#bp-headline").inner_text().startswith("Not valid: this learner record, or a")
    watch.assert_clean()


def test_an_endorsement_from_the_achievement_page_shows_its_endorser(
    watch: PageWatch, records_served: RecordsSite
) -> None:
    page = watch.page
    page.goto(f"{records_served.url}achievements/python-foundations/")
    section = page.locator(".bp-endorsement")
    assert section.count() == 1
    assert "they can write and test Python." in section.inner_text()
    assert section.locator("em").inner_text() == "can"  # Markdown, rendered safely
    assert page.get_by_role("link", name=ENDORSER).first.get_attribute("href") == "#endorsements"
    shot(page, "achievement-endorsed")
    outcome = follow_to_verdict(page, f"Verify the endorsement by {ENDORSER}")
    assert outcome.status == "verified", outcome
    assert outcome.checks[0] == "credential:pass — EndorsementCredential (Verifiable Credentials 2.0)"
    assert page.locator("#bp-headline").inner_text().startswith("Verified: this endorsement is authentic")
    shown = details(page)
    assert shown["Endorser"].startswith(f"{ENDORSER} (did:key:z6Mk")
    assert shown["Endorses"] == f"{records_served.url}achievements/python-foundations.json"
    assert shown["Comment"] == COMMENT
    assert "Recipient" not in shown
    assert not page.get_by_label("Is it yours? Your email address:").is_visible()
    shot(page, "verify-endorsement")
    watch.assert_clean()


def test_the_examples_endorsement_and_a_tampered_copy(watch: PageWatch, records_served: RecordsSite) -> None:
    """The example's own endorsement file (did:key: it verifies anywhere, with no fetch)."""
    page = watch.page
    open_verifier(page, records_served)
    endorsement = json.loads(EXAMPLE_ENDORSEMENT.read_text(encoding="utf-8"))
    outcome = verify_pasted(page, endorsement)
    assert outcome.status == "verified", outcome
    assert details(page)["Endorser"].startswith("Riverside Software Guild (did:key:")
    tampered = copy.deepcopy(endorsement)
    comment = tampered["credentialSubject"]["endorsementComment"]
    tampered["credentialSubject"]["endorsementComment"] = comment.replace("hired", "hires", 1)
    outcome = verify_pasted(page, tampered)
    assert outcome.status == "invalid" and outcome.checks[1].startswith("signature:fail"), outcome
    assert not page.locator("#bp-details").is_visible()  # no endorser shown for a forgery
    watch.assert_clean()


def test_the_endorsement_the_program_gives(watch: PageWatch, records_served: RecordsSite) -> None:
    page = watch.page
    page.goto(f"{records_served.url}issuer/")
    assert page.get_by_role("heading", name="Endorsements we give").is_visible()
    outcome = follow_to_verdict(page, "Verify the endorsement of Community Data Steward")
    assert outcome.status == "verified", outcome
    assert details(page)["Endorser"] == f"Northfield Code School ({records_served.did})"
    watch.assert_clean()
