"""JSON Schemas of the YAML files, generated from the input models, for editors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from badgepress.load.model import AchievementIn, AwardIn, GivenEndorsement

SCHEMAS: dict[str, type[BaseModel]] = {
    "achievement.schema.json": AchievementIn,
    "award.schema.json": AwardIn,
    "endorsement.schema.json": GivenEndorsement,  # endorsements/given/*.yaml
}


def schema_documents() -> dict[str, dict[str, Any]]:
    out = {}
    for name, model in SCHEMAS.items():
        schema = model.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = f"https://badgepress.invalid/schemas/{name}"
        out[name] = schema
    return out


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in schema_documents().items():
        path = folder / name
        path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written
