"""User settings: follow-up intervals and the thank-you template, from a TOML file.

The file lives in the platformdirs config folder (`NETUI_CONFIG` overrides it). Missing
keys take the defaults; a malformed file is an error naming the file, never ignored.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, NamedTuple

from netui.core.errors import ConfigError
from netui.core.fs import atomic_write, through_links
from netui.core.paths import user_config_dir

DEFAULT_THANK_YOU = """Dear {first_name},

Thank you for the conversation at {met_at} {met_when}. {mention_sentence}

I would love to stay in touch.

Best regards,
"""


# The double opt-in: first ask one side, then introduce both once each agreed.
DEFAULT_INTRODUCTION_ASK = """Hi {a_first_name},

Would you like me to introduce you to {b_name}{b_does_sentence}? {why_sentence}

Happy to connect you if it is useful; no worries if not.

Best regards,
"""

DEFAULT_INTRODUCTION = """Hi {a_first_name} and {b_first_name},

{a_first_name}, meet {b_name}{b_does_sentence}. {b_first_name}, meet {a_name}{a_does_sentence}.

{why_sentence}

I will let you two take it from here.

Best regards,
"""


class Settings(NamedTuple):
    """Follow-up intervals (days), when a follow-up goes cold, the thank-you template, and
    how steps are logged. (A NamedTuple, immutable as a frozen dataclass, made in ~0.05 ms
    instead of ~0.5 ms of every command's start-up.)"""

    thank_you_days: int = 1  # met -> thank-you due the day after meeting
    call_days: int = 7  # thanked -> call
    coffee_days: int = 7  # called -> invite to coffee or lunch
    keep_in_touch_days: int = 30  # after coffee, again and again
    # Overdue by more than this, a follow-up has gone cold: gathered after the day's work.
    gone_cold_days: int = 60
    thank_you_template: str = DEFAULT_THANK_YOU
    log_on_step: bool = True  # c / o (and d in the review) open the log form for the step
    introduction_follow_up_days: int = 14  # introduced -> ask how it went
    introduction_template: str = DEFAULT_INTRODUCTION
    introduction_ask_template: str = DEFAULT_INTRODUCTION_ASK


def config_path() -> Path:
    env = os.environ.get("NETUI_CONFIG")
    if env:
        return Path(env).expanduser()
    return user_config_dir() / "config.toml"


# Bounds for every setting: a day count past ten years is a typo (and 10**9 days overflows
# every due date); a template past 100,000 characters is not a letter.
DAY_LIMITS = {
    "thank_you_days": (0, 3650),
    "call_days": (0, 3650),
    "coffee_days": (0, 3650),
    "keep_in_touch_days": (1, 3650),
    "introduction_follow_up_days": (1, 3650),
}
MAX_TEMPLATE_CHARS = 100_000


def load_settings(path: Path | None = None) -> Settings:
    """Read the settings; an absent file means the defaults."""
    path = path or config_path()
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings()
    except OSError as exc:
        raise ConfigError(f"cannot read config {path}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"config {path} is not UTF-8 text (byte {exc.start}); save it as UTF-8"
        ) from None
    import tomllib  # here: ~6 ms of start-up, spent only when a config file exists

    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config {path} is not valid TOML: {exc}") from None
    section = data.get("follow_up", data)
    if not isinstance(section, dict):
        raise ConfigError(f"config {path}: follow_up must be a table ([follow_up])")
    return Settings(
        **{
            name: _checked(path, name, type(default), section[name])
            for name, default in Settings._field_defaults.items()
            if name in section
        }
    )


def _checked(path: Path, key: str, kind: type, value: object) -> Any:
    """One setting's value if its type and range are right; else a ConfigError naming it."""
    if kind is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"config {path}: {key} must be true or false")
        return value
    if kind is int:
        low, high = DAY_LIMITS.get(key, (0, 3650))
        if type(value) is not int or not low <= value <= high:  # `true` is an int to Python
            raise ConfigError(
                f"config {path}: {key} must be a whole number of days from {low} to {high}"
            )
        return value
    if not isinstance(value, str):
        raise ConfigError(f"config {path}: {key} must be text")
    if len(value) > MAX_TEMPLATE_CHARS:
        raise ConfigError(f"config {path}: {key} is over {MAX_TEMPLATE_CHARS:,} characters")
    return value


def load_my_emails(path: Path | None = None) -> list[str]:
    """The user's own addresses (`[me] emails = [...]`), lower-cased; [] when unset.

    `netui mail` needs them to tell mail the user sent from mail they received."""
    import tomllib  # see load_settings

    path = path or config_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise ConfigError(f"cannot read config {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config {path} is not valid TOML: {exc}") from None
    emails = data.get("me", {}).get("emails", []) if isinstance(data.get("me"), dict) else []
    if isinstance(emails, str):
        emails = [emails]
    if not isinstance(emails, list) or not all(isinstance(e, str) for e in emails):
        raise ConfigError(f'config {path}: [me] emails must be a list of addresses, ["a@b.org"]')
    return [e.strip().lower() for e in emails if e.strip()]


def save_my_emails(emails: list[str], path: Path | None = None) -> Path:
    """Add `[me] emails = [...]` to the config file (created if missing); the rest is kept.

    Only called while the setting is unset, so a `[me]` table without `emails` is the one
    case that needs the line put inside it rather than appended as a new table."""
    path = path or config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    except OSError as exc:
        raise ConfigError(f"cannot read config {path}: {exc.strerror}") from None
    line = "emails = [" + ", ".join(_toml_string(e) for e in emails) + "]"
    lines = text.splitlines()
    header = next((i for i, x in enumerate(lines) if x.strip() == "[me]"), None)
    if header is None:
        lines += ([""] if text.strip() else []) + ["[me]", line]
    else:
        lines.insert(header + 1, line)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(through_links(path), ("\n".join(lines) + "\n").encode("utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot write config {path}: {exc.strerror or exc}") from None
    load_my_emails(path)  # what was written reads back, or the error names the file
    return path


def _toml_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
