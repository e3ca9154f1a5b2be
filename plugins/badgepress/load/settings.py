"""Find and validate the ``badgepress`` plugin options, from MkDocs or from mkdocs.yml.

The plugin hands over its options as MkDocs parsed them; the command line
reads mkdocs.yml itself. Both end in :func:`parse_settings`, which reports
problems with the line of mkdocs.yml they are on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from badgepress.errors import InputError, Problem
from badgepress.load.model import Settings, iri_problem
from badgepress.load.source import Path_, Source, load_source
from badgepress.load.validation import parse_model

PLUGIN = "badgepress"


def output_option(help_text: str) -> Callable[[Any], Any]:
    """The commands' ``--output``/``-o`` option (a file path, default None), as a click decorator."""
    return click.option(
        "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None, help=help_text
    )


def config_option(help_text: str = "the program's mkdocs.yml") -> Callable[[Any], Any]:
    """The commands' ``--config``/``-f`` option, as a click decorator."""
    return click.option(
        "--config",
        "-f",
        "config_file",
        default="mkdocs.yml",
        show_default=True,
        type=click.Path(dir_okay=False, path_type=Path),
        help=help_text,
    )


@dataclass(frozen=True)
class ProgramConfig:
    root: Path
    config_file: str
    settings: Settings
    base_url: str


def _plugin_options(data: Any) -> tuple[Any, Path_]:
    plugins = data.get("plugins") if isinstance(data, dict) else None
    if isinstance(plugins, dict):
        return plugins.get(PLUGIN), ("plugins", PLUGIN)
    for index, entry in enumerate(plugins or []):
        if entry == PLUGIN:
            return {}, ("plugins", index)
        if isinstance(entry, dict) and PLUGIN in entry:
            return entry[PLUGIN] or {}, ("plugins", index, PLUGIN)
    return None, ("plugins",)


def parse_settings(options: dict[str, Any], source: Source | None, prefix: Path_, shown_as: str) -> Settings:
    """Validate plugin options; InputError with mkdocs.yml lines when ``source`` is given."""
    options = {k: v for k, v in options.items() if v is not None}
    src = source or Source(shown_as, options, {})
    settings, problems = parse_model(Settings, src, options, prefix if source else ())
    if settings is None:
        raise InputError(problems)
    return settings


def read_config(config_file: Path) -> ProgramConfig:
    """Read mkdocs.yml for the command line: the program's root, settings and base URL."""
    config_file = config_file.resolve()
    shown = config_file.name
    if not config_file.is_file():
        raise InputError(
            [Problem(shown, 0, "", "not found", "run the command in the program's folder, or pass --config")]
        )
    source, problems = load_source(config_file, shown)
    if source is None:
        raise InputError(problems)
    options, prefix = _plugin_options(source.data)
    if options is None:
        raise InputError(
            [
                source.problem(
                    ("plugins",),
                    "the badgepress plugin is not configured",
                    "add '- badgepress:' with an issuer under plugins",
                )
            ]
        )
    settings = parse_settings(dict(options), source, prefix, shown)
    site_url = source.data.get("site_url") if isinstance(source.data, dict) else None
    return ProgramConfig(config_file.parent, shown, settings, base_url_of(settings, site_url, source))


def base_url_of(settings: Settings, site_url: str | None, source: Source | None = None) -> str:
    url = settings.base_url or site_url
    if not url:
        problem = Problem(
            source.path if source else "mkdocs.yml",
            source.line_of(("site_url",)) if source else 0,
            "site_url",
            "is required: credential ids are built from it",
            "set site_url (or the plugin's base_url) to the address the site is published at",
        )
        raise InputError([problem])
    wrong = iri_problem(url)
    if wrong:
        field = "base_url" if settings.base_url else "site_url"
        where = source.line_of(("site_url",)) if source and field == "site_url" else 0
        raise InputError([Problem(source.path if source else "mkdocs.yml", where, field, wrong)])
    return url if url.endswith("/") else url + "/"


def site_url_from_file(config_file: Path) -> str | None:
    """The site_url written in mkdocs.yml (``mkdocs serve`` replaces it in memory)."""
    source, _ = load_source(config_file, config_file.name)
    data = source.data if source else None
    return data.get("site_url") if isinstance(data, dict) else None


def settings_source(config_file: Path) -> tuple[Source | None, Path_]:
    source, _ = load_source(config_file, config_file.name)
    if source is None:
        return None, ()
    _, prefix = _plugin_options(source.data)
    return source, prefix
