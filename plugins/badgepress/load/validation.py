"""Turn pydantic validation errors into Problems that name file, line and field."""

from __future__ import annotations

import difflib
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from badgepress.errors import Problem
from badgepress.load.source import Path_, Source, dotted

M = TypeVar("M", bound=BaseModel)


class Strict(BaseModel):
    """Base of every input model: unknown keys are errors, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def parse_model(
    model: type[M], source: Source, data: Any = None, prefix: Path_ = ()
) -> tuple[M | None, list[Problem]]:
    """Validate ``data`` (default: the whole source) as ``model``; problems carry lines."""
    value = source.data if data is None else data
    try:
        return model.model_validate(value), []
    except ValidationError as err:
        return None, [_problem(model, source, prefix, e) for e in err.errors(include_url=False)]


def _problem(model: type[BaseModel], source: Source, prefix: Path_, error: Any) -> Problem:
    loc: Path_ = tuple(part for part in error["loc"] if not _is_union_tag(part))
    if error["type"] == "extra_forbidden":  # the last part is the unknown key itself, "[" or not
        loc = (*tuple(part for part in error["loc"][:-1] if not _is_union_tag(part)), error["loc"][-1])
    where = (*prefix, *loc)
    kind = error["type"]
    message = error["msg"]
    hint = ""
    if kind == "extra_forbidden":
        known = _fields_at(model, loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), known, n=1)
        message = "is not a known field"
        hint = f"did you mean '{close[0]}'?" if close else f"known fields here: {', '.join(sorted(known))}"
    elif kind == "missing":
        message = "is required"
        description = _description(model, loc)
        hint = f"add it: {description}" if description else "add it"
    elif kind == "string_too_short" and error.get("ctx", {}).get("min_length") == 1:
        message = "must not be empty"
    elif kind == "string_pattern_mismatch":
        message = "is not in the expected form"
        description = _description(model, loc)
        hint = f"expected {description}" if description else ""
    elif kind in {"value_error", "assertion_error"}:
        message = message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    elif kind.startswith("literal_error") or kind == "enum":
        message = f"must be {error.get('ctx', {}).get('expected', 'one of the allowed values')}"
    else:
        description = _description(model, loc)
        hint = f"expected {description}" if description else ""
    if "input" in error and kind not in {"missing", "extra_forbidden"} and _may_echo(where, error["input"]):
        shown = str(error["input"])
        if "@" not in shown and len(shown) <= 60:  # never echo an email address into a public log
            message = f"{message} (got {shown!r})"
    return Problem(source.path, source.line_of(where), dotted(where), message, hint)


def _may_echo(where: Path_, value: Any) -> bool:
    """Echo short plain values only: never a key, never anything that looks like one."""
    if any("key" in str(part) for part in where):
        return False
    if isinstance(value, str) and value.startswith("z") and len(value) >= 40:
        return False
    return isinstance(value, (str, int, float, bool)) or value is None


def _is_union_tag(part: Any) -> bool:
    # pydantic adds the union member's name (e.g. 'str', 'list[Evidence]') to error locations
    return isinstance(part, str) and (
        "[" in part or part in {"str", "int", "float", "bool", "date", "datetime"}
    )


def _walk(model: type[BaseModel], loc: Path_) -> tuple[type[BaseModel] | None, Any]:
    current: type[BaseModel] | None = model
    field = None
    for part in loc:
        if isinstance(part, int) or current is None:
            continue
        field = current.model_fields.get(str(part))
        if field is None:
            return None, None
        current = _model_of(field.annotation)
    return current, field


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_of(arg)
        if found is not None:
            return found
    return None


def _fields_at(model: type[BaseModel], loc: Path_) -> list[str]:
    current, _ = _walk(model, loc) if loc else (model, None)
    return list(current.model_fields) if current else []


def _description(model: type[BaseModel], loc: Path_) -> str:
    _, field = _walk(model, loc)
    return (field.description or "") if field is not None else ""


__all__ = ["Strict", "parse_model"]
