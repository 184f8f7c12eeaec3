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
        # issue 17.8: absurd values once overflowed every due date or passed as numbers
        ("[follow_up]\nthank_you_days = 1000000000\n", "thank_you_days must be a whole number"),
        ("[follow_up]\nthank_you_days = true\n", "from 0 to 3650"),
        ("[follow_up]\ncoffee_days = 2.5\n", "coffee_days must be a whole number"),
        ("[follow_up]\nkeep_in_touch_days = 0\n", "keep_in_touch_days must be"),
        ("[follow_up]\ncall_days = [1]\n", "call_days must be"),
        ("follow_up = 5\n", "follow_up must be a table"),
        ('[follow_up]\nlog_on_step = "yes"\n', "log_on_step must be true or false"),
        ('thank_you_template = """' + "x" * 100_001 + '"""\n', "over 100,000 characters"),
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


def test_a_config_that_is_not_utf8_is_one_line_naming_the_file(tmp_path, monkeypatch, capsys):
    config = tmp_path / "config.toml"
    config.write_bytes(b"[follow_up]\n# caf\xe9\ncall_days = 3\n")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_settings(config)
    monkeypatch.setenv("NETUI_CONFIG", str(config))
    assert main(["--db", str(tmp_path / "db"), "list"]) == 1
    err = capsys.readouterr().err
    assert str(config) in err and err.count("\n") == 1 and "Traceback" not in err
