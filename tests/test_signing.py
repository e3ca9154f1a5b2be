"""The fast signing path: byte-identical to the reference, cached without ever serving a stale proof."""

from __future__ import annotations

import copy
import io
import json
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from badgepress import parallel
from badgepress.build import documents
from badgepress.build.pipeline import Signer, build_publication, choose_signer
from badgepress.build.urls import Urls
from badgepress.errors import SigningError
from badgepress.load.program import hash_identity, load_program
from badgepress.load.settings import read_config
from badgepress.publish.progress import terminal_progress
from badgepress.sign import canon, fast_canon, proof, signing
from badgepress.sign.keys import KeyPair, decode_public_key

from .conftest import REPO, Build, mkdocs_build
from .test_proof import OB, W3C, tampered_copies

NOW = datetime(2026, 11, 29, tzinfo=UTC)
Pair = tuple[dict[str, Any], str]

# ---------------------------------------------------------------- the corpus

LONG_NARRATIVE = "\n\n".join(
    f"Paragraph {i}: built a “parser” for C:\\data\\{i}\t— naïve café, 数据, مرحبا, e\u0301, 👩‍💻, "
    "<b>not html</b> & \"quotes\" 'single' \\ backslash." * 3
    for i in range(40)
)

ACHIEVEMENTS = {
    "everything": {
        "name": "Ünïcödé & <Data> 数据 🚀",
        "achievement_type": "Certificate",
        "description": "Every optional field of an achievement, set.",
        "criteria": "Do *all* of it:\n\n1. one\n2. two\n",
        "image_caption": "A badge with every field",
        "tags": ["python", "données", "データ"],
        "alignments": [
            {
                "name": "Data analysis",
                "url": "https://esco.example.org/skill/1?x=1&y=2",
                "framework": "ESCO",
                "code": "S1.2.3",
                "description": "Analyse data — thoroughly.",
                "type": "ceasn:Competency",
            },
            {"name": "Only the required fields", "url": "https://frameworks.example.org/2"},
            {"name": "CTDL item", "url": "https://ctdl.example.org/3", "type": "CTDL", "code": "007"},
        ],
        "credits": 2.5,
        "field_of_study": "Computer Science",
        "specialization": "Data engineering",
        "code": "CS-101",
        "language": "de-CH",
        "valid_for": "18 months",
        "result": {"name": "Final grade", "type": "LetterGrade", "values": ["A", "B", "C"]},
        "related": {"prerequisites": ["minimal"], "pathway": "Data pathway"},
    },
    "minimal": {
        "name": "Minimal",
        "description": "Only the required fields.",
        "criteria": "Show up.",
    },
    "whole-credits": {
        "name": "Whole credits",
        "achievement_type": "Course",
        "description": "Credits that are a whole number.",
        "criteria": "Attend.",
        "credits": 3,
        "result": {"name": "Score", "type": "Percent"},
    },
}


def _identity(n: int) -> dict[str, str]:
    salt = f"{n:032x}"
    return {"identity": hash_identity(f"person{n}@example.org", salt), "salt": salt}


