"""The README documents every field of every file kind, generated from the models.

Run ``UPDATE_README=1 python -m pytest tests/test_readme.py`` after changing a model.
"""

from __future__ import annotations

import ast
import importlib
import os
import re

from pydantic import BaseModel

from badgepress.load import model, settings

from .conftest import REPO

SECTIONS: dict[str, list[tuple[type[BaseModel], str]]] = {
    "AchievementIn": [
        (model.AchievementIn, ""),
        (model.AlignmentIn, "alignments[]."),
        (model.ResultSpec, "result."),
        (model.RelatedIn, "related."),
    ],
    "AwardIn": [
        (model.AwardIn, ""),
        (model.RecipientIn, "recipient."),
        (model.EvidenceIn, "evidence[]."),
        (model.RevocationIn, "revoked."),
    ],
    "Settings": [
        (settings.Settings, ""),
        (settings.IssuerSettings, "issuer."),
        (settings.KeyEntry, "keys[]."),
        (settings.Colors, "colors."),
    ],
}


def _default(field) -> str:  # type: ignore[no-untyped-def]
    if field.is_required():
        return "required"
    if field.default in (None, [], "") or field.default_factory is not None:
        return ""
    return f"`{str(field.default).lower() if isinstance(field.default, bool) else field.default}`"


def table(name: str) -> str:
    rows = ["| field | default | meaning |", "| --- | --- | --- |"]
    seen: set[str] = set()
    for cls, prefix in SECTIONS[name]:
        for field_name, field in cls.model_fields.items():
            if prefix == "recipient." and field_name in model.AwardFields.model_fields:
                continue  # shown once, at the top level
            key = prefix + field_name
            if key not in seen:
                seen.add(key)
                rows.append(f"| `{key}` | {_default(field)} | {field.description or ''} |")
    if name == "AwardIn":
        rows.append("| `recipients[]` |  | a list of recipients, each with the `recipient.` fields |")
        rows.append(
            "| `recipient.<any top-level field>` |  | `issued`, `expires`, `evidence`, `narrative`, "
            "`result`, `show_name`, `learner_record` may be set per recipient |"
        )
    return "\n".join(rows)


def rendered(text: str) -> str:
    for name in SECTIONS:
        pattern = re.compile(rf"<!-- fields:{name} -->\n(?:\|.*\n)*", re.MULTILINE)
        text = pattern.sub(f"<!-- fields:{name} -->\n{table(name)}\n", text)
    return text


def test_readme_documents_every_field() -> None:
    path = REPO / "README.md"
    text = path.read_text(encoding="utf-8")
    expected = rendered(text)
    if os.environ.get("UPDATE_README") and expected != text:
        path.write_text(expected, encoding="utf-8")
        text = expected
    assert text == expected, (
        "README field tables are out of date: run UPDATE_README=1 pytest tests/test_readme.py"
    )
    for name in SECTIONS:
        assert f"<!-- fields:{name} -->\n| field |" in text


_PYTHON_BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)


def test_every_import_in_the_documentation_names_what_the_package_has() -> None:
    """The Python shown to readers (README, guides) imports modules and names that exist."""
    guides = sorted((REPO / "docs").rglob("*.md"))
    documents = [REPO / "README.md", *guides, REPO / "benchmarks" / "README.md"]
    checked = 0
    for document in documents:
        for block in _PYTHON_BLOCK.findall(document.read_text(encoding="utf-8")):
            for node in ast.walk(ast.parse(block)):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("badgepress"):
                    module = importlib.import_module(node.module or "")
                    for alias in node.names:
                        assert hasattr(module, alias.name), f"{document.name}: {node.module}.{alias.name}"
                    checked += 1
                elif isinstance(node, ast.Import):
                    for alias in node.names:
                        if alias.name.startswith("badgepress"):
                            importlib.import_module(alias.name)
                            checked += 1
    assert checked >= 2  # README's check of provenance.json at least
