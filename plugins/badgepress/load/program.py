"""Validate stage, part two: a whole program, with references resolved.

``load_program`` reads every achievement and award file under a program
root, validates them against :mod:`model`, resolves references between them
and returns one immutable :class:`Program`. It collects every problem before
failing, and raises a single :class:`InputError` listing them all.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import hashlib
import secrets
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from badgepress import clock
from badgepress.cache import Store, fingerprint
from badgepress.domain import Achievement, Award, Evidence, Program, Revocation, is_slug
from badgepress.errors import InputError, Problem
from badgepress.load.award_cache import read_awards
from badgepress.load.endorsements import GIVEN_FOLDER, load_given, load_received
from badgepress.load.files import (
    IMAGE_TYPES,
    folder_problems,
    image_size_problem,
    inside,
    issuer_image_problems,
    links_in,
    yaml_files,
)
from badgepress.load.model import AchievementIn, AwardFields, AwardIn, RecipientIn, add_period
from badgepress.load.settings import Settings
from badgepress.load.source import Path_, Source, dotted, load_source, read_bounded
from badgepress.load.validation import parse_model


def award_key(program: Program, award: Award) -> str:
    """A digest of every field of ``award``: kept from reading it if it is the very object read."""
    kept = program.award_keys.get(award.credential_id)
    if kept is not None and kept[0] is award:
        return kept[1]
    return fields_key(award)


def fields_key(award: Award) -> str:
    """A digest of what an award's credential holds: every field but its place and its revocation.

    A line inserted above an award in a cohort file moves it without changing
    its credential, and revoking it changes the status list and its page, not
    the signed credential: neither must make the credential's key change.
    """
    return fingerprint(repr(dataclasses.replace(award, line=0, where=(), revoked=None)))


def hash_identity(email: str, salt: str) -> str:
    """OB 3.0 IdentityObject hash: ``sha256$`` + hex SHA-256 of identity + salt."""
    return "sha256$" + hashlib.sha256((email + salt).encode("utf-8")).hexdigest()


def new_salt() -> str:
    return secrets.token_hex(16)


def credential_id_for(file: str, identity_key: str) -> str:
    """Opaque, stable id: depends only on the award file's path and the recipient's identity."""
    digest = hashlib.sha256(f"badgepress-credential\n{file}\n{identity_key}".encode()).digest()
    return base64.b32encode(digest).decode("ascii").lower()[:16]


def load_program(
    root: Path, settings: Settings, store: Store | None = None, now: datetime | None = None
) -> Program:
    """Read, validate and cross-check every file of the program under ``root``.

    With a ``store``, an award file whose bytes, settings and achievements are
    those of the last build is not parsed again: its awards come from the store.
    ``now`` (default: the clock's) bounds issue dates: none more than a year ahead of it.
    """
    problems: list[Problem] = []
    broken: set[str] = set()
    problems.extend(folder_problems(root, settings))
    if problems:
        raise InputError(problems)
    problems.extend(issuer_image_problems(root, settings))
    achievements = _load_achievements(root, settings, problems, broken)
    award_keys: dict[str, tuple[Award, str]] = {}
    awards = _load_awards(root, settings, achievements, problems, broken, award_keys, store)
    problems.extend(_future_awards(root, awards, clock.now() if now is None else now))
    folder = settings.endorsements_dir.rstrip("/")
    linked = links_in(root / folder, folder) + links_in(
        root / folder / GIVEN_FOLDER, f"{folder}/{GIVEN_FOLDER}"
    )
    if linked:  # not read at all: a link's target would be published
        problems.extend(linked)
        raise InputError(problems)
    received, errs = load_received(root / folder, folder)
    problems.extend(errs)
    given, errs = load_given(root / folder / GIVEN_FOLDER, f"{folder}/{GIVEN_FOLDER}")
    problems.extend(errs)
    if problems:
        raise InputError(problems)
    return Program(
        root,
        settings,
        achievements,
        tuple(awards),
        received_endorsements=tuple(received),
        given_endorsements=tuple(given),
        award_keys=award_keys,
    )


def _future_awards(root: Path, awards: list[Award], now: datetime) -> list[Problem]:
    """An award issued more than a year after ``now``: a typo in the year, or a credential not yet earned.

    Checked after reading (awards kept in the store included), so that the
    window moves with the clock; the rare file at fault is read again for its line.
    """
    horizon = add_period(now, "1 year")
    problems = []
    for award in awards:
        if award.issued <= horizon:
            continue
        source, _ = load_source(root / award.file, award.file)
        at: Path_ = award.where
        for where in ((*award.where, "issued"), ("issued",)):
            if source is not None and where in source.lines:
                at = where
                break
        line = source.line_of(at) if source else award.line
        problems.append(
            Problem(
                award.file,
                line,
                dotted(at),
                f"{award.issued:%Y-%m-%d} is more than a year after today ({now:%Y-%m-%d})",
                "check the year; award a credential once it is earned",
            )
        )
    return problems


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _load_achievements(
    root: Path, settings: Settings, problems: list[Problem], broken: set[str]
) -> dict[str, Achievement]:
    folder = root / settings.achievements_dir
    found: dict[str, Achievement] = {}
    if not folder.is_dir():
        problems.append(
            Problem(
                settings.achievements_dir, 0, "", "folder not found", "create it and add an achievement file"
            )
        )
        return found
    for parts in yaml_files(folder, False, settings.achievements_dir.rstrip("/"), problems):
        path = folder.joinpath(*parts)
        shown = _rel(root, path)
        source, errs = load_source(path, shown)
        problems.extend(errs)
        broken.add(path.stem)
        if source is None:
            continue
        slug = path.stem
        if not is_slug(slug):
            problems.append(
                Problem(
                    shown,
                    1,
                    "",
                    "the file name must be lowercase letters, digits and dashes",
                    "rename it, e.g. intro-to-python.yaml",
                )
            )
            continue
        spec, errs = parse_model(AchievementIn, source)
        problems.extend(errs)
        if spec is None:
            continue
        broken.discard(slug)
        image_path = None
        if spec.image:
            image_path = (path.parent / spec.image).absolute()
            found_at = inside(root, image_path)
            if isinstance(found_at, str):
                hint = "keep the image beside this file"
                problems.append(source.problem(("image",), f"{spec.image!r} {found_at}", hint))
                image_path = None
            elif found_at.suffix.lower() not in IMAGE_TYPES:
                problems.append(source.problem(("image",), "must be a .png or .svg file"))
            elif not (image_path := found_at).is_file():
                problems.append(
                    source.problem(
                        ("image",),
                        f"file {spec.image!r} not found next to {shown}",
                        "check the name, or remove the line to use a generated badge",
                    )
                )
            elif too_large := image_size_problem(image_path):
                hint = "make it smaller: it is shown at 240 pixels, and baked into every credential"
                problems.append(source.problem(("image",), f"{spec.image!r} {too_large}", hint))
        found[slug] = Achievement(slug, spec, shown, image_path)
    for slug, achievement in found.items():
        related = achievement.spec.related
        for prerequisite in related.prerequisites if related else []:
            if prerequisite not in found:
                source, _ = load_source(root / achievement.file, achievement.file)
                line = source.line_of(("related", "prerequisites")) if source else 1
                problems.append(
                    Problem(
                        achievement.file,
                        line,
                        "related.prerequisites",
                        f"no achievement named {prerequisite!r}",
                        _known(found),
                    )
                )
        if related and slug in related.prerequisites:
            problems.append(
                Problem(achievement.file, 1, "related.prerequisites", "an achievement cannot require itself")
            )
    return found


def _known(achievements: Any) -> str:
    names = ", ".join(sorted(achievements)) or "none yet"
    return f"known achievements: {names}"


def _load_awards(
    root: Path,
    settings: Settings,
    achievements: Mapping[str, Achievement],
    problems: list[Problem],
    broken: set[str],
    award_keys: dict[str, tuple[Award, str]],
    store: Store | None = None,
) -> list[Award]:
    folder = root / settings.credentials_dir
    prefix = _rel(root, folder)
    listed = yaml_files(folder, True, prefix, problems)
    shown = ["/".join(parts) if prefix == "." else "/".join([prefix, *parts]) for parts in listed]

    def make(source: Source, found: list[Problem]) -> list[tuple[Award, str]]:
        return [(a, fields_key(a)) for a in _file_awards(source, settings, achievements, found, broken)]

    # everything an award file's awards depend on besides its own path and bytes
    context = (
        "" if store is None else fingerprint(repr((settings, sorted(achievements.items()), sorted(broken))))
    )
    found: list[list[tuple[Award, str]] | None] = []
    for parts, name in zip(listed, shown, strict=True):
        file, raw = folder.joinpath(*parts), None
        if store is not None:
            with contextlib.suppress(OSError):  # if so, load_source reports it
                raw = read_bounded(file)  # no more than load_source reads: a larger file is refused
        if store is None or raw is None:
            source, errs = load_source(file, name)
            pairs = make(source, errs) if source is not None else None
        else:
            pairs, errs = read_awards(store, fingerprint(context, name), raw, name, make)
        problems.extend(errs)
        found.append(pairs)
    awards: list[Award] = []
    seen: dict[str, str] = {}
    for name, file_awards in zip(shown, found, strict=True):
        for award, key in file_awards or ():
            award_keys[award.credential_id] = (award, key)
            if award.credential_id in seen:
                problems.append(
                    Problem(
                        name,
                        award.line,
                        dotted(award.where),
                        f"the same recipient is awarded twice (also in {seen[award.credential_id]})",
                        "remove one of the two entries",
                    )
                )
                continue
            seen[award.credential_id] = f"{name}:{award.line}"
            awards.append(award)
    return awards


def _file_awards(
    source: Source,
    settings: Settings,
    achievements: Mapping[str, Achievement],
    problems: list[Problem],
    broken: set[str],
) -> list[Award]:
    """The awards of one parsed award file, its problems added to ``problems``."""
    spec, errs = parse_model(AwardIn, source)
    problems.extend(errs)
    if spec is None:
        # the file's shape is wrong somewhere: what can be read of it is still checked, so that
        # a person sees every problem of the file at once rather than one stage at a time
        _check_partly(source, settings, achievements, problems, broken)
        return []
    achievement = achievements.get(spec.achievement)
    if achievement is None and spec.achievement not in broken:
        problems.append(
            source.problem(
                ("achievement",),
                f"no achievement named {spec.achievement!r}",
                _known([*achievements, *broken]),
            )
        )
        return []
    # with a broken achievement file (reported already), the award's own fields are still checked
    if spec.recipient is not None:
        entries: list[tuple[Path_, RecipientIn]] = [(("recipient",), spec.recipient)]
    else:
        entries = [(("recipients", i), r) for i, r in enumerate(spec.recipients or [])]
    awards = []
    for where, recipient in entries:
        award = _award(source, spec, where, recipient, achievement, settings, problems)
        if award is not None and achievement is not None:
            awards.append(award)
    return awards


def _check_partly(
    source: Source,
    settings: Settings,
    achievements: Mapping[str, Achievement],
    problems: list[Problem],
    broken: set[str],
) -> None:
    """The checks after the shape's, on the parts of an award file whose shape is right."""
    data = source.data
    if not isinstance(data, dict):
        return
    slug = data.get("achievement")
    achievement = achievements.get(slug) if isinstance(slug, str) else None
    if isinstance(slug, str) and achievement is None and slug not in broken and is_slug(slug):
        problems.append(
            source.problem(
                ("achievement",), f"no achievement named {slug!r}", _known([*achievements, *broken])
            )
        )
    shared = {k: v for k, v in data.items() if k in AwardFields.model_fields}
    fields, _ = parse_model(AwardFields, source, shared)
    if fields is None or achievement is None:
        return
    raw = data.get("recipients")
    entries: list[tuple[Path_, Any]] = (
        [(("recipients", i), r) for i, r in enumerate(raw)] if isinstance(raw, list) else []
    )
    if "recipient" in data:
        entries.append((("recipient",), data["recipient"]))
    for where, item in entries:
        recipient, _ = parse_model(RecipientIn, source, item, where)  # reported already
        if recipient is not None:
            _award(source, fields, where, recipient, achievement, settings, problems)


def _pick(recipient: AwardFields, award: AwardFields, name: str) -> Any:
    value = getattr(recipient, name)
    return getattr(award, name) if value is None else value


def _award(
    source: Source,
    spec: AwardFields,
    where: Path_,
    recipient: RecipientIn,
    achievement: Achievement | None,
    settings: Settings,
    problems: list[Problem],
) -> Award | None:
    """One recipient's award, or None with every problem of it added to ``problems``."""
    before = len(problems)
    identity_hash, salt = recipient.identity, recipient.salt
    if recipient.email:
        salt = hashlib.sha256(f"badgepress-salt\n{source.path}\n{recipient.email}".encode()).hexdigest()[:32]
        if settings.recipient_emails != "plain":
            problems.append(
                source.problem(
                    (*where, "email"),
                    "a plain email address must not be kept in a public repository",
                    f"replace the line with 'identity: {hash_identity(recipient.email, salt)}' "
                    f"and 'salt: {salt}' "
                    "(or set recipient_emails: plain for a private repository)",
                )
            )
        identity_hash = hash_identity(recipient.email, salt)
    issued = _pick(recipient, spec, "issued")
    if issued is None:
        problems.append(
            source.problem(
                where, "has no 'issued' date", "add 'issued: YYYY-MM-DD' to the award or the recipient"
            )
        )
    expires = _pick(recipient, spec, "expires")
    if achievement is None:
        return None
    if expires is None and achievement.spec.valid_for and issued is not None:
        expires = add_period(issued, achievement.spec.valid_for)
    if expires is not None and issued is not None and expires <= issued:
        set_at = (*where, "expires") if recipient.expires is not None else ("expires",)
        if recipient.expires is None and spec.expires is None:
            set_at = where  # from the achievement's valid_for
        problems.append(source.problem(set_at, "is not after the issued date"))
    result = _pick(recipient, spec, "result")
    result_spec = achievement.spec.result
    result_at = (*where, "result") if recipient.result is not None else ("result",)
    if result is not None and result_spec is None:
        problems.append(
            source.problem(
                result_at,
                f"achievement {achievement.slug!r} declares no result",
                "add a 'result' block to the achievement file, or remove this line",
            )
        )
    elif result is not None and result_spec and result_spec.values and result not in result_spec.values:
        problems.append(
            source.problem(result_at, f"{result!r} is not one of {', '.join(result_spec.values)}")
        )
    if len(problems) > before or issued is None:
        return None
    identity_key = identity_hash or recipient.did or ""
    return Award(
        credential_id=credential_id_for(source.path, identity_key),
        achievement=achievement.slug,
        file=source.path,
        line=source.line_of(where),
        where=where,
        name=recipient.name,
        show_name=recipient.show_name or spec.show_name or settings.show_names,
        identity_hash=identity_hash,
        salt=salt,
        did=recipient.did,
        issued=issued,
        expires=expires,
        evidence=tuple(Evidence(**e.model_dump()) for e in _pick(recipient, spec, "evidence") or ()),
        narrative=_pick(recipient, spec, "narrative"),
        result=result,
        revoked=Revocation(**recipient.revoked.model_dump()) if recipient.revoked else None,
        learner=recipient.learner,
        learner_record=bool(_pick(recipient, spec, "learner_record")),
    )