AWARDS = {
    "everything": {
        "achievement": "everything",
        "issued": "2026-03-14T10:30:00+02:00",
        "expires": "2027-03-14",
        "narrative": LONG_NARRATIVE,
        "evidence": [
            {
                "url": "https://portfolio.example.org/ünï?q=1#frag",
                "name": "Project “Ω”",
                "description": "What it shows.",
                "narrative": "The story\nof the work.",
            },
            {"narrative": "Evidence with only a narrative (a blank node)."},
            {"name": "Evidence with only a name"},
        ],
        "recipient": {"name": "Zoë Ångström-Łukasiewicz", "learner": "zoe", **_identity(1), "result": "B"},
    },
    "did": {
        "achievement": "minimal",
        "issued": "2026-01-01",
        "recipient": {"did": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"},
    },
    "cohort": {
        "achievement": "everything",
        "issued": "2026-05-29",
        "evidence": [{"url": "https://example.org/shared", "name": "Shared evidence"}],
        "recipients": [
            {"name": "A", **_identity(2), "result": "A"},
            {"name": "B", **_identity(3), "narrative": "Own narrative.", "expires": "2026-12-31"},
            {
                "name": "C",
                **_identity(4),
                "revoked": {"date": "2026-06-01", "reason": "Mistake."},
                "evidence": [{"url": "https://example.org/own"}],
            },
            {"did": "did:web:learner.example.org:c", "result": "C"},
        ],
    },
    "whole": {
        "achievement": "whole-credits",
        "issued": "2025-12-31T23:59:59Z",
        "narrative": "\u200fمرحبا\u200f, right to left; a line separator\u2028and tab\there.",
        "recipient": {"name": "\u200fمرحبا", **_identity(5), "result": "97.5"},
    },
}

MKDOCS_YML = """\
site_name: Corpus
site_url: https://corpus.example.org/badges/
theme:
  name: material
plugins:
  - badgepress:
      issuer:
        name: Corpus Institute — “Ω”
        url: https://corpus.example.org/
        email: badges@corpus.example.org
        description: Every optional field, exercised.
"""


def write_corpus_program(root: Path) -> Path:
    (root / "achievements").mkdir(parents=True)
    (root / "credentials").mkdir()
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Corpus\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    for slug, data in ACHIEVEMENTS.items():
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        (root / "achievements" / f"{slug}.yaml").write_text(text, encoding="utf-8")
    for name, data in AWARDS.items():
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        (root / "credentials" / f"{name}.yaml").write_text(text, encoding="utf-8")
    return root


def unsigned_credentials(root: Path) -> list[Pair]:
    """The (unsigned credential, created) pairs the pipeline hands to its signer."""
    config = read_config(root / "mkdocs.yml")
    program = load_program(config.root, config.settings)
    captured: list[Pair] = []

    def capture(unsigned: list[Pair], signer: Any) -> list[dict[str, Any]]:
        captured.extend(unsigned)
        return [{**doc, "proof": []} for doc, _ in unsigned]

    build_publication(program, Urls(config.base_url), choose_signer(config.settings, None), NOW, sign=capture)
    return captured


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Pair]:
    example = unsigned_credentials(REPO)
    generated = unsigned_credentials(write_corpus_program(tmp_path_factory.mktemp("corpus")))
    assert len(example) >= 15 and len(generated) == 7
    return example + generated


@pytest.fixture(scope="module")
def key() -> KeyPair:
    return KeyPair.from_seed(bytes(range(32)))


@pytest.fixture(scope="module")
def signer(key: KeyPair) -> Signer:
    return Signer(key, "key-test", preview=False)


def reference(pairs: list[Pair], signer: Signer) -> list[dict[str, Any]]:
    return [
        proof.sign_document(doc, signer.key, proof.verification_method(doc, signer.key_id), created)
        for doc, created in pairs
    ]


def test_the_corpus_exercises_every_optional_field(corpus: list[Pair]) -> None:
    text = json.dumps([doc for doc, _ in corpus], ensure_ascii=False)
    for needle in (
        '"evidence"',
        '"narrative"',
        '"result"',
        '"resultDescription"',
        '"alignment"',
        '"targetFramework"',
        '"targetCode"',
        '"targetType"',
        '"targetDescription"',
        '"validUntil"',
        '"did:key:',
        '"did:web:learner',
        '"creditsAvailable": 2.5',
        '"creditsAvailable": 3',
        '"inLanguage"',
        '"specialization"',
        '"humanCode"',
        "👩‍💻",
        "\u200f",
    ):
        assert needle in text, needle
    assert max(len(json.dumps(doc)) for doc, _ in corpus) > 20_000  # the long narrative


# ---------------------------------------------------------------- equivalence


