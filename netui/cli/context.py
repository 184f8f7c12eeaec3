"""What every command shares: the opened store, output helpers and the error type.

The store (and with it storage, the model, the digest, the rules, TinyDB: ~10 ms of
start-up) is imported when a command first opens it, not with this module, so `--help`
and commands that never open one do not pay for it.
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
            from netui.core.sync.copies import merge_copies

            store = Store.open(self.db_path, settings=load_settings(), lazy=True)
            try:
                self.notices = merge_copies(store.database)
                if self.notices:
                    store.refresh()
            except BaseException:
                store.close()
                raise
            for notice in self.notices if self.print_notices else ():
                print(f"netui: {printable(notice)}", file=sys.stderr)  # once: copies moved
            self._store = store
        return self._store

    @property
    def today(self) -> date:
        return local_today()

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


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
