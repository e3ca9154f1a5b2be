"""The plugin's options are the fields of Settings, declared once."""

from __future__ import annotations

from typing import Any

from badgepress.load.settings import Settings, plugin_options, read_config
from badgepress.publish.plugin import BadgepressPlugin

from .conftest import REPO


def test_every_setting_is_a_plugin_option_and_every_option_a_setting() -> None:
    assert [name for name, _ in BadgepressPlugin.config_scheme] == list(Settings.model_fields)
    assert [name for name, _ in plugin_options()] == list(Settings.model_fields)


def _load(options: dict[str, Any]) -> tuple[list[Any], list[Any]]:
    errors, warnings = BadgepressPlugin().load_config(options)
    return list(errors), list(warnings)


def test_mkdocs_lets_through_every_option_a_program_can_set() -> None:
    example = read_config(REPO / "mkdocs.yml").settings
    everything = example.model_copy(update={"base_url": "https://example.org/badges/"})
    options = everything.model_dump(mode="json")
    assert None not in options.values()  # a value for each option
    assert _load(options) == ([], [])
    assert _load({}) == ([], [])  # every option may be left out: Settings holds the defaults


def test_mkdocs_refuses_an_option_of_the_wrong_kind() -> None:
    for name, wrong in (("issuer", "Riverside"), ("keys", "z6Mk"), ("findable", "yes"), ("ledger", 3)):
        errors, _ = _load({name: wrong})
        assert [option for option, _ in errors] == [name]