def test_fast_signatures_are_byte_identical_to_the_reference(corpus: list[Pair], signer: Signer) -> None:
    fast = signing.BatchSigner(workers=1)(corpus, signer)
    expected = reference(corpus, signer)
    public = decode_public_key(signer.key.public_key_multibase)
    for made, wanted in zip(fast, expected, strict=True):
        assert documents.to_json(made) == documents.to_json(wanted)
        proof.check_proof(made, public)


def test_parallel_signing_gives_the_same_bytes_in_the_same_order(corpus: list[Pair], signer: Signer) -> None:
    many = corpus * 6  # enough documents for several chunks
    batch = signing.BatchSigner(workers=2, parallel_min=2)
    fast = batch(many, signer)
    assert batch.stats.workers == (2 if parallel.can_fork() else 1)
    serial = signing.BatchSigner(workers=1)(many, signer)
    assert [documents.to_json(d) for d in fast] == [documents.to_json(d) for d in serial]
    assert [documents.to_json(d) for d in fast[: len(corpus)]] == [
        documents.to_json(d) for d in reference(corpus, signer)
    ]


def test_fast_canonical_n_quads_equal_plain_pyld(corpus: list[Pair]) -> None:
    fast = fast_canon.FastCanonicalizer()
    for _round in range(2):  # the second round runs on memoized contexts and subtrees
        for doc, created in corpus:
            assert fast.canonicalize(doc) == canon.canonicalize_plain(doc)
            config = {
                **proof.proof_options("did:web:corpus.example.org#k", created),
                "@context": doc["@context"],
            }
            assert fast.canonicalize(config) == canon.canonicalize_plain(config)


def test_fast_path_passes_the_published_vectors() -> None:
    fast = fast_canon.FastCanonicalizer()
    assert fast.canonicalize(W3C["unsecuredDocument"]) == W3C["expectedCanonicalDocument"]
    data = fast.hash_data(W3C["unsecuredDocument"], W3C["proofOptions"])
    assert data.hex() == W3C["expectedHashDataHex"]
    assert fast.canonicalize(OB["unsecuredDocument"]) == OB["canonicalDocument"]
    pair = OB["keyPair"]
    key = KeyPair.from_seed(bytes.fromhex(pair["privateKeyHex"])[:32])
    options = OB["proofOptions"]
    did = options["verificationMethod"].split("#")[0]
    document = {**OB["unsecuredDocument"], "issuer": did}
    (signed,) = signing.BatchSigner()(
        [(document, options["created"])], Signer(key, options["verificationMethod"].split("#")[1], False)
    )
    wanted = proof.sign_document(document, key, options["verificationMethod"], options["created"])
    assert signed == wanted


def _outcome(fn: Any, document: dict[str, Any]) -> str:
    try:
        return fn(document)
    except SigningError as err:
        return f"SigningError: {err}"


def test_every_single_field_change_gives_the_same_result_or_error_on_both_paths(corpus: list[Pair]) -> None:
    fast = fast_canon.FastCanonicalizer()
    rich = [doc for doc, _ in corpus if "evidence" in doc and "alignment" in json.dumps(doc)][:2]
    changes = [changed for doc in rich for _where, changed in tampered_copies(doc)]
    assert len(changes) > 100
    errors = 0
    for changed in changes:
        wanted = _outcome(canon.canonicalize, changed)
        errors += wanted.startswith("SigningError")
        assert _outcome(fast.canonicalize, changed) == wanted
    assert errors > 5  # some changes make a term undefined or a context unknown: both paths refuse them


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(favouriteColour="blue"), "favouriteColour"),
        (lambda d: d["credentialSubject"].update(nickname="Al"), "nickname"),
        (lambda d: d["type"].append("MadeUpCredential"), "MadeUpCredential"),
        (lambda d: d.update(id="relative/id"), "relative IRI"),
        (lambda d: d["@context"].append({"extra": "https://example.org/extra"}), "inline"),
        (lambda d: d["@context"].append("https://example.org/context.json"), "not bundled"),
        (lambda d: d.update(proof={"type": "DataIntegrityProof"}), "already has a proof"),
    ],
)
def test_the_fast_path_is_as_strict_as_the_reference(
    corpus: list[Pair], signer: Signer, change: Any, message: str
) -> None:
    document, created = copy.deepcopy(corpus[0])
    change(document)
    method = proof.verification_method(document, signer.key_id)
    with pytest.raises(SigningError, match=message) as wanted:
        proof.sign_document(document, signer.key, method, created)
    with pytest.raises(SigningError) as got:
        signing.BatchSigner()([(document, created)], signer)
    assert str(got.value) == str(wanted.value)


