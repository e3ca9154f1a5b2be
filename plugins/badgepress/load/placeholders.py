"""What ``badgepress init``'s template leaves for a new program to replace.

A program made by ``init`` is valid as it stands, so nothing stops it from
publishing, and signing, the template's placeholder issuer or its sample
award. ``badgepress check`` warns about each one still in place; this module
finds them by comparing the program with the template shipped in the package.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from importlib import resources
from typing import Any

import yaml

from badgepress.domain import Program
from badgepress.errors import Problem
from badgepress.load.settings import PLUGIN

TEMPLATE = resources.files("badgepress").joinpath("starter")


def _template_issuer() -> Mapping[str, Any]:
    config = yaml.safe_load(TEMPLATE.joinpath("mkdocs.yml").read_text(encoding="utf-8"))
    for plugin in config["plugins"]:
        if isinstance(plugin, Mapping) and PLUGIN in plugin:
            issuer: Mapping[str, Any] = plugin[PLUGIN]["issuer"]
            return issuer
    raise LookupError("the template's mkdocs.yml has no badgepress issuer")  # a packaging mistake


def _template_salts() -> set[str]:
    """The salts of the template's sample awards: no real award shares one (salts are random)."""
    salts: set[str] = set()

    def walk(folder: Any) -> Iterator[Any]:
        for entry in folder.iterdir():
            if entry.is_dir():
                yield from walk(entry)
            elif entry.name.endswith(".yaml"):
                yield entry

    for entry in walk(TEMPLATE.joinpath("credentials")):
        data = yaml.safe_load(entry.read_text(encoding="utf-8"))
        salt = (data.get("recipient") or {}).get("salt")
        if salt:
            salts.add(str(salt))
    return salts


def _same(a: object, b: object) -> bool:
    return isinstance(a, str) and isinstance(b, str) and a.split() == b.split()


def find_placeholders(program: Program, config_name: str = "mkdocs.yml") -> list[Problem]:
    """The template's placeholder issuer fields and sample awards still in ``program``."""
    found = []
    template = _template_issuer()
    issuer = program.settings.issuer
    for field, value, hint in (
        ("name", issuer.name, "give your program's name (init --name does)"),
        ("description", issuer.description, "say who you are and what your badges recognize"),
        ("url", issuer.url, "give your organization's home page"),
    ):
        if _same(value, template.get(field)):
            found.append(
                Problem(
                    config_name,
                    0,
                    f"issuer.{field}",
                    "is still the template's placeholder, published in every credential",
                    hint,
                )
            )
    salts = _template_salts()
    for award in program.awards:
        if award.salt in salts:
            found.append(
                Problem(
                    award.file,
                    award.line,
                    "recipient",
                    "is the template's sample award",
                    "delete this file before issuing real badges; its ledger line stays",
                )
            )
    return found
