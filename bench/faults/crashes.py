"""A crash between the commit point (the journal is written) and the last rename: the next
open must finish the change whole.

`data_renames` counts the renames of a change; `check_crash_before_rename` dies before the k-th.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from bench.faults.helpers import D, RenameTrap, open_store, state, temp_files
from netui.core import fs
from netui.core.db.storage import JOURNAL
from netui.core.db.store import Store
from netui.core.model import Conversation


class Crash(BaseException):
    """The process dies here (BaseException: no `except Exception` may swallow it)."""


CHANGES: dict[str, Callable[[Store, dict[str, str]], object]] = {
    "log": lambda s, ids: s.log(
        Conversation(contact_id=ids["ann"], on=date(2026, 3, 20), note="after", id="conv-after")
    ),
    "stage": lambda s, ids: s.set_stage(ids["bob"], "coffee", D),
    "merge": lambda s, ids: s.merge(ids["ann"], ids["bob"]),
    "undo": lambda s, ids: s.undo(),
}


def copy_of(template: tuple[Path, dict[str, str]], where: Path) -> Path:
    shutil.copytree(template[0], where)
    return where


def state_at(root: Path) -> dict[str, object]:
    with open_store(root) as store:
        return state(store)


def after_change(template, where: Path, change) -> dict[str, object]:
    """The state the change leads to when nothing goes wrong."""
    root = copy_of(template, where)
    with open_store(root) as store:
        change(store, template[1])
    return state_at(root)


def data_renames(template, where: Path, change) -> int:
    """How many files the change's commit renames into place."""
    root = copy_of(template, where)
    counting = RenameTrap(None, crash)
    with pytest.MonkeyPatch.context() as patch, open_store(root) as store:
        patch.setattr(fs, "os", counting)
        change(store, template[1])
    return counting.renames


def check_crash_before_rename(template, where: Path, name: str, k: int, new: dict) -> None:
    """The writer dies just before the k-th rename of `name`: the next open must finish it."""
    root = copy_of(template, where)
    store = open_store(root)
    with pytest.MonkeyPatch.context() as patch, pytest.raises(Crash):
        patch.setattr(fs, "os", RenameTrap(k, crash))
        CHANGES[name](store, template[1])
    store.close()
    assert state_at(root) == new, f"{name}: crash before rename {k}"
    assert not (root / JOURNAL).exists() and not temp_files(root)


def crash() -> None:
    raise Crash
