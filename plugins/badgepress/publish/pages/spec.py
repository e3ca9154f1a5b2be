"""A page as the plugin adds it: :class:`PageSpec`, with its template's data as plain values."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from badgepress.cache import fingerprint

Model = dict[str, Any]


@dataclass(frozen=True)
class PageSpec:
    path: str  # Markdown source path, e.g. achievements/intro/index.md
    template: str
    title: str
    body: str
    in_nav: bool
    # The template's data: a dict, or a function that makes it (a credential
    # page's, made only if the page is rendered) with ``model_key`` a digest of
    # every input of that function.
    data: Model | Callable[[], Model]
    meta: Model = field(default_factory=dict)  # page metadata, as front matter would set it
    # Model fields computed only when the page is rendered (in a render worker),
    # each a function of fields already in ``model``: the QR code of ``page_url``.
    late: dict[str, Callable[[], Any]] = field(default_factory=dict)
    model_key: str | None = None

    @cached_property
    def model(self) -> Model:
        return self.data() if callable(self.data) else self.data

    def own_data(self) -> Model | str:
        """Everything of the page's own that its HTML depends on (``late`` derives from ``model``).

        With a ``model_key``, a digest of it all: its template, title, body, metadata and that key.
        """
        if self.model_key is not None:
            return fingerprint(self.template, self.title, self.body, repr(self.meta), self.model_key)
        return {
            "template": self.template,
            "title": self.title,
            "body": self.body,
            "meta": self.meta,
            "model": self.model,
        }


def page_json(value: Any) -> str:
    """``value`` as canonical JSON text: a part of a page's key (dates and other values as text)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def wide(**more: Any) -> Model:
    """The metadata of a page whose template lays out the whole width (no navigation, no contents)."""
    return {"hide": ["navigation", "toc"], **more}
