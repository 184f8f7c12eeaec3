"""Snapshots of the main screen, the forms and the help, on the demo data and a frozen day.

Plain `def` tests: `snap_compare` runs the app itself. After a change that alters the look,
run `pytest tests/tui/test_snapshots.py --snapshot-update`, and look at the report first.
"""

from __future__ import annotations

from tests.tui.conftest import app_for, settle_then

SIZE = (100, 32)


def test_main_screen(snap_compare, demo_store):
    assert snap_compare(app_for(demo_store), terminal_size=SIZE, run_before=settle_then("j", "j"))


def test_main_screen_at_80x24(snap_compare, demo_store):
    assert snap_compare(app_for(demo_store), terminal_size=(80, 24), run_before=settle_then())


def test_welcome_on_an_empty_database(snap_compare, store, frozen_today):
    assert snap_compare(app_for(store), terminal_size=SIZE, run_before=settle_then())


def test_quick_capture_form(snap_compare, demo_store):
    keys = ("n", *"Dana Kim", "tab", *"Acme Law", "tab", *"Legal Tech Mixer")
    assert snap_compare(app_for(demo_store), terminal_size=SIZE, run_before=settle_then(*keys))


def test_quick_capture_warns_of_a_lookalike(snap_compare, demo_store):
    name = next(c.name for c in demo_store.contacts() if c.company)
    keys = ("n", *name.lower())
    assert snap_compare(app_for(demo_store), terminal_size=SIZE, run_before=settle_then(*keys))


def test_log_form(snap_compare, demo_store):
    keys = ("f", *"Priya", "enter", "l", *"Budget for next year", "enter", *"and hiring")
    assert snap_compare(app_for(demo_store), terminal_size=SIZE, run_before=settle_then(*keys))


def test_help_screen(snap_compare, demo_store):
    assert snap_compare(
        app_for(demo_store), terminal_size=SIZE, run_before=settle_then("question_mark")
    )
