"""Where the user's database and config live when nothing (--db, NETUI_DB, NETUI_CONFIG) says.

The folders are platformdirs' (`user_data_dir`, `user_config_dir` of "netui"). On Linux they
are worked out here the way platformdirs does in the common case (the XDG variable when it
is an absolute path, else `$HOME/.local/share` / `$HOME/.config` with an absolute HOME):
importing platformdirs (tempfile, random, shutil...) was ~5-10 ms of every command's
start-up. Anything else (another system, a relative HOME) asks platformdirs itself;
tests/test_paths.py holds the shortcut to platformdirs' answers.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

_LINUX_DEFAULTS = {"XDG_DATA_HOME": ".local/share", "XDG_CONFIG_HOME": ".config"}


def _linux_dir(variable: str) -> str | None:
    """platformdirs' user folder of "netui" on Linux in the common case, else None."""
    if not sys.platform.startswith("linux"):
        return None
    base = os.environ.get(variable, "")
    if not os.path.isabs(base):
        home = os.environ.get("HOME", "")
        if not os.path.isabs(home):
            return None  # platformdirs falls back to the password database: let it
        base = os.path.join(home, _LINUX_DEFAULTS[variable])
    return os.path.join(base, "netui")


def user_data_dir() -> Path:
    found = _linux_dir("XDG_DATA_HOME")
    if found is None:
        import platformdirs

        found = platformdirs.user_data_dir("netui")
    return Path(found)


def user_config_dir() -> Path:
    found = _linux_dir("XDG_CONFIG_HOME")
    if found is None:
        import platformdirs

        found = platformdirs.user_config_dir("netui")
    return Path(found)


def default_db_path() -> Path:
    return user_data_dir() / "db"
