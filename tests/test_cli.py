"""The `badgepress` command end to end: init → new-achievement → import → check → build → verify."""

from __future__ import annotations

import csv
import hashlib
import re
from pathlib import Path

import pytest
import yaml

from badgepress.load.program import hash_identity
from badgepress.sign.keys import KeyPair, key_from_environment

from .conftest import REPO, badgepress, mkdocs_build

pytestmark = pytest.mark.clock  # scripts/test runs these again a year ahead

# the tests run an editable Badgepress, which a program's workflows could not install
LOCAL = ("--requirement", "badgepress==0.1.0")


def tree(root: Path) -> dict[str, str]:
    """Every file under root with the hash of its bytes: to prove nothing was written."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def ok(*args: str, cwd: Path) -> str:
    run = badgepress(*args, cwd=cwd)
    assert run.returncode == 0, run.stdout + run.stderr
    return run.stdout + run.stderr


def fails(*args: str, cwd: Path) -> str:
    run = badgepress(*args, cwd=cwd)
    assert run.returncode != 0, run.stdout + run.stderr
    return run.stdout + run.stderr


def write_roster(path: Path, rows: list[list[str]], header: list[str]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def key_from_keygen(output: str) -> KeyPair:
    secret = re.search(r"^BADGEPRESS_SIGNING_KEY=(\S+)$", output, re.MULTILINE)
    assert secret, output
    key = key_from_environment({"BADGEPRESS_SIGNING_KEY": secret.group(1)})
    assert key is not None
    return key


@pytest.fixture(scope="module")
def program(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cli") / "riverside"
    ok("init", str(root), "--name", "Riverside Robotics Club", *LOCAL, cwd=root.parent)
    return root


def test_init_makes_a_program_that_checks_and_refuses_a_non_empty_folder(program: Path) -> None:
    for name in (
        "mkdocs.yml",
        "README.md",
        "requirements.txt",
        "status-ledger.yaml",
        ".gitignore",
        ".pre-commit-config.yaml",
        ".github/CODEOWNERS",
        ".github/workflows/pull-request.yml",
        ".github/workflows/pull-request-comment.yml",
        ".github/workflows/publish.yml",
        "docs/index.md",
        "schemas/award.schema.json",
        "schemas/achievement.schema.json",
    ):
        assert (program / name).is_file(), name
    assert "site_name: Riverside Robotics Club" in (program / "mkdocs.yml").read_text(encoding="utf-8")
    assert list((program / "achievements").glob("*.yaml")) and list((program / "credentials").rglob("*.yaml"))
    assert "ok: 1 achievements, 1 credentials" in ok("check", cwd=program)
    assert "not an empty folder" in fails("init", str(program), *LOCAL, cwd=program.parent)


def test_a_new_program_previews_without_a_key_and_refuses_to_deploy_without_one(
    program: Path, tmp_path: Path
) -> None:
    preview = mkdocs_build(program, tmp_path / "preview")  # what the pull request workflow runs
    assert preview.returncode == 0, preview.output
    assert (tmp_path / "preview/.nojekyll").is_file() and (tmp_path / "preview/did.json").is_file()
    deploy = mkdocs_build(program, tmp_path / "deploy", extra_env={"BADGEPRESS_REQUIRE_KEY": "1"})
    assert deploy.returncode != 0 and "no signing key" in deploy.output


def test_the_whole_path_from_init_to_verified_credentials(program: Path, tmp_path: Path) -> None:
    ok(
        "new-achievement",
        "robot-builder",
        "--name",
        "Robot Builder",
        "--description",
        "Built a robot that drives itself through a maze.",
        "--criteria",
        "Build it, then\n\n1. show it to a mentor;\n2. publish its code.",
        "--type",
        "Competency",
        "--tag",
        "robots",
        cwd=program,
    )
    achievement = yaml.safe_load((program / "achievements/robot-builder.yaml").read_text(encoding="utf-8"))
    assert achievement["achievement_type"] == "Competency" and achievement["tags"] == ["robots"]
    assert "already exists" in fails(
        "new-achievement",
        "robot-builder",
        "--name",
        "x",
        "--description",
        "y",
        "--criteria",
        "z",
        cwd=program,
    )

    # A roster with bad rows: every problem named by row and column, and nothing written.
    bad = write_roster(
        tmp_path / "bad.csv",
        [
            ["Ada Lovelace", "ada@example.org", "2026-06-01"],
            ["", "nameless@example.org", "2026-06-01"],
            ["Bad Mail", "not-an-email", "2026-06-01"],
            ["Bad Date", "date@example.org", "01/06/2026"],
            ["Ada Again", "ADA@example.org", "2026-06-01"],
        ],
        ["Full Name", "Email", "Date"],
    )
    before = tree(program)
    message = fails("import", str(bad), "--achievement", "robot-builder", cwd=program)
    assert "nothing was written" in message
    assert "bad.csv row 3, column 'Full Name': is empty" in message
    assert "bad.csv row 4, column 'Email': not a valid email address" in message
    assert "bad.csv row 5, column 'Date': '01/06/2026' is not a date; write YYYY-MM-DD" in message
    assert "bad.csv row 6, column 'Email': the same address is on row 2" in message
    assert "ada@example.org" not in message.lower()
    assert tree(program) == before

    # 50 people, with headers of a spreadsheet's own naming.
    rows = [
        [
            f"Learner {n:02d} Maker",
            f"learner{n}@example.org",
            "",
            f"https://example.org/robots/{n}" if n % 5 else "",
        ]
        for n in range(50)
    ]
    roster = write_roster(tmp_path / "roster.csv", rows, ["Student", "Mail", "Awarded on", "Link"])
    output = ok(
        "import",
        str(roster),
        "--achievement",
        "robot-builder",
        "--column",
        "name=Student",
        "--column",
        "email=Mail",
        "--column",
        "date=Awarded on",
        "--column",
        "evidence_url=Link",
        "--date",
        "2026-06-30",
        cwd=program,
    )
    assert "50 credential(s), 50 line(s) added" in output
    cohort = program / "credentials/2026/robot-builder-2026-06-30.yaml"
    text = cohort.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schemas/award.schema.json\n")
    assert "@example.org" not in text  # hashed at intake
    data = yaml.safe_load(text)
    assert len(data["recipients"]) == 50
    first = data["recipients"][0]
    assert first["identity"] == hash_identity("learner0@example.org", first["salt"])
    assert len({r["salt"] for r in data["recipients"]}) == 50  # a fresh salt each
    ledger = yaml.safe_load((program / "status-ledger.yaml").read_text(encoding="utf-8"))["indices"]
    assert len(ledger) == 51

    # A second import of the same people is refused: they already hold the badge.
    again = fails(
        "import",
        str(roster),
        "--achievement",
        "robot-builder",
        "--column",
        "name=Student",
        "--column",
        "email=Mail",
        "--cohort-file",
        "credentials/2026/again.yaml",
        cwd=program,
    )
    assert "already holds 'robot-builder'" in again
    assert not (program / "credentials/2026/again.yaml").exists()

    assert "ok: 2 achievements, 51 credentials" in ok("check", cwd=program)

    # The signing key, listed through keygen's own output, and a strict signed build.
    key = key_from_keygen(ok("keygen", "--add", "--id", "key-2026", cwd=program))
    build = mkdocs_build(program, tmp_path / "site", key, {"BADGEPRESS_REQUIRE_KEY": "1"})
    assert build.returncode == 0, build.output
    files = sorted(str(p) for p in (tmp_path / "site/credentials").glob("*.json"))
    assert len(files) == 51
    result = ok("verify", "--site", str(tmp_path / "site"), *files, cwd=program)
    assert result.strip().endswith("51 verified")
    assert (tmp_path / "site/.nojekyll").is_file()


def test_award_writes_one_hashed_file_with_its_ledger_line(program: Path) -> None:
    output = ok(
        "award",
        "first-contribution",
        "--name",
        "Inès Dupont",
        "--email",
        "Ines@Example.org",
        "--date",
        "2026-05-01",
        "--narrative",
        "Fixed the build.",
        "--evidence-url",
        "https://example.org/pr/1",
        cwd=program,
    )
    path = program / "credentials/2026/ines-dupont-first-contribution.yaml"
    assert "1 credential(s), 1 line(s) added" in output
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    recipient = data["recipient"]
    assert recipient["name"] == "Inès Dupont" and "email" not in recipient
    assert recipient["identity"] == hash_identity("ines@example.org", recipient["salt"])
    assert data["evidence"] == [{"url": "https://example.org/pr/1"}] and str(data["issued"]) == "2026-05-01"
    ledger = (program / "status-ledger.yaml").read_text(encoding="utf-8")
    assert ledger.rstrip().endswith("# credentials/2026/ines-dupont-first-contribution.yaml")

    before = tree(program)
    assert "already exists" in fails(
        "award",
        "first-contribution",
        "--name",
        "Inès Dupont",
        "--email",
        "x@example.org",
        "--date",
        "2026-05-01",
        cwd=program,
    )
    assert "already holds" in fails(
        "award", "first-contribution", "--name", "Ines D", "--email", "ines@example.org", cwd=program
    )
    assert "no achievement named 'nope'" in fails(
        "award", "nope", "--name", "A", "--email", "a@example.org", cwd=program
    )
    message = fails("award", "first-contribution", "--name", "B", "--email", "b@@example", cwd=program)
    assert "not a valid email address" in message and "b@@example" not in message
    assert tree(program) == before


def test_plain_emails_only_when_the_program_says_so(tmp_path: Path) -> None:
    root = tmp_path / "private"
    ok("init", str(root), *LOCAL, cwd=tmp_path)
    config = root / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "      show_names: initial\n", "      show_names: initial\n      recipient_emails: plain\n"
        ),
        encoding="utf-8",
    )
    ok("award", "first-contribution", "--name", "Kai Private", "--email", "kai@example.org", cwd=root)
    data = yaml.safe_load(
        (root / "credentials" / f"{_year()}/kai-private-first-contribution.yaml").read_text()
    )
    assert data["recipient"] == {"name": "Kai Private", "email": "kai@example.org"}
    assert "ok: 1 achievements, 2 credentials" in ok("check", cwd=root)


def _year() -> str:
    from badgepress import clock

    return f"{clock.now():%Y}"


def test_keygen_add_and_retire_edit_mkdocs_yml_keeping_its_comments(tmp_path: Path) -> None:
    root = tmp_path / "keys"
    ok("init", str(root), *LOCAL, cwd=tmp_path)
    first = key_from_keygen(ok("keygen", "--add", "--id", "key-a", cwd=root))
    second = key_from_keygen(ok("keygen", "--add", "--id", "key-b", "--retire", "key-a", cwd=root))
    text = (root / "mkdocs.yml").read_text(encoding="utf-8")
    assert "# Every public signing key, old ones included" in text
    keys = yaml.safe_load(text.replace("!!python", "python"))["plugins"][1]["badgepress"]["keys"]
    assert keys == [
        {"id": "key-a", "public_key": first.public_key_multibase, "retired": True},
        {"id": "key-b", "public_key": second.public_key_multibase},
    ]
    assert "already listed" in fails("keygen", "--add", "--id", "key-b", cwd=root)
    assert "no key named 'key-x'" in fails("keygen", "--add", "--id", "key-c", "--retire", "key-x", cwd=root)
    assert "ok:" in ok("check", cwd=root)
    printed = ok("keygen", "--id", "key-z", cwd=root)  # without --add: prints, edits nothing
    assert "- id: key-z" in printed and "key-z" not in (root / "mkdocs.yml").read_text(encoding="utf-8")


def test_import_needs_a_name_and_an_email_column(program: Path, tmp_path: Path) -> None:
    roster = write_roster(tmp_path / "r.csv", [["A", "2026-01-01"]], ["Who", "When"])
    message = fails("import", str(roster), "--achievement", "first-contribution", cwd=program)
    assert "no name column" in message and "no email column" in message and "--column name=HEADER" in message
    message = fails(
        "import", str(roster), "--achievement", "first-contribution", "--column", "mail=Who", cwd=program
    )
    assert "unknown field" in message


def test_the_existing_commands_still_work() -> None:
    assert "ok:" in ok("check", cwd=REPO)
    output = ok("keygen", cwd=REPO)
    assert "BADGEPRESS_SIGNING_KEY=z" in output and "public_key: z6Mk" in output
    for command in ("revoke", "verify", "schemas", "summary", "import", "award", "new-achievement", "init"):
        assert badgepress(command, "--help").returncode == 0, command


ADDRESS = re.compile(
    r"^  ([a-z2-7]{16})  (https://example-org\.github\.io/badges/credentials/\1/)$", re.MULTILINE
)


def test_award_and_import_print_each_credential_address_and_revoke_takes_any_of_them(
    tmp_path: Path,
) -> None:
    root = tmp_path / "addresses"
    ok("init", str(root), *LOCAL, cwd=tmp_path)
    from badgepress.load.program import load_program
    from badgepress.load.settings import read_config

    output = ok("award", "first-contribution", "--name", "Zoe Quinn", "--email", "zoe@example.org", cwd=root)
    (zoe, zoe_page), *more = ADDRESS.findall(output)
    assert not more
    rows = [["Ana Ruiz", "ana@example.org"], ["Bo Chen", "bo@example.org"]]
    roster = write_roster(tmp_path / "r.csv", rows, ["name", "email"])
    imported = ADDRESS.findall(ok("import", str(roster), "--achievement", "first-contribution", cwd=root))
    config = read_config(root / "mkdocs.yml")
    program = load_program(config.root, config.settings)
    by_name = {a.name: a.credential_id for a in program.awards}
    assert zoe == by_name["Zoe Quinn"]
    assert [cid for cid, _ in imported] == [by_name["Ana Ruiz"], by_name["Bo Chen"]]

    # revoke: by the page address, the JSON address, or the id; it says whose credential it was
    ana, bo = (cid for cid, _ in imported)
    revoked = ok("revoke", zoe_page, "--reason", "Duplicate", cwd=root)
    assert f"revoked {zoe}: Zoe Quinn, 'First Contribution'" in revoked and zoe_page in revoked
    json_url = f"https://example-org.github.io/badges/credentials/{ana}.json"
    assert f"revoked {ana}: Ana Ruiz" in ok("revoke", json_url, "--reason", "Error", cwd=root)
    assert f"revoked {bo}: Bo Chen" in ok("revoke", bo, "--reason", "Error", cwd=root)
    assert f"{zoe} (Zoe Quinn, 'First Contribution') was already revoked" in fails(
        "revoke", f"http://127.0.0.1:8000/badges/credentials/{zoe}/index.html", "--reason", "x", cwd=root
    )
    assert "is not a credential's id or address" in fails(
        "revoke", "https://example-org.github.io/badges/achievements/x/", "--reason", "x", cwd=root
    )
    assert "no credential 'aaaaaaaaaaaaaaaa'" in fails("revoke", "a" * 16, "--reason", "x", cwd=root)
