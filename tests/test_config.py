"""Settings from config.toml: defaults, overrides, and clear errors."""

from __future__ import annotations

import pytest

from netui.cli import main
from netui.core.config import Settings, load_settings
from netui.core.errors import ConfigError


def test_no_file_means_the_defaults(tmp_path):
    assert load_settings(tmp_path / "absent.toml") == Settings()


def test_follow_up_section_overrides_intervals_and_template(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(
        "[follow_up]\ncall_days = 3\nkeep_in_touch_days = 14\n"
        'thank_you_template = "Hi {first_name}"\n'
    )
    settings = load_settings(path)
    assert (settings.call_days, settings.keep_in_touch_days) == (3, 14)
    assert settings.thank_you_days == 1 and settings.thank_you_template == "Hi {first_name}"


@pytest.mark.parametrize(
    "content, problem",
    [
        ("[follow_up\n", "not valid TOML"),
        ("[follow_up]\ncall_days = -1\n", "call_days must be a whole number"),
        ('[follow_up]\ncall_days = "soon"\n', "call_days must be a whole number"),
        ("[follow_up]\nthank_you_template = 3\n", "thank_you_template must be text"),
    ],
)
def test_a_bad_config_is_an_error_naming_the_file(tmp_path, content, problem):
    path = tmp_path / "config.toml"
    path.write_text(content)
    with pytest.raises(ConfigError) as err:
        load_settings(path)
    assert problem in str(err.value) and str(path) in str(err.value)


def test_the_cli_uses_the_config_and_reports_a_bad_one_in_one_line(
    tmp_path, monkeypatch, capsys, frozen_today
):
    config = tmp_path / "config.toml"
    monkeypatch.setenv("NETUI_CONFIG", str(config))
    db = str(tmp_path / "db")
    config.write_text("[follow_up]\nthank_you_days = 5\n")
    assert main(["--db", db, "add", "Dana"]) == 0
    assert main(["--db", db, "queue", "--on", "+4d"]) == 0
    assert main(["--db", db, "queue", "--on", "+5d", "--json"]) == 0
    out = capsys.readouterr().out
    assert "Nothing due" in out and '"due": "2026-11-29"' in out
    config.write_text("nonsense = [")
    assert main(["--db", db, "list"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("netui: error: config ") and err.count("\n") == 1
