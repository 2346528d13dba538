"""Config files: defaults need no file; typos and bad values are errors, not ignored."""

from __future__ import annotations

from pathlib import Path

import pytest

from mock_server.config import Config, ConfigError, load_config, per_config


def test_defaults_describe_a_development_instance_in_test_mode() -> None:
    config = load_config()
    assert config.instance.environment_type == "development"
    assert config.test_mode.enabled
    assert config.verification.code_ttl_seconds == 600
    assert config.rate_limiting


def test_the_test_profile_turns_rate_limits_off(tmp_path: Path) -> None:
    file = tmp_path / "instance.toml"
    file.write_text('profile = "test"\n[rate_limits]\nenabled = true\n')
    assert not load_config(file).rate_limiting


def test_an_unknown_key_is_refused_with_its_name(tmp_path: Path) -> None:
    file = tmp_path / "instance.toml"
    file.write_text("[verification]\ncode_ttl = 5\n")
    with pytest.raises(ConfigError, match="code_ttl"):
        load_config(file)


def test_a_bad_value_and_bad_toml_are_refused(tmp_path: Path) -> None:
    file = tmp_path / "instance.toml"
    file.write_text('[attributes]\nemail_address = "sometimes"\n')
    with pytest.raises(ConfigError, match="email_address"):
        load_config(file)
    file.write_text("[attributes\n")
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(file)


def test_per_config_answers_once_for_each_config_and_never_for_another() -> None:
    asked: list[Config] = []

    @per_config
    def first(config: Config) -> tuple[str, ...]:
        asked.append(config)
        return tuple(config.strategies.first_factors)

    defaults, narrow = load_config(), load_config(strategies={"first_factors": ["password"]})
    assert first(defaults) == tuple(defaults.strategies.first_factors)
    assert first(defaults) == tuple(defaults.strategies.first_factors)
    assert first(narrow) == ("password",)
    assert asked == [defaults, narrow]
