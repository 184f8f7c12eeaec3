"""Where the user's database lives when no --db or NETUI_DB says otherwise."""

from __future__ import annotations

from pathlib import Path

import platformdirs


def default_db_path() -> Path:
    return Path(platformdirs.user_data_dir("netui")) / "db"
