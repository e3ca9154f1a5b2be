"""Load stage: read YAML files into plain values, keeping line numbers.

PyYAML's composer gives every node its position; we walk the node tree
ourselves so that each value's path (``("recipients", 2, "email")``) maps to
the line it came from, and so that duplicate keys, which PyYAML would
silently collapse, become errors.

A YAML file comes from a pull request, so it is hostile until read: its size,
its nesting depth and its number of values are bounded, anchors and aliases
(which let a few lines expand to gigabytes, or refer to themselves) are
refused, and every such case is a :class:`Problem` like any other mistake.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from badgepress.errors import Problem

Path_ = tuple[str | int, ...]

MAX_BYTES = 8 * 1024 * 1024  # a 10,000-person cohort file is about 1.6 MiB (40 MiB once parsed)
MAX_DEPTH = 32  # an award file nests 5 deep, mkdocs.yml rarely 10
MAX_VALUES = 250_000  # keys, values and items; a 10,000-person cohort has about 80,000
MAX_PROBLEMS = 100  # reported for one file (duplicate keys, unreadable values); the rest are counted
# A file that cannot exceed a limit is not scanned for it (the scan costs about half a parse):
# a value takes at least two characters (a file shorter than twice the limit holds too few),
# and each level of nesting at least one more column of indentation or one more bracket.
_DEEP_PREFIX = re.compile(rf"^[ \t?:-]{{{MAX_DEPTH // 2}}}", re.MULTILINE)


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


def read_bounded(file: Path | str, max_bytes: int = MAX_BYTES) -> bytes:
    """The file's bytes, but no more than ``max_bytes + 1``: enough to tell that it is too large.

    Whatever reads a file the parser will read (to hash it for the cache, say)
    reads it this way, so that a huge file costs no more memory there than here.
    """
    with open(file, "rb") as handle:
        return handle.read(max_bytes + 1)


def load_source(
    file: Path, shown_as: str, max_bytes: int = MAX_BYTES, max_values: int | None = None
) -> tuple[Source | None, list[Problem]]:
    """Parse one YAML file. Returns the source, or None and the problems found.

    Never raises on the file's content: whatever it holds ends as problems.
    """
    try:
        raw = read_bounded(file, max_bytes)
    except OSError as err:
        return None, [Problem(shown_as, 1, "", f"cannot be read ({err.strerror})", "check the file")]
    return parse_bytes(raw, shown_as, max_bytes, max_values)


def parse_bytes(
    raw: bytes, shown_as: str, max_bytes: int = MAX_BYTES, max_values: int | None = None
) -> tuple[Source | None, list[Problem]]:
    """Parse the bytes of a YAML file (read by :func:`read_bounded`), as :func:`load_source` does."""
    if len(raw) > max_bytes:
        return None, [
            Problem(
                shown_as,
                1,
                "",
                f"is larger than {max_bytes // (1024 * 1024)} MiB",
                "split it into several files",
            )
        ]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        return None, [Problem(shown_as, 1, "", f"is not UTF-8 text ({err.reason})", "save it as UTF-8")]
    return parse_text(text, shown_as, max_values)


def parse_text(
    text: str, shown_as: str, max_values: int | None = None
) -> tuple[Source | None, list[Problem]]:
    """Parse YAML text within the limits (but that of size, which is on the bytes read).

    ``max_values`` defaults to :data:`MAX_VALUES`.
    """
    refused = _structure_problems(text, shown_as, MAX_VALUES if max_values is None else max_values)
    if refused:
        return None, refused
    try:
        try:
            node = _compose(_FastLoader, text)
        except yaml.YAMLError:
            node = _compose(_Loader, text)  # the pure-Python parser's messages, for the error
    except yaml.YAMLError as err:
        return None, [_yaml_problem(err, text, shown_as)]

    if node is None:
        return None, [Problem(shown_as, 1, "", "is empty", "add the fields described in the README")]
    lines: dict[Path_, int] = {}
    problems: list[Problem] = []
    data = _convert(node, (), lines, problems, shown_as, _Loader(""))
    if len(problems) > MAX_PROBLEMS:
        more = len(problems) - MAX_PROBLEMS
        problems = problems[:MAX_PROBLEMS]
        problems.append(Problem(shown_as, 1, "", f"has {more:,} more problems of the same kinds", ""))
    return Source(shown_as, data, lines), problems


def count_values(data: Any) -> int:
    """How many values the parser met to make ``data``: each key, each value, each list and mapping.

    The count the limit of :data:`MAX_VALUES` is on, for data read without problems.
    """
    if isinstance(data, dict):
        return 1 + sum(1 + count_values(value) for value in data.values())
    if isinstance(data, list):
        return 1 + sum(count_values(item) for item in data)
    return 1


def _yaml_problem(err: yaml.YAMLError, text: str, shown_as: str) -> Problem:
    if isinstance(err, yaml.reader.ReaderError):  # a character YAML does not allow, such as a control one
        line = text.count("\n", 0, max(err.position, 0)) + 1
        code = ord(err.character) if isinstance(err.character, str) else err.character
        return Problem(
            shown_as,
            line,
            "",
            f"is not valid YAML: the control character U+{code:04X} is not allowed",
            "delete it, or write it as an escape inside double quotes",
        )
    if isinstance(err, yaml.MarkedYAMLError):
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else 1
        what = err.problem or err.context or "invalid YAML"
        return Problem(shown_as, line, "", f"is not valid YAML: {what}", "check indentation and quoting")
    return Problem(shown_as, 1, "", "is not valid YAML", "check indentation and quoting")


_SURROGATE = re.compile("[\ud800-\udfff]")  # from "\\ud83c" escapes: no UTF-8 form, no JSON-LD form
_REPORTED = 10  # of one kind of structure problem per file: the rest are counted


def _structure_problems(text: str, shown_as: str, max_values: int) -> list[Problem]:
    """Anchors, aliases, excess depth or too many values, found by walking the parser's events.

    Walking events keeps memory flat: nothing is built, so a billion-laughs
    file or a thousand nested brackets costs no more than its own size.
    """
    if not (
        "&" in text
        or "*" in text
        or len(text) > 2 * max_values
        or text.count("[") + text.count("{") >= MAX_DEPTH // 2
        or _DEEP_PREFIX.search(text)
    ):
        return []
    problems, error = _scan(_FastLoader, text, shown_as, max_values)
    if error is not None and not problems:
        # libyaml stops at its own nesting limit of 1000 before any event; the pure-Python
        # parser (a state machine, not recursive) finds ours, or gives its clearer message
        problems, error = _scan(_Loader, text, shown_as, max_values)
    if error is not None:
        problems.append(_yaml_problem(error, text, shown_as))
    return problems


def _scan(
    loader_class: type, text: str, shown_as: str, max_values: int
) -> tuple[list[Problem], yaml.YAMLError | None]:
    problems: list[Problem] = []
    error: yaml.YAMLError | None = None
    anchors = 0
    # per open collection: [its current key (text) or index (int), expecting a key?]
    stack: list[list[Any]] = []
    values = 0
    try:
        loader = loader_class(text)  # the pure-Python reader checks every character here
    except yaml.YAMLError as err:
        return problems, err
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.CollectionEndEvent):
                stack.pop()
                _done(stack)
                continue
            if not isinstance(event, yaml.NodeEvent):
                continue
            values += 1
            if stack and stack[-1][1]:  # a mapping's key
                stack[-1][0] = event.value if isinstance(event, yaml.ScalarEvent) else "?"
                where = tuple(frame[0] for frame in stack[:-1])
            else:
                where = tuple(frame[0] for frame in stack)
            line = event.start_mark.line + 1 if event.start_mark else 1
            if isinstance(event, yaml.AliasEvent) or event.anchor is not None:
                anchors += 1
                if anchors <= _REPORTED:
                    sign = "*" if isinstance(event, yaml.AliasEvent) else "&"
                    what = "alias" if sign == "*" else "anchor"
                    problems.append(
                        Problem(
                            shown_as,
                            line,
                            dotted(where),
                            f"uses the YAML {what} {sign}{event.anchor}: anchors and aliases are not allowed",
                            "write the value out in full wherever it is needed",
                        )
                    )
            if values > max_values:
                problems.append(
                    Problem(
                        shown_as,
                        line,
                        dotted(where),
                        f"the file holds more than {max_values:,} values",
                        "split it into several files",
                    )
                )
                break
            if isinstance(event, yaml.CollectionStartEvent):
                if len(stack) >= MAX_DEPTH:
                    problems.append(
                        Problem(
                            shown_as,
                            line,
                            dotted(where),
                            f"is nested more than {MAX_DEPTH} levels deep",
                            "flatten the structure",
                        )
                    )
                    break
                mapping = isinstance(event, yaml.MappingStartEvent)
                stack.append(["?", True] if mapping else [0, False])
            else:
                _done(stack)
    except yaml.YAMLError as err:
        error = err
    finally:
        loader.dispose()
    if anchors > _REPORTED:
        problems.append(
            Problem(shown_as, 1, "", f"uses {anchors - _REPORTED} more anchors or aliases", "remove them all")
        )
    return problems, error


def _done(stack: list[list[Any]]) -> None:
    """A node is complete: its parent moves to the next item, or from a key to its value and back."""
    if not stack:
        return
    frame = stack[-1]
    if isinstance(frame[0], int):  # a sequence's index (a mapping's keys are text here)
        frame[0] += 1
    else:
        frame[1] = not frame[1]


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
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(
                    Problem(
                        shown_as,
                        key_node.start_mark.line + 1,
                        dotted(where),
                        "has a key that is a list or a mapping",
                        "a key must be a plain name",
                    )
                )
                continue
            before = len(problems)
            key = _scalar(key_node, where, problems, shown_as, loader)
            if len(problems) > before:  # an unreadable key: reported, and its value left out
                continue
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
    return _scalar(node, where, problems, shown_as, loader)


def _scalar(
    node: yaml.Node, where: Path_, problems: list[Problem], shown_as: str, loader: yaml.SafeLoader
) -> Any:
    """The value of a scalar; an explicit tag it does not fit (``!!int abc``) is a problem, not a crash."""
    try:
        value = loader.construct_object(node)
        if isinstance(value, str) and _SURROGATE.search(value):
            problems.append(
                Problem(
                    shown_as,
                    node.start_mark.line + 1,
                    dotted(where),
                    "has an escape that is half a character (\\uD800 to \\uDFFF)",
                    "write the character itself, or its whole code as \\U0001F393",
                )
            )
            return None
        return value
    except Exception:  # whatever a constructor raises on a value it cannot read (AttributeError included)
        problems.append(
            Problem(
                shown_as,
                node.start_mark.line + 1,
                dotted(where),
                f"cannot be read as {node.tag.rsplit(':', 1)[-1]}",
                "fix the value, or quote it to keep it as text; remove any tag such as !!int",
            )
        )
        return None
