"""A child process that writes through a Store and says so after each write returns.

    python -m bench.faults.writer sequence DB START    writes START, START+1, ... forever,
                                                       printing "ack N" after each
    python -m bench.faults.writer add DB PREFIX COUNT  waits for a line on stdin, then adds
                                                       COUNT contacts named "PREFIX i"
    python -m bench.faults.writer restage DB COUNT     waits, then moves every existing contact
                                                       to "called" while adding COUNT of its own
    python -m bench.faults.writer die-mid-log DB ID    waits, then logs a conversation with ID
                                                       and kills itself (-9) between two renames

Each prints "ready" once the store is open. The tests kill it or wait for it.
"""

from __future__ import annotations

import itertools
import os
import signal
import sys
from datetime import date

from bench.faults import ops
from bench.faults.helpers import RenameTrap
from netui.core import fs
from netui.core.config import Settings
from netui.core.db.store import Store
from netui.core.model import Contact, Conversation

DYING_ON = date(2026, 3, 20)


def main(argv: list[str]) -> None:
    mode, db = argv[0], argv[1]
    store = Store.open(db, settings=Settings())
    print("ready", flush=True)
    if mode == "sequence":
        for n in itertools.count(int(argv[2])):
            ops.apply(store, n)
            print(f"ack {n}", flush=True)
    sys.stdin.readline()
    if mode == "add":
        prefix, count = argv[2], int(argv[3])
        for i in range(count):
            store.add_contact(Contact(name=f"{prefix} {i}", met_on=date(2026, 1, 1)))
    elif mode == "restage":
        existing = [c.id for c in store.contacts(include_archived=True)]
        for i, contact_id in enumerate(existing):
            store.set_stage(contact_id, "called", date(2026, 2, 1))
            store.add_contact(Contact(name=f"Child {i}", met_on=date(2026, 1, 1)))
        for i in range(len(existing), int(argv[2])):
            store.add_contact(Contact(name=f"Child {i}", met_on=date(2026, 1, 1)))
    elif mode == "die-mid-log":
        fs.os = RenameTrap(2, lambda: os.kill(os.getpid(), signal.SIGKILL))
        store.log(Conversation(contact_id=argv[2], on=DYING_ON, note="dying", id="conv-dying"))
    print("done", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
