"""`netui add` warns of a likely duplicate (and still adds); ids by prefix; web pages shown."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from netui.core.dates import format_date
from netui.core.identity import lookalikes
from netui.core.model import Contact
from netui.tui.format import due_short


def test_add_warns_naming_the_likely_duplicate_and_still_adds(cli):
    _, first, _ = cli("add", "Daniel Hervás", "--company", "Reckon Digital")
    code, out, err = cli("add", "daniel hervas", "--email", "dan@x.example")
    assert code == 0 and len(out.strip()) == 32
    assert err == (
        f"netui: warning: looks like Daniel Hervás ({first.strip()[:8]}, Reckon Digital): "
        "same name; added anyway\n"
    )
    code, _, err = cli("add", "Dan H.", "--email", "DAN@x.example", "--quiet")
    assert code == 0 and err == ""
    _, out, _ = cli("list", "--json")
    assert len(json.loads(out)) == 3


def test_a_shared_phone_is_warned_about_too(cli):
    cli("add", "Ann Lee", "--phone", "(555) 010 0100")
    _, _, err = cli("add", "Bob Stone", "--phone", "555-010-0100")
    assert "looks like Ann Lee" in err and "same phone" in err


def test_lookalikes_rank_the_most_shared_first():
    ann = Contact(name="Ann Lee", emails=["ann@x.example"])
    namesake = Contact(name="ann lee")
    stranger = Contact(name="Bob Stone")
    found = lookalikes(Contact(name="Ann Lee", emails=["ANN@x.example"]), [namesake, ann, stranger])
    assert [(c.name, why) for c, why in found] == [
        ("Ann Lee", "same name; same email ANN@x.example"),
        ("ann lee", "same name"),
    ]


def test_show_and_log_take_an_id_prefix_of_six_and_show_web_pages(cli, db_path):
    from netui.core.db.store import Store

    with Store.open(db_path) as store:
        ann = store.add_contact(Contact(name="Ann Lee", urls=["https://ann.example"]))
        store.add_contact(Contact(name="Ann Lee"))
    code, out, err = cli("show", "Ann Lee")
    assert code == 1 and ann.id[:8] in err  # several share the name: listed with ids
    code, out, _ = cli("show", ann.id[:6])
    assert code == 0 and "  web: https://ann.example" in out
    code, _, _ = cli("log", ann.id[:6], "--note", "coffee chat")
    assert code == 0
    code, out, _ = cli("stage", ann.id[:6], "thanked")
    assert code == 0 and "met → thanked" in out
    _, out, _ = cli("show", ann.id[:6], "--json")
    assert json.loads(out)["urls"] == ["https://ann.example"]
    _, out, _ = cli("export", "-", "--format", "csv")
    assert out.splitlines()[0].endswith(",URLs") and "https://ann.example" in out


def test_queue_on_a_later_date_words_overdue_relative_to_that_date(cli, frozen_today):
    cli("add", "Ann Lee")  # met today: thank-you due tomorrow
    later = frozen_today + timedelta(days=8)
    _, out, _ = cli("queue", "--on", later.isoformat())
    first, line = out.splitlines()
    assert first == f"As of {format_date(later)}:"
    assert line.startswith("OVERDUE 1 week ago") and "in 1 week" not in line


@pytest.mark.parametrize(
    ("days", "shown"),
    [(0, "today"), (-3, "3d late"), (-99, "99d late"), (-2625, "7y late"), (-693, "99w late")],
)
def test_the_due_column_fits_eight_cells(days, shown):
    today = date(2026, 12, 1)
    text = due_short(today + timedelta(days=days), today)
    assert text == shown and len(text) <= 8
