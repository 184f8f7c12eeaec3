"""Two writers at once, and a store held open (as the TUI holds it) while another process writes."""

from __future__ import annotations

import subprocess
from datetime import date

import pytest

from bench.faults.helpers import collect, go, open_store, start_writer
from netui.core.model import Contact

EACH = 200


def finish(child: subprocess.Popen[str]) -> None:
    out, err = collect(child)
    assert child.returncode == 0, err
    assert out.strip() == "done", out


@pytest.mark.slow
def test_two_processes_adding_200_each_at_once_end_with_400(tmp_path):
    root = tmp_path / "db"
    open_store(root).close()
    writers = [start_writer("add", str(root), prefix, str(EACH)) for prefix in ("Left", "Right")]
    for child in writers:  # both are open and waiting: release them together
        go(child)
    for child in writers:
        finish(child)
    with open_store(root) as store:
        names = sorted(c.name for c in store.contacts())
    assert len(names) == 2 * EACH
    assert names == sorted(f"{p} {i}" for p in ("Left", "Right") for i in range(EACH))


def test_a_store_held_open_sees_another_process_and_loses_none_of_its_writes(tmp_path):
    root = tmp_path / "db"
    held = open_store(root)
    own = [held.add_contact(Contact(name=f"Held {i}", met_on=date(2026, 1, 1))) for i in range(40)]
    child = start_writer("restage", str(root), "120")
    go(child)
    # While the child moves every contact to "called", the held store archives them from its
    # own (soon stale) view and adds more: each write must land on top of the child's.
    for i, contact in enumerate(own):
        held.archive(contact.id)
        held.add_contact(Contact(name=f"Held more {i}", met_on=date(2026, 1, 1)))
    finish(child)

    held.refresh()
    seen = {c.id: c for c in held.contacts(include_archived=True)}
    assert len(seen) == 40 + 40 + 120
    for contact in own:
        assert seen[contact.id].archived, "the held store's archive was lost"
        assert seen[contact.id].stage.value == "called", "the other process's stage was lost"
    assert sum(c.name.startswith("Child ") for c in seen.values()) == 120
    with open_store(root) as fresh:
        assert {c.id: c.to_dict() for c in fresh.contacts(include_archived=True)} == {
            i: c.to_dict() for i, c in seen.items()
        }
    held.close()
