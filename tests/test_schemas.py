"""The published JSON Schemas of the YAML files match the models and accept the example program."""

from __future__ import annotations

import json

import jsonschema
import yaml

from badgepress.load.schemas import schema_documents

from .conftest import REPO


def test_published_schemas_are_up_to_date() -> None:
    for name, schema in schema_documents().items():
        published = json.loads(
            (REPO / "plugins" / "badgepress" / "schemas" / name).read_text(encoding="utf-8")
        )
        assert published == schema, f"run `badgepress schemas plugins/badgepress/schemas` ({name})"


def test_example_files_validate_against_the_schemas() -> None:
    schemas = schema_documents()
    for folder, name in (
        ("achievements", "achievement.schema.json"),
        ("credentials", "award.schema.json"),
        ("endorsements/given", "endorsement.schema.json"),
    ):
        validator = jsonschema.Draft202012Validator(schemas[name])
        files = sorted((REPO / folder).rglob("*.yaml"))
        assert files
        for path in files:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
            errors = [e.message for e in validator.iter_errors(_typed(data))]
            assert errors == [], path


def _typed(value):  # type: ignore[no-untyped-def]
    """BaseLoader keeps every scalar a string (as editors see dates); restore numbers and booleans."""
    if isinstance(value, dict):
        return {k: _typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_typed(v) for v in value]
    if value in ("true", "false"):
        return value == "true"
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def test_a_misspelled_field_is_caught_by_the_schema() -> None:
    validator = jsonschema.Draft202012Validator(schema_documents()["achievement.schema.json"])
    errors = list(validator.iter_errors({"name": "x", "description": "y", "criteria": "z", "tgs": ["a"]}))
    assert any("tgs" in e.message for e in errors)
