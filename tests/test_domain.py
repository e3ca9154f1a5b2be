"""The rules that belong to the domain types: what a slug is, how a recipient's name is shown."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from badgepress.domain import Award, display_name, is_slug, shown_name

from .test_bad_input import make_program, problems_of


@pytest.mark.parametrize("text", ["intro-to-python", "2026", "a", "cs-101-b"])
def test_a_slug_is_lowercase_ascii_letters_digits_and_dashes(text: str) -> None:
    assert is_slug(text)


@pytest.mark.parametrize("text", ["", "-intro", "Intro", "café", "a_b", "a b", "intro\n", "²"])
def test_anything_else_is_not_a_slug(text: str) -> None:
    assert not is_slug(text)


def test_an_achievement_file_name_outside_ascii_is_refused(tmp_path: Path) -> None:
    overlay = {"achievements/café.yaml": "name: Café\ndescription: A badge.\ncriteria: Attend.\n"}
    assert problems_of(make_program(tmp_path, overlay)) == [
        "achievements/café.yaml:1: the file name must be lowercase letters, digits and dashes "
        "(rename it, e.g. intro-to-python.yaml)"
    ]


AWARD = Award(
    credential_id="abcdefghijklmnop",
    achievement="intro",
    file="credentials/one.yaml",
    line=3,
    where=("recipient",),
    name="  Ada King Lovelace ",
    show_name="initial",
    identity_hash=None,
    salt=None,
    did="did:example:ada",
    issued=datetime(2026, 1, 5, tzinfo=UTC),
    expires=None,
    evidence=(),
    narrative=None,
    result=None,
    revoked=None,
    learner=None,
    learner_record=False,
)


@pytest.mark.parametrize(
    ("name", "show", "shown"),
    [
        ("  Ada King Lovelace ", "full", "Ada King Lovelace"),
        ("  Ada King Lovelace ", "initial", "Ada L."),
        ("Ada", "initial", "Ada"),
        ("Ada Lovelace", "none", None),
        ("   ", "full", None),
        (None, "full", None),
    ],
)
def test_a_name_is_shown_as_the_award_allows(name: str | None, show: str, shown: str | None) -> None:
    award = replace(AWARD, name=name, show_name=show)
    assert shown_name(award) == shown
    assert display_name(award) == (shown or "A recipient")
    assert display_name(award, "(name not shown)") == (shown or "(name not shown)")
