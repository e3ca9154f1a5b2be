"""Intake as plain functions: names, emails, rosters, cohort files, rollback."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from badgepress.build.status import load_ledger
from badgepress.cli.init import create_program
from badgepress.cli.intake import (
    award_file,
    create_achievement,
    create_award,
    dump_yaml,
    normalize_email,
    schema_header,
)
from badgepress.cli.roster import RosterError, import_roster, read_roster
from badgepress.domain import Program, slugify
from badgepress.errors import InputError
from badgepress.load.program import load_program
from badgepress.load.settings import read_config

from .conftest import REPO, copy_program


@pytest.fixture
def program(tmp_path: Path) -> Program:
    root = copy_program(tmp_path / "program")
    config = read_config(root / "mkdocs.yml")
    return load_program(config.root, config.settings)


@pytest.mark.parametrize(
    ("text", "slug"),
    [("Inès Dupont", "ines-dupont"), ("  O'Brien,  Seán ", "o-brien-sean"), ("李", ""), ("A--B__c", "a-b-c")],
)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_emails_are_validated_and_lowercased() -> None:
    assert normalize_email(" Ada@Example.ORG ") == "ada@example.org"
    for bad in ("", "ada", "ada@", "a b@example.org", "ada@@example.org"):
        with pytest.raises(ValueError, match="not a valid email address"):
            normalize_email(bad)


def test_award_file_is_stable_and_readable(program: Program) -> None:
    assert (
        award_file(program.settings, "Inès Dupont", "web-accessibility", date(2026, 3, 1))
        == "credentials/2026/ines-dupont-web-accessibility.yaml"
    )
    assert award_file(program.settings, "李", "x", date(2026, 3, 1)) == "credentials/2026/recipient-x.yaml"


def test_new_yaml_has_a_schema_line_literal_blocks_and_plain_dates(tmp_path: Path) -> None:
    text = dump_yaml({"issued": date(2026, 5, 1), "criteria": "one\n\ntwo", "tags": ["a", "b"]})
    assert text == "issued: 2026-05-01\ncriteria: |\n  one\n\n  two\ntags:\n  - a\n  - b\n"
    assert schema_header(REPO, REPO / "credentials/2026/x.yaml", "award.schema.json") == (
        "# yaml-language-server: $schema=../../plugins/badgepress/schemas/award.schema.json\n"
    )
    assert schema_header(tmp_path, tmp_path / "achievements/x.yaml", "achievement.schema.json") == (
        "# yaml-language-server: $schema=../schemas/achievement.schema.json\n"
    )


def test_create_achievement_validates_through_the_model(program: Program) -> None:
    root, settings = program.root, program.settings
    with pytest.raises(
        InputError, match="achievement_type: is not a known achievement type; did you mean Badge"
    ):
        create_achievement(
            root, settings, "x", name="X", description="d", criteria="c", achievement_type="Bagde"
        )
    with pytest.raises(InputError, match="name: must not be empty"):
        create_achievement(root, settings, "x", name="", description="d", criteria="c")
    with pytest.raises(InputError, match="already exists"):
        create_achievement(root, settings, "git-collaboration", name="X", description="d", criteria="c")
    with pytest.raises(InputError, match="lowercase letters, digits and dashes"):
        create_achievement(root, settings, "Not A Slug", name="X", description="d", criteria="c")
    assert not (root / "achievements/x.yaml").exists()
    path = create_achievement(
        root, settings, "pairing", name="Pairing", description="Paired.", criteria="Pair twice.", tags=["t"]
    )
    # a copy of the example has no plugins/ folder: the schemas of `badgepress init` are assumed
    assert path.read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=../schemas/achievement.schema.json\n"
    )
    assert load_program(root, settings).achievements["pairing"].spec.tags == ["t"]


def roster(text: str, columns: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return read_roster(text, "people.csv", columns)


def test_rosters_from_real_spreadsheets() -> None:
    # a BOM, semicolons, a blank line, CRLF and headers in the spreadsheet's own words
    table = roster(
        "\ufeffName;E-mail Address;Grade\r\nAda;ada@example.org;A\r\n;;\r\n\r\nBen;ben@example.org;B\r\n"
    )
    assert table.columns == {"name": "Name", "email": "E-mail Address", "result": "Grade"}
    assert [(r.row, r.values["name"]) for r in table.rows] == [(2, "Ada"), (5, "Ben")]
    custom = roster("Student,Contact\nAda,ada@example.org\n", {"name": "student", "email": "Contact"})
    assert custom.columns == {"name": "Student", "email": "Contact"}
    with pytest.raises(RosterError, match=r"people\.csv is empty"):
        roster("")


def test_every_bad_row_is_reported_with_its_row_and_column(program: Program) -> None:
    table = roster(
        "name,email,date,evidence,grade\n"
        "Ada,ada@example.org,2026-05-01,https://example.org/a,A\n"
        "Ben,ben@example,2026-05-01,,B\n"
        "Cleo,cleo@example.org,May 1st,,A\n"
        "Dan,dan@example.org,2026-05-01,example.org/d,A\n"
        "Eve,eve@example.org,2026-05-01,,F\n"
        "Ada L.,ADA@example.org,2026-05-01,,A\n"
        ",fay@example.org,2026-05-01,,B\n"
        "Gus,,2026-05-01,,B\n"
    )
    with pytest.raises(RosterError) as caught:
        import_roster(program, table, "python-foundations")
    assert caught.value.problems == [
        "people.csv row 3, column 'email': not a valid email address",
        "people.csv row 4, column 'date': 'May 1st' is not a date; write YYYY-MM-DD",
        "people.csv row 5, column 'evidence': not a web address (it must start with https:// or http://)",
        "people.csv row 6, column 'grade': 'F' is not one of A, B, C",
        "people.csv row 7, column 'email': the same address is on row 2",
        "people.csv row 8, column 'name': is empty",
        "people.csv row 9, column 'email': is empty",
    ]
    assert "nothing was written" in str(caught.value)


def test_a_result_needs_an_achievement_that_declares_one(program: Program) -> None:
    table = roster("name,email,result\nAda,ada@example.org,A\n")
    with pytest.raises(
        RosterError, match="row 2, column 'result': achievement 'git-collaboration' declares no"
    ):
        import_roster(program, table, "git-collaboration", issued=date(2026, 5, 1))


def test_people_who_already_hold_the_badge_are_refused(program: Program) -> None:
    create_award(program, "git-collaboration", name="Ada", email="ada@example.org", issued=date(2026, 5, 1))
    program = load_program(program.root, program.settings)
    table = roster("name,email\nBen,ben@example.org\nAda L.,Ada@Example.org\n")
    with pytest.raises(RosterError) as caught:
        import_roster(program, table, "git-collaboration", issued=date(2026, 6, 1))
    assert caught.value.problems == [
        "people.csv row 3, column 'email': already holds 'git-collaboration' "
        "(credentials/2026/ada-git-collaboration.yaml:4)"
    ]
    with pytest.raises(InputError, match="already holds 'git-collaboration'"):
        create_award(program, "git-collaboration", name="A", email="ada@example.org", issued=date(2026, 7, 1))


def test_import_writes_one_cohort_file_and_its_ledger_lines(program: Program) -> None:
    table = roster(
        "name,email,date,grade\n"
        "Ada,ada@example.org,2026-05-01,A\n"
        "Ben,ben@example.org,2026-05-01,B\n"
        "Cleo,cleo@example.org,2026-05-03,\n"
    )
    seen: list[int] = []
    issued = import_roster(program, table, "python-foundations", on_row=lambda: seen.append(1))
    assert len(seen) == 3  # the progress display advances once a row
    assert issued.file == "credentials/2026/python-foundations-2026-05-01.yaml"
    data = yaml.safe_load((program.root / issued.file).read_text(encoding="utf-8"))
    assert str(data["issued"]) == "2026-05-01"
    assert [r.get("result") for r in data["recipients"]] == ["A", "B", None]
    assert str(data["recipients"][2]["issued"]) == "2026-05-03"
    ledger, problems = load_ledger(program.root / "status-ledger.yaml", "status-ledger.yaml")
    assert not problems and set(issued.credential_ids) <= set(ledger.indices)
    assert set(issued.ledger_added) == set(issued.credential_ids) and len(issued.credential_ids) == 3
    reloaded = load_program(program.root, program.settings)
    assert {a.credential_id for a in reloaded.awards if a.file == issued.file} == set(issued.credential_ids)
    with pytest.raises(InputError, match="already exists"):
        import_roster(
            program,
            roster("name,email\nZed,zed@example.org\n"),
            "python-foundations",
            issued=date(2026, 5, 1),
        )


def test_a_failed_write_leaves_nothing_behind(program: Program, monkeypatch: pytest.MonkeyPatch) -> None:
    root = program.root
    ledger_before = (root / "status-ledger.yaml").read_bytes()

    def broken(*args: object) -> None:
        raise InputError([])

    monkeypatch.setattr("badgepress.cli.intake.write_ledger", broken)
    with pytest.raises(InputError):
        create_award(
            program, "git-collaboration", name="Zed", email="zed@example.org", issued=date(2031, 1, 2)
        )
    assert not (root / "credentials/2031").exists()
    assert (root / "status-ledger.yaml").read_bytes() == ledger_before


def test_award_files_stay_inside_the_credentials_folder(program: Program) -> None:
    with pytest.raises(InputError, match="outside the credentials/ folder"):
        create_award(
            program,
            "git-collaboration",
            name="Zed",
            email="zed@example.org",
            issued=date(2026, 1, 2),
            file="docs/zed.yaml",
        )


def test_create_program_refuses_a_non_empty_folder_and_personalizes(tmp_path: Path) -> None:
    files = [
        (
            "mkdocs.yml",
            b"site_name: Example Badge Program\nsite_url: https://example-org.github.io/badges/\n"
            b"repo_url: https://github.com/example-org/badges\n",
        ),
        ("requirements.txt", b"badgepress>=0.1,<0.2\n"),
    ]
    target = tmp_path / "new"
    create_program(
        target,
        files,
        name="Riverside",
        site_url="https://riverside.github.io/club",
        requirement="badgepress==0.3.1",
    )
    assert (target / "mkdocs.yml").read_text() == (
        "site_name: Riverside\nsite_url: https://riverside.github.io/club/\n"
        "repo_url: https://github.com/riverside/club\n"
    )
    assert (target / "requirements.txt").read_text() == "badgepress==0.3.1\n"
    with pytest.raises(InputError, match="not an empty folder"):
        create_program(target, files)
    with pytest.raises(InputError, match="not a web address"):
        create_program(tmp_path / "other", files, site_url="riverside.github.io")
