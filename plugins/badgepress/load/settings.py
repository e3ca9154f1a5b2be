"""The settings of a program: the ``badgepress`` plugin options, from MkDocs or from mkdocs.yml.

:class:`Settings` is their shape, with each option's default and meaning (the
README's table of options is made from it, and the plugin declares its MkDocs
options from it with :func:`plugin_options`). The plugin hands over the options
as MkDocs parsed them; the command line reads mkdocs.yml itself. Both end in
:func:`parse_settings`, which reports problems with the line of mkdocs.yml
they are on.
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import AfterValidator, BaseModel, Field, model_validator

from badgepress.domain import NameVisibility
from badgepress.errors import InputError, Problem
from badgepress.load.model import Email, Period, Text, Url, iri_problem
from badgepress.load.source import Path_, Source, load_source
from badgepress.load.validation import Strict, parse_model
from badgepress.sign.keys import decode_multibase, decode_public_key

PLUGIN = "badgepress"


def _public_key(value: str) -> str:
    try:
        raw = decode_multibase(value)
    except ValueError:
        raw = b""
    if raw[:2] == b"\x80\x26":
        raise ValueError(
            "is a SECRET key: remove it from this file and from the git history, make a new key with "
            "`badgepress keygen`, and paste only its public_key here"
        )
    try:
        decode_public_key(value)
    except ValueError as err:
        raise ValueError(str(err)) from None
    return value


class KeyEntry(Strict):
    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9._-]+$")] = Field(
        description="the key's name, used as the DID URL fragment (e.g. key-2026)"
    )
    public_key: Annotated[str, AfterValidator(_public_key)] = Field(
        description="the publicKeyMultibase printed by `badgepress keygen` (z6Mk…)"
    )
    retired: bool = Field(
        False, description="true once the key no longer signs new credentials (kept published)"
    )


class IssuerSettings(Strict):
    name: Text = Field(description="the program's or organization's name")
    url: Url = Field(description="the program's home page")
    email: Email | None = Field(None, description="a contact address, published in the issuer profile")
    description: str | None = Field(
        None, description="one or two sentences about the program (Markdown, on the issuer page)"
    )
    image: str | None = Field(None, description="logo file, relative to mkdocs.yml, or an https URL")
    image_caption: str | None = Field(None, description="alt text of the logo")
    linkedin_organization_id: Annotated[str, Field(pattern=r"^\d+$")] | None = Field(
        None, description="LinkedIn company page id, used by 'Add to profile' links"
    )


class Colors(Strict):
    primary: Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")] = Field(
        "#3f51b5", description="badge colour"
    )
    accent: Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")] = Field(
        "#ffc107", description="ribbon colour"
    )


class Settings(Strict):
    """The ``badgepress`` plugin options in mkdocs.yml."""

    issuer: IssuerSettings = Field(description="the issuer profile")
    keys: list[KeyEntry] = Field(
        default_factory=list, description="every public signing key, old ones included"
    )
    base_url: Url | None = Field(
        None, description="where the site is published; credential ids derive from it (default: site_url)"
    )
    achievements_dir: str = Field("achievements", description="folder of achievement files")
    credentials_dir: str = Field("credentials", description="folder of award files")
    endorsements_dir: str = Field(
        "endorsements", description="folder of endorsements received (.json) and given (given/*.yaml)"
    )
    ledger: str = Field("status-ledger.yaml", description="file recording every credential's status index")
    show_names: NameVisibility = Field(
        "initial", description="how recipients' names show on public pages: full, initial or none"
    )
    recipient_emails: Literal["hashed", "plain"] = Field(
        "hashed", description="'plain' allows clear emails in award files (private repositories only)"
    )
    require_key: bool = Field(False, description="fail instead of making a preview build when no key is set")
    findable: bool = Field(
        False,
        description="list each achievement's earners on its page and publish a 'Find my badge' page "
        "(names as show_names allows; off: credential pages are reached only by their links)",
    )
    status_list_refresh: Period = Field(
        "7 days", description="how often a scheduled rebuild re-signs the status list"
    )
    colors: Colors = Field(default_factory=lambda: Colors(), description="colours of generated badge images")

    @model_validator(mode="after")
    def _unique_keys(self) -> Settings:
        ids = [k.id for k in self.keys]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"keys: key id {dupes[0]!r} is listed twice")
        return self


def plugin_options() -> tuple[tuple[str, type], ...]:
    """Each option of the plugin, with the kind of YAML value MkDocs lets through (dict, list, str, bool).

    MkDocs checks only that kind; :class:`Settings` checks the values and
    holds the defaults, so that a mistake names its line of mkdocs.yml.
    """
    return tuple((name, _yaml_kind(info.annotation)) for name, info in Settings.model_fields.items())


def _yaml_kind(annotation: Any) -> type:
    origin = get_origin(annotation)
    if origin is Annotated:
        return _yaml_kind(get_args(annotation)[0])
    if origin in (Union, types.UnionType):  # X | None: an option may be left out
        return _yaml_kind(next(arg for arg in get_args(annotation) if arg is not type(None)))
    if origin is Literal:
        return type(get_args(annotation)[0])
    kind = origin or annotation
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        return dict
    if kind not in (dict, list, str, bool):
        raise TypeError(f"option type {annotation!r} is not a YAML mapping, list, text or boolean")
    return kind  # type: ignore[no-any-return]


@dataclass(frozen=True)
class ProgramConfig:
    root: Path
    config_file: str
    settings: Settings
    base_url: str


def _options_in(data: Any) -> tuple[Any, Path_]:
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
    options, prefix = _options_in(source.data)
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
    _, prefix = _options_in(source.data)
    return source, prefix