def test_in_parallel_the_first_bad_document_is_reported(corpus: list[Pair], signer: Signer) -> None:
    many = [copy.deepcopy(pair) for pair in corpus * 8]
    many[9][0]["firstBadTerm"] = 1
    many[-3][0]["laterBadTerm"] = 1
    with pytest.raises(SigningError, match="firstBadTerm"):
        signing.BatchSigner(workers=2, parallel_min=2)(many, signer)
    # a bad document in the slice a child signs: its error comes back from the child
    del many[9][0]["firstBadTerm"]
    with pytest.raises(SigningError, match="laterBadTerm"):
        signing.BatchSigner(workers=2, parallel_min=2)(many, signer)


# ---------------------------------------------------------------- progress and the summary line


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_on_a_terminal_and_one_summary_line(corpus: list[Pair], signer: Signer) -> None:
    calls: list[tuple[int, int]] = []
    lines: list[str] = []
    signing.BatchSigner(workers=1, progress=lambda d, t: calls.append((d, t)), report=lines.append)(
        corpus, signer
    )
    assert calls[-1] == (len(corpus), len(corpus))
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    (line,) = lines
    assert re.fullmatch(rf"signed {len(corpus)} credentials in \d+\.\d s", line)
    assert signing.SigningStats(10_000, 2, 12.34).summary() == (
        "signed 10,000 credentials in 12.3 s (2 processes)"
    )
    assert signing.SigningStats(1, 1, 0.01).summary() == "signed 1 credential in 0.0 s"

    assert terminal_progress(io.StringIO()) is None
    screen = Terminal()
    show = terminal_progress(screen)
    assert show is not None
    show(1, 10_000)
    show(10_000, 10_000)
    assert "badgepress: signing credentials 1/10,000" in screen.getvalue()
    assert screen.getvalue().endswith("\r\033[K")


def test_a_rebuild_of_the_site_takes_every_unchanged_credential_from_the_cache(
    signed_site: Build, signing_key: KeyPair, tmp_path: Path
) -> None:
    root = tmp_path / "program"
    shutil.copytree(signed_site.site.parent, root, ignore=shutil.ignore_patterns("site"))
    assert re.search(r"signed \d+ credentials", signed_site.output)
    count = len(list((signed_site.site / "credentials").glob("*.json")))

    # nothing changed: every credential comes from the cache, none is built or signed
    build = mkdocs_build(root, tmp_path / "site", signing_key)
    assert build.returncode == 0, build.output
    assert f"credentials: {count} reused, 0 made" in build.output
    assert not re.search(r"signed \d+ credential", build.output)
    for path in sorted((signed_site.site / "credentials").glob("*.json")):
        assert (tmp_path / "site" / "credentials" / path.name).read_bytes() == path.read_bytes()

    # one award changed: its one credential is signed again, the cache gives the others
    award = root / "credentials" / "2026" / "amara-data-analysis.yaml"
    award.write_text(award.read_text().replace("bicycle-counter", "bicycle counter"))
    build = mkdocs_build(root, tmp_path / "site", signing_key)
    assert build.returncode == 0, build.output
    assert f"credentials: {count - 1} reused, 1 made" in build.output
    assert "signed 1 credential in" in build.output
    changed = [
        p.name
        for p in sorted((signed_site.site / "credentials").glob("*.json"))
        if (tmp_path / "site" / "credentials" / p.name).read_bytes() != p.read_bytes()
    ]
    assert len(changed) == 1
    shutil.rmtree(tmp_path / "site")
