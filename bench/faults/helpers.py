"""What the fault checks share: a populated database, byte snapshots, a child-process writer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from netui.core.config import Settings
from netui.core.db.storage import JOURNAL, TMP_MARK
from netui.core.db.store import Store
from netui.core.model import Contact, Conversation, Referral

REPO = Path(__file__).resolve().parents[2]
D = date(2026, 3, 10)


def snapshot(root: Path) -> dict[str, bytes]:
    """Every data file's bytes, by relative path (the lock file's content is irrelevant, and
    `cache/` holds disposable copies derived from the sound files, such as the digest)."""
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.name != ".lock" and path.relative_to(root).parts[0] != "cache"
    }


def temp_files(root: Path) -> list[str]:
    return [str(p.relative_to(root)) for p in root.rglob(f"*{TMP_MARK}*")]


def open_store(root: Path, **kw) -> Store:
    return Store.open(root, settings=Settings(), **kw)


def populate(root: Path) -> dict[str, str]:
    """A database where every kind of file exists and has a good `.bak` (written twice).

    Returns the ids: ann, bob (referred by ann), and a referral and conversation id.
    """
    with open_store(root) as store:
        ann = store.add_contact(Contact(name="Ann Archer", met_on=D, tags=["law"]))
        bob = store.add_contact(Contact(name="Bob Baker", met_on=D, referred_by=ann.id))
        conv = store.log(Conversation(contact_id=ann.id, on=D, note="first coffee"))
        store.log(Conversation(contact_id=bob.id, on=D, note="sailing"))
        ref = store.add_referral(Referral(referrer_id=ann.id, referred_id=bob.id, on=D))
        store.update_referral(ref.id, note="will call ahead")
        store.set_stage(ann.id, "thanked", D)
        store.set_stage(bob.id, "thanked", D)
    return {"ann": ann.id, "bob": bob.id, "referral": ref.id, "conversation": conv.id}


def state(store: Store) -> dict[str, object]:
    """Everything a user could see, as plain data, for before/after comparisons."""
    store.refresh()
    return {
        "contacts": {c.id: c.to_dict() for c in store.contacts(include_archived=True)},
        "conversations": {c.id: c.to_dict() for c in store.all_conversations()},
        "referrals": {r.id: r.to_dict() for r in store.referrals()},
        "undo": store.undo_description,
        "undo log": undo_log(store.path),
    }


def undo_log(root: Path) -> list[str]:
    """Every undo entry's description, oldest first (what `u` would walk back through)."""
    path = root / "undo.json"
    entries = json.loads(path.read_bytes())["undo"] if path.exists() else {}
    return [entries[seq]["description"] for seq in sorted(entries)]


class RenameTrap:
    """`os` for fs.py (the one write path), calling `trap` just before the k-th rename of a
    data file into place (not a backup, not the journal): a crash between the commit point
    and the end."""

    def __init__(self, k: int | None, trap: Callable[[], None]) -> None:
        self.k, self.trap = k, trap
        self.renames = 0

    def __getattr__(self, name: str) -> object:
        return getattr(os, name)

    def replace(self, src, dst, **kw):
        if TMP_MARK in str(src) and not str(dst).endswith((".bak", JOURNAL)):
            self.renames += 1
            if self.renames == self.k:
                self.trap()
        return os.replace(src, dst, **kw)


def start_writer(*args: str) -> subprocess.Popen[str]:
    """Run `python -m bench.faults.writer ARGS` and wait for its "ready"."""
    child = subprocess.Popen(
        [sys.executable, "-m", "bench.faults.writer", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    assert child.stdout is not None
    ready = child.stdout.readline()
    if ready != "ready\n":
        child.kill()
        raise AssertionError(f"writer did not start: {ready!r} {child.communicate()[1]}")
    return child


def collect(child: subprocess.Popen[str], timeout: float = 120) -> tuple[str, str]:
    """The rest of a child's output once it ends (not `communicate()`: that reads the raw
    pipe and would lose lines `readline()` already buffered)."""
    assert child.stdin is not None and child.stdout is not None and child.stderr is not None
    child.stdin.close()
    child.wait(timeout)
    return child.stdout.read(), child.stderr.read()


def go(child: subprocess.Popen[str]) -> None:
    assert child.stdin is not None
    child.stdin.write("go\n")
    child.stdin.flush()
