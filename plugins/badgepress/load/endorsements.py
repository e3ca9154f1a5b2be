"""Endorsements, as a program's files hold them: received (``*.json``) and given (``given/*.yaml``).

An external organization endorses one of the program's achievements (or the
program itself) with its own key (``badgepress endorse``) and submits the file
by pull request to ``endorsements/``. Reading the program checks each received
endorsement's proof (a ``did:key`` endorser is resolved locally; a ``did:web``
endorser's DID document is committed beside it as ``<name>.did.json``, since a
build never fetches) and refuses a forged or tampered one with a clear error.
Endorsements the program itself gives are YAML files in ``endorsements/given/``;
``build.endorsements`` makes their documents, signed with the program's key
like its credentials.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from badgepress.domain import Given, ReceivedEndorsement, is_slug
from badgepress.errors import Problem, VerificationError
from badgepress.load.model import GivenEndorsement
from badgepress.load.source import load_source, read_bounded
from badgepress.load.validation import parse_model
from badgepress.sign.canon import VC_V2
from badgepress.sign.keys import resolve_did_key
from badgepress.verify.credential import check_signed
from badgepress.verify.results import Fetcher, Unreachable, did_web_url

GIVEN_FOLDER = "given"
MAX_BYTES = 100 * 1024  # each one is embedded in every credential of the achievement
MAX_DEPTH = 32  # as for YAML files (source.MAX_DEPTH); a signed endorsement nests about 6 deep
_NAME_MESSAGE = "the file name must be lowercase letters, digits and dashes"
_OB_CONTEXT = re.compile(r"^https://purl\.imsglobal\.org/spec/ob/v3p0/context(-3\.\d\.\d)?\.json$")
Doc = dict[str, Any]


# ---------------------------------------------------------------- received


def local_fetcher(did_documents: Mapping[str, Doc]) -> Fetcher:
    """Resolve did:web documents from ``did_documents`` only: a build never fetches."""
    by_url = {did_web_url(did): document for did, document in did_documents.items()}

    def fetch(url: str) -> Any:
        if url in by_url:
            return by_url[url]
        raise Unreachable(f"no DID document committed for {url}")

    return fetch


def load_received(folder: Path, shown_folder: str) -> tuple[list[ReceivedEndorsement], list[Problem]]:
    """Every ``*.json`` endorsement in ``folder`` whose proof holds, and a problem for each other one.

    Subjects are checked later, against the published ids (:func:`check_subjects`).
    """
    found: list[ReceivedEndorsement] = []
    problems: list[Problem] = []
    if not folder.is_dir():
        return found, problems
    seen: dict[str, str] = {}
    for path in sorted(folder.glob("*.json")):
        if path.name.endswith(".did.json"):
            continue
        shown = f"{shown_folder}/{path.name}"
        problem, document = _read(path, shown)
        if problem is None:
            problem = _check_received(document, path, shown)
        if problem is None and document["id"] in seen:
            problem = Problem(
                shown, 0, "id", f"the same endorsement as {seen[document['id']]}", "remove one of the two"
            )
        if problem is not None:
            problems.append(problem)
            continue
        seen[document["id"]] = shown
        found.append(ReceivedEndorsement(path.stem, shown, document))
    return found, problems


def _read(path: Path, shown: str) -> tuple[Problem | None, Any]:
    how = "submit the file exactly as `badgepress endorse` wrote it"
    if not is_slug(path.stem):
        return Problem(shown, 0, "", _NAME_MESSAGE, "rename it"), None
    data = read_bounded(path, MAX_BYTES)
    if len(data) > MAX_BYTES:
        return Problem(shown, 0, "", f"is larger than {MAX_BYTES // 1024} KB", how), None
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as err:
        return Problem(shown, 0, "", f"is not JSON: {err}", how), None
    except RecursionError:
        document = None
    if document is None or _too_deep(document):
        return Problem(shown, 0, "", f"is nested more than {MAX_DEPTH} levels deep", how), None
    return None, document


def _too_deep(document: Any) -> bool:
    """Deeper than MAX_DEPTH: canonicalization recurses once a level, so this bounds it."""
    level: list[Any] = [document]
    for _ in range(MAX_DEPTH + 1):
        level = [
            child
            for node in level
            for child in (node.values() if isinstance(node, dict) else node if isinstance(node, list) else ())
        ]
        if not level:
            return False
    return True


def _check_received(document: Any, path: Path, shown: str) -> Problem | None:
    how = "ask the endorser for the file exactly as `badgepress endorse` wrote it"
    if not isinstance(document, dict):
        return Problem(shown, 0, "", "is not an EndorsementCredential (not a JSON object)", how)
    types = document.get("type")
    if not isinstance(types, list) or not {"VerifiableCredential", "EndorsementCredential"} <= set(types):
        return Problem(shown, 0, "type", "is not an EndorsementCredential", how)
    contexts = document.get("@context")
    if not (
        isinstance(contexts, list)
        and len(contexts) >= 2
        and contexts[0] == VC_V2
        and isinstance(contexts[1], str)
        and _OB_CONTEXT.match(contexts[1])
    ):
        return Problem(shown, 0, "@context", f"must start with {VC_V2} and an Open Badges 3.0 context", how)
    if not isinstance(document.get("id"), str):
        return Problem(shown, 0, "id", "is missing", how)
    subject = document.get("credentialSubject")
    if not isinstance(subject, dict) or not isinstance(subject.get("id"), str):
        return Problem(shown, 0, "credentialSubject.id", "is missing: what does it endorse?", how)
    issuer = document.get("issuer")
    did = issuer.get("id") if isinstance(issuer, dict) else issuer
    documents: dict[str, Doc] = {}
    if isinstance(did, str) and did.startswith("did:web:"):
        did_file = path.with_name(path.stem + ".did.json")
        if not did_file.is_file():
            return Problem(
                shown,
                0,
                "issuer",
                f"the DID document of {did} is missing",
                f"commit the endorser's DID document beside the endorsement as {did_file.name}",
            )
        try:
            documents[did] = json.loads(did_file.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, ValueError) as err:
            return Problem(f"{shown.rsplit('/', 1)[0]}/{did_file.name}", 0, "", f"is not JSON: {err}")
    elif isinstance(did, str) and did.startswith("did:key:"):
        try:
            documents[did] = resolve_did_key(did)
        except ValueError as err:
            return Problem(shown, 0, "issuer", f"{did} is not an Ed25519 did:key: {err}", how)
    else:
        return Problem(
            shown,
            0,
            "issuer",
            f"{did!r} is not a did:key or did:web endorser",
            "sign it with `badgepress endorse`",
        )
    try:
        check_signed(document, local_fetcher(documents))
    except (VerificationError, Unreachable, ValueError) as err:
        return Problem(shown, 0, "proof", f"the endorsement does not verify: {err}", how)
    return None


def check_subjects(
    received: Collection[ReceivedEndorsement], achievement_ids: Collection[str], issuer_did: str
) -> list[Problem]:
    """A problem for each endorsement of something that is not this program's, or by the program itself."""
    problems = []
    for item in received:
        if item.endorser_id == issuer_did:
            problems.append(
                Problem(
                    item.file,
                    0,
                    "issuer",
                    "is this program: a program does not endorse itself",
                    f"to endorse others, write a YAML file in endorsements/{GIVEN_FOLDER}/",
                )
            )
        elif item.subject != issuer_did and item.subject not in achievement_ids:
            example = sorted(achievement_ids)[0] if achievement_ids else "<site>/achievements/<slug>.json"
            problems.append(
                Problem(
                    item.file,
                    0,
                    "credentialSubject.id",
                    f"{item.subject} is not an achievement of this program, nor its issuer",
                    f"an endorsement names an achievement id such as {example}, or the issuer {issuer_did}",
                )
            )
    return problems


# ---------------------------------------------------------------- given


def load_given(folder: Path, shown_folder: str) -> tuple[list[Given], list[Problem]]:
    """Every ``*.yaml`` in ``folder``, validated, and the problems of the invalid ones."""
    given: list[Given] = []
    problems: list[Problem] = []
    if not folder.is_dir():
        return given, problems
    for path in sorted(p for p in folder.iterdir() if p.suffix in {".yaml", ".yml"}):
        shown = f"{shown_folder}/{path.name}"
        if not is_slug(path.stem):
            problems.append(Problem(shown, 1, "", _NAME_MESSAGE, "rename it"))
            continue
        source, errs = load_source(path, shown)
        problems.extend(errs)
        if source is None:
            continue
        spec, errs = parse_model(GivenEndorsement, source)
        problems.extend(errs)
        if spec is not None:
            given.append(Given(path.stem, shown, spec))
    return given, problems
