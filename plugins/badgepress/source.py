"""Load stage: read YAML files into plain values, keeping line numbers.

PyYAML's composer gives every node its position; we walk the node tree
ourselves so that each value's path (``("recipients", 2, "email")``) maps to
the line it came from, and so that duplicate keys, which PyYAML would
silently collapse, become errors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Source:
    """One YAML file's data with the line of every value in it."""

    path: str  # as shown to people: relative to the program root, POSIX
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)

    def line_of(self, where: Path_) -> int:
        """The line of ``where`` or of its nearest ancestor that has one."""
        for end in range(len(where), -1, -1):
            line = self.lines.get(tuple(where[:end]))
            if line:
                return line
        return 1

    def problem(self, where: Path_, message: str, hint: str = "") -> Problem:
        return Problem(self.path, self.line_of(where), dotted(where), message, hint)


def dotted(where: Path_) -> str:
    """``("recipients", 2, "email")`` → ``recipients[2].email``."""
    text = ""
    for part in where:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text, so validation reports bad dates itself."""


# YAML 1.1 would turn `2026-03-14` into a date and `on`/`off` into booleans;
# keep the timestamp resolver out so every date passes through one parser.
_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _unknown_tag(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    # mkdocs.yml uses tags such as !ENV and !!python/name:…; their values are
    # not ours to interpret, only their neighbours' line numbers are.
    return None


_Loader.add_constructor(None, _unknown_tag)


class _FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml (when PyYAML has it) composes the same nodes with the same marks, about 4× faster."""


_FastLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers


def _compose(loader_class: type, text: str) -> yaml.Node | None:
    loader = loader_class(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def load_source(file: Path, shown_as: str) -> tuple[Source | None, list[Problem]]:
    """Parse one YAML file. Returns the source, or None and the problems found."""
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        return None, [Problem(shown_as, 1, "", f"is not UTF-8 text ({err.reason})", "save it as UTF-8")]
    try:
        try:
            node = _compose(_FastLoader, text)
        except yaml.YAMLError:
            node = _compose(_Loader, text)  # the pure-Python parser's messages, for the error
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else 1
        what = err.problem or err.context or "invalid YAML"
        return None, [
            Problem(shown_as, line, "", f"is not valid YAML: {what}", "check indentation and quoting")
        ]
    except yaml.reader.ReaderError as err:  # a character YAML does not allow, such as a control character
        line = text.count("\n", 0, max(err.position, 0)) + 1
        code = ord(err.character) if isinstance(err.character, str) else err.character
        return None, [
            Problem(
                shown_as,
                line,
                "",
                f"is not valid YAML: the control character U+{code:04X} is not allowed",
                "delete it, or write it as an escape inside double quotes",
            )
        ]

    if node is None:
        return None, [Problem(shown_as, 1, "", "is empty", "add the fields described in the README")]
    lines: dict[Path_, int] = {}
    problems: list[Problem] = []
    data = _convert(node, (), lines, problems, shown_as, _Loader(""))
    return Source(shown_as, data, lines), problems


def _convert(
    node: yaml.Node,
    where: Path_,
    lines: dict[Path_, int],
    problems: list[Problem],
    shown_as: str,
    loader: yaml.SafeLoader,
) -> Any:
    lines[where] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node)
            key = key if isinstance(key, str) else str(key)
            if key in result:
                problems.append(
                    Problem(
                        shown_as,
                        key_node.start_mark.line + 1,
                        dotted((*where, key)),
                        "appears twice in the same block",
                        "keep one of the two",
                    )
                )
                continue
            result[key] = _convert(value_node, (*where, key), lines, problems, shown_as, loader)
            lines[(*where, key)] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _convert(item, (*where, index), lines, problems, shown_as, loader)
            for index, item in enumerate(node.value)
        ]
    return loader.construct_object(node)
