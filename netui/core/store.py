"""The repository: every read and write of netui's data goes through a `Store`.

A database is a folder (see `storage.py` for the files). The store keeps the records in
memory, reloads what another process changed, and turns each change into one atomic,
durable, undoable transaction held under the folder's write lock.

Thread-safety: every public method takes an internal re-entrant lock, so a TUI worker
thread and the UI thread may share one store.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from netui.core.config import Settings, load_settings
from netui.core.model import (
    Contact,
    Conversation,
    Referral,
    Stage,
    StageStep,
    ValidationError,
    clean_name,
    utc_now,
)
from netui.core.rules import NextAction, QueueItem, next_action, queue
from netui.core.storage import Database, StorageError

__all__ = [
    "AmbiguousContact",
    "ContactNotFound",
    "Store",
    "StorageError",
    "UndoError",
    "fold",
]

UNDO_DEPTH = 50


class ContactNotFound(LookupError):
    """No contact matches what the user typed."""


class AmbiguousContact(LookupError):
    """Several contacts match; `matches` lists them so the user can pick by id."""

    def __init__(self, ref: str, matches: list[Contact]) -> None:
        self.matches = matches
        listed = "; ".join(f"{c.name} ({c.id[:8]})" for c in matches[:10])
        more = f" and {len(matches) - 10} more" if len(matches) > 10 else ""
        super().__init__(f"{ref!r} matches {len(matches)} contacts: {listed}{more}")


class UndoError(RuntimeError):
    """Nothing to undo, or the records changed since (another process edited them)."""


def fold(text: str) -> str:
    """Case- and accent-insensitive form of text, for matching what people type."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@dataclass(slots=True)
class Change:
    """One record's before and after in a transaction (None = absent)."""

    kind: str  # "contact" | "conversation" | "referral"
    id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(slots=True)
class Transaction:
    """What a write is about to change; filled by the mutation, committed by the store."""

    description: str
    changes: dict[tuple[str, str], Change] = field(default_factory=dict)
    undoable: bool = True
