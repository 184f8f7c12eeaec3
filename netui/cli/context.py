"""What every command shares: the opened store, output helpers and the error type.

The store (and with it storage, the model, the digest, the rules, TinyDB: ~10 ms of
start-up) is imported when a command first opens it, not with this module, so `--help`
and commands that never open one do not pay for it. A command reading derived caches
alone (`netui search`) opens `database`, the folder without the store.
"""

from __future__ import annotations

import json
import re
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netui.core.dates import today as local_today
from netui.core.errors import NetuiError
from netui.core.paths import default_db_path
from netui.core.text import printable

if TYPE_CHECKING:
    from netui.core.db.storage import Database
    from netui.core.db.store import Store


class CliError(NetuiError):
    """A user-facing failure: printed as one line, exit code `code`."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def fail(message: str, code: int = 1) -> int:
    print(f"netui: error: {printable(message)}", file=sys.stderr)
    return code


class Context:
    """Lazily opens the store so commands that need none (e.g. --help) stay instant.

    A plain class, not a dataclass: `--help` then imports no dataclasses (nor `inspect`)."""

    def __init__(self, db: str | None = None) -> None:
        self.db = db
        self._store: Store | None = None
        self._database: Database | None = None  # opened alone (see `database`)
        self.notices: list[str] = []  # what opening did (copies merged)
        self.print_notices = True  # the TUI shows them itself

    @property
    def db_path(self) -> Path:
        return Path(self.db).expanduser() if self.db else default_db_path()

    @property
    def store(self) -> Store:
        if self._store is None:
            from netui.core.config import load_settings
            from netui.core.db.store import Store

            if self._database is not None:  # copies merged already; one lock fd at a time
                self._database.close()
                self._database = None
            store = Store.open(self.db_path, settings=load_settings(), lazy=True)
            try:
                if self._merge_copies(store.database):
                    store.refresh()
            except BaseException:
                store.close()
                raise
            self._store = store
        return self._store

    @property
    def database(self) -> Database:
        """The database folder without the store: for a command that reads no records
        through the store, only derived caches (`netui search`). Opening it checks, recovers
        and merges conflict copies as the store's opening does, but imports and reads none of
        the store's own (the store, the model, the digest, settings, the undo log)."""
        if self._store is not None:
            return self._store.database
        if self._database is None:
            from netui.core.db.storage import Database

            database = Database.open(self.db_path)
            try:
                self._merge_copies(database)
            except BaseException:
                database.close()
                raise
            self._database = database
        return self._database

    def _merge_copies(self, database: Database) -> bool:
        """Merge conflict copies into their files (once: they are moved away); say so."""
        from netui.core.sync.copies import merge_copies

        said = merge_copies(database)
        self.notices += said
        for notice in said if self.print_notices else ():
            print(f"netui: {printable(notice)}", file=sys.stderr)
        return bool(said)

    @property
    def today(self) -> date:
        return local_today()

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
        if self._database is not None:
            self._database.close()
            self._database = None


def out(text: str = "") -> None:
    """Print text from user data safely: control characters are shown escaped."""
    print(printable(text))


# Characters JSON may carry raw but a terminal could act on (DEL, C1 controls such as the
# 8-bit CSI, bidi overrides): written as \u escapes, so the output stays valid JSON. Kept as
# text, compiled (and cached by `re`) at the first --json: ~0.2 ms of every start-up else.
_JSON_UNSAFE = "[\x7f-\x9f\u202a-\u202e\u2066-\u2069]"


def out_json(data: Any) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2)
    sys.stdout.write(re.sub(_JSON_UNSAFE, lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")
